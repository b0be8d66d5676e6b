"""`closedset serve` in a subprocess, with its own data folder, for tests that need the real
server: uvicorn's logs, threads writing to one SQLite file, the ASGI body limit."""

from __future__ import annotations

import base64
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CLOSEDSET = [sys.executable, "-c", "from closedset.cli import run; run()"]

# Makes the people and the production of the `world` fixture that these tests need and prints
# a fresh API token for Ines (the coordinator) and the ids, one per line.
SEED = """
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from closedset.accounts.models import User
from closedset.accounts.services import create_api_token
from closedset.productions.models import Membership, Organisation, OrgMembership, Production, Scene

org = Organisation.objects.create(name="Northlight Films")
production = Production.objects.create(organisation=org, name="Harbour Lights", kind="adult")
scene = Scene.objects.create(production=production, number="12B", title="The boathouse")
for handle, role in (("ines", "coordinator"), ("mara", "performer")):
    user = User.objects.create(
        email=f"{handle}@example.org", display_name=handle, handle=handle,
        email_verified_at=timezone.now(),
    )
    OrgMembership.objects.create(user=user, organisation=org)
    Membership.objects.create(user=user, production=production, role=role)
    if handle == "ines":
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        _, token = create_api_token(user, "test", access="write", session_verified=True)
print(token)
print(production.pk)
print(scene.pk)
"""


# With `pytest --nomigrations` the server, like the suite, makes its tables from the models.
NO_MIGRATIONS_SETTINGS = """
from closedset.settings import *  # noqa: F403


class _NoMigrations(dict):
    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


MIGRATION_MODULES = _NoMigrations()
"""


def environment(data_dir: Path, migrations: bool = True) -> dict[str, str]:
    """A production-like environment of its own: no settings leak in from the test run."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CLOSEDSET_", "PYTEST", "DATABASE_URL", "SECRET_KEY", "DJANGO"))
    }
    env.update(
        CLOSEDSET_DATA_DIR=str(data_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        CLOSEDSET_KEK=base64.b64encode(secrets.token_bytes(32)).decode(),
        CLOSEDSET_LOG_KEYS=base64.b64encode(secrets.token_bytes(32)).decode(),
        CLOSEDSET_ACADEMY_KEYS=base64.b64encode(secrets.token_bytes(32)).decode(),
        # Development mode serves static files without collecting them and allows http.
        CLOSEDSET_DEV="1",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="INFO",
    )
    if not migrations:
        (data_dir / "nomigrations_settings.py").write_text(NO_MIGRATIONS_SETTINGS)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(data_dir), env.get("PYTHONPATH")]))
        env["DJANGO_SETTINGS_MODULE"] = "nomigrations_settings"
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        [*CLOSEDSET, *args], env=env, capture_output=True, text=True, timeout=180
    )


@dataclass
class Seeded:
    token: str
    production_id: int
    scene_id: int


def migrate_and_seed(env: dict[str, str]) -> Seeded:
    if "DJANGO_SETTINGS_MODULE" in env:
        migrated = run(env, "manage", "migrate", "--run-syncdb", "--verbosity", "0")
    else:
        migrated = run(env, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    seeded = run(env, "manage", "shell", "-c", SEED)
    assert seeded.returncode == 0, seeded.stderr
    token, production_id, scene_id = seeded.stdout.split()[-3:]
    return Seeded(token, int(production_id), int(scene_id))


@dataclass
class Server:
    base: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(env: dict[str, str], log: Path) -> Iterator[Server]:
    """Start `closedset serve`; its stdout and stderr go to `log`."""
    port = _free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own command
            [*CLOSEDSET, "serve", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(600):
                try:
                    urllib.request.urlopen(base + "/login/", timeout=2)  # noqa: S310
                    break
                except urllib.error.HTTPError:
                    break
                except OSError:  # not listening yet
                    if process.poll() is not None:
                        raise AssertionError(
                            "closedset serve stopped: " + log.read_text(errors="replace")
                        ) from None
                    time.sleep(0.1)
            else:
                raise AssertionError("closedset serve did not answer")
            yield Server(base, log)
        finally:
            process.terminate()
            process.wait(timeout=10)
