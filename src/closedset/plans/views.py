"""Plan pages: thin. HTMX requests get the plan body back; plain forms get a redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.lib.errors import Forbidden
from closedset.lib.uploads import import_text
from closedset.plans import history, services
from closedset.plans.models import Proposal

# What the director reads after proposing: nothing about whether it would be cleared.
PROPOSED = gettext_lazy(
    "Sent to the coordinator as a proposal. The coordinator will accept, amend or decline it."
)


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _plan_url(production_id: int, scene_id: int) -> str:
    return reverse("plans:plan", args=[production_id, scene_id])


def _beat_form(request: HttpRequest) -> services.BeatInput:
    return services.BeatInput(
        beat_id=request.POST.get("beat_id", ""),
        act=request.POST.get("act", ""),
        by=request.POST.get("by", ""),
        to=request.POST.getlist("to"),
        zone=request.POST.get("zone", ""),
        intensity=request.POST.get("intensity", "light"),
        barrier=request.POST.get("barrier", "none"),
    )


def _context(
    request: HttpRequest,
    production_id: int,
    scene_id: int,
    *,
    form: str = "",
    errors: dict[str, str] | None = None,
    message: str = "",
    posted: Any = None,
) -> dict[str, Any]:
    view = services.page_view(request.user, production_id, scene_id)
    context: dict[str, Any] = {
        "view": view,
        "plan_url": _plan_url(production_id, scene_id),
        "production_id": production_id,
        "scene_id": scene_id,
        "form": form,
        "errors": errors or {},
        "message": message,
        # Who last changed each beat: the coordinator's only (empty for everyone else).
        "beat_edits": services.last_beat_edits(request.user, view),
    }
    if view.audience == services.COORDINATOR:
        context["desk"], context["beat_notes"] = services.desk(request.user, view)
        context["handle_names"] = {r.handle: r.display_name for r in view.roles if r.handle}
        context["unsaved"] = history.unsaved_for(request.user, production_id, scene_id)
        context["versions_url"] = reverse("plans:versions", args=[production_id, scene_id])
    if view.audience in (services.COORDINATOR, services.DIRECTOR):
        context["proposals"] = services.proposals(request.user, production_id, scene_id)
    if view.audience == services.COORDINATOR:
        context["release"] = services.latest_release(
            services.plan_of(request.user, production_id, scene_id)
        )
    if view.audience == services.DIRECTOR:
        context.update(
            {
                "performers": services.performers(view.production),
                "acts": services.act_choices(),
                "add": posted if form == "add" and posted is not None else services.BeatInput(),
                "intensities": services.intensity_choices(),
                "barriers": services.barrier_choices(),
                "role_names": services.role_names(request.user, production_id, scene_id),
                "released_cast": services.released_cast(request.user, production_id, scene_id),
            }
        )
        context["add_zones"] = services.zones_for(context["add"].act) if context["add"].act else []
    if view.editable:
        add = (
            posted
            if form == "add" and posted is not None
            else services.BeatInput(
                beat_id=services.next_beat_id(request.user, production_id, scene_id)
            )
        )
        context.update(
            {
                "performers": services.performers(view.production),
                "acts": services.act_choices(),
                "add": add,
                "add_zones": services.zones_for(add.act) if add.act else [],
                "intensities": services.intensity_choices(),
                "barriers": services.barrier_choices(),
                "role_names": [r.name for r in view.roles],
            }
        )
    return context


def _after_change(
    request: HttpRequest,
    production_id: int,
    scene_id: int,
    error: services.PlanInvalid | None = None,
    form: str = "",
    posted: Any = None,
    notice: str = "",
    focus: str = "notice",
) -> HttpResponse:
    """HTMX: the plan body, with any error at its form. Plain: back to the page, or the page
    again with the error (422) so nothing typed is lost."""
    status = 422 if error else 200
    context = _context(
        request,
        production_id,
        scene_id,
        form=form if error else "",
        errors=error.fields if error else None,
        message=error.message if error else "",
        posted=posted if error else None,
    )
    context["notice"] = "" if error else notice
    # Where the keyboard lands after the update: the beat or role that changed, else the notice.
    context["focus"] = "" if error else focus
    if context["view"].audience == services.DIRECTOR:
        # The director's page has plain forms: a message and back to his page.
        if error is None:
            messages.success(request, notice)
            response = redirect(_plan_url(production_id, scene_id))
            if _htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = _plan_url(production_id, scene_id)
            return response
        return render(request, "plans/director.html", context, status=422)
    if _htmx(request):
        # 200 so htmx swaps the body in; the error text sits at the form.
        response = render(request, "plans/_body.html", context)
        response["HX-Retarget"] = "#plan-body"
        response["HX-Reswap"] = "outerHTML"
        return response
    if error is None:
        if notice:
            messages.success(request, notice)
        return redirect(_plan_url(production_id, scene_id) + "#plan-body")
    return render(request, "plans/plan.html", context, status=status)


def _beat_page(
    request: HttpRequest,
    production_id: int,
    scene_id: int,
    beat: services.BeatInput,
    errors: dict[str, str],
    message: str,
    **more: Any,
) -> dict[str, Any]:
    """The context of a page with one beat form (edit, propose, amend)."""
    context = _context(request, production_id, scene_id)
    context.update(
        {
            "beat": beat,
            "errors": errors,
            "message": message,
            "zones": services.zones_for(beat.act),
            **more,
        }
    )
    return context


@login_required
@require_GET
def index(request: HttpRequest, production_id: int) -> HttpResponse:
    production, scenes, who = services.scene_plans(request.user, production_id)
    return render(
        request, "plans/index.html", {"production": production, "scenes": scenes, "who": who}
    )


@login_required
@require_GET
def plan(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    if services.plan_audience(request.user, production_id, scene_id) == services.PERFORMER:
        # Performers read their scene in plain words, on its own page.
        return redirect(reverse("scenes:scene", args=[production_id, scene_id]))
    context = _context(request, production_id, scene_id)
    if context["view"].audience == services.DIRECTOR:
        return render(request, "plans/director.html", context)
    if _htmx(request):
        return render(request, "plans/_body.html", context)
    return render(request, "plans/plan.html", context)


@login_required
@require_POST
def add_beat(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    beat = _beat_form(request)
    try:
        added = services.add_beat(request.user, production_id, scene_id, beat)
    except services.PlanInvalid as error:
        return _after_change(request, production_id, scene_id, error, "add", beat)
    if isinstance(added, Proposal):
        return _after_change(request, production_id, scene_id, notice=str(PROPOSED))
    notice = _("Beat %(beat)s added.") % {"beat": added.beat_id}
    focus = f"beat-{added.beat_id}"
    return _after_change(request, production_id, scene_id, notice=notice, focus=focus)


@login_required
@require_http_methods(["GET", "POST"])
def edit_beat(request: HttpRequest, production_id: int, scene_id: int, pk: int) -> HttpResponse:
    errors: dict[str, str] = {}
    message = ""
    if request.method == "POST":
        beat = _beat_form(request)
        try:
            saved = services.update_beat(request.user, production_id, scene_id, beat, pk=pk)
        except services.PlanInvalid as error:
            errors, message = error.fields, error.message
        else:
            notice = _("Beat %(beat)s saved.") % {"beat": saved.beat_id}
            focus = f"beat-{saved.beat_id}"
            return _after_change(request, production_id, scene_id, notice=notice, focus=focus)
    else:
        beat = services.beat_input(request.user, production_id, scene_id, pk)
    context = _beat_page(request, production_id, scene_id, beat, errors, message, pk=pk)
    template = "plans/_edit.html" if _htmx(request) else "plans/edit.html"
    return render(request, template, context, status=422 if errors and not _htmx(request) else 200)


@login_required
@require_POST
def delete_beat(request: HttpRequest, production_id: int, scene_id: int, pk: int) -> HttpResponse:
    services.delete_beat(request.user, production_id, scene_id, pk=pk)  # coordinator: by row
    return _after_change(request, production_id, scene_id, notice=_("Beat deleted."))


@login_required
@require_POST
def move_beat(request: HttpRequest, production_id: int, scene_id: int, pk: int) -> HttpResponse:
    direction = request.POST.get("direction", "")
    beat_id = services.beat_input(request.user, production_id, scene_id, pk).beat_id
    services.move_beat(request.user, production_id, scene_id, direction, pk=pk)
    notice = (
        _("Beat %(beat)s moved up.") % {"beat": beat_id}
        if direction == "up"
        else _("Beat %(beat)s moved down.") % {"beat": beat_id}
        if direction == "down"
        else f"Beat {beat_id} moved {direction}."
    )
    focus = f"beat-{beat_id}"
    return _after_change(request, production_id, scene_id, notice=notice, focus=focus)


@login_required
@require_GET
def zones(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    """The zone options for the chosen act (the beat forms' zone list follows the act)."""
    services.editor_view(request.user, production_id, scene_id)
    act = request.GET.get("act", "")
    return render(
        request,
        "plans/_zone_options.html",
        {
            "zones": services.zones_for(act),
            "selected": request.GET.get("zone", ""),
            "act_chosen": act,
        },
    )


@login_required
@require_POST
def add_role(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    name = request.POST.get("name", "").strip()
    try:
        services.add_role(request.user, production_id, scene_id, name)
    except services.PlanInvalid as error:
        return _after_change(request, production_id, scene_id, error, "role")
    return _after_change(
        request, production_id, scene_id, notice=_("Role %(role)s added.") % {"role": name}
    )


@login_required
@require_POST
def cast_role(request: HttpRequest, production_id: int, scene_id: int, role: str) -> HttpResponse:
    handle = request.POST.get("performer", "")
    try:
        proposed = services.cast_role(request.user, production_id, scene_id, role, handle)
    except services.PlanInvalid as error:
        return _after_change(request, production_id, scene_id, error, f"cast-{role}")
    notice = (
        _("Role %(role)s: %(handle)s.") % {"role": role, "handle": handle}
        if handle
        else _("Role %(role)s is open.") % {"role": role}
    )
    if proposed is not None:
        notice = str(PROPOSED)
    # No mark: the page script keeps the keyboard on this role's own Cast button.
    return _after_change(request, production_id, scene_id, notice=notice, focus="")


@login_required
@require_POST
def remove_role(request: HttpRequest, production_id: int, scene_id: int, role: str) -> HttpResponse:
    try:
        services.remove_role(request.user, production_id, scene_id, role)
    except services.PlanInvalid as error:
        return _after_change(request, production_id, scene_id, error, f"cast-{role}")
    return _after_change(
        request, production_id, scene_id, notice=_("Role %(role)s removed.") % {"role": role}
    )


@login_required
@require_http_methods(["GET", "POST"])
def versions(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    if request.method == "POST":
        number = services.save_version(request.user, production_id, scene_id)
        return redirect(reverse("plans:versions", args=[production_id, scene_id]) + f"#v{number}")
    view = services.editor_view(request.user, production_id, scene_id)
    return render(
        request,
        "plans/versions.html",
        {
            "view": view,
            "plan_url": _plan_url(production_id, scene_id),
            "versions": history.version_summaries(request.user, production_id, scene_id),
            "compare_url": reverse("plan_history:compare", args=[production_id, scene_id]),
            "can_restore": view.audience == services.COORDINATOR,
        },
    )


@login_required
@require_GET
def version(request: HttpRequest, production_id: int, scene_id: int, number: int) -> HttpResponse:
    data = services.version(request.user, production_id, scene_id, number)
    return render(
        request,
        "plans/version.html",
        {
            "number": number,
            "text": services.version_yaml(data),
            "versions_url": reverse("plans:versions", args=[production_id, scene_id]),
        },
    )


@login_required
@require_GET
def export(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    scene, text = services.export_plan(request.user, production_id, scene_id)
    response = HttpResponse(text, content_type="application/yaml")
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in scene.number)
    response["Content-Disposition"] = f'attachment; filename="scene-{safe}.yaml"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    view = services.editor_view(request.user, production_id, scene_id)
    text = ""
    errors: dict[str, str] = {}
    if request.method == "POST":
        text, errors = import_text(request, 512, "a plan")
        if not errors:
            try:
                proposed = services.import_plan(request.user, production_id, scene_id, text)
            except services.PlanInvalid as error:
                errors = error.fields
            else:
                if proposed is not None:
                    messages.success(request, str(PROPOSED))
                return redirect(_plan_url(production_id, scene_id))
    return render(
        request,
        "plans/import.html",
        {
            "view": view,
            "plan_url": _plan_url(production_id, scene_id),
            "text": text,
            "errors": errors,
        },
        status=422 if errors else 200,
    )


# --- beat edits ---


@login_required
@require_GET
def beat_history(request: HttpRequest, production_id: int, scene_id: int, pk: int) -> HttpResponse:
    """One beat's changes (coordinator only): a fragment for HTMX, else a small page."""
    scene, beat, edits = services.beat_history(request.user, production_id, scene_id, pk)
    context = {
        "scene": scene,
        "beat": beat,
        "edits": edits,
        "plan_url": _plan_url(production_id, scene_id),
        "changes_url": reverse("plans:changes", args=[production_id, scene_id]),
    }
    template = "plans/_beat_history.html" if _htmx(request) else "plans/beat_history.html"
    return render(request, template, context)


@login_required
@require_GET
def changes(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    """Every beat change in the plan, removed beats' too (coordinator only)."""
    scene, found = services.plan_changes(
        request.user, production_id, scene_id, request.GET.get("page", 1)
    )
    return render(
        request,
        "plans/changes.html",
        {"scene": scene, "found": found, "plan_url": _plan_url(production_id, scene_id)},
    )


# --- the director proposes, the coordinator decides and releases ---


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    """The director proposes changing, moving or removing a beat of the released version."""
    if not services.proposes(request.user, production_id, scene_id):
        raise Forbidden(_("The coordinator changes beats directly."))
    errors: dict[str, str] = {}
    message = ""
    if request.method == "POST":
        target = request.POST.get("target", "")
        kind = request.POST.get("kind", "edit")
        beat = _beat_form(request)
        try:
            if kind == "remove":
                services.delete_beat(request.user, production_id, scene_id, beat_id=target)
            elif kind == "move":
                direction = request.POST.get("direction", "")
                services.move_beat(request.user, production_id, scene_id, direction, beat_id=target)
            else:
                services.update_beat(request.user, production_id, scene_id, beat, beat_id=target)
        except services.PlanInvalid as error:
            errors, message = error.fields, error.message
        else:
            messages.success(request, str(PROPOSED))
            return redirect(_plan_url(production_id, scene_id))
    else:
        target = request.GET.get("beat", "")
        if not target:
            # No beat chosen: new beats are proposed on the plan page.
            return redirect(_plan_url(production_id, scene_id) + "#add-h")
        beat = services.released_beat(request.user, production_id, scene_id, target)
    context = _beat_page(request, production_id, scene_id, beat, errors, message, target=target)
    return render(request, "plans/propose.html", context, status=422 if errors else 200)


@login_required
@require_POST
def decide(request: HttpRequest, production_id: int, scene_id: int, pk: int) -> HttpResponse:
    """The coordinator accepts or declines a proposal."""
    decision = request.POST.get("decision", "")
    try:
        services.decide(request.user, production_id, scene_id, pk, decision)
    except services.PlanInvalid as error:
        return _after_change(request, production_id, scene_id, error, f"proposal-{pk}")
    notice = {"accept": _("Proposal accepted."), "decline": _("Proposal declined.")}[decision]
    return _after_change(request, production_id, scene_id, notice=notice)


@login_required
@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, production_id: int, scene_id: int, pk: int) -> HttpResponse:
    """The coordinator changes a proposed beat, then accepts it as changed."""
    errors: dict[str, str] = {}
    message = ""
    if request.method == "POST":
        beat = _beat_form(request)
        try:
            services.decide(request.user, production_id, scene_id, pk, "amend", amended=beat)
        except services.PlanInvalid as error:
            errors, message = error.fields, error.message
        else:
            messages.success(request, _("Proposal accepted with your changes."))
            return redirect(_plan_url(production_id, scene_id))
    else:
        beat = services.proposal_beat(request.user, production_id, scene_id, pk)
    context = _beat_page(request, production_id, scene_id, beat, errors, message, pk=pk)
    return render(request, "plans/amend.html", context, status=422 if errors else 200)


@login_required
@require_POST
def release(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    """The coordinator releases the plan as it is now to the director."""
    try:
        made = services.release(request.user, production_id, scene_id)
    except services.PlanInvalid as error:
        return _after_change(request, production_id, scene_id, error, "release")
    number = made.version.number
    notice = (
        _("Version %(number)s released to the director: cleared.") % {"number": number}
        if made.cleared
        else _("Version %(number)s released to the director: not cleared.") % {"number": number}
    )
    return _after_change(request, production_id, scene_id, notice=notice)
