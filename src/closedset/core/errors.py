"""Domain errors with messages a person can act on."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_matches(value: object, valid: Iterable[str], n: int = 3) -> list[str]:
    """The valid values nearest to a bad one, for 'did you mean' hints."""
    choices = sorted(set(valid))
    found = difflib.get_close_matches(str(value), choices, n=n, cutoff=0.5)
    return found or choices[:n]


def hint(value: object, valid: Iterable[str]) -> str:
    matches = close_matches(value, valid)
    return f" (did you mean {', '.join(matches)}?)" if matches else ""


class BadInput(ValueError):
    """Input that cannot be used as it is: a bad file, field or value.

    `source` is the file (or form) it came from and `line` the line where known, so the
    message can point a coordinator at the exact place to fix.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.field = field

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
