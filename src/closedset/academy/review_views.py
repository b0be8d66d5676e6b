"""Blind review pages: thin. Every rule (who may, what is removed) is in academy/review.py;
errors go to the usual error pages."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.academy import review
from closedset.lib.errors import Conflict, InvalidInput
from closedset.lib.middleware import translated

SCORE_PREFIX = "score_"
# Up to this many points a criterion is scored with buttons; above, with a number field.
BUTTONS_UP_TO = 10


@login_required
@never_cache
@require_GET
def assignment_list(request: HttpRequest) -> HttpResponse:
    """My open and done reviews, by application reference only."""
    open_, done = review.assignments_of(request.user)
    return render(
        request,
        "academy/review/list.html",
        {"open": open_, "done": done},
    )


def _entered_scores(request: HttpRequest) -> dict[str, str]:
    return {
        key[len(SCORE_PREFIX) :]: str(request.POST.get(key, ""))
        for key in request.POST
        if key.startswith(SCORE_PREFIX)
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def assignment_page(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """One application, blind: the answers that do not tell who applied, and the rubric."""
    errors: dict[str, str] = {}
    message = ""
    entered: dict[str, str] = {}
    comment = None
    if request.method == "POST":
        entered = _entered_scores(request)
        comment = request.POST.get("comment", "")
        try:
            review.submit_scores(request.user, assignment_id, entered, comment)
        except InvalidInput as error:
            message, errors = translated(error)
        except Conflict as error:
            messages.info(request, translated(error)[0])
            return redirect(reverse("review:assignment", args=[assignment_id]))
        else:
            messages.success(request, _("Thank you: your scores are in."))
            return redirect(reverse("review:list"))
    view = review.view_for(request.user, assignment_id)
    lines = [
        {
            "line": line,
            "field": f"{SCORE_PREFIX}{line.id}",
            "value": (
                str(view.scores[line.id])
                if line.id in view.scores
                else entered.get(str(line.id), "")
            ),
            "error": errors.get(str(line.id), ""),
        }
        for line in view.rubric
    ]
    return render(
        request,
        "academy/review/assignment.html",
        {
            "view": view,
            "lines": lines,
            "choices": [str(n) for n in range(view.score_max + 1)],
            "buttons": view.score_max <= BUTTONS_UP_TO,
            "errors": errors,
            "error_message": message,
            "comment": view.comment if comment is None else comment,
        },
        status=422 if errors else 200,
    )


@login_required
@require_POST
def recuse(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """ "I know this person": someone else reviews it."""
    try:
        review.recuse(request.user, assignment_id)
    except Conflict as error:
        messages.info(request, translated(error)[0])
        return redirect(reverse("review:assignment", args=[assignment_id]))
    messages.success(
        request, _("Thank you for saying so. Another reviewer reviews that application.")
    )
    return redirect(reverse("review:list"))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def conflicts(request: HttpRequest) -> HttpResponse:
    """People I know: their applications never come to me."""
    errors: dict[str, str] = {}
    message = ""
    entered = {"name": "", "email": ""}
    if request.method == "POST":
        entered = {
            "name": request.POST.get("name", ""),
            "email": request.POST.get("email", ""),
        }
        try:
            declared = review.declare_conflict(request.user, entered["name"], entered["email"])
        except InvalidInput as error:
            message, errors = translated(error)
        else:
            text = _("Saved. Applications of this person never come to you.")
            if declared.passed_on:
                text += " " + ngettext(
                    "One review you had open went to another reviewer.",
                    "%(count)d reviews you had open went to other reviewers.",
                    declared.passed_on,
                ) % {"count": declared.passed_on}
            messages.success(request, text)
            return redirect(reverse("review:conflicts"))
    return render(
        request,
        "academy/review/conflicts.html",
        {
            "conflicts": review.conflicts_of(request.user),
            "errors": errors,
            "error_message": message,
            "entered": entered,
        },
        status=422 if errors else 200,
    )


@login_required
@never_cache
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """My submitted scores as CSV: references and numbers only."""
    rows = review.export_rows(request.user)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        # A cell a spreadsheet would run as a formula is written as text.
        writer.writerow(["'" + c if c[:1] in ("=", "+", "-", "@") else c for c in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-review-scores.csv"'
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def staff_progress(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Academy staff: how far review has come, per application reference."""
    cohort = review.cohort_for_staff(request.user, cohort_id)
    if request.method == "POST":
        made = review.fill_gaps(cohort)
        if made:
            messages.success(
                request,
                ngettext(
                    "One more review was given to a reviewer.",
                    "%(count)d more reviews were given to reviewers.",
                    made,
                )
                % {"count": made},
            )
        else:
            messages.info(
                request,
                _("No application could get a reviewer it still needs. Add reviewers first."),
            )
        return redirect(reverse("review:staff", args=[cohort.pk]))
    progress = review.review_progress(cohort)
    context: dict[str, Any] = {
        "cohort": cohort,
        "progress": progress,
        "complete": review.review_complete(cohort),
    }
    return render(request, "academy/review/staff.html", context)
