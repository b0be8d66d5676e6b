"""What the console and the phone page show of the shoot day's day part.

views.console and views.phone call these and pass the result to the templates as
`day` (onset/_console_day.html and onset/_phone_day.html include it).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from closedset.onset.models import Run


def console_context(request: HttpRequest, run: Run, what: set[str]) -> dict[str, Any]:
    return {}


def phone_context(request: HttpRequest, run: Run, what: set[str]) -> dict[str, Any]:
    return {}
