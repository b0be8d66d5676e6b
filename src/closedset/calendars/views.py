"""The calendar page and the feed itself. Thin: every rule is in calendars.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST, require_safe

from closedset.calendars import services
from closedset.lib.net import client_ip

# One answer for every address that does not lead to a calendar: wrong, replaced or turned
# off look exactly alike, so a guess learns nothing.
NOT_FOUND_BODY = b"Not found.\n"


def _unkept(response: HttpResponse) -> HttpResponse:
    """The page may show a secret address: no cache keeps it, no search engine lists it."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _private(response: HttpResponse) -> HttpResponse:
    """The feed's own answers: its address is the secret, so it never leaves as a referrer.
    (Not the page: there the site's same-origin policy stands, or browsers would send its
    forms with no origin and the CSRF check would refuse them.)"""
    response["Referrer-Policy"] = "no-referrer"
    return _unkept(response)


def _page(request: HttpRequest, address: dict[str, str] | None = None) -> HttpResponse:
    response = render(
        request,
        "calendars/page.html",
        {"feed": services.feed_of(request.user), "address": address},
    )
    return _unkept(response)


@login_required
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def new_address(request: HttpRequest) -> HttpResponse:
    """A new address, shown on this answer only: we keep no copy we could show again."""
    secret = services.make_address(request.user)
    https = request.build_absolute_uri(reverse("calendars:feed", args=[secret]))
    webcal = "webcal://" + https.split("://", 1)[1]
    return _page(request, {"https": https, "webcal": webcal})


@login_required
@require_POST
def turn_off(request: HttpRequest) -> HttpResponse:
    if services.turn_off(request.user):
        messages.success(request, gettext("Your calendar address is turned off."))
    return redirect("calendars:page")


@require_safe
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    # A right address is always answered; only guesses are counted and, past the limit,
    # refused (services.blocked), so others' guesses from a shared address lock no one out.
    user = services.user_for_secret(secret)
    if user is None:
        ip = client_ip(request)
        if services.blocked(ip):
            return _private(
                HttpResponse(b"Too many requests.\n", status=429, content_type="text/plain")
            )
        services.count_miss(ip)
        return _private(HttpResponse(NOT_FOUND_BODY, status=404, content_type="text/plain"))
    body = services.feed_ics(
        user,
        base_url=request.build_absolute_uri("/"),
        domain=split_domain_port(request.get_host())[0] or "localhost",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return _private(response)
