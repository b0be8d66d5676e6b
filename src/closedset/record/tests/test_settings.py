"""The log keys from the environment: refused when missing in production, never printed."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys

PRINT = "import closedset.settings as s; print(len(s.CLOSEDSET_LOG_KEYS), s.CLOSEDSET_LOG_HOST)"


def _env(tmp_path, **extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CLOSEDSET_", "PYTEST", "DATABASE_URL", "SECRET_KEY", "DJANGO"))
    }
    env.update(
        CLOSEDSET_DATA_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(50),
        CLOSEDSET_KEK=base64.b64encode(secrets.token_bytes(32)).decode(),
        CLOSEDSET_ACADEMY_KEYS=base64.b64encode(secrets.token_bytes(32)).decode(),
        **extra,
    )
    return env


def _settings(env):
    return subprocess.run(
        [sys.executable, "-c", PRINT], env=env, capture_output=True, text=True, timeout=60
    )


def _seed() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def test_production_refuses_to_start_without_log_keys(tmp_path):
    result = _settings(_env(tmp_path))
    assert result.returncode != 0
    assert "will not start without CLOSEDSET_LOG_KEYS" in result.stderr


def test_keys_and_host_come_from_the_environment(tmp_path):
    env = _env(
        tmp_path, CLOSEDSET_LOG_KEYS=f"{_seed()}, {_seed()}", CLOSEDSET_LOG_HOST="cs.example"
    )
    result = _settings(env)
    assert result.stdout.split() == ["2", "cs.example"], result.stderr


def test_a_bad_key_is_named_by_position_never_shown(tmp_path):
    good = _seed()
    bad = base64.b64encode(b"sixteen bytes!!!").decode()
    result = _settings(_env(tmp_path, CLOSEDSET_LOG_KEYS=f"{good},{bad}"))
    assert result.returncode != 0
    assert "CLOSEDSET_LOG_KEYS key 2: must be 32 bytes" in result.stderr
    assert good not in result.stderr and bad not in result.stderr


def test_development_keeps_its_key_with_the_other_dev_secrets(tmp_path):
    # A dev-secrets file from before the record gets the key added, and keeps it.
    path = tmp_path / "dev-secrets.json"
    path.write_text(json.dumps({"SECRET_KEY": "x" * 50, "CLOSEDSET_KEK": _seed()}))
    env = _env(tmp_path, CLOSEDSET_DEV="1")
    del env["SECRET_KEY"], env["CLOSEDSET_KEK"]
    assert _settings(env).stdout.split()[0] == "1"
    first = json.loads(path.read_text())["CLOSEDSET_LOG_KEY"]
    assert len(base64.b64decode(first)) == 32
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    _settings(env)
    assert json.loads(path.read_text())["CLOSEDSET_LOG_KEY"] == first
