"""Telling people what happened: a notice on their home page, and an e-mail if they want it."""

from __future__ import annotations

from typing import Any


def notify(
    recipient: Any,
    kind: str,
    *,
    production: Any = None,
    subject: str,
    body: str,
    url: str = "",
) -> None:
    """Tell `recipient` one thing. Being written: see the notices capability."""
