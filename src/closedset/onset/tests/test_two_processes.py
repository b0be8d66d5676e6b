"""Two `closedset serve` processes joined by Redis: a PAUSE sent through one reaches the
coordinator's console on the other (issue 10: several app processes serve one set).

Both servers are started as a host would start them and share one SQLite file and a
redis-server of this test's own on a free port (the machine's shared Redis is never touched).
The data is seeded in a process of its own: the test's database lives in this process and no
server could see it. The console's socket never asks to catch up here, so the only way the
PAUSE can reach it is the channel layer, through Redis.

The helpers (environment, seed, servers, a private Redis) are also what bench/signal.py and
bench/signal_outage.py start their servers with.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
CLOSEDSET = [sys.executable, "-c", "from closedset.cli import run; run()"]
SESSION_COOKIE = "closedset-session"  # plain http on the loopback: no __Host- prefix
CSRF_COOKIE = "closedset-csrf"
# Starting Django and uvicorn takes a second or two; a loaded machine, longer.
START_SECONDS = 60.0
KEY = "two-process-pause-1"


# --- helpers, shared with bench/signal.py and bench/signal_outage.py --------------------------


def stop_cleanly_on_sigterm() -> None:
    """Stopped with SIGTERM, a benchmark leaves as for an error, so every server it started
    is stopped."""
    import signal as standard_signal

    def leave(number: int, frame: Any) -> None:
        raise SystemExit("stopped")

    standard_signal.signal(standard_signal.SIGTERM, leave)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(data_dir: Path, redis_url: str | None = None) -> dict[str, str]:
    """A server's environment in a folder of its own: secrets made here and shared by every
    process (a session signed in one is read by the others), plain http, no debug."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("CLOSEDSET_", "PYTEST", "DATABASE_URL", "SECRET_KEY", "DJANGO", "REDIS_URL")
        )
    }
    env.update(
        CLOSEDSET_DATA_DIR=str(data_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        CLOSEDSET_KEK=base64.b64encode(secrets.token_bytes(32)).decode(),
        CLOSEDSET_LOG_KEYS=base64.b64encode(secrets.token_bytes(32)).decode(),
        CLOSEDSET_ACADEMY_KEYS=base64.b64encode(secrets.token_bytes(32)).decode(),
        ALLOWED_HOSTS="127.0.0.1",
        # Development skips collecting static files at every start; DEBUG off as on a server.
        CLOSEDSET_DEV="1",
        DEBUG="0",
        CLOSEDSET_SECURE_COOKIES="0",
        LOG_LEVEL="WARNING",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def seed(env: dict[str, str], phones: int = 0) -> dict[str, Any]:
    """Tables, the personas, scene 12B started today by Ines, and signed-in sessions: Ines's
    (second factor verified), Mara's, and `phones` more of Jonas's. Runs in a process of its
    own on the servers' database."""
    done = subprocess.run(
        [*CLOSEDSET[:2], f"from {__name__} import seed_here; seed_here({int(phones)})"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError("seeding failed: " + done.stderr[-3000:])
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def seed_here(phones: int) -> None:
    """The seeding process: tables from the models (as the tests have them), then the world
    of the tests. Prints one line of JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "closedset.settings")
    from django.conf import settings

    class NoMigrations(dict[str, Any]):
        def __contains__(self, item: object) -> bool:
            return True

        def __getitem__(self, item: str) -> None:
            return None

    settings.MIGRATION_MODULES = NoMigrations()
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from closedset import conftest
    from closedset.compliance import services as compliance
    from closedset.compliance.tests.helpers import ready_scene
    from closedset.onset import services

    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
    world = conftest.World(**_world_parts())
    ready_scene(world)
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
    run = services.start(world.ines, world.scene)

    def cookie(user: Any) -> str:
        return str(conftest.verified_client(user).cookies[settings.SESSION_COOKIE_NAME].value)

    out = {
        "run": run.pk,
        "console": cookie(world.ines),
        "mara": [cookie(world.mara) for _ in range(4)],
        "phones": [cookie(world.jonas) for _ in range(phones)],
    }
    print(json.dumps(out))


def _world_parts() -> dict[str, Any]:
    """The `world` fixture's production and personas (closedset/conftest.py), made outside
    pytest."""
    from closedset import conftest

    # The fixture's body, called as pytest would: it asks for `db` only to get a database.
    make = conftest.world._get_wrapped_function()
    built = make(None)
    return dict(vars(built))


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [*CLOSEDSET, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_until_up(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("closedset serve stopped: " + log.read_text()[-3000:]) from None
            time.sleep(0.05)
    raise RuntimeError(f"closedset serve did not answer on port {port}")


def stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def servers(
    env: dict[str, str], count: int, logs: Path, pids: list[int] | None = None
) -> Iterator[list[int]]:
    """`count` servers on free ports, started together (their process ids added to `pids`);
    all stopped on the way out."""
    with ExitStack() as stack:
        started = []
        for n in range(count):
            port, log = free_port(), logs / f"serve-{n}.log"
            process = start_server(env, port, log)
            stack.callback(stop, process)
            started.append((port, process, log))
            if pids is not None:
                pids.append(process.pid)
        for port, process, log in started:
            wait_until_up(port, process, log)
        yield [port for port, _, _ in started]


def start_redis(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
        + ["no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_redis(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError("redis-server stopped at once")
        time.sleep(0.02)
    raise RuntimeError("redis-server did not answer")


@contextmanager
def private_redis() -> Iterator[tuple[str, int]]:
    """A redis-server of our own on a free port, nothing saved: (its URL, its port)."""
    port = free_port()
    process = start_redis(port)
    try:
        wait_for_redis(port, process)
        yield f"redis://127.0.0.1:{port}/0", port
    finally:
        stop(process)


def open_socket(port: int, run_id: int, cookie: str) -> Any:
    """A screen's socket, as a browser on that origin opens it with its session cookie."""
    from websockets.sync.client import connect

    return connect(
        f"ws://127.0.0.1:{port}/ws/onset/{run_id}/",
        origin=f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": f"{SESSION_COOKIE}={cookie}"},
        open_timeout=10,
    )


def next_of(conn: Any, kind: str, deadline: float) -> dict[str, Any]:
    """The socket's next message of `type` kind, reading past others, before the deadline."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no {kind!r} message in time")
        message = json.loads(conn.recv(timeout=left))
        if message.get("type") == kind:
            return dict(message)


# --- the test -----------------------------------------------------------------------------------


@pytest.mark.skipif(not os.access(REDIS_SERVER, os.X_OK), reason="needs redis-server")
def test_a_pause_sent_through_one_process_reaches_the_console_on_the_other(tmp_path):
    with private_redis() as (redis_url, _), ExitStack() as stack:
        env = environment(tmp_path, redis_url)
        seeded = seed(env)
        a, b = stack.enter_context(servers(env, 2, tmp_path))
        run_id = seeded["run"]
        console = stack.enter_context(open_socket(b, run_id, seeded["console"]))
        phone = stack.enter_context(open_socket(a, run_id, seeded["mara"][0]))

        phone.send(json.dumps({"action": "signal", "kind": "pause", "key": KEY}))
        deadline = time.monotonic() + 10
        stored = next_of(phone, "stored", deadline)
        seen = next_of(console, "signal", deadline)

        assert stored == {"type": "stored", "key": KEY, "seq": 1, "kind": "pause"}
        assert seen["seq"] == 1 and seen["kind"] == "pause" and seen["mine"] is False
        assert seen["sender_name"] == "Mara" and seen["acknowledged"] is False
        assert "sender" not in seen and "key" not in seen
