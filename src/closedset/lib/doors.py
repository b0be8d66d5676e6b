"""A door on the production page: a label in the reader's language and where it leads. Each
capability says which of its doors a person may open (its own links.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Door:
    label: str
    url: str
