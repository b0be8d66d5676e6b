"""The one place where an error raised in a page view becomes a response, and the limits on
what a request may carry."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext

from closedset.lib.errors import BUSY_MESSAGE, TOO_LARGE_MESSAGE, DomainError, database_busy

TEMPLATE_FOR_STATUS = {403: "403.html", 404: "404.html"}
# How long a client should wait before trying a busy request again.
RETRY_AFTER_SECONDS = 5


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def error_response(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """The usual error shape: {"detail", "fields"} for the API, the error page otherwise."""
    if is_api(request.path):
        response: HttpResponse = JsonResponse({"detail": message, "fields": {}}, status=status)
    else:
        response = render(request, "400.html", {"message": message}, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def busy_response(request: HttpRequest) -> HttpResponse:
    return error_response(request, 503, gettext(BUSY_MESSAGE))


def too_large_response(request: HttpRequest) -> HttpResponse:
    return error_response(request, 413, gettext(TOO_LARGE_MESSAGE))


def translated(error: DomainError) -> tuple[str, dict[str, str]]:
    """The error's message and field messages in the page's language. A service may raise a
    constant marked with gettext_noop as it is: it is looked up here, once. Text already
    translated, or not in any catalog (a name, a number), comes back unchanged."""
    fields = {name: gettext(text) if text else text for name, text in error.fields.items()}
    return (gettext(error.message) if error.message else error.message), fields


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if database_busy(exception):
            # Other writers held the database too long; the transaction was rolled back.
            return busy_response(request)
        if isinstance(exception, RequestDataTooBig):
            return too_large_response(request)
        if not isinstance(exception, DomainError):
            return None
        template = TEMPLATE_FOR_STATUS.get(exception.status, "400.html")
        if exception.status == 404:
            # Never echo details for a 404: outsiders must not learn what exists.
            context: dict[str, object] = {}
        else:
            message, fields = translated(exception)
            context = {"message": message, "fields": fields}
        return render(request, template, context, status=exception.status)


class BodyLimitMiddleware:
    """First in the chain: a body longer than DATA_UPLOAD_MAX_MEMORY_SIZE is refused from its
    Content-Length, before anything reads it. (Under `closedset serve` BodyLimitASGI has
    already done this, and also bounds bodies sent without a length.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _too_long(request.META.get("CONTENT_LENGTH")):
            return too_large_response(request)
        return self.get_response(request)


def _too_long(length: object) -> bool:
    if length in (None, ""):
        return False
    text = str(length).strip()
    # A length that is not a number is refused too: nothing can say how much will follow.
    return (
        not (text.isascii() and text.isdigit()) or int(text) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimitASGI:
    """Wraps the ASGI application: Django reads a whole body into a file before any
    middleware runs, so the limit has to hold here. A declared length over the limit is
    refused at once; a body without one is counted as it arrives and refused when it passes
    the limit, without reading the rest."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            if _too_long(length.decode("latin-1")):
                await _send_too_large(scope, send)
                return
            # The server delivers exactly the declared length, no more.
            await self.app(scope, receive, send)
            return

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        received = 0
        refused = False

        async def counted_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    await _send_too_large(scope, send)
                    # Django gives up on a request whose client went away.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counted_receive, guarded_send)


async def _send_too_large(scope: Scope, send: Send) -> None:
    if is_api(str(scope.get("path", ""))):
        body = json.dumps({"detail": gettext(TOO_LARGE_MESSAGE), "fields": {}}).encode()
        content_type = b"application/json"
    else:
        # No request object here: the error page with only what it needs.
        page = render_to_string(
            "400.html", {"message": gettext(TOO_LARGE_MESSAGE), "brand": settings.SITE_NAME}
        )
        body = page.encode()
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


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
