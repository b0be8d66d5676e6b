"""A day named in an address ("2026-11-26"), read one way wherever a page takes one."""

from __future__ import annotations

import re
from datetime import date

from closedset.lib.errors import InvalidInput

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def day_of(text: str, message: str) -> date:
    """The day `text` names, or InvalidInput saying `message` (a day the calendar does not
    have, 2026-02-30, included)."""
    if not _ISO_DAY.fullmatch(text or ""):
        raise InvalidInput(message, {"day": message})
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(message, {"day": message}) from None
