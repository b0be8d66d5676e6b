"""Who holds which academy role: the one check every academy page, API and service uses."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

from closedset.academy.models import AcademyRole
from closedset.lib import scope
from closedset.lib.errors import Forbidden, NotFound


def _holds(user: Any, role: str) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and AcademyRole.objects.filter(user=user, role=role).exists()
    )


def is_staff(user: Any) -> bool:
    return _holds(user, AcademyRole.Kind.STAFF)


def is_reviewer(user: Any) -> bool:
    return _holds(user, AcademyRole.Kind.REVIEWER)


def require_staff(user: Any) -> None:
    """Academy staff only; to anyone else the staff area does not exist."""
    if not is_staff(user):
        raise NotFound(gettext("Not found."))


def require_whole_account() -> None:
    """The academy belongs to no production: a token held to one production's tools neither
    reads nor changes anyone's applications, offers, reviews or courses."""
    if scope.allowed_productions() is not None:
        # Translated where it is shown (lib.middleware.translated), as every DomainError.
        raise Forbidden(
            gettext_noop(
                "This token is for one production only, and the academy is not part of any "
                "production. Use a token made for all your productions."
            )
        )


def api_user(request: Any) -> Any:
    """The person behind an academy API request (token or session), refused when the token is
    held to one production."""
    auth = getattr(request, "auth", None)
    user = auth if getattr(auth, "is_authenticated", False) else request.user
    require_whole_account()
    return user
