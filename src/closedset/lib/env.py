"""Settings from the environment: three small typed helpers, healthchecks-style."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class EnvError(ValueError):
    """A setting in the environment has a value we cannot use."""


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    value = value.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise EnvError(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise EnvError(f"{name} must be a whole number, not {value!r}") from None


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_secret(name: str) -> str | None:
    """NAME from the environment, or the contents of the file named by NAME_FILE.

    The *_FILE form lets secrets come from Docker/systemd credential files, so they never
    appear in the process environment.
    """
    value = os.environ.get(name)
    path = os.environ.get(f"{name}_FILE")
    if value and path:
        raise EnvError(f"set either {name} or {name}_FILE, not both")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise EnvError(f"{name}_FILE: cannot read {path}: {error.strerror}") from None
    return value.strip() if value else None


def env_networks(name: str) -> tuple[str, ...]:
    """IP addresses or networks, comma-separated ('10.0.0.1, 10.1.0.0/16'), normalised."""
    result = []
    for item in os.environ.get(name, "").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            result.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise EnvError(
                f"{name}: {item!r} is not an IP address or network (e.g. 10.0.0.1 or 10.0.0.0/8)"
            ) from None
    return tuple(result)


def json_created_once(path: Path, make: Callable[[], dict[str, str]]) -> dict[str, str]:
    """A small JSON file of development secrets, made once (mode 0600) and read ever after.

    Several processes may start together on a fresh data folder (two app processes, a test
    with two servers): each writes its own candidate to a private file and links it into place,
    which succeeds for one only; the others read the winner's, so all share one set. A reader
    never sees a half-written file, because the link appears only once the file is complete."""
    if path.exists():
        return dict(json.loads(path.read_text(encoding="utf-8")))
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(make(), handle)
            handle.flush()
            os.fsync(handle.fileno())
        # Another process may have made it first: then theirs is the one.
        with contextlib.suppress(FileExistsError):
            os.link(candidate, path)
    finally:
        candidate.unlink(missing_ok=True)
    return dict(json.loads(path.read_text(encoding="utf-8")))
