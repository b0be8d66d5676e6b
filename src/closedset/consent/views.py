"""Consent pages: thin; each asks consent.services and renders the answer.

The performer's pages (/consent/, a request, signing, withdrawing, receipts) answer only the
performer the request belongs to: anyone else gets the same "not found" as for nothing. The
scene page is the coordinator's board; the director and producer read "agreed" or "not
agreed" there, nothing more.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.consent import services
from closedset.consent.models import Decision
from closedset.lib.errors import Conflict, DomainError, InvalidInput, NotFound
from closedset.lib.i18n import in_document_language
from closedset.lib.net import client_ip
from closedset.productions.models import Role


def _where(request: HttpRequest) -> dict[str, Any]:
    """The evidence every event keeps: how, from where, with what browser."""
    return {
        "method": services.PAGE,
        "ip": client_ip(request),
        "user_agent": str(request.META.get("HTTP_USER_AGENT", "")),
    }


def _answers(request: HttpRequest) -> tuple[dict[str, str], dict[str, str]]:
    answers: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for key in request.POST:
        value = str(request.POST.get(key, ""))
        if key.startswith("answer-") and value:
            answers[key.removeprefix("answer-")] = value
        elif key.startswith("reason-") and value.strip():
            reasons[key.removeprefix("reason-")] = value
    return answers, reasons


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The performer's portal: requests waiting, and everything answered, with receipts."""
    return render(request, "consent/mine.html", {"items": services.my_scenes(request.user)})


def _render_request(
    request: HttpRequest,
    view: services.RequestView,
    *,
    errors: dict[str, str] | None = None,
    message: str = "",
    answers: dict[str, str] | None = None,
    reasons: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "consent/request.html",
        {
            "view": view,
            "locked_until": services.sign_locked_until(request.user),
            "errors": errors or {},
            "message": message,
            "answers": answers or {},
            "reasons": reasons or {},
            "CONSENT": Decision.CONSENT,
            "DECLINE": Decision.DECLINE,
        },
        status=status,
    )


def _sign_context(
    request: HttpRequest,
    view: services.RequestView,
    answers: dict[str, str],
    reasons: dict[str, str],
) -> dict[str, Any]:
    by_id = {b.words.beat_id: b for b in view.waiting}
    chosen = [(by_id[k], v, reasons.get(k, "")) for k, v in answers.items() if k in by_id]
    return {
        "view": view,
        "consents": [b for b, v, _ in chosen if v == Decision.CONSENT],
        # Each decline with the reason she typed: hers to read again before signing.
        "declines": [(b, r) for b, v, r in chosen if v == Decision.DECLINE],
        "unanswered": [b for b in view.unanswered if b.words.beat_id not in answers],
        "answers": answers,
        "reasons": reasons,
        "second_factor": services.has_second_factor(request.user),
        "locked_until": services.sign_locked_until(request.user),
        "reset_url": reverse("accounts:password_reset"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def request_page(request: HttpRequest, request_id: int) -> HttpResponse:
    """GET: the request in plain words, with the rider. POST: the answers, on to signing."""
    view = services.open_request(request.user, request_id, **_where(request))
    if request.method == "GET":
        return _render_request(request, view)
    answers, reasons = _answers(request)
    waiting = {b.words.beat_id for b in view.waiting}
    answers = {k: v for k, v in answers.items() if k in waiting}
    if not answers:
        message = _("Choose consent or decline for at least one beat, then continue.")
        return _render_request(
            request, view, errors={"answers": message}, message=message, status=422
        )
    if any(v not in Decision.values for v in answers.values()):
        message = _("Choose consent or decline for each beat.")
        return _render_request(
            request, view, errors={"answers": message}, message=message, status=422
        )
    context = _sign_context(request, view, answers, reasons)
    context["rider_sha256"] = request.POST.get("rider_sha256", view.rider_sha256)
    return render(request, "consent/sign.html", context)


@login_required
@require_POST
def sign(request: HttpRequest, request_id: int) -> HttpResponse:
    """The explicit act of signing, after the password or a code again."""
    view = services.open_request(request.user, request_id, **_where(request))
    answers, reasons = _answers(request)
    try:
        made = services.decide(
            request.user,
            request_id,
            answers,
            reasons,
            password_or_code=request.POST.get("password_or_code", ""),
            rider_sha256=request.POST.get("rider_sha256") or None,
            **_where(request),
        )
    except NotFound:
        raise
    except DomainError as error:
        context = _sign_context(request, view, answers, reasons)
        context.update(
            {
                "rider_sha256": request.POST.get("rider_sha256", view.rider_sha256),
                "error": error.message,
                # Answered elsewhere, replaced or changed meanwhile: no password can help,
                # so the page offers the way back instead of a password box.
                "stale": isinstance(error, Conflict),
            }
        )
        return render(request, "consent/sign.html", context, status=error.status)
    if made:
        messages.success(request, _("Signed. Your answers are recorded; your receipts are below."))
    else:
        messages.info(request, _("These answers were already recorded; nothing changed."))
    return redirect("consent:request", request_id=request_id)


@login_required
@require_POST
def withdraw(request: HttpRequest, decision_id: int) -> HttpResponse:
    """One tap: no reason, no password."""
    decision = services.withdraw(request.user, decision_id, **_where(request))
    if decision.decision == Decision.DECLINE:
        messages.success(
            request,
            _("Your decline is taken back. You can answer this beat again whenever you like."),
        )
    else:
        messages.success(request, _("Withdrawn. It counts at once, everywhere."))
    return redirect("consent:request", request_id=decision.request_id)


@login_required
@require_GET
def receipt(request: HttpRequest, decision_id: int) -> HttpResponse:
    """The consent receipt as a JSON file to keep (of the withdrawal, with ?withdrawal=1)."""
    withdrawal = request.GET.get("withdrawal") in ("1", "true", "yes")
    data = services.receipt(request.user, decision_id, withdrawal=withdrawal)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    name = services.receipt_file_name(request.user, decision_id, withdrawal, "json")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
@in_document_language
def receipt_pdf(request: HttpRequest, decision_id: int) -> HttpResponse:
    """The same receipt as a PDF to read and print: the JSON inside it, and a QR code."""
    from closedset.rider.pdf import receipt_pdf as render_pdf

    withdrawal = request.GET.get("withdrawal") in ("1", "true", "yes")
    data = services.receipt(request.user, decision_id, withdrawal=withdrawal)
    raw = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
    response = HttpResponse(render_pdf(data, raw), content_type="application/pdf")
    name = services.receipt_file_name(request.user, decision_id, withdrawal, "pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def scene(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    """The coordinator's consent board; "agreed" / "not agreed" for the director and
    producer; nothing for anyone else."""
    from closedset.productions.services import role_in

    state = services.state_for(request.user, production_id, scene_id)
    if Role.COORDINATOR not in role_in(request.user, production_id):
        from closedset.productions.models import Scene

        found = Scene.objects.select_related("production").get(pk=scene_id)
        return render(request, "consent/state.html", {"scene": found, "consent_state": state})
    return _board_page(request, production_id, scene_id)


def _board_page(
    request: HttpRequest,
    production_id: int,
    scene_id: int,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    board = services.board_for(request.user, production_id, scene_id)
    versions = services.versions_to_mark(request.user, production_id, scene_id)
    typed = typed or {}
    numbers = [str(v.number) for v in versions]
    chosen = typed.get("number") if typed.get("number") in numbers else None
    gaps = services.gaps_for_board(request.user, production_id, scene_id)
    return render(
        request,
        "consent/board.html",
        {
            "board": board,
            "consent_state": board.state,
            "versions": versions,
            "chosen": chosen or (numbers[0] if numbers else ""),
            "typed_deadline": typed.get("deadline", ""),
            "rider_gaps": [
                (gap, reverse("rider:rider", args=[production_id, scene_id, gap.handle]))
                for gap in gaps
            ],
            "errors": errors or {},
            "final_url": reverse("consent:mark_final", args=[production_id, scene_id]),
        },
        status=status,
    )


def _deadline(text: str) -> datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        message = _("Give the deadline as a date and time, or leave it empty.")
        raise InvalidInput(message, {"deadline": message}) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@login_required
@require_POST
def mark_final(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    """Mark a saved version final and ask each cast performer for consent."""
    services.board_for(request.user, production_id, scene_id)  # 404 before reading the form
    try:
        number = int(request.POST.get("number", ""))
    except ValueError:
        number = 0
    try:
        final = services.mark_final_number(
            request.user,
            production_id,
            scene_id,
            number,
            deadline=_deadline(request.POST.get("deadline", "")),
            **_where(request),
        )
    except NotFound:
        raise
    except DomainError as error:
        fields = error.fields or {"version": error.message}
        # What she typed stays, so one wrong field is not a form to fill in again.
        typed = {
            "number": str(request.POST.get("number", "")),
            "deadline": str(request.POST.get("deadline", ""))[:40],
        }
        return _board_page(
            request, production_id, scene_id, errors=fields, typed=typed, status=error.status
        )
    values = {"number": final.plan_version.number}
    if final.late:
        done = _(
            "Version %(number)s is final. Each performer cast in it is asked for consent. It is "
            "late: inside the notice period."
        )
    else:
        done = _("Version %(number)s is final. Each performer cast in it is asked for consent.")
    messages.success(request, done % values)
    return redirect("consent:scene", production_id=production_id, scene_id=scene_id)
