"""What the console and the phone page show of the shoot day's changes part.

views.console and views.phone call these and pass the result to the templates as
`changes` (onset/_console_changes.html and onset/_phone_changes.html include it).

The console shows each change and one of three words, as the director's screen does, never who
said what: the console is a screen on set, in view of the crew, and a performer who said no can
tell the coordinator herself.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from closedset.onset import changes
from closedset.onset.models import Run


def _clock(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def console_context(request: HttpRequest, run: Run, what: set[str]) -> dict[str, Any]:
    if "coordinator" not in what:
        return {"shown": False}
    return {
        "shown": True,
        "url": reverse("onset:console_changes", args=[run.pk]),
        "items": [
            {
                "words": c.words,
                "replaces": c.replaces,
                "outcome": c.outcome,
                "until": _clock(c.reflect_until),
                "in_plan": c.in_plan,
                "plan_url": reverse("onset:change_to_plan", args=[run.pk, c.id]),
            }
            for c in changes.changes_of(run)
        ],
    }


def phone_context(request: HttpRequest, run: Run, what: set[str]) -> dict[str, Any]:
    if "performer" not in what:
        return {"shown": False}
    return {
        "shown": True,
        "url": reverse("onset:phone_changes", args=[run.pk]),
        "prompts": [
            {
                "words": p.words,
                "replaces": p.replaces,
                "until": _clock(p.reflect_until),
                "minutes": p.minutes,
                "alone": p.alone,
                "answer": p.answer,
                "open": p.open,
                "answer_url": reverse("onset:answer_change", args=[run.pk, p.id]),
            }
            for p in changes.prompts_for(request.user, run)
        ],
    }
