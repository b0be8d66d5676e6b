"""Redis stopped mid-scene: every PAUSE pressed meanwhile still reaches the console, through
the database, within 5 s, and none is lost or stored twice.

Reproduce from the repository root (needs /usr/bin/redis-server):

    .venv/bin/python bench/signal_outage.py   # options: --before 10 --during 20 --after 10

Two `closedset serve` processes share one SQLite file and a redis-server of the bench's own
(a free port, nothing saved; the machine's shared Redis is never touched). Mara's phone is on
the first, Ines's console on the second, each behaving as its page does (onset/static/onset):

- the phone sends each press on its socket when it has one, else POSTs it to `signals/`, and
  sends it again with the same key every second until the server answers with the stored
  signal (its outbox); a closed socket is reopened after 5 s;
- the console keeps a socket (reopened 5 s after it closes) and polls `signals/?after=<seq>`
  every 2 s whatever the socket does.

Mara presses PAUSE every `--every` seconds. After `--before` seconds the redis-server is
stopped; after `--during` more it is started again on the same port; presses go on for
`--after` seconds. Goal: every press is on the console within 5 s, each stored once.
Exits 1 when missed, 2 when the run itself fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from closedset.onset.tests.test_two_processes import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    environment,
    free_port,
    seed,
    servers,
    start_redis,
    stop,
    wait_for_redis,
)

GOAL_SECONDS = 5.0
RETRY = 1.0  # the phone sends an unconfirmed press again after this long
POLL = 2.0  # the console's polling (console.js)
REOPEN = 5.0  # a closed socket is reopened after this long (console.js, phone.js)


@dataclass
class Press:
    key: str
    at: float  # when Mara pressed (monotonic)
    phase: str  # before, during or after the outage
    seq: int | None = None
    stored_via: str = ""
    tries: int = 0


@dataclass
class Console:
    seen: dict[int, float] = field(default_factory=dict)  # seq -> first time on the console
    via: dict[int, str] = field(default_factory=dict)
    repeats: int = 0  # a seq shown again (the console keeps it once)
    last: int = 0

    def show(self, seq: int, path: str) -> None:
        if seq in self.seen:
            self.repeats += 1
            return
        self.seen[seq] = time.monotonic()
        self.via[seq] = path
        self.last = max(self.last, seq)


def _http(url: str, cookie: str, data: dict[str, Any] | None = None) -> tuple[int, Any]:
    """GET, or POST JSON with the CSRF cookie and header a page would send."""
    token = secrets.token_hex(16)  # a CSRF secret of 32 characters, as Django makes
    headers = {"Cookie": f"{SESSION_COOKIE}={cookie}; {CSRF_COOKIE}={token}"}
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers |= {"Content-Type": "application/json", "X-CSRFToken": token}
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None
    except OSError:
        return 0, None


async def _open(port: int, run_id: int, cookie: str, query: str = "") -> Any:
    from websockets.asyncio.client import connect

    return await connect(
        f"ws://127.0.0.1:{port}/ws/onset/{run_id}/{query}",
        origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
        additional_headers={"Cookie": f"{SESSION_COOKIE}={cookie}"},
        open_timeout=5,
    )


class Run:
    def __init__(self, seeded: dict[str, Any], phone_port: int, console_port: int) -> None:
        self.run_id = int(seeded["run"])
        self.mara, self.ines = seeded["mara"][0], seeded["console"]
        self.phone_port, self.console_port = phone_port, console_port
        self.console = Console()
        self.presses: list[Press] = []
        self.phone_socket: Any = None
        self.stored: dict[str, asyncio.Future[int]] = {}
        self.closed = 0  # sockets that closed under a screen
        self.post_errors: dict[int, int] = {}
        self.done = False

    # --- the console ------------------------------------------------------------------------

    async def console_socket(self) -> None:
        while not self.done:
            try:
                conn = await _open(
                    self.console_port, self.run_id, self.ines, f"?after={self.console.last}"
                )
            except Exception:  # noqa: BLE001 - refused while Redis is down: try again
                await asyncio.sleep(REOPEN)
                continue
            try:
                async for raw in conn:
                    message = json.loads(raw)
                    if message.get("type") == "signal" and not message.get("acknowledged"):
                        self.console.show(int(message["seq"]), "socket")
                    elif message.get("type") == "signals":
                        for item in message["signals"]:
                            self.console.show(int(item["seq"]), "socket catch-up")
            except Exception:  # noqa: BLE001, S110 - closed under us; reopened below
                pass
            if not self.done:
                self.closed += 1
                await asyncio.sleep(REOPEN)

    async def console_polling(self) -> None:
        url = f"http://127.0.0.1:{self.console_port}/onset/runs/{self.run_id}/signals/"
        while not self.done:
            status, body = await asyncio.to_thread(
                _http, f"{url}?after={self.console.last}", self.ines
            )
            if status == 200:
                for item in body["signals"]:
                    self.console.show(int(item["seq"]), "polling")
            await asyncio.sleep(POLL)

    # --- the phone ----------------------------------------------------------------------------

    async def phone(self) -> None:
        while not self.done:
            try:
                conn = await _open(self.phone_port, self.run_id, self.mara)
            except Exception:  # noqa: BLE001 - refused while Redis is down: try again
                await asyncio.sleep(REOPEN)
                continue
            self.phone_socket = conn
            try:
                async for raw in conn:
                    message = json.loads(raw)
                    if message.get("type") == "stored":
                        future = self.stored.get(message["key"])
                        if future is not None and not future.done():
                            future.set_result(int(message["seq"]))
            except Exception:  # noqa: BLE001, S110 - closed under us; reopened below
                pass
            self.phone_socket = None
            if not self.done:
                self.closed += 1
                await asyncio.sleep(REOPEN)

    async def press(self, phase: str) -> None:
        """One PAUSE, sent until the server has stored it (the outbox)."""
        press = Press(f"outage-{uuid.uuid4().hex}", time.monotonic(), phase)
        self.presses.append(press)
        url = f"http://127.0.0.1:{self.phone_port}/onset/runs/{self.run_id}/signals/"
        while press.seq is None:
            press.tries += 1
            conn = self.phone_socket
            if conn is not None:
                future = self.stored.setdefault(
                    press.key, asyncio.get_running_loop().create_future()
                )
                try:
                    message = {"action": "signal", "kind": "pause", "key": press.key}
                    await conn.send(json.dumps(message))
                    press.seq = await asyncio.wait_for(asyncio.shield(future), RETRY)
                    press.stored_via = "socket"
                    break
                except Exception:  # noqa: BLE001, S110 - not confirmed: the page's POST
                    pass
            status, body = await asyncio.to_thread(
                _http, url, self.mara, {"kind": "pause", "key": press.key}
            )
            if status == 201:
                press.seq, press.stored_via = int(body["seq"]), "POST"
                break
            self.post_errors[status] = self.post_errors.get(status, 0) + 1
            await asyncio.sleep(RETRY)


async def scene(run: Run, redis: dict[str, Any], args: Any) -> None:
    tasks = [
        asyncio.create_task(run.console_socket()),
        asyncio.create_task(run.console_polling()),
        asyncio.create_task(run.phone()),
    ]
    await asyncio.sleep(1.0)  # both screens open
    began = time.monotonic()
    pressing: list[asyncio.Task[None]] = []
    outage = (args.before, args.before + args.during)
    phase = "before"
    while (elapsed := time.monotonic() - began) < args.before + args.during + args.after:
        if phase == "before" and elapsed >= outage[0]:
            phase = "during"
            stop(redis["process"])
            print(f"  {elapsed:5.1f} s: redis-server stopped", flush=True)
        elif phase == "during" and elapsed >= outage[1]:
            phase = "after"
            redis["process"] = start_redis(redis["port"])
            await asyncio.to_thread(wait_for_redis, redis["port"], redis["process"])
            print(f"  {time.monotonic() - began:5.1f} s: redis-server started again", flush=True)
        pressing.append(asyncio.create_task(run.press(phase)))
        await asyncio.sleep(args.every)
    await asyncio.gather(*pressing)
    # Everything stored; give the console its goal's time to show the last ones.
    deadline = time.monotonic() + GOAL_SECONDS + POLL
    while time.monotonic() < deadline and any(p.seq not in run.console.seen for p in run.presses):
        await asyncio.sleep(0.1)
    run.done = True
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    if run.phone_socket is not None:
        await run.phone_socket.close()


def stored_keys(run: Run) -> list[str]:
    """Every signal of Mara's the database holds, as her phone reads them (with their keys)."""
    url = f"http://127.0.0.1:{run.phone_port}/onset/runs/{run.run_id}/signals/?after=0"
    status, body = _http(url, run.mara)
    if status != 200:
        raise RuntimeError(f"could not read the stored signals ({status})")
    return [item["key"] for item in body["signals"]]


def report(run: Run, keys: list[str]) -> bool:
    ours = {p.key for p in run.presses}
    doubled = len(keys) - len(set(keys))
    strangers = len(set(keys) - ours)
    print(
        f"\n{'phase':<7} {'presses':>7} {'stored':>6} {'on console':>10} {'lost':>4} "
        f"{'late':>4} {'p50 s':>6} {'max s':>6}  how they reached the console"
    )
    met = doubled == 0 and strangers == 0
    for phase in ("before", "during", "after", "all"):
        group = [p for p in run.presses if phase in (p.phase, "all")]
        shown = [p for p in group if p.seq is not None and p.seq in run.console.seen]
        waits = [run.console.seen[p.seq] - p.at for p in shown if p.seq is not None]
        late = sum(1 for w in waits if w > GOAL_SECONDS)
        lost = len(group) - len(shown)
        paths: dict[str, int] = {}
        for p in shown:
            path = run.console.via[p.seq] if p.seq is not None else ""
            paths[path] = paths.get(path, 0) + 1
        stored = sum(1 for p in group if p.key in set(keys))
        met = met and lost == 0 and late == 0
        print(
            f"{phase:<7} {len(group):>7} {stored:>6} {len(shown):>10} {lost:>4} {late:>4} "
            f"{statistics.median(waits) if waits else float('nan'):>6.2f} "
            f"{max(waits) if waits else float('nan'):>6.2f}  "
            + ", ".join(f"{n} by {path}" for path, n in sorted(paths.items()))
        )
    stored_by = {}
    for p in run.presses:
        stored_by[p.stored_via] = stored_by.get(p.stored_via, 0) + 1
    print(
        f"\nstored: {len(keys)} signals for {len(ours)} presses, {doubled} stored twice; "
        f"sent by "
        + ", ".join(f"{n} {how}" for how, n in sorted(stored_by.items()))
        + f"; {sum(p.tries for p in run.presses) - len(run.presses)} retries"
    )
    print(
        f"refused POSTs while retrying: {dict(sorted(run.post_errors.items())) or 'none'}; "
        f"sockets closed under a screen: {run.closed}; "
        f"the console saw a signal again {run.console.repeats} times (shown once)"
    )
    return met


def bench(args: Any) -> bool:
    with tempfile.TemporaryDirectory(prefix="closedset-outage-") as folder:
        data = Path(folder)
        redis: dict[str, Any] = {"port": free_port()}
        redis["process"] = start_redis(redis["port"])
        try:
            wait_for_redis(redis["port"], redis["process"])
            env = environment(data, f"redis://127.0.0.1:{redis['port']}/0")
            seeded = seed(env)
            with servers(env, 2, data) as (a, b):
                print(
                    f"two processes (phone on :{a}, console on :{b}), Redis on "
                    f":{redis['port']}; a PAUSE every {args.every} s; Redis down from "
                    f"{args.before} s to {args.before + args.during} s",
                    flush=True,
                )
                run = Run(seeded, a, b)
                asyncio.run(scene(run, redis, args))
                keys = stored_keys(run)
            return report(run, keys)
        finally:
            stop(redis["process"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=float, default=10, help="seconds before the outage")
    parser.add_argument("--during", type=float, default=20, help="seconds Redis is down")
    parser.add_argument("--after", type=float, default=10, help="seconds after it is back")
    parser.add_argument("--every", type=float, default=0.5, help="seconds between presses")
    args = parser.parse_args(argv)
    from closedset.onset.tests.test_two_processes import stop_cleanly_on_sigterm

    stop_cleanly_on_sigterm()
    try:
        met = bench(args)
    except (SystemExit, RuntimeError) as error:
        print(f"signal_outage: {error}", file=sys.stderr)
        return 2
    print(
        "\nGoal met: every press on the console within 5 s, none lost or stored twice."
        if met
        else "\nGoal NOT met (see above)."
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
