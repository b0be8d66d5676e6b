from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _


def site(request: HttpRequest) -> dict[str, object]:
    return {"brand": settings.SITE_NAME}


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class Navigation:
    """What the main navigation offers this person: only what their roles use."""

    links: tuple[NavLink, ...]
    # Performs and holds no other role anywhere: sees no API tokens, no "start a production".
    performer_only: bool
    performer: bool


def _url(name: str) -> str | None:
    # A page may not exist yet in every build; its link then simply is not offered.
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def roles_of(user: Any) -> frozenset[str]:
    """Every role the person holds in any production."""
    from closedset.productions.models import Membership

    return frozenset(Membership.objects.filter(user=user).values_list("role", flat=True).distinct())


def _academy_links(user: Any, roles: frozenset[str]) -> list[tuple[str, str]]:
    """The academy's and the registry's pages this person uses, by what they do there."""
    from closedset.academy.models import AcademyRole, Application, Enrolment

    academy_roles = set(AcademyRole.objects.filter(user=user).values_list("role", flat=True))
    wanted: list[tuple[str, str]] = []
    if Enrolment.objects.filter(user=user).exists():
        wanted.append((_("My course"), "learning:mine"))
    elif Application.objects.filter(applicant=user).exists():
        wanted.append((_("My applications"), "academy:mine"))
    if AcademyRole.Kind.REVIEWER in academy_roles:
        wanted.append((_("Reviews"), "review:list"))
    if AcademyRole.Kind.STAFF in academy_roles:
        wanted.append((_("Academy"), "academy:staff"))
    if "producer" in roles:
        # Producers book coordinators the academy certified.
        wanted.append((_("Registry"), "registry:search"))
    from closedset.certificates.services import is_certified

    certified = is_certified(user)
    if certified:
        wanted.append((_("Your certificates"), "certificates:mine"))
        wanted.append((_("Your listing"), "registry:mine"))
    if certified or "producer" in roles:
        wanted.append((_("Booking requests"), "registry:bookings"))
    return wanted


def navigation_for(request: HttpRequest) -> Navigation | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    try:
        roles = roles_of(user)
    except DatabaseError:
        # An error page for a database that cannot answer must still render: the bare minimum.
        account = NavLink(_("Account"), reverse("accounts:account"), False)
        return Navigation((account,), False, False)
    performer = "performer" in roles
    performer_only = roles == {"performer"}
    wanted: list[tuple[str, str]] = []
    if performer:
        wanted.append((_("My scenes"), "scenes:mine"))
        # Requests waiting for an answer, and every answer given, with its receipt.
        wanted.append((_("Consent"), "consent:mine"))
    academy = _academy_links(user, roles)
    # Someone with no role yet may be a performer-to-be: their profile is where they start.
    # Someone who came for the academy (applicant, reviewer, staff, graduate) is not.
    if performer or (not roles and not academy):
        wanted.append((_("My boundaries"), "boundaries:mine"))
    wanted.extend(academy)
    # What happened that concerns them (cast, a plan changed, a proposal, a release).
    wanted.append((_("Notices"), "notices:list"))
    wanted.append((_("Account"), "accounts:account"))
    if not performer_only:
        # API tokens serve the crew's own tools; a performer has no use for them.
        wanted.append((_("Sessions & tokens"), "accounts:sessions"))
    found = [(label, url) for label, name in wanted if (url := _url(name)) is not None]
    # The current section is the longest link the path starts with (/account/sessions/ is
    # "Sessions & tokens", not "Account").
    here = max((url for _, url in found if request.path.startswith(url)), key=len, default=None)
    links = tuple(NavLink(label, url, url == here) for label, url in found)
    return Navigation(links, performer_only=performer_only, performer=performer)


def navigation(request: HttpRequest) -> dict[str, object]:
    """Template context: `nav` (None when signed out), computed once per request."""
    if not hasattr(request, "_closedset_nav"):
        request._closedset_nav = navigation_for(request)  # type: ignore[attr-defined]
    return {"nav": request._closedset_nav}  # type: ignore[attr-defined]
