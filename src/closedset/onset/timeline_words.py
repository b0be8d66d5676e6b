"""The console's stored timeline lines in the reader's language, for display only.

Timeline lines are stored once, in English (`services.note`), and the stored text never
changes. The lines with a name or a number in them follow a few fixed English patterns, each
tied to the entry's kind; `said(kind, text)` recognises those and says them again in the
language active now, with the name or number as stored and the English state or status word
replaced by its translation. A fixed line ("Check-in asked") is looked up in the catalog as
it is; anything else (a line whose kind does not match its pattern, one cut short at 300
characters, or the lines that quote a beat or a deviation in English words) is shown exactly
as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext

from closedset.onset.models import BeatState, Run

# The English labels the stored lines use (the models' labels) → the value they stand for.
_STATES = {str(label): value for value, label in Run.State.choices}
_STATUSES = {str(label): value for value, label in BeatState.Status.choices}
_STATE = "|".join(re.escape(label) for label in _STATES)
_STATUS = "|".join(re.escape(label) for label in _STATUSES)


def _state(label: str) -> str:
    from closedset.onset.services import state_label

    return state_label(_STATES[label])


def _status(label: str) -> str:
    from closedset.onset.day import status_label

    return status_label(_STATUSES[label])


def _started(m: re.Match[str]) -> str:
    return gettext("Scene started by %(name)s.") % {"name": m["name"]}


def _resumed(m: re.Match[str]) -> str:
    return gettext("Resumed by %(name)s (was %(state)s).") % {
        "name": m["name"],
        "state": _state(m["state"]),
    }


def _beat(m: re.Match[str]) -> str:
    return gettext("Beat %(place)s: %(status)s (%(name)s).") % {
        "place": m["place"],
        "status": _status(m["status"]),
        "name": m["name"],
    }


def _checkin(m: re.Match[str]) -> str:
    return gettext("Check-in asked after beat %(place)s") % {"place": m["place"]}


def _closed(m: re.Match[str]) -> str:
    return gettext("Scene closed by %(name)s.") % {"name": m["name"]}


def _agreed(m: re.Match[str]) -> str:
    return gettext(
        "Everyone agreed to version %(number)s of the plan; it is the one being shot now."
    ) % {"number": m["number"]}


# Per kind, as services.note is called with it: the stored English pattern and its words.
PATTERNS: dict[str, tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = {
    "start": (re.compile(r"Scene started by (?P<name>.+)\.", re.DOTALL), _started),
    "resume": (
        re.compile(rf"Resumed by (?P<name>.+) \(was (?P<state>{_STATE})\)\.", re.DOTALL),
        _resumed,
    ),
    "beat": (
        re.compile(rf"Beat (?P<place>\d+): (?P<status>{_STATUS}) \((?P<name>.+)\)\.", re.DOTALL),
        _beat,
    ),
    "checkin": (re.compile(r"Check-in asked after beat (?P<place>\d+)"), _checkin),
    "closure": (re.compile(r"Scene closed by (?P<name>.+)\.", re.DOTALL), _closed),
    "plan": (
        re.compile(
            r"Everyone agreed to version (?P<number>\d+) of the plan; "
            r"it is the one being shot now\."
        ),
        _agreed,
    ),
}


def said(kind: str, text: str) -> str:
    """A stored timeline line in the language active now; as stored when it is not one of the
    patterns above (and in English, always exactly as stored)."""
    if not text:
        return text
    found = PATTERNS.get(kind)
    if found is not None:
        pattern, words = found
        match = pattern.fullmatch(text)
        if match is not None:
            return words(match)
    return gettext(text)
