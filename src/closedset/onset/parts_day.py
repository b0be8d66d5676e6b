"""What the console and the phone page show of the shoot day's day part.

views.console and views.phone call these and pass the result to the templates as
`day` (onset/_console_day.html and onset/_phone_day.html include it); the day part's own
routes render the same partials when they poll (views_day.console_part and phone_part).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from closedset.onset import day, services
from closedset.onset.models import RosterEntry, Run


def console_context(request: HttpRequest, run: Run, what: set[str]) -> dict[str, Any]:
    """Beats with their status, people and consent; the timeline; Resume when held."""
    if "coordinator" not in what:
        return {}
    scene = run.scene
    return {
        "url": reverse("onset:day_console", args=[run.pk]),
        "beat_url": reverse("onset:day_beat", args=[run.pk]),
        "resume_url": reverse("onset:day_resume", args=[run.pk]),
        "day_url": reverse("onset:day", args=[scene.production_id, scene.pk])
        + f"?day={run.day.isoformat()}",
        "state": run.state,
        "state_label": services.state_label(run.state),
        "may_resume": run.state in (Run.State.ON_HOLD, Run.State.STOPPED),
        "beats": day.beat_rows(run),
        "timeline": day.timeline(run),
        "roster": list(RosterEntry.objects.filter(scene=scene, day=run.day)),
    }


def phone_context(request: HttpRequest, run: Run, what: set[str]) -> dict[str, Any]:
    """Her own beats in her words, with where each stands, and her own checklist, which
    she may tick herself."""
    if "performer" not in what:
        return {}
    return {
        "url": reverse("onset:day_phone", args=[run.pk]),
        # Once the scene is closed her checklist is a record of the day, not a form.
        "closed": run.state == Run.State.CLOSED,
        "beats": day.my_beats(request.user, run),
        "checklist": [
            (item, reverse("onset:day_my_check", args=[run.pk, item.pk]))
            for item in day.my_checklist(request.user, run)
        ],
    }
