"""Browser sessions on record: written at login, dropped at logout, checked on each request.

Django's session store cannot list a person's sessions, so each login leaves a small record
(accounts.models.UserSession, keyed by a hash of the session key). A session whose record is
gone was ended from the sessions page, here or on another device: it is signed out at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from closedset.accounts import services
from closedset.lib.net import client_ip


@receiver(user_logged_in, dispatch_uid="closedset.accounts.activity.logged_in")
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if request is None or session is None:
        return
    services.start_session(
        user,
        session,
        user_agent=str(request.META.get("HTTP_USER_AGENT", "")),
        ip=client_ip(request) or None,
    )


@receiver(user_logged_out, dispatch_uid="closedset.accounts.activity.logged_out")
def _logged_out(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        services.forget_session(session)


class SessionActivityMiddleware:
    """Sign out a session that is no longer on record; note when each one was last seen."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        signed_in = user is not None and session is not None and user.is_authenticated
        if signed_in and not services.keep_session(user, session, ip=client_ip(request) or None):
            # Flushing deletes it from the session store: the cookie is worthless now.
            logout(request)
        return self.get_response(request)
