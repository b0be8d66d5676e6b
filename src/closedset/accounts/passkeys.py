"""Passkeys (django-otp-webauthn) as a second factor, never as a way to sign in on their own.

The plug-in's own URL names (namespace "otp_webauthn") are kept, as its template tags and
scripts use them. Its registration views let a person with no factor yet register without a
verified session; here registration always needs a session that passed the second factor.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

NOT_VERIFIED = gettext_lazy(
    "Confirm it is you with your second factor first: sign out, sign in again, "
    "then add the passkey from your account page."
)


class _VerifiedSessionOnly:
    def check_can_register(self: Any) -> None:
        # A stolen password alone must never be enough to plant a passkey.
        if not self.request.user.is_verified():
            raise exceptions.NotVerified(detail=str(NOT_VERIFIED))


class BeginRegistration(_VerifiedSessionOnly, BeginCredentialRegistrationView):
    pass


class CompleteRegistration(_VerifiedSessionOnly, CompleteCredentialRegistrationView):
    pass


app_name = "otp_webauthn"
urlpatterns = [
    path(
        "registration/begin/",
        BeginRegistration.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        CompleteRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        CompleteCredentialAuthenticationView.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
