"""Compliance pages. Thin: every rule and every change is in compliance.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.accounts.forms import add_domain_errors
from closedset.compliance import services
from closedset.compliance.forms import ClearanceForm, RecordForm, ScheduleForm, SettingsForm
from closedset.lib.errors import DomainError, InvalidInput
from closedset.productions.models import Production, Role
from closedset.productions.services import get_production, get_scene, require_role

CREW = (Role.PRODUCER, Role.COORDINATOR, Role.DIRECTOR, Role.CUSTODIAN)


def _upload(request: HttpRequest) -> bytes | None:
    """The uploaded document's bytes; its size is checked before anything is read."""
    upload = request.FILES.get("document")
    if upload is None:
        return None
    limit = services.DOCUMENT_MAX_KB * 1024
    if upload.size is None or upload.size > limit:
        message = services.too_large()
        raise InvalidInput(message, {"document": message})
    return bytes(upload.read(limit + 1))


# --- the overview ---------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest, production_id: int) -> HttpResponse:
    """What each role does here: the custodian her records, the crew the scenes' gates, the
    producer the hold and settings, a performer their scenes' yes / not yet."""
    production = get_production(request.user, production_id)
    roles = require_role(request.user, production)
    scenes: list[dict[str, Any]] = []
    if roles & {Role.PRODUCER, Role.COORDINATOR, Role.DIRECTOR, Role.CUSTODIAN}:
        for scene in production.scenes.all():
            view = services.gate_view(request.user, production.pk, scene.pk)
            scenes.append({"scene": scene, "gate": view})
    mine: list[Any] = []
    if Role.PERFORMER in roles:
        for scene in production.scenes.all():
            if request.user.pk in {p.pk for p in services.cast_performers(scene)}:
                mine.append(services.performer_view(request.user, production.pk, scene.pk))
    settings_row = services.settings_for(production)
    return render(
        request,
        "compliance/index.html",
        {
            "production": production,
            "is_custodian": Role.CUSTODIAN in roles,
            "is_producer": Role.PRODUCER in roles,
            "scenes": scenes,
            "mine": mine,
            "hold_on": services.hold_on(production)
            if roles & {Role.PRODUCER, Role.COORDINATOR}
            else None,
            "settings_form": SettingsForm(
                initial={
                    "notice_hours": settings_row.notice_hours,
                    "clearance_valid_days": settings_row.clearance_valid_days,
                }
            )
            if Role.PRODUCER in roles
            else None,
        },
    )


# --- the custodian --------------------------------------------------------------------------


@login_required
@require_GET
def records(request: HttpRequest, production_id: int) -> HttpResponse:
    production = services.custodian_production(request.user, production_id)
    query = request.GET.get("q", "")[:200]
    found = services.search_records(request.user, production.organisation, query)
    return render(
        request,
        "compliance/records.html",
        {"production": production, "records": found, "query": query},
    )


def _record_input(form: RecordForm) -> services.RecordInput:
    data = form.cleaned_data
    return services.RecordInput(
        legal_name=data["legal_name"],
        date_of_birth=data["date_of_birth"],
        other_names=form.other_names_list(),
        document_type=data["document_type"],
        document_number=data["document_number"],
        document_issuer=data["document_issuer"],
        document_expiry=data["document_expiry"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request: HttpRequest, production_id: int) -> HttpResponse:
    production = services.custodian_production(request.user, production_id)
    organisation = production.organisation
    performers = services.organisation_performers(request.user, organisation)
    offered = services.performers_without_record(request.user, organisation)
    form = RecordForm(
        request.POST or None, request.FILES or None, performers=performers, offered=offered
    )
    status = 200
    existing = None
    if request.method == "POST":
        if form.is_valid():
            try:
                content = _upload(request)
                if content is not None:
                    services.sniff_document(content)
                # The record and its copy are saved together, or not at all.
                with transaction.atomic():
                    record = services.add_record(
                        request.user,
                        organisation,
                        form.cleaned_data["performer"],
                        _record_input(form),
                    )
                    if content is not None:
                        services.attach_document(request.user, organisation, record.pk, content)
            except DomainError as error:
                add_domain_errors(form, error)
                status = error.status
                # A second record is refused: lead to the one that exists.
                existing = services.record_of(
                    request.user, organisation, form.data.get("performer", "")
                )
            else:
                messages.success(request, _("Record saved. Verify it once you have checked it."))
                return redirect(
                    "compliance:record", production_id=production.pk, record_id=record.pk
                )
        else:
            status = 422
    return render(
        request,
        "compliance/record_form.html",
        {
            "production": production,
            "form": form,
            "record": None,
            "existing": existing,
            "all_have_records": bool(performers) and not offered,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, production_id: int, record_id: int) -> HttpResponse:
    production = services.custodian_production(request.user, production_id)
    organisation = production.organisation
    view = services.read_record(request.user, organisation, record_id)
    initial = {
        "legal_name": view.legal_name,
        "date_of_birth": view.date_of_birth,
        "other_names": "\n".join(view.other_names),
        "document_type": view.document_type,
        "document_number": view.document_number,
        "document_issuer": view.document_issuer,
        "document_expiry": view.document_expiry,
    }
    form = RecordForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                content = _upload(request)
                if content is not None:
                    services.sniff_document(content)
                with transaction.atomic():
                    services.update_record(
                        request.user, organisation, record_id, _record_input(form)
                    )
                    if content is not None:
                        services.attach_document(request.user, organisation, record_id, content)
            except DomainError as error:
                add_domain_errors(form, error)
                status = error.status
            else:
                messages.success(request, _("Record saved."))
                return redirect(
                    "compliance:record", production_id=production.pk, record_id=record_id
                )
        else:
            status = 422
    return render(
        request,
        "compliance/record_form.html",
        {"production": production, "form": form, "record": view},
        status=status,
    )


@login_required
@require_POST
def record_verify(request: HttpRequest, production_id: int, record_id: int) -> HttpResponse:
    production = services.custodian_production(request.user, production_id)
    try:
        services.verify_record(request.user, production.organisation, record_id)
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("Verified: you checked the document against the person."))
    return redirect("compliance:record", production_id=production.pk, record_id=record_id)


@login_required
@require_GET
def record_document(request: HttpRequest, production_id: int, record_id: int) -> HttpResponse:
    production = services.custodian_production(request.user, production_id)
    content, content_type = services.document_copy(request.user, production.organisation, record_id)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    # Identity documents stay out of every cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def clearances(request: HttpRequest, production_id: int) -> HttpResponse:
    production = services.custodian_production(request.user, production_id)
    organisation = production.organisation
    performers = services.organisation_performers(request.user, organisation)
    form = ClearanceForm(
        request.POST or None,
        performers=performers,
        initial={"tested_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_clearance(
                    request.user,
                    organisation,
                    data["performer"],
                    cleared=data["cleared"],
                    tested_on=data["tested_on"],
                )
            except DomainError as error:
                add_domain_errors(form, error)
                status = error.status
            else:
                messages.success(request, _("Clearance recorded."))
                return redirect("compliance:clearances", production_id=production.pk)
        else:
            status = 422
    return render(
        request,
        "compliance/clearances.html",
        {
            "production": production,
            "form": form,
            "histories": services.clearance_histories(request.user, organisation),
        },
        status=status,
    )


def _day_of(moment: Any) -> Any:
    """The local day of a call time typed in the form; None when there is none (or it is
    beyond what a date can hold: the form says so already)."""
    if moment is None:
        return None
    try:
        return timezone.localdate(moment)
    except (OverflowError, ValueError):
        return None


# --- scenes: the gate, the schedule, the performer's yes / not yet -------------------------


@login_required
@require_http_methods(["GET", "POST"])
def scene(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    production = get_production(request.user, production_id)
    roles = require_role(request.user, production)
    if not roles & set(CREW):
        # A performer: only yes / not yet, and only for a scene they are cast in.
        if request.method == "POST":
            require_role(request.user, production, *services.SCHEDULERS)
        mine = services.performer_view(request.user, production_id, scene_id)
        return render(request, "compliance/scene_performer.html", {"view": mine})
    the_scene = get_scene(request.user, production_id, scene_id, *services.GATE_READERS)
    may_schedule = bool(roles & set(services.SCHEDULERS))
    call_at = services.call_time(the_scene)
    initial = {"call_at": timezone.localtime(call_at)} if call_at else {}
    form = ScheduleForm(request.POST or None, initial=initial)
    status = 200
    asked = None
    if request.method == "POST":
        require_role(request.user, production, *services.SCHEDULERS)
        if form.is_valid():
            # The day asked for: the gate below is for it, even when scheduling is refused.
            asked = form.cleaned_data["call_at"]
            try:
                services.schedule(request.user, the_scene, asked)
            except DomainError as error:
                add_domain_errors(form, error)
                status = error.status
            else:
                done = _("Scheduled: the gate passed for that day.")
                late = services.late_words(the_scene)
                if late:
                    messages.warning(request, f"{done} {late}")
                else:
                    messages.success(request, done)
                return redirect("compliance:scene", production_id=production.pk, scene_id=scene_id)
        else:
            status = 422
    view = services.gate_view(request.user, production_id, scene_id, _day_of(asked))
    return render(
        request,
        "compliance/scene.html",
        {
            "production": production,
            "scene": the_scene,
            "gate": view,
            "asked": asked,
            "form": form if may_schedule else None,
        },
        status=status,
    )


# --- the producer ---------------------------------------------------------------------------


def _producer(request: HttpRequest, production_id: int) -> Production:
    return get_production(request.user, production_id, Role.PRODUCER)


@login_required
@require_POST
def hold(request: HttpRequest, production_id: int) -> HttpResponse:
    production = _producer(request, production_id)
    on = request.POST.get("on") == "yes"
    services.set_hold(request.user, production, on=on)
    if on:
        messages.success(request, _("Hold placed: no scene can be scheduled or start."))
    else:
        messages.success(request, _("Hold lifted."))
    return redirect("compliance:index", production_id=production.pk)


@login_required
@require_POST
def settings_view(request: HttpRequest, production_id: int) -> HttpResponse:
    production = _producer(request, production_id)
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            services.update_settings(request.user, production, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Settings saved."))
    else:
        messages.error(
            request,
            _("Notice: write hours between 1 and 720. Clearances: write days between 1 and 90."),
        )
    return redirect("compliance:index", production_id=production.pk)
