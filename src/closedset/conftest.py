"""Shared test fixtures: the personas every app tests with.

Northlight Films makes "Harbour Lights" (adult), scene 12B. Mara and Jonas perform, Ines is
the intimacy coordinator, Dario directs, Petra produces, Cora keeps the records. Oscar is from
Elsewhere Pictures and should see nothing of Northlight's.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.test import Client
from django.utils import timezone

# Generated per test session; nothing secret is written down.
PERSONA_PASSWORD = secrets.token_urlsafe(18)
_password_hash: str | None = None

PERSONAS = ("mara", "jonas", "ines", "dario", "petra", "cora", "oscar")
ROLES = {
    "mara": ["performer"],
    "jonas": ["performer"],
    "ines": ["coordinator"],
    "dario": ["director"],
    "petra": ["producer"],
    "cora": ["custodian"],
}
NAMES = {
    "mara": "Mara",
    "jonas": "Jonas",
    "ines": "Ines",
    "dario": "Dario",
    "petra": "Petra",
    "cora": "Cora",
    "oscar": "Oscar",
}


@dataclass
class World:
    organisation: Any
    production: Any
    scene: Any
    other_organisation: Any
    other_production: Any
    users: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def _hash() -> str:
    global _password_hash
    if _password_hash is None:
        _password_hash = make_password(PERSONA_PASSWORD)
    return _password_hash


@pytest.fixture
def persona_password() -> str:
    return PERSONA_PASSWORD


@pytest.fixture
def world(db: Any) -> World:
    from closedset.accounts.models import User
    from closedset.productions.models import (
        Membership,
        Organisation,
        OrgMembership,
        Production,
        Scene,
    )

    northlight = Organisation.objects.create(name="Northlight Films")
    harbour = Production.objects.create(
        organisation=northlight, name="Harbour Lights", kind="adult"
    )
    scene = Scene.objects.create(production=harbour, number="12B", title="The boathouse")
    elsewhere = Organisation.objects.create(name="Elsewhere Pictures")
    other = Production.objects.create(organisation=elsewhere, name="Quiet Water", kind="mainstream")
    users = {}
    for handle in PERSONAS:
        user = User(
            email=f"{handle}@example.org",
            display_name=NAMES[handle],
            handle=handle,
            password=_hash(),
            # The personas' addresses are confirmed (accounts/tests cover the unconfirmed).
            email_verified_at=timezone.now(),
        )
        user.save()
        users[handle] = user
        if handle == "oscar":
            OrgMembership.objects.create(user=user, organisation=elsewhere)
            Membership.objects.create(user=user, production=other, role="producer")
            continue
        OrgMembership.objects.create(user=user, organisation=northlight)
        for role in ROLES[handle]:
            Membership.objects.create(user=user, production=harbour, role=role)
    return World(northlight, harbour, scene, elsewhere, other, users)


for _name in PERSONAS:

    def _make(name: str) -> Callable[..., Any]:
        @pytest.fixture(name=name)
        def persona(world: World) -> Any:
            return world.users[name]

        return persona

    globals()[_name] = _make(_name)


def verified_client(user: Any) -> Client:
    """A client logged in as `user`, second factor verified when the person has or needs one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from closedset.accounts import services as accounts

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and accounts.needs_second_factor(user):
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


# Every page carries a random CSRF token twice (the forms and htmx's header); a short word
# checked against a whole page can turn up in it by chance.
_TOKENS = re.compile(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]*')


def without_tokens(page: str) -> str:
    """The page with its random CSRF tokens emptied: for checks that a word is absent, and
    for pages that must be the same but for their per-request tokens."""
    return _TOKENS.sub(r"\1", page)


def speaks(user: Any, language: str) -> Any:
    """The person chose `language` for every page (their account's language)."""
    user.language = language
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def client_as(world: World) -> Callable[[Any], Client]:
    """client_as("ines") or client_as(user) -> a logged-in, OTP-verified test client.
    client_as("anonymous") gives a client with nobody logged in."""

    def make(who: Any) -> Client:
        if who in (None, "anonymous"):
            return Client()
        user = world.users[who] if isinstance(who, str) else who
        return verified_client(user)

    return make


class QuickArgon2(Argon2PasswordHasher):
    """Argon2, as in production, at its smallest cost. The suite sets and checks passwords
    about two thousand times; at production cost (100 MB, 90 ms each) that was a sixth of
    its time. The cost is written into each hash, so nothing else changes."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1


@pytest.fixture(autouse=True, scope="session")
def _quick_passwords() -> Any:
    from django.conf import settings
    from django.test import override_settings

    quick = f"{QuickArgon2.__module__}.{QuickArgon2.__qualname__}"
    with override_settings(PASSWORD_HASHERS=[quick, *settings.PASSWORD_HASHERS[1:]]):
        yield


@pytest.fixture(autouse=True, scope="session")
def _static_files_listed_once() -> Any:
    """Every test client starts the middleware afresh, and WhiteNoise lists every static file
    as it starts (23 ms, a third of a short test's time). The files do not change while the
    suite runs: list them once for each set of places they are found in."""
    from unittest import mock

    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    list_files = WhiteNoiseMiddleware.add_files_from_finders
    listed: dict[tuple[Any, ...], dict[str, Any]] = {}

    def once(self: Any) -> None:
        key = (
            self.static_prefix,
            tuple(str(place) for place in settings.STATICFILES_DIRS),
            tuple(settings.INSTALLED_APPS),
        )
        if key not in listed:
            before = dict(self.files)
            list_files(self)
            listed[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(listed[key])

    with mock.patch.object(WhiteNoiseMiddleware, "add_files_from_finders", once):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Request and mail limits count in the cache: every test starts with no counts."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _no_language_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command speaks the shell's language (LANG and friends): tests that read its English
    must not depend on the shell they run in; a test that wants a language sets one."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Any:
    """A page request activates its reader's language on the thread and leaves it there, so a
    service called straight from the next test would speak it: each test starts and ends with
    none active (English)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def _catalogs_compiled() -> None:
    """`make install` compiles the translations; a catalog edited since is compiled again
    before any page is read, and Django forgets the catalogs it loaded before."""
    from django.utils.translation import trans_real

    from closedset.core.catalogs import compile_catalogs

    if compile_catalogs(stale_only=True):
        trans_real._translations = {}
        trans_real._default = None


@dataclass
class AcademyWorld:
    """The academy's people and one cohort, for every academy, certificate and registry test.

    Sam runs the academy; Rhea, Rui and Ravi review (blind); Ana, Ben, Chen and Dana applied
    to the spring cohort of the adult-set workshop (Ana and Chen ask for a scholarship)."""

    course: Any
    modules: list[Any]
    cohort: Any
    criteria: list[Any]
    staff: Any
    reviewers: list[Any]
    applicants: dict[str, Any]
    applications: dict[str, Any]


ACADEMY_APPLICANTS = {
    # handle: (full name, phone, location, links, scholarship)
    "ana": ("Ana Lima", "+351 912 345 678", "Porto, Portugal", "https://ana-lima.example", "full"),
    "ben": ("Ben Okafor", "+44 7700 900123", "Leeds, UK", "https://benokafor.example", ""),
    "chen": ("Chen Wei", "+420 601 234 567", "Brno, Czechia", "https://chenwei.example", "partial"),
    "dana": ("Dana Novak", "+36 30 123 4567", "Szeged, Hungary", "", ""),
}


@pytest.fixture
def academy(db: Any) -> AcademyWorld:
    from datetime import timedelta
    from decimal import Decimal

    from closedset.academy.models import (
        AcademyRole,
        Application,
        Cohort,
        Course,
        Criterion,
        Module,
    )
    from closedset.accounts.models import User

    def person(handle: str, name: str) -> Any:
        user = User(
            email=f"{handle}@example.net",
            display_name=name,
            handle=handle,
            password=_hash(),
            email_verified_at=timezone.now(),
        )
        user.save()
        return user

    course = Course.objects.create(
        title="Intimacy coordination for adult sets",
        summary="Five weeks online: consent, boundaries, planning, the set, closure.",
        achievement="Completed the five-week workshop for intimacy coordinators on adult sets.",
    )
    titles = ["Consent and power", "Boundaries", "Planning a scene", "On set", "Closure"]
    modules = [
        Module.objects.create(course=course, week=week, title=title, needs_confirmation=(week == 5))
        for week, title in enumerate(titles, start=1)
    ]
    now = timezone.now()
    cohort = Cohort.objects.create(
        course=course,
        name="Spring 2027",
        starts_on=(now + timedelta(days=60)).date(),
        capacity=3,
        price=Decimal("900.00"),
        currency="EUR",
        scholarship_full_places=1,
        scholarship_partial_places=1,
        partial_discount_percent=50,
        application_deadline=now + timedelta(days=14),
    )
    criteria = [
        Criterion.objects.create(cohort=cohort, name="Experience", weight=3, position=1),
        Criterion.objects.create(cohort=cohort, name="Motivation", weight=2, position=2),
        Criterion.objects.create(cohort=cohort, name="Judgement", weight=2, position=3),
    ]
    staff = person("sam", "Sam Staff")
    AcademyRole.objects.create(user=staff, role=AcademyRole.Kind.STAFF)
    reviewers = []
    for handle, name in (("rhea", "Rhea Reviewer"), ("rui", "Rui Reviewer"), ("ravi", "Ravi R")):
        reviewer = person(handle, name)
        AcademyRole.objects.create(user=reviewer, role=AcademyRole.Kind.REVIEWER)
        reviewers.append(reviewer)
    applicants: dict[str, Any] = {}
    applications: dict[str, Any] = {}
    for offset, (handle, (name, phone, place, links, scholarship)) in enumerate(
        ACADEMY_APPLICANTS.items()
    ):
        user = person(handle, name)
        applicants[handle] = user
        applications[handle] = Application.objects.create(
            cohort=cohort,
            applicant=user,
            full_name=name,
            email=user.email,
            phone=phone,
            location=place,
            links=links,
            background="Six years as a stage manager; first-aid trained.",
            motivation="I want sets where everyone can say no without paying for it.",
            scholarship=scholarship,
            scholarship_reason="I work part time." if scholarship else "",
            submitted_at=now - timedelta(hours=10 - offset),
        )
    return AcademyWorld(
        course, modules, cohort, criteria, staff, reviewers, applicants, applications
    )
