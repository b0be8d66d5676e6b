"""The coordinator's report of a production's whole day, as a PDF. Thin: every rule is in
onset.closure."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from closedset.lib.i18n import in_document_language
from closedset.onset import closure


@login_required
@never_cache
@require_GET
@in_document_language
def report_day(request: HttpRequest, production_id: int, day: str) -> HttpResponse:
    """Every scene the production started that day, after a summary; never kept in a cache."""
    report = closure.report_day_pdf(request.user, production_id, day)
    response = HttpResponse(report.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.name}"'
    response["Cache-Control"] = "no-store, private"
    return response
