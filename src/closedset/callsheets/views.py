"""Call sheet pages: thin. Every rule is in services; errors go to the usual error pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from closedset.callsheets import services
from closedset.lib.errors import InvalidInput
from closedset.lib.i18n import in_document_language
from closedset.lib.middleware import translated


@login_required
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, production_id: int) -> HttpResponse:
    """Pick a shoot day and print its sheet; a coordinator sets her phone number here."""
    errors: dict[str, str] = {}
    entered = None
    if request.method == "POST":
        entered = request.POST.get("phone", "")
        try:
            phone = services.set_phone(request.user, production_id, entered)
        except InvalidInput as error:
            message, fields = translated(error)
            errors = fields or {"phone": message}
        else:
            if phone:
                messages.success(request, _("Your phone number is on the call sheets now."))
            else:
                messages.success(
                    request, _("The call sheets now say to ask the production office.")
                )
            return redirect(reverse("callsheets:page", args=[production_id]))
    view = services.page(request.user, production_id)
    return render(
        request,
        "callsheets/page.html",
        {
            "view": view,
            "production": view.production,
            "errors": errors,
            "phone": view.phone if entered is None else entered,
        },
        status=422 if errors else 200,
    )


@login_required
@never_cache
@require_GET
@in_document_language
def sheet_pdf(request: HttpRequest, production_id: int, day: str) -> HttpResponse:
    """The day's closed-set call sheet as a PDF, in ?lang= or the reader's language."""
    try:
        name, pdf = services.call_sheet_pdf(request.user, production_id, day)
    except services.NothingCalled as error:
        # Only a reader of the production gets this far: she may know the day is empty.
        return render(request, "404.html", {"message": error.message}, status=404)
    response = HttpResponse(pdf, content_type="application/pdf")
    # Safe letters only (services slugify the production's name).
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store, private"
    return response
