"""The one place where a domain error raised in a page view becomes a response."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from closedset.lib.errors import DomainError

TEMPLATE_FOR_STATUS = {403: "403.html", 404: "404.html"}


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        template = TEMPLATE_FOR_STATUS.get(exception.status, "400.html")
        if exception.status == 404:
            # Never echo details for a 404: outsiders must not learn what exists.
            context: dict[str, object] = {}
        else:
            context = {"message": exception.message, "fields": exception.fields}
        return render(request, template, context, status=exception.status)


class HtmxLoginRedirectMiddleware:
    """When a session ends mid-page, HTMX would swap the login page into a fragment; tell it
    to load the login (or second-factor) page as a whole page instead."""

    TARGETS = ("/login/", "/account/second-factor/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or response.status_code not in (301, 302):
            return response
        location = response.get("Location", "")
        if not any(target in location for target in self.TARGETS):
            return response
        redirect = HttpResponse(status=204)
        redirect["HX-Redirect"] = location
        return redirect
