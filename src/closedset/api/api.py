"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json). Routers come from each app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from closedset.api.auth import AUTH
from closedset.boundaries.api import router as boundaries_router
from closedset.lib.errors import DomainError
from closedset.people.api import router as people_router
from closedset.plans.api import router as plans_router

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


api.add_router("/", people_router)
api.add_router("/boundaries/", boundaries_router)
api.add_router("/plans/", plans_router)
