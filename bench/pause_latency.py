"""PAUSE to console: how long a performer's PAUSE takes to reach the coordinator's console with
1,000 screens connected, beside a bare consumer on the same stack.

Reproduce from the repository root (needs /usr/bin/redis-server for the two-process part):

    .venv/bin/python bench/signal.py   # options: --clients 1000 --samples 200 --gap 0.5 --broad

Two set-ups, each run against its baseline in interleaved rounds (so a busy moment on a shared
machine falls on both alike):

- one process: `closedset serve` with the in-memory channel layer;
- two processes joined by Redis (a redis-server of the bench's own on a free port, never the
  machine's shared one): the performer's socket on the first, the console on the second.

In each, `--clients` sockets are open to the application: the coordinator's console, four of
Mara's phones (the senders, taking turns so no socket reaches its rate limit) and Jonas's
phones for the rest, all in the run's group, so every PAUSE is handed to every socket (the
worst case: a whole server's screens on one set). A PAUSE is timed from the moment the phone
sends it on its socket to the moment the console's socket has it; the server stores it in the
database (SQLite, WAL) before it broadcasts it.

The baseline is a bare consumer (below, served by uvicorn from this script on the same Django,
Channels, uvicorn and channel layer, no authentication, no database) with the same number of
sockets in one group: "relay" sends a message from a sender's socket through the group to the
console's socket, the same path as a PAUSE without the application's work; "echo" sends it
straight back on the sender's own socket.

Goal: the PAUSE's p99 within 2x the baseline's (relay) and under 50 ms. Exits 1 when missed,
2 when the run itself fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SENDERS = 4
# Between samples, so each is timed on a server that has finished the last one (a PAUSE is
# handed to every socket in the run); four senders also stay under a socket's rate limit.
GAP = 0.5
TIMEOUT = 10.0  # a sample not seen by then is counted lost
GOAL_MS = 50.0
GOAL_RATIO = 2.0


# --- the bare consumer, served by uvicorn from this script -------------------------------------


def serve_bare(port: int, narrow: bool) -> None:
    """The baseline server: one group, no authentication, no database. `narrow`: only the
    console and the senders join the group (the others stay connected), as if a message went
    only to the screens that show it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closedset.settings")
    import django

    django.setup()
    import uvicorn
    from channels.generic.websocket import AsyncWebsocketConsumer
    from channels.routing import ProtocolTypeRouter, URLRouter
    from django.urls import path

    class Bare(AsyncWebsocketConsumer):  # type: ignore[misc]
        group = "bench-bare"

        async def connect(self) -> None:
            query = self.scope.get("query_string", b"")
            self.console = b"console" in query
            if not narrow or self.console or b"sender" in query:
                await self.channel_layer.group_add(self.group, self.channel_name)
            await self.accept()

        async def disconnect(self, code: int) -> None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

        async def receive(self, text_data: str | None = None, bytes_data: Any = None) -> None:
            content = json.loads(text_data or "{}")  # parsed, as the application parses
            if content.get("action") == "echo":
                await self.send(text_data=text_data)
            else:
                await self.channel_layer.group_send(
                    self.group, {"type": "bench.relay", "text": text_data}
                )

        async def bench_relay(self, event: dict[str, Any]) -> None:
            if self.console:
                await self.send(text_data=event["text"])

    application = ProtocolTypeRouter({"websocket": URLRouter([path("ws/bare/", Bare.as_asgi())])})
    # As `closedset serve` runs the application (closedset/webcli.py), quieter.
    uvicorn.run(application, host="127.0.0.1", port=port, lifespan="off", log_level="warning")


@contextmanager
def bare_servers(
    env: dict[str, str], count: int, logs: Path, pids: list[int], narrow: bool = False
) -> Iterator[list[int]]:
    from closedset.onset.tests.test_two_processes import free_port, stop

    with ExitStack() as stack:
        started = []
        for n in range(count):
            port, log = free_port(), logs / f"bare-{n}.log"
            with log.open("ab") as out:
                process = subprocess.Popen(
                    [sys.executable, __file__, "--serve-bare", str(port)]
                    + ([] if narrow else ["--broad"]),
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            stack.callback(stop, process)
            started.append((port, process, log))
            pids.append(process.pid)
        for port, process, log in started:
            _wait_for_port(port, process, log)
        yield [port for port, _, _ in started]


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None:
                raise SystemExit("bare server stopped: " + log.read_text()[-2000:]) from None
            time.sleep(0.05)
    raise SystemExit(f"bare server did not answer on port {port}")


# --- the clients --------------------------------------------------------------------------------


@dataclass
class Stack:
    """The sockets open to one stack, and what their readers have seen."""

    name: str
    console: Any = None
    senders: list[Any] = field(default_factory=list)
    others: list[Any] = field(default_factory=list)
    seen: dict[Any, asyncio.Future[float]] = field(default_factory=dict)
    stored: dict[str, asyncio.Future[int]] = field(default_factory=dict)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def arrival(self, ident: Any) -> asyncio.Future[float]:
        if ident not in self.seen:
            self.seen[ident] = asyncio.get_running_loop().create_future()
        return self.seen[ident]

    def stored_seq(self, key: str) -> asyncio.Future[int]:
        if key not in self.stored:
            self.stored[key] = asyncio.get_running_loop().create_future()
        return self.stored[key]

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        sockets = [self.console, *self.senders, *self.others]
        await asyncio.gather(*(s.close() for s in sockets if s is not None), return_exceptions=True)


async def _connect(url: str, origin: str, cookie: str | None, gate: asyncio.Semaphore) -> Any:
    from websockets.asyncio.client import connect

    from closedset.onset.tests.test_two_processes import SESSION_COOKIE

    headers = {"Cookie": f"{SESSION_COOKIE}={cookie}"} if cookie else None
    async with gate:  # a few handshakes at a time, as screens arrive over a morning
        return await connect(
            url,
            origin=origin or None,  # type: ignore[arg-type]
            additional_headers=headers,
            open_timeout=60,
            ping_interval=None,  # the server pings; the socket answers by itself
            max_queue=None,
        )


def _spread(ports: list[int], n: int) -> int:
    return ports[n % len(ports)]


async def open_app(seeded: dict[str, Any], ports: list[int], clients: int) -> Stack:
    """The console on the last process, the senders on the first, the phones spread."""
    run_id, gate = seeded["run"], asyncio.Semaphore(16)
    stack = Stack("closedset")

    def at(port: int, cookie: str) -> Any:
        return _connect(
            f"ws://127.0.0.1:{port}/ws/onset/{run_id}/", f"http://127.0.0.1:{port}", cookie, gate
        )

    stack.console = await at(ports[-1], seeded["console"])
    stack.senders = [await at(ports[0], cookie) for cookie in seeded["mara"][:SENDERS]]
    phones = seeded["phones"][: clients - 1 - SENDERS]
    stack.others = list(
        await asyncio.gather(*(at(_spread(ports, n), c) for n, c in enumerate(phones)))
    )

    async def console_reader() -> None:
        async for raw in stack.console:
            message = json.loads(raw)
            if message.get("type") == "signal" and not message.get("acknowledged"):
                future = stack.arrival(message["seq"])
                if not future.done():
                    future.set_result(time.perf_counter())

    async def sender_reader(conn: Any) -> None:
        async for raw in conn:
            message = json.loads(raw)
            if message.get("type") == "stored":
                future = stack.stored_seq(message["key"])
                if not future.done():
                    future.set_result(int(message["seq"]))
            elif message.get("type") == "error":
                print(f"  the server refused a signal: {message.get('message')}", file=sys.stderr)

    stack.tasks = [asyncio.create_task(console_reader())]
    stack.tasks += [asyncio.create_task(sender_reader(conn)) for conn in stack.senders]
    return stack


async def open_bare(ports: list[int], clients: int) -> Stack:
    gate = asyncio.Semaphore(16)
    stack = Stack("bare")

    def at(port: int, query: str = "") -> Any:
        return _connect(f"ws://127.0.0.1:{port}/ws/bare/{query}", "", None, gate)

    stack.console = await at(ports[-1], "?console=1")
    stack.senders = [await at(ports[0], "?sender=1") for _ in range(SENDERS)]
    rest = clients - 1 - SENDERS
    stack.others = list(await asyncio.gather(*(at(_spread(ports, n)) for n in range(rest))))

    async def reader(conn: Any) -> None:
        async for raw in conn:
            message = json.loads(raw)
            future = stack.arrival((message["action"], message["n"]))
            if not future.done():
                future.set_result(time.perf_counter())

    stack.tasks = [asyncio.create_task(reader(c)) for c in [stack.console, *stack.senders]]
    return stack


async def pause_once(stack: Stack, n: int) -> float | None:
    """One PAUSE from a phone to the console, in milliseconds (None: never arrived)."""
    key = f"bench-{uuid.uuid4().hex}"
    sender = stack.senders[n % len(stack.senders)]
    began = time.perf_counter()
    await sender.send(json.dumps({"action": "signal", "kind": "pause", "key": key}))
    try:
        seq = await asyncio.wait_for(stack.stored_seq(key), TIMEOUT)
        arrived = await asyncio.wait_for(stack.arrival(seq), TIMEOUT)
    except TimeoutError:
        return None
    return (arrived - began) * 1000


async def bare_once(stack: Stack, n: int, action: str) -> float | None:
    sender = stack.senders[n % len(stack.senders)]
    began = time.perf_counter()
    await sender.send(json.dumps({"action": action, "n": n}))
    try:
        arrived = await asyncio.wait_for(stack.arrival((action, n)), TIMEOUT)
    except TimeoutError:
        return None
    return (arrived - began) * 1000


def cpu_seconds(pids: list[int]) -> float:
    """Processor time (user and system) the processes have used so far."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Figures:
    name: str
    times: list[float] = field(default_factory=list)
    lost: int = 0
    cpu: float = 0.0  # the servers' processor time while these were sent

    def add(self, value: float | None) -> None:
        if value is None:
            self.lost += 1
        else:
            self.times.append(value)

    def pct(self, p: float) -> float:
        ordered = sorted(self.times)
        if not ordered:
            return float("nan")
        rank = max(1, -(-len(ordered) * p // 100))  # nearest rank
        return ordered[int(rank) - 1]


async def measure(
    seeded: dict[str, Any],
    app: tuple[list[int], list[int]],
    bare: tuple[list[int], list[int]],
    args: Any,
) -> dict[str, Figures]:
    """(ports, process ids) of each stack's servers -> the figures of each kind."""
    (app_ports, app_pids), (bare_ports, bare_pids) = app, bare
    began = time.monotonic()
    app_stack = await open_app(seeded, app_ports, args.clients)
    bare_stack = await open_bare(bare_ports, args.clients)
    opened = 1 + len(app_stack.senders) + len(app_stack.others)
    print(
        f"  {opened} sockets open to closedset, {args.clients} to the bare consumer "
        f"({time.monotonic() - began:.1f} s)"
    )
    figures = {name: Figures(name) for name in ("pause", "relay", "echo")}
    try:
        n = 0
        for _ in range(args.warmup):  # first requests warm caches and the thread pool
            n += 1
            await pause_once(app_stack, n)
            await bare_once(bare_stack, n, "relay")
            await bare_once(bare_stack, n, "echo")
            await asyncio.sleep(args.gap)
        per_round = max(1, args.samples // args.rounds)
        for number in range(args.rounds):
            for name in ("pause", "relay", "echo"):
                pids = app_pids if name == "pause" else bare_pids
                before = cpu_seconds(pids)
                for _ in range(per_round):
                    n += 1
                    if name == "pause":
                        figures[name].add(await pause_once(app_stack, n))
                    else:
                        figures[name].add(await bare_once(bare_stack, n, name))
                    await asyncio.sleep(args.gap)
                figures[name].cpu += cpu_seconds(pids) - before
            print(f"  round {number + 1} of {args.rounds} done", flush=True)
    finally:
        await app_stack.close()
        await bare_stack.close()
    return figures


# --- the run ------------------------------------------------------------------------------------


def raise_open_files(clients: int) -> int:
    """Each socket is a descriptor in this process and one in a server; two stacks at once."""
    needed = 4 * clients + 512
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            raise SystemExit(f"signal: the open-files limit is {hard}; {needed} are needed")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
        soft = needed
    return soft


def report(setup: str, figures: dict[str, Figures]) -> bool:
    pause, relay, echo = figures["pause"], figures["relay"], figures["echo"]
    print(f"\n{setup}")
    print(
        f"  {'':<6} {'n':>5} {'lost':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        f" {'server CPU ms/msg':>18}"
    )
    for f in (pause, relay, echo):
        each = f.cpu * 1000 / max(1, len(f.times) + f.lost)
        print(
            f"  {f.name:<6} {len(f.times):>5} {f.lost:>5} "
            f"{f.pct(50):>8.2f} {f.pct(95):>8.2f} {f.pct(99):>8.2f} {each:>18.1f}"
        )
    ratio = pause.pct(99) / relay.pct(99)
    met = pause.lost == 0 and ratio <= GOAL_RATIO and pause.pct(99) < GOAL_MS
    print(
        f"  pause p99 / relay p99 = {ratio:.2f} (goal <= {GOAL_RATIO}), "
        f"/ echo p99 = {pause.pct(99) / echo.pct(99):.2f}; "
        f"pause p99 {pause.pct(99):.1f} ms (goal < {GOAL_MS:.0f}): " + ("met" if met else "NOT met")
    )
    return met


def bench(args: Any) -> bool:
    # The servers' environment, seeding and start-up are the two-process test's.
    from closedset.onset.tests.test_two_processes import (
        environment,
        private_redis,
        seed,
        servers,
    )

    limit = raise_open_files(args.clients)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()},"
        f" load {os.getloadavg()[0]:.1f}; open files {limit}; {args.clients} clients"
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="closedset-signal-") as folder:
        data = Path(folder)
        logs = args.logs or data
        logs.mkdir(parents=True, exist_ok=True)
        env = environment(data)
        began = time.monotonic()
        seeded = seed(env, phones=args.clients)
        took = time.monotonic() - began
        print(f"seeded a started run and {args.clients + 5} sessions in {took:.1f} s")

        if args.only in (None, "one"):
            print("one process, in-memory channel layer")
            app_pids: list[int] = []
            bare_pids: list[int] = []
            with (
                servers(env, 1, logs, app_pids) as app_ports,
                bare_servers(env, 1, logs, bare_pids, args.narrow) as bare_ports,
            ):
                figures = asyncio.run(
                    measure(seeded, (app_ports, app_pids), (bare_ports, bare_pids), args)
                )
            results.append(report("one process, in-memory layer", figures))
        if args.only == "one":
            return all(results)
        print("two processes joined by Redis")
        with private_redis() as (redis_url, _):
            # redis-py 8 gives up on a read after 5 s by default, while channels_redis blocks
            # for 5 s waiting for messages: idle sockets would be closed (see
            # docs/benchmarks.md). The app's settings give it a longer read timeout; the
            # bare baseline gets the same in its URL.
            env_app = {**env, "REDIS_URL": redis_url}
            env_redis = {**env, "REDIS_URL": redis_url + "?socket_timeout=15"}
            app_pids, bare_pids = [], []
            with (
                servers(env_app, 2, logs, app_pids) as app_ports,
                bare_servers(env_redis, 2, logs, bare_pids, args.narrow) as bare_ports,
            ):
                figures = asyncio.run(
                    measure(seeded, (app_ports, app_pids), (bare_ports, bare_pids), args)
                )
        results.append(report("two processes, Redis layer", figures))
    return all(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000, help="sockets open to each stack")
    parser.add_argument("--samples", type=int, default=200, help="timed messages per kind")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--warmup", type=int, default=10, help="untimed messages first")
    parser.add_argument("--gap", type=float, default=GAP, help="seconds between messages")
    parser.add_argument("--only", choices=["one", "two"], help="one set-up only")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs in this folder")
    parser.add_argument(
        "--broad",
        dest="narrow",
        action="store_false",
        help="the baseline relays to every socket of the set (by default only to the console "
        "and the sender, as the app does)",
    )
    parser.add_argument("--serve-bare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        serve_bare(args.serve_bare, args.narrow)
        return 0
    if args.clients < SENDERS + 2:
        parser.error(f"--clients must be at least {SENDERS + 2}")
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    from closedset.onset.tests.test_two_processes import stop_cleanly_on_sigterm

    stop_cleanly_on_sigterm()
    try:
        met = bench(args)
    except (SystemExit, RuntimeError) as error:
        print(f"signal: {error}", file=sys.stderr)
        return 2
    print("\nGoal met in every set-up." if met else "\nGoal NOT met (see above).")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
