"""What the console and the phone page show of the shoot day's checkins part.

views.console and views.phone call these and pass the result to the templates as
`checkins` (onset/_console_checkins.html and onset/_phone_checkins.html include it).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from closedset.onset import checkins
from closedset.onset.models import Run


def console_context(request: HttpRequest, run: Run, what: set[str]) -> dict[str, Any]:
    """The live check-in part, the ask form's beats, and "Something unplanned"."""
    from closedset.onset.views_checkins import console_live, unplanned_context

    if "coordinator" not in what:
        return {}
    return {
        **console_live(request, run),
        **unplanned_context(run),
        "beats": checkins.beat_ids(run),
    }


def phone_context(request: HttpRequest, run: Run, what: set[str]) -> dict[str, Any]:
    """The open check-in and her own answer, nobody else's."""
    from closedset.onset.views_checkins import phone_live

    if "performer" not in what:
        return {}
    return phone_live(request, run)
