"""Shared test fixtures: the personas every app tests with.

Northlight Films makes "Harbour Lights" (adult), scene 12B. Mara and Jonas perform, Ines is
the intimacy coordinator, Dario directs, Petra produces, Cora keeps the records. Oscar is from
Elsewhere Pictures and should see nothing of Northlight's.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
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
