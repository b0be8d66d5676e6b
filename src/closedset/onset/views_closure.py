"""Closing a scene, anonymous feedback, the report of the day and the producer's screen.
Thin: every rule is in onset.closure."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from closedset.lib.errors import DomainError, NotFound
from closedset.lib.i18n import in_document_language
from closedset.onset import closure as services
from closedset.onset import parts_closure
from closedset.onset.services import run_for
from closedset.onset.views import live_part

# --- the coordinator closes the scene -----------------------------------------------------


def _closure_page(
    request: HttpRequest, run_id: int, *, message: str = "", posted: Any = None, status: int = 200
) -> HttpResponse:
    page = services.closure_page(request.user, run_id)
    if posted is not None:
        # A refused form comes back as it was sent: nothing typed is lost.
        done = set(posted.getlist("done"))
        for item in page.items:
            item.done = item.key in done
        page.debrief = posted.get("debrief", page.debrief)
        for line in page.aftercare:
            line.typed = posted.get(f"aftercare-{line.handle}", "")
    return render(
        request,
        "onset/closure.html",
        {
            "page": page,
            "run": page.run,
            "scene": page.run.scene,
            "message": message,
            "limits": {"debrief": services.DEBRIEF_MAX, "aftercare": services.AFTERCARE_MAX},
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def closure(request: HttpRequest, run_id: int) -> HttpResponse:
    """GET: the closing checklist, debrief, aftercare notes and "Close the scene". POST:
    save them (action=save) or save and close (action=close)."""
    if request.method == "GET":
        return _closure_page(request, run_id)
    page = services.closure_page(request.user, run_id)  # 404 before anything is read
    notes = {
        line.handle: request.POST.get(f"aftercare-{line.handle}", "") for line in page.aftercare
    }
    debrief = request.POST.get("debrief")
    if page.debrief_note and not (debrief or "").strip():
        debrief = None  # notes she could not see are not removed by her empty box
    try:
        services.save(
            request.user,
            run_id,
            done=request.POST.getlist("done"),
            debrief=debrief,
            aftercare=notes,
        )
    except DomainError as error:
        if isinstance(error, NotFound):
            raise
        return _closure_page(
            request, run_id, message=error.message, posted=request.POST, status=error.status
        )
    if request.POST.get("action") == "close":
        try:
            services.close(request.user, run_id)
        except DomainError as error:
            if isinstance(error, NotFound):
                raise
            message = gettext("Saved. %(refusal)s") % {"refusal": error.message}
            return _closure_page(request, run_id, message=message, status=error.status)
    return redirect("onset:closure", run_id=run_id)


@login_required
@require_GET
def console_part(request: HttpRequest, run_id: int) -> HttpResponse:
    """The console's closure section, for its polling."""
    return live_part(request, run_id, "closure", "console")


@login_required
@require_GET
def phone_part(request: HttpRequest, run_id: int) -> HttpResponse:
    """The phone's closure section, for its polling until the scene is closed."""
    return live_part(request, run_id, "closure", "phone")


# --- anonymous feedback -------------------------------------------------------------------


def _feedback_page(
    request: HttpRequest, run_id: int, *, message: str = "", posted: Any = None, status: int = 200
) -> HttpResponse:
    run = services._run_for_feedback(request.user, run_id)
    _, what = _what(request.user, run_id)
    return render(
        request,
        "onset/feedback.html",
        {
            "run": run,
            "scene": run.scene,
            "state": services.feedback_state(request.user, run),
            "aftercare": services.my_aftercare(request.user, run)
            if "performer" in what and run.state == run.State.CLOSED
            else "",
            **parts_closure.form_context(posted),
            "message": message,
            "performer": "performer" in what,
        },
        status=status,
    )


def _what(user: Any, run_id: int) -> tuple[Any, set[str]]:
    try:
        return run_for(user, run_id)
    except NotFound:
        return None, set()  # a director: asked for feedback, not in the run's console or phone


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, run_id: int) -> HttpResponse:
    """GET: her aftercare note (performers) and the feedback form. POST: one anonymous answer;
    from the phone, back to the phone."""
    if request.method == "GET":
        return _feedback_page(request, run_id)
    try:
        services.give_feedback(
            request.user,
            run_id,
            safety=request.POST.get("safety"),
            respect=request.POST.get("respect"),
            comfort=request.POST.get("comfort"),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as error:
        if isinstance(error, NotFound):
            raise
        return _feedback_page(
            request, run_id, message=error.message, posted=request.POST, status=error.status
        )
    if request.POST.get("from") == "phone":
        return redirect("onset:phone", run_id=run_id)
    return redirect("onset:feedback", run_id=run_id)


# --- the report of the day ------------------------------------------------------------------


@login_required
@never_cache
@require_GET
@in_document_language
def report(request: HttpRequest, run_id: int) -> HttpResponse:
    """The coordinator's report of the scene's day, as a PDF; never kept in a cache."""
    document = services.report_pdf(request.user, run_id)
    run, _ = run_for(request.user, run_id)
    name = f"report-scene-{run.scene.number}-{run.day:%Y-%m-%d}.pdf"
    response = HttpResponse(document, content_type="application/pdf")
    # Scene numbers are the coordinator's short words; keep the file name to safe letters.
    safe = "".join(c if c.isalnum() or c in "-." else "-" for c in name)
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["Cache-Control"] = "no-store, private"
    return response


# --- the producer's screen ------------------------------------------------------------------


@login_required
@require_GET
def today(request: HttpRequest, production_id: int) -> HttpResponse:
    """Today's scenes for the producers: states, escalated signals, incident counts."""
    data = services.today(request.user, production_id)
    return render(request, "onset/producer_today.html", {"today": data, "now": timezone.now()})


@login_required
@require_GET
def today_live(request: HttpRequest, production_id: int) -> HttpResponse:
    """The same, as the part the screen polls."""
    data = services.today(request.user, production_id)
    return render(request, "onset/producer_live.html", {"today": data, "now": timezone.now()})
