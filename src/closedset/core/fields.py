"""Field readers shared by the profile and plan parsers: each error names the value and line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from closedset.core.errors import BadInput, excerpt, hint
from closedset.core.yamlio import Mapping, line_of

ID_PATTERN = re.compile(r"^[a-z0-9_-]+$")


class Reader:
    """Reads the fields of one mapping (a profile, a boundary, a beat), naming it in errors."""

    def __init__(self, data: object, what: str, allowed: Iterable[str], line: int | None = None):
        if not isinstance(data, dict):
            raise BadInput(f"{what} must be a mapping of fields, not {_kind(data)}", line=line)
        self.data: dict[str, Any] = data
        self.what = what
        self.line = data.line if isinstance(data, Mapping) else line
        allowed = list(allowed)
        for key in data:
            if key not in allowed:
                raise BadInput(
                    f"{what}: unknown field '{excerpt(key)}'{hint(key, allowed)}",
                    line=self.line_of(key),
                )

    def line_of(self, key: str) -> int | None:
        return line_of(self.data, key) or self.line

    def fail(self, key: str, message: str) -> BadInput:
        return BadInput(f"{self.what}: {message}", line=self.line_of(key), field=key)

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def text(self, key: str, *, required: bool = False, default: str | None = None) -> str | None:
        if not self.has(key):
            if required:
                raise self.fail(key, f"'{key}' is required")
            return default
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(key, f"'{key}' must be text, not {_kind(value)}")
        text = str(value).strip()
        if required and not text:
            raise self.fail(key, f"'{key}' must not be empty")
        return text

    def ident(self, key: str, *, required: bool = False) -> str | None:
        value = self.text(key, required=required)
        if value is not None and not ID_PATTERN.match(value):
            raise self.fail(
                key,
                f"'{key}' '{excerpt(value)}' must use only a-z, 0-9, '_' and '-' (e.g. 'mara')",
            )
        return value

    def choice(
        self,
        key: str,
        choices: Iterable[str],
        *,
        required: bool = False,
        default: str | None = None,
    ) -> str | None:
        choices = list(choices)
        value = self.text(key, required=required, default=None)
        if value is None:
            return default
        if value not in choices:
            raise self.fail(key, f"{key} '{excerpt(value)}' is not one of {', '.join(choices)}")
        return value

    def integer(self, key: str) -> int | None:
        if not self.has(key):
            return None
        value = self.data[key]
        if isinstance(value, str) and re.fullmatch(r"[0-9]{1,9}", value.strip()):
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(
                key, f"'{key}' must be a whole number, not {excerpt(value, quote=True)}"
            )
        return value

    def items(self, key: str, *, required: bool = False) -> list[Any]:
        if not self.has(key):
            if required:
                raise self.fail(key, f"'{key}' is required")
            return []
        value = self.data[key]
        if not isinstance(value, list):
            raise self.fail(key, f"'{key}' must be a list, not {_kind(value)}")
        return value

    def mapping(self, key: str) -> dict[str, Any] | None:
        if not self.has(key):
            return None
        value = self.data[key]
        if not isinstance(value, dict):
            raise self.fail(key, f"'{key}' must be a mapping, not {_kind(value)}")
        return value


def _kind(value: object) -> str:
    """What a wrong value is, with a short excerpt of it (never the whole of a large one)."""
    if isinstance(value, bool):
        return f"the boolean {excerpt(value)}"
    if isinstance(value, str):
        return f"the text {excerpt(value, quote=True)}"
    if isinstance(value, int | float):
        return f"{type(value).__name__} {excerpt(value)}"
    return excerpt(value)
