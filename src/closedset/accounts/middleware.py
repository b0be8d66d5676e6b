"""Before any other page or API call: a confirmed e-mail address, then (for every role but
performer, and for anyone who enrolled) a verified second factor."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext

from closedset.accounts import services

# Pages a signed-in person can reach before the second factor.
EXEMPT_URL_NAMES = {
    "accounts:login",
    "accounts:logout",
    # Anyone may read the next step in their own language.
    "accounts:language",
    "accounts:otp_setup",
    "accounts:otp_verify",
    "accounts:otp_recovery",
    # Proving a passkey is the second-factor step itself (registration is not exempt).
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
    "accounts:email_pending",
    "accounts:email_confirm",
    "productions:invitation",
    # A calendar feed answers to its secret address alone, never to a session.
    "calendars:feed",
}

# Pages a signed-in person can reach before confirming their e-mail address.
EMAIL_EXEMPT_URL_NAMES = {
    "accounts:login",
    "accounts:logout",
    "accounts:language",
    "accounts:email_pending",
    "accounts:email_confirm",
    "calendars:feed",
}


class EmailVerifiedMiddleware:
    """An account whose address is not confirmed is held at "check your e-mail"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if not services.needs_email_verification(user):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.view_name in EMAIL_EXEMPT_URL_NAMES:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": gettext("Confirm your e-mail address in the browser first."),
                    "fields": {},
                },
                status=403,
            )
        return redirect("accounts:email_pending")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.view_name in EXEMPT_URL_NAMES:
            return self.get_response(request)
        has_device = services.has_confirmed_device(user)
        if not has_device and not services.needs_second_factor(user):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": gettext("Verify your second factor (TOTP) in the browser first."),
                    "fields": {},
                },
                status=403,
            )
        target = "accounts:otp_verify" if has_device else "accounts:otp_setup"
        response = redirect(target)
        response["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return response
