"""The blind no's pages: the director's screen, and the live partials of the console and the
phone (docs/shootday.md, "The blind no"). Thin: every rule is in onset/changes.py.

The director's page is rendered from the run's "continue" / "on hold" and each change's one of
three words, nothing else, so it is the same page byte for byte whoever said no, and when.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.core.taxonomy import BARRIERS, Intensity, load_taxonomy
from closedset.lib.errors import DomainError, NotFound
from closedset.onset import changes, parts_changes
from closedset.onset.models import Run
from closedset.onset.views import live_part, phone_refusal, run_as
from closedset.plans import services as plans


def _beat_form(request: HttpRequest) -> plans.BeatInput:
    return plans.BeatInput(
        beat_id=request.POST.get("beat_id", ""),
        act=request.POST.get("act", ""),
        by=request.POST.get("by", ""),
        to=request.POST.getlist("to"),
        zone=request.POST.get("zone", ""),
        intensity=request.POST.get("intensity", "light"),
        barrier=request.POST.get("barrier", "none"),
    )


def _zones() -> list[tuple[str, str]]:
    taxonomy = load_taxonomy()
    return [(z.id, z.label) for z in taxonomy.zones.values()]


def _director_page(
    request: HttpRequest,
    run: Run,
    *,
    beat: plans.BeatInput | None = None,
    replaces: str = "",
    message: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    data = run.final.plan_version.data or {}
    return render(
        request,
        "onset/director.html",
        {
            "run": run,
            "scene": run.scene,
            "word": changes.director_word(run),
            "changes": changes.changes_of(run),
            "beat": beat or plans.BeatInput(),
            "replaces": replaces,
            "message": message,
            "errors": errors or {},
            "acts": plans.act_choices(),
            "zones": _zones(),
            "intensities": Intensity.names(),
            "barriers": BARRIERS,
            "role_names": changes.role_names(run),
            "plan_beats": [
                (str(b.get("id")), changes.beat_words(run, b)) for b in data.get("beats") or []
            ],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def director(request: HttpRequest, run_id: int) -> HttpResponse:
    """GET: continue or on hold, and his change requests. POST: propose a new or changed beat."""
    run = changes.director_run(request.user, run_id)
    if request.method == "GET":
        return _director_page(request, run)
    beat = _beat_form(request)
    replaces = str(request.POST.get("replaces", ""))[:40]
    try:
        change = changes.propose(request.user, run.pk, beat, replaces)
    except NotFound:
        raise
    except DomainError as error:
        return _director_page(
            request,
            run,
            beat=beat,
            replaces=replaces,
            message=error.message,
            errors=error.fields,
            status=400,
        )
    # The same words whatever the check or the performers make of it.
    minutes = round((change.reflect_until - change.proposed_at).total_seconds() / 60)
    messages.success(
        request,
        ngettext(
            "Sent to the performers in it. You will see “approved” or “not approved” here "
            "within %(minutes)s minute.",
            "Sent to the performers in it. You will see “approved” or “not approved” here "
            "within %(minutes)s minutes.",
            minutes,
        )
        % {"minutes": minutes},
    )
    return redirect("onset:director", run_id=run.pk)


@login_required
@require_GET
def director_changes(request: HttpRequest, run_id: int) -> HttpResponse:
    """The director's list alone, for the page to reload itself."""
    run = changes.director_run(request.user, run_id)
    return render(
        request,
        "onset/_director_changes.html",
        {"run": run, "word": changes.director_word(run), "changes": changes.changes_of(run)},
    )


@login_required
@require_GET
def console_changes(request: HttpRequest, run_id: int) -> HttpResponse:
    return live_part(request, run_id, "changes", "console")


@login_required
@require_GET
def phone_changes(request: HttpRequest, run_id: int) -> HttpResponse:
    return live_part(request, run_id, "changes", "phone")


def _phone_partial(request: HttpRequest, run: Run, what: set[str], **extra: Any) -> HttpResponse:
    context = parts_changes.phone_context(request, run, what)
    context.update(extra)
    # HTMX swaps nothing on a 4xx, so a refusal comes back as a 200 with its words in the
    # part itself (role="alert"); a plain form post gets her whole page (see `answer`).
    return render(request, "onset/_phone_changes.html", {"run": run, "changes": context})


@login_required
@require_POST
def answer(request: HttpRequest, run_id: int, change_id: int) -> HttpResponse:
    """A performer's yes or no; back to her phone page (or the partial, for HTMX)."""
    run, what = run_as(request.user, run_id, "performer")
    # One value or none: a form carrying both (tampered, or a replayed double tap) is not
    # taken as whichever came last.
    given = request.POST.getlist("answer")
    said = given[0] if len(given) == 1 else ""
    try:
        changes.answer(request.user, run.pk, change_id, said)
    except NotFound:
        raise
    except DomainError as error:
        if request.headers.get("HX-Request") == "true":
            return _phone_partial(request, run, what, message=error.message)
        return phone_refusal(request, run, what, error.message)
    if request.headers.get("HX-Request") == "true":
        return _phone_partial(request, run, what)
    return redirect("onset:phone", run_id=run.pk)


@login_required
@require_POST
def to_plan(request: HttpRequest, run_id: int, change_id: int) -> HttpResponse:
    """The coordinator puts an approved change into the plan; back to the console either way,
    with what happened in words."""
    try:
        change = changes.add_to_plan(request.user, run_id, change_id)
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        final = change.applied_final
        number = final.plan_version.number if final else ""
        messages.success(
            request,
            gettext("Added to the plan as version %(number)s. The performers are asked to sign it.")
            % {"number": number},
        )
    return redirect("onset:console", run_id=run_id)
