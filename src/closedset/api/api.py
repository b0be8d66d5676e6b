"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json). Routers come from each app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from closedset.accounts.api import router as accounts_router
from closedset.api.auth import AUTH
from closedset.boundaries.api import router as boundaries_router
from closedset.lib.errors import DomainError
from closedset.plans.api import router as plans_router
from closedset.productions.api import router as productions_router

api = NinjaAPI(
    title="closedset",
    version="1",
    description="Boundaries, scene plans and the check, for intimacy coordination.",
    auth=AUTH,
    urls_namespace="api",
    # The interactive docs page needs inline scripts, which our CSP forbids.
    docs_url=None,
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return api.create_response(request, error.as_json(), status=error.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """Schema errors in the same shape as domain errors: one message, one line per field."""
    fields: dict[str, str] = {}
    for item in error.errors:
        loc = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path")]
        # The first part is the parameter name (e.g. "data"); people want the field.
        name = ".".join(loc[1:] if len(loc) > 1 else loc) or "request"
        fields.setdefault(name, str(item.get("msg", "invalid value")))
    return api.create_response(
        request,
        {"detail": "Please correct the marked fields.", "fields": fields},
        status=422,
    )


api.add_router("/", accounts_router)
api.add_router("/", productions_router)
api.add_router("/boundaries/", boundaries_router)
api.add_router("/plans/", plans_router)
