"""The language each page is shown in.

Until a person chooses, the browser decides (LocaleMiddleware reads the picker's cookie, then
Accept-Language). A signed-in person's choice is kept on their account, so it follows them to
every device, and wins over whatever the browser says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def offered() -> dict[str, str]:
    """Code → the language's own name, in the order the picker shows them."""
    return dict(settings.LANGUAGES)


def is_offered(code: object) -> bool:
    return isinstance(code, str) and code in offered()


def choose(user: Any, code: str) -> None:
    """Keep a signed-in person's choice on their account ("" gives the choice back to the
    browser)."""
    if code and not is_offered(code):
        raise ValueError(f"not an offered language: {code!r}")
    if user.language != code:
        user.language = code
        user.save(update_fields=["language"])


def remember_in_browser(response: HttpResponse, code: str) -> None:
    """The choice in the browser too: it still holds after signing out, and before signing in."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class AccountLanguageMiddleware:
    """After authentication: the account's language, when the person chose one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        code = getattr(user, "language", "") if getattr(user, "is_authenticated", False) else ""
        if is_offered(code):
            # Left active for the response: LocaleMiddleware names it in Content-Language.
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="closedset.accounts.language.keep_browser_choice")
def keep_browser_choice(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Someone who picked a language before signing in (on the invitation page, say) and has
    not chosen one on their account keeps it: the picker's cookie becomes their choice."""
    if request is None or getattr(user, "language", None) != "":
        return
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if is_offered(code):
        choose(user, code)
