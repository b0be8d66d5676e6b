"""Domain errors shared by every app; one place per interface turns them into responses.

Services raise these; pages render them with the matching error template and the JSON API
returns {"detail": message, "fields": {field: message}} with the same status.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop


class DomainError(Exception):
    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})

    def as_json(self) -> dict[str, object]:
        return {"detail": self.message, "fields": self.fields}


class InvalidInput(DomainError):
    """The request was understood but a value in it is not acceptable."""

    status = 422


class Forbidden(DomainError):
    """The person may know the thing exists but may not do this to it."""

    status = 403


class NotFound(DomainError):
    """The thing does not exist, or the person may not know that it does."""

    status = 404


class Conflict(DomainError):
    status = 409


# The largest primary key any supported database can hold; SQLite cannot even bind a larger one.
MAX_ID = 2**63 - 1


def require_known_ids(*values: int | None) -> None:
    """An id no database row can have is simply not found, never a crash."""
    for value in values:
        if value is not None and not 0 < value <= MAX_ID:
            raise NotFound(gettext_noop("Not found."))


# ---------------------------------------------------------------- a busy database

# Marked, not translated: plain strings that can go into any JSON; whoever shows one passes it
# through gettext in the reader's language (lib/middleware.py).
BUSY_MESSAGE = gettext_noop("The server is busy; please try again in a moment. Nothing was saved.")
TOO_LARGE_MESSAGE = gettext_noop(
    "This is more than closedset accepts in one request. Nothing was saved."
)
# PostgreSQL: serialization failure, deadlock, lock not available (lock_timeout).
# Serialization failure, deadlock, lock not available; and a server with no connection to
# spare (too many clients, starting up): nothing was done, so trying again is safe.
_BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03", "53300", "57P03"})


def database_busy(error: BaseException) -> bool:
    """True when the database refused for now because others hold the locks: the request
    was rolled back and can simply be tried again (a 503, never a 500)."""
    from django.db import OperationalError

    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    text = str(error).lower()
    return "database is locked" in text or "database table is locked" in text
