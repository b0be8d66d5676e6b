"""What the console and the phone page show of the shoot day's closure part.

views.console and views.phone call these and pass the result to the templates as
`closure` (onset/_console_closure.html and onset/_phone_closure.html include it).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy

from closedset.onset import closure as services
from closedset.onset.models import Closure, FeedbackGiven, Run

QUESTIONS = (
    ("safety", gettext_lazy("Did you feel safe?")),
    ("respect", gettext_lazy("Were you treated with respect?")),
    ("comfort", gettext_lazy("How comfortable were you?")),
)


def form_context(posted: Any = None) -> dict[str, Any]:
    """The feedback form's questions, with what was sent when a refused form comes back."""
    posted = posted or {}
    return {
        "questions": [
            {"name": name, "text": text, "checked": str(posted.get(name, ""))}
            for name, text in QUESTIONS
        ],
        "scores": services.SCORES,
        "comment": str(posted.get("comment", "")),
        "comment_max": services.COMMENT_MAX,
    }


def console_context(request: HttpRequest, run: Run, what: set[str]) -> dict[str, Any]:
    """The console's "Close the scene" section: a link until it is closed, then when and by
    whom, how many answered the feedback (never who) and the report."""
    closed = run.state == Run.State.CLOSED
    row = Closure.objects.filter(run=run).select_related("closed_by").first()
    return {
        "closed": closed,
        "closed_at": services._clock(row.closed_at) if row else "",
        "closed_by": services._name(row.closed_by) if row and row.closed_by_id else "",
        "answers": FeedbackGiven.objects.filter(run=run).count(),
        "page_url": reverse("onset:closure", args=[run.pk]),
        "live_url": reverse("onset:closure_console", args=[run.pk]),
        "report_url": reverse("onset:report", args=[run.pk]),
        "feedback_url": reverse("onset:feedback", args=[run.pk]),
    }


def phone_context(request: HttpRequest, run: Run, what: set[str]) -> dict[str, Any]:
    """Once the scene is closed: her own aftercare note and the feedback form. Until then
    the section only waits (and asks every few seconds whether the scene has closed)."""
    closed = run.state == Run.State.CLOSED
    return {
        "closed": closed,
        "aftercare": services.my_aftercare(request.user, run) if closed else "",
        "state": services.feedback_state(request.user, run),
        **form_context(),
        "live_url": reverse("onset:closure_phone", args=[run.pk]),
        "feedback_url": reverse("onset:feedback", args=[run.pk]),
    }
