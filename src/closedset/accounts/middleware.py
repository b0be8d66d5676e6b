"""Staff must enrol and verify a TOTP second factor before any other page or API call."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from closedset.accounts import services

# Pages a signed-in person can reach before the second factor.
EXEMPT_URL_NAMES = {
    "accounts:login",
    "accounts:logout",
    "accounts:otp_setup",
    "accounts:otp_verify",
    "productions:invitation",
}


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
                {"detail": "Verify your second factor (TOTP) in the browser first.", "fields": {}},
                status=403,
            )
        target = "accounts:otp_verify" if has_device else "accounts:otp_setup"
        response = redirect(target)
        response["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return response
