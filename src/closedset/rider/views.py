"""Rider pages: thin; every rule is in rider.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from closedset.accounts.forms import add_domain_errors
from closedset.lib.errors import Forbidden, InvalidInput
from closedset.lib.i18n import in_document_language
from closedset.rider import services
from closedset.rider.forms import RiderTermsForm


def _initial(terms: object) -> dict[str, object]:
    names = (*services.FLAG_TERMS, *services.TEXT_TERMS)
    return {name: getattr(terms, name) for name in names}


@login_required
@require_GET
def cast(request: HttpRequest, production_id: int, scene_id: int) -> HttpResponse:
    """The coordinator's list of the scene's riders."""
    scene, performers = services.cast_riders(request.user, production_id, scene_id)
    return render(request, "rider/cast.html", {"scene": scene, "performers": performers})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def rider(request: HttpRequest, production_id: int, scene_id: int, handle: str) -> HttpResponse:
    page = services.rider_page(request.user, production_id, scene_id, handle)
    form = None
    status = 200
    if page.editable:
        form = RiderTermsForm(request.POST or None, initial=_initial(page.terms))
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.save_terms(request.user, production_id, scene_id, handle, request.POST)
                except InvalidInput as error:
                    add_domain_errors(form, error)
                    status = 422
                else:
                    name = page.performer.display_name or page.performer.handle
                    messages.success(request, f"{name}'s rider terms are saved.")
                    return redirect(
                        "rider:rider", production_id=production_id, scene_id=scene_id, handle=handle
                    )
            else:
                status = 422
    elif request.method == "POST":
        raise Forbidden("Only the intimacy coordinator changes the rider's terms.")
    return render(request, "rider/rider.html", {"page": page, "form": form}, status=status)


@login_required
@never_cache
@require_GET
@in_document_language
def rider_pdf(request: HttpRequest, production_id: int, scene_id: int, handle: str) -> HttpResponse:
    """The rider as a sealed PDF: its performer's own, or any cast performer's for the
    coordinator; never kept in a cache."""
    found, document = services.sealed_rider(request.user, production_id, scene_id, handle)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="intimacy-rider.pdf"'
    response["Cache-Control"] = "no-store, private"
    response["X-Rider-SHA256"] = found.sha256
    return response
