"""Breakdown pages: thin. Every rule is in services; errors go to the usual error pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from closedset.breakdown import services
from closedset.lib.errors import InvalidInput
from closedset.lib.middleware import translated


def _import_url(production_id: int, import_id: int) -> str:
    return reverse("breakdown:import", args=[production_id, import_id])


@login_required
@require_http_methods(["GET", "POST"])
def script(request: HttpRequest, production_id: int) -> HttpResponse:
    """The production's script: upload a version, and every version so far."""
    services.access(request.user, production_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        upload = request.FILES.get("upload")
        if upload is None:
            errors = {"file": _("Choose a screenplay file (.fountain or .fdx) to upload.")}
        elif upload.size is not None and upload.size > services.MAX_BYTES:
            errors = {"file": _("This file is too large to be a screenplay.")}
        else:
            data = upload.read(services.MAX_BYTES + 1)
            try:
                created = services.upload(request.user, production_id, data, upload.name or "")
            except InvalidInput as error:
                errors = translated(error)[1] or {"file": translated(error)[0]}
            else:
                return redirect(_import_url(production_id, created.pk))
    found, rows = services.imports(request.user, production_id)
    return render(
        request,
        "breakdown/script.html",
        {
            "production": found.production,
            "access": found,
            "imports": rows,
            "errors": errors,
            "upload_limit": services.upload_limit_words(),
        },
        status=422 if errors else 200,
    )


@login_required
@require_GET
def script_import(request: HttpRequest, production_id: int, import_id: int) -> HttpResponse:
    view = services.breakdown(request.user, production_id, import_id)
    return render(request, "breakdown/import.html", {"view": view})


@login_required
@require_POST
def decide(request: HttpRequest, production_id: int, import_id: int, pk: int) -> HttpResponse:
    services.decide(request.user, production_id, import_id, pk, request.POST.get("decision", ""))
    return redirect(_import_url(production_id, import_id) + f"#scene-{pk}")


@login_required
@require_POST
def to_plan(request: HttpRequest, production_id: int, import_id: int, pk: int) -> HttpResponse:
    scene = services.to_plan(request.user, production_id, import_id, pk)
    messages.success(
        request,
        _("Scene %(number)s has a draft plan. Check the roles and beats.")
        % {"number": scene.number},
    )
    return redirect(reverse("plans:plan", args=[production_id, scene.pk]))


@login_required
@require_POST
def plan_checked(request: HttpRequest, production_id: int, import_id: int, pk: int) -> HttpResponse:
    services.plan_outdated_seen(request.user, production_id, import_id, pk)
    return redirect(_import_url(production_id, import_id) + f"#scene-{pk}")


@login_required
@require_GET
def original(request: HttpRequest, production_id: int, import_id: int) -> HttpResponse:
    """The file as it was uploaded (the coordinator's)."""
    name, data = services.original(request.user, production_id, import_id)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
