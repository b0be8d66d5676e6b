"""The web commands of `closedset`, run as a person would run them (in a subprocess)."""

from __future__ import annotations

import base64
import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

CLOSEDSET = [sys.executable, "-c", "from closedset.cli import run; run()"]


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CLOSEDSET_", "PYTEST", "DATABASE_URL", "SECRET_KEY", "DJANGO"))
    }
    base.update(
        CLOSEDSET_DATA_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(50),
        CLOSEDSET_KEKS=f"old:{_key()}",
        CLOSEDSET_LOG_KEYS=_key(),
        CLOSEDSET_ACADEMY_KEYS=_key(),
        ALLOWED_HOSTS="closedset.example.org",
    )
    return base


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        [*CLOSEDSET, *args], env=env, capture_output=True, text=True, timeout=120
    )


def _db(env: dict[str, str]) -> sqlite3.Connection:
    return sqlite3.connect(Path(env["CLOSEDSET_DATA_DIR"]) / "closedset.sqlite3")


def test_it_refuses_to_start_without_secrets(env):
    del env["SECRET_KEY"], env["CLOSEDSET_KEKS"]
    result = _run(env, "migrate")
    assert result.returncode == 2
    assert "will not start without SECRET_KEY and CLOSEDSET_KEK" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_key_is_named(env):
    env["CLOSEDSET_KEKS"] = "old:not-base64!"
    result = _run(env, "migrate")
    assert result.returncode == 2
    assert "CLOSEDSET_KEKS key 'old': not valid base64" in result.stderr


def test_secrets_can_come_from_files(env, tmp_path):
    (tmp_path / "secret").write_text(env.pop("SECRET_KEY"))
    env["SECRET_KEY_FILE"] = str(tmp_path / "secret")
    assert _run(env, "manage", "check").returncode == 0


def test_demo_is_idempotent_and_rotate_keys_rewraps_every_data_key(env):
    # One database for both, because migrating takes most of the time.
    assert _run(env, "migrate").returncode == 0
    refused = _run(env, "demo")
    assert refused.returncode == 2
    assert "for development only" in refused.stderr
    env["CLOSEDSET_DEV"] = "1"
    first = _run(env, "demo")
    second = _run(env, "demo")
    assert first.returncode == second.returncode == 0, first.stderr
    assert "ines@demo.closedset.invalid" in second.stdout
    assert "authenticator key" in second.stdout
    with _db(env) as db:
        # The production's six, and the academy's staff, two reviewers and a graduate.
        assert db.execute("select count(*) from accounts_user").fetchone() == (10,)
        assert db.execute("select count(*) from productions_membership").fetchone() == (6,)
        assert db.execute("select count(*) from productions_scene").fetchone() == (1,)
        assert db.execute("select count(*) from otp_totp_totpdevice").fetchone() == (7,)
        assert db.execute("select count(*) from certificates_certificate").fetchone() == (1,)
        assert db.execute("select count(*) from registry_listing").fetchone() == (1,)

    env["CLOSEDSET_KEKS"] = f"new:{_key()},{env['CLOSEDSET_KEKS']}"
    result = _run(env, "rotate-keys")
    assert result.returncode == 0, result.stderr
    assert "re-wrapped 10 data key(s)" in result.stdout
    with _db(env) as db:
        assert {row[0] for row in db.execute("select kek_id from accounts_user")} == {"new"}
    # The old key can now be removed; the demo still runs (it opens every data key).
    env["CLOSEDSET_KEKS"] = env["CLOSEDSET_KEKS"].split(",")[0]
    assert "re-wrapped 0" in _run(env, "rotate-keys").stdout
    assert _run(env, "demo").returncode == 0


def test_deploy_check_is_clean_with_production_settings(env):
    result = _run(env, "manage", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_serve_answers_pages_and_static_files(env, tmp_path):
    import socket
    import time
    import urllib.error
    import urllib.request

    env["CLOSEDSET_DEV"] = "1"
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    assert _run(env, "migrate").returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - our own command
        [*CLOSEDSET, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                page = urllib.request.urlopen(base + "/login/", timeout=2)  # noqa: S310
                break
            except urllib.error.HTTPError:
                raise
            except OSError:  # not listening yet
                time.sleep(0.1)
        else:
            raise AssertionError("closedset serve did not answer")
        assert page.status == 200
        assert "Content-Security-Policy" in page.headers
        script = urllib.request.urlopen(base + "/static/closedset/htmx.min.js", timeout=5)  # noqa: S310
        assert script.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
