"""Domain errors with messages a person can act on."""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Iterable, Mapping

EXCERPT = 40
# A bad value longer than this is compared by its start only: nothing that long is a typo.
_MATCH_LENGTH = 100


def excerpt(value: object, limit: int = EXCERPT, *, quote: bool = False) -> str:
    """A value in a few words for an error message, however large the value is.

    Text is cut to `limit` characters (marked with …) and kept on one line; a list or mapping
    is named, never printed or walked, so a huge value (or one that YAML aliases expand to
    billions of items) cannot make a huge message. With `quote`, text is put in single quotes,
    which tells it apart from a description such as "a list".
    """
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, set | frozenset):
        return "a set"
    if isinstance(value, bytes | bytearray):
        return "binary data"
    if isinstance(value, str):
        text = value
    elif isinstance(value, int):
        try:
            text = str(value)
        except ValueError:  # more digits than Python will print
            return "a very large number"
    elif isinstance(value, float | datetime.date):
        text = str(value)
    else:
        return f"a {type(value).__name__}"
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:limit])
    if len(text) > limit or len(shown) > limit:
        shown = shown[:limit] + "…"
    return f"'{shown}'" if quote and isinstance(value, str) else shown


def close_matches(value: object, valid: Iterable[str], n: int = 3) -> list[str]:
    """The valid values nearest to a bad one, for 'did you mean' hints."""
    choices = sorted(set(valid))
    word = value[:_MATCH_LENGTH] if isinstance(value, str) else excerpt(value)
    found = difflib.get_close_matches(word, choices, n=n, cutoff=0.5)
    return found or choices[:n]


def hint(value: object, valid: Iterable[str]) -> str:
    """' (did you mean …?)' naming the nearest valid values, each cut short (they may be ids)."""
    matches = close_matches(value, valid)
    return f" (did you mean {', '.join(excerpt(m) for m in matches)}?)" if matches else ""


class BadInput(ValueError):
    """Input that cannot be used as it is: a bad file, field or value.

    `source` is the file (or form) it came from and `line` the line where known, so the
    message can point a coordinator at the exact place to fix.

    `code` names the kind of error ("yaml.key_twice"), stable across releases, and `values`
    the values its message was built from: a page can say the same in its reader's language
    (boundaries/errors_text.py) without reading the English `message`, which stays exactly as
    it is for the command and the tests. Errors without a code are shown in English.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
        code: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        self.code = code
        self.values: dict[str, object] = dict(values or {})

    def located(self, source: str | None = None, line: int | None = None) -> BadInput:
        """The same error, with a file and line filled in where it had none."""
        if self.source is None:
            self.source = source
        if self.line is None:
            self.line = line
        return self

    def __str__(self) -> str:
        where = ""
        if self.source:
            where = self.source
            if self.line:
                where += f":{self.line}"
            where += ": "
        return where + self.message
