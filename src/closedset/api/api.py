"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json). Routers come from each app."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.views.defaults import page_not_found
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError
from ninja.parser import Parser

from closedset.academy.api import router as academy_router
from closedset.academy.enrolment_api import router as learning_router
from closedset.academy.review_api import router as review_router
from closedset.accounts.api import router as accounts_router
from closedset.api.auth import AUTH, ApiRateLimited
from closedset.boundaries.api import router as boundaries_router
from closedset.breakdown.api import router as breakdown_router
from closedset.certificates.api import router as certificates_router
from closedset.compliance.api import router as compliance_router
from closedset.consent.api import router as consent_router
from closedset.lib.errors import DomainError, database_busy
from closedset.lib.middleware import busy_response, is_api, too_large_response, translated
from closedset.onset.api import router as onset_router
from closedset.plans.api import router as plans_router
from closedset.productions.api import router as productions_router
from closedset.record.api import router as record_router
from closedset.registry.api import router as registry_router


class ErrorOut(Schema):
    """Every error the API answers: one message, and one line per field that needs correcting."""

    detail: str
    fields: dict[str, str] = Field(default_factory=dict)


# What any operation may answer instead of its success, always as an ErrorOut. Declared once
# here rather than on each operation, so the published schema tells clients the whole truth.
ERROR_RESPONSES = {
    400: "The request could not be read, e.g. a body that is not JSON.",
    401: "No valid token or session.",
    403: "Not allowed to do this.",
    404: "Not found, or not yours to know about.",
    409: "Conflicts with the current state; reload and try again.",
    413: "The request is too large.",
    422: "A value in the request is not acceptable; see fields.",
    429: "Too many requests; wait a little.",
    503: "Temporarily unavailable; try again shortly.",
}


class JsonTextParser(Parser):
    """JSON bodies whose text can be stored: a lone surrogate ("\\ud800") is valid JSON but no
    database holds it, so it is refused here, once, as an unreadable body (400)."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # UnicodeEncodeError if one is there
        return data


class ClosedsetAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema["components"]["schemas"]["ErrorOut"] = ErrorOut.model_json_schema()
        ref = "#/components/schemas/ErrorOut"
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, description in ERROR_RESPONSES.items():
                    content = {"application/json": {"schema": {"$ref": ref}}}
                    operation["responses"].setdefault(
                        status, {"description": description, "content": content}
                    )
        return schema


api = ClosedsetAPI(
    title="closedset",
    version="1",
    description="Boundaries, scene plans and the check, for intimacy coordination.",
    auth=AUTH,
    urls_namespace="api",
    parser=JsonTextParser(),
    # The interactive docs page needs inline scripts, which our CSP forbids.
    docs_url=None,
)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 when no route matches (say /productions/abc where an id belongs): JSON in
    the usual shape under /api/, the usual page elsewhere. urls.py installs it as handler404."""
    if is_api(request.path):
        return api.create_response(
            request, {"detail": gettext("Not found."), "fields": {}}, status=404
        )
    return page_not_found(request, exception)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    # In the reader's language, as on the pages (lib.middleware.translated).
    detail, fields = translated(error)
    return api.create_response(request, {"detail": detail, "fields": fields}, status=error.status)


@api.exception_handler(ApiRateLimited)
def rate_limited(request: HttpRequest, error: ApiRateLimited) -> HttpResponse:
    response = api.create_response(request, error.as_json(), status=error.status)
    response["Retry-After"] = str(error.retry_after)
    return response


@api.exception_handler(OperationalError)
def database_error(request: HttpRequest, error: OperationalError) -> HttpResponse:
    # A busy database is a 503 the client can retry; anything else stays a server error.
    if database_busy(error):
        return busy_response(request)
    raise error


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    return too_large_response(request)


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
api.add_router("/consent/", consent_router)
api.add_router("/log/", record_router)
api.add_router("/compliance/", compliance_router)
api.add_router("/onset/", onset_router)
api.add_router("/breakdown/", breakdown_router)
api.add_router("/academy/", academy_router)
api.add_router("/academy/review/", review_router)
api.add_router("/academy/learn/", learning_router)
api.add_router("/certificates/", certificates_router)
api.add_router("/registry/", registry_router)
