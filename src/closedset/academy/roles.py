"""Who holds which academy role: the one check every academy page, API and service uses."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from closedset.academy.models import AcademyRole
from closedset.lib.errors import NotFound


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
