"""Log lines without secrets: paths are redacted before any handler writes them.

An invitation path is a working credential for a new address; a reset or verification path
is one for an account; which act a performer answers and whose profile a coordinator opens
are the data closedset exists to protect. The access log keeps the method, the status and the
route's shape, never those segments, and never a query string.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

REDACTED = "[redacted]"
KEEP, HIDE = False, True
REST = None  # hide every segment after the prefix

# (path prefix, what to do with the segments after it). One table for every log line.
SENSITIVE_PATHS: tuple[tuple[str, tuple[bool, ...] | None], ...] = (
    # Links that are credentials: invitations, password resets, address confirmations.
    ("/invite/", REST),
    ("/password-reset/", REST),
    ("/account/email/confirm/", REST),
    ("/account/reset/", REST),
    ("/account/verify/", REST),
    # A calendar feed's address is its own key (calendars/<secret>.ics).
    ("/calendar/", REST),
    # acts/<act>/<direction>/ and .../answer/: which act a performer is editing.
    ("/boundaries/acts/", (HIDE, HIDE)),
    # production/<production_id>/<handle>/: whose profile a coordinator opens.
    ("/boundaries/production/", (KEEP, HIDE)),
    ("/api/v1/boundaries/productions/", (KEEP, HIDE)),
)
_TABLE = tuple(
    (tuple(part for part in prefix.split("/") if part), mask) for prefix, mask in SENSITIVE_PATHS
)
# A URL or a path inside free text (a path starts at a slash that follows no word character,
# dot, colon or slash, so 'HTTP/1.1' and 'a/b' are left alone).
_PATH_IN_TEXT = re.compile(
    r"(?P<origin>[a-zA-Z][\w+.-]*://[^/\s\"'<>]*)(?P<url_path>/[^\s\"'<>]*)?"
    r"|(?<![\w.:/])(?P<path>/[^\s\"'<>]*)"
)


def redact_path(path: str) -> str:
    """'/invite/abc/?next=x' -> '/invite/[redacted]/?[redacted]'; other paths unchanged."""
    path, has_query, query = path.partition("?")
    if has_query and query:
        suffix = "?" + REDACTED
    elif has_query:
        suffix = "?"
    else:
        suffix = ""
    # Segments, so that '//invite//abc' cannot slip past the table.
    parts = [part for part in path.split("/") if part]
    for prefix, mask in _TABLE:
        if tuple(parts[: len(prefix)]) != prefix or len(parts) == len(prefix):
            continue
        rest = parts[len(prefix) :]
        if mask is REST:
            rest = [REDACTED]
        else:
            rest = [REDACTED if i < len(mask) and mask[i] else part for i, part in enumerate(rest)]
        trailing = "/" if path.endswith("/") else ""
        return "/" + "/".join([*prefix, *rest]) + trailing + suffix
    return path + suffix


def redact_text(text: str) -> str:
    """Every path in a line of text, redacted (e.g. 'Not Found: /invite/abc/')."""
    if "/" not in text:
        return text
    return _PATH_IN_TEXT.sub(_redact_match, text)


def _redact_match(match: re.Match[str]) -> str:
    if match.group("origin") is not None:
        return match.group("origin") + redact_path(match.group("url_path") or "")
    return redact_path(match.group("path"))


def _redact(value: Any) -> Any:
    return redact_text(value) if isinstance(value, str) else value


class RedactPaths(logging.Filter):
    """On a handler: rewrites the message and its arguments, never drops a record.

    Works for uvicorn's access log (the path is an argument), Django's request and security
    loggers ('Not Found: %s') and any message that has a path in its text.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_text(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact(arg) for arg in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {key: _redact(arg) for key, arg in record.args.items()}
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration with the redacting filter on every handler."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_paths"] = {"()": "closedset.lib.logging.RedactPaths"}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_paths")
    return config
