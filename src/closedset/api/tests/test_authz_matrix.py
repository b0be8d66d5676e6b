"""Every route × every persona → the expected outcome (see authz_matrix.py for the format).

The API routes run again with personal API tokens instead of a session: a valid write token
for all productions must give every persona exactly the session's outcome, and each kind of
token that must not work (expired, read-only on a change, scoped to another production, of a
person whose second factor is missing) must be refused.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from closedset.api.tests.authz_matrix import (
    PERSONAS,
    Route,
    is_api_route,
    observe,
    registry,
    request,
    routes,
    url_and_body,
)

ALL_ROUTES = routes()
REGISTRY = registry()
# API routes that need a caller (the schema itself is public).
TOKEN_ROUTES = [
    route
    for route in ALL_ROUTES
    if is_api_route(route) and REGISTRY.expected.get(route.key, {}).get("anonymous") == 401
]
SIGNED_IN = [persona for persona in PERSONAS if persona != "anonymous"]
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _app_for(route: Route) -> str:
    first = route.path.strip("/").split("/")[0]
    return {"api": "the app whose router serves it", "": "people"}.get(first, first)


def test_every_route_has_an_entry():
    missing = [route.key for route in ALL_ROUTES if route.key not in REGISTRY.expected]
    assert not missing, (
        "routes without an authorization-matrix entry (add them to "
        "closedset/<app>/tests/authz.py EXPECTED):\n  " + "\n  ".join(missing)
    )


def test_every_entry_is_a_route():
    keys = {route.key for route in ALL_ROUTES}
    stale = [f"{key} ({REGISTRY.sources[key]})" for key in REGISTRY.expected if key not in keys]
    assert not stale, "entries for routes that do not exist:\n  " + "\n  ".join(stale)


def test_every_entry_names_every_persona():
    incomplete = {
        key: sorted(set(PERSONAS) ^ set(entry))
        for key, entry in REGISTRY.expected.items()
        if set(entry) != set(PERSONAS)
    }
    assert not incomplete, f"entries missing or naming unknown personas: {incomplete}"


def _expected(route: Route) -> dict[str, object]:
    expected = REGISTRY.expected.get(route.key)
    if expected is None:
        pytest.fail(f"{route.key} has no entry in closedset/<app>/tests/authz.py")
    return expected


def _observe(client: Client, route: Route, url: str, body: object, headers: Any = None) -> Any:
    # Each persona starts from the same state: what one does is rolled back.
    with transaction.atomic():
        response = request(client, route, url, body, headers)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("route", ALL_ROUTES, ids=lambda route: route.key)
def test_route(route, world, client_as):
    expected = _expected(route)
    url, body = url_and_body(route, REGISTRY, world)
    wrong = []
    for persona in PERSONAS:
        with transaction.atomic():
            client = client_as(persona)
            outcome = observe(_observe(client, route, url, body))
            transaction.set_rollback(True)
        if outcome != expected[persona]:
            wrong.append(f"{persona}: expected {expected[persona]}, got {outcome}")
    assert not wrong, f"{route.key} ({url}):\n  " + "\n  ".join(wrong)


# --- the API with personal tokens ----------------------------------------------------------


def _tokens(world: Any, *, with_factor: bool = True, **fields: Any) -> dict[str, str]:
    """A token for each signed-in persona (its model fields overridden by `fields`); everyone
    whose roles need a second factor has one set up unless `with_factor` is False."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from closedset.accounts import services as accounts
    from closedset.accounts.models import ApiToken

    secrets = {}
    for persona in SIGNED_IN:
        user = world.users[persona]
        if with_factor and accounts.needs_second_factor(user):
            TOTPDevice.objects.get_or_create(user=user, name="phone", confirmed=True)
        token, secrets[persona] = accounts.create_api_token(
            user, "matrix", access=ApiToken.Access.WRITE, session_verified=True
        )
        if fields:
            ApiToken.objects.filter(pk=token.pk).update(**fields)
    return secrets


def _run_with_tokens(
    route: Route, world: Any, secrets: dict[str, str], expected: dict[str, object]
) -> list[str]:
    url, body = url_and_body(route, REGISTRY, world)
    wrong = []
    for persona, outcome_wanted in expected.items():
        headers = {"Authorization": f"Bearer {secrets[persona]}"}
        response = _observe(Client(), route, url, body, headers)
        outcome = observe(response)
        if outcome != outcome_wanted:
            wrong.append(f"{persona}: expected {outcome_wanted}, got {outcome}")
        elif outcome in (401, 403):
            # Refusals come in the usual shape, in words.
            data = response.json()
            if set(data) != {"detail", "fields"} or not data["detail"]:
                wrong.append(f"{persona}: refusal not in the usual shape: {data}")
    return [f"{route.key} ({url}):"] + wrong if wrong else []


@pytest.mark.parametrize("route", TOKEN_ROUTES, ids=lambda route: route.key)
def test_route_with_a_write_token_is_as_with_a_session(route, world):
    expected = _expected(route)
    wrong = _run_with_tokens(
        route, world, _tokens(world), {persona: expected[persona] for persona in SIGNED_IN}
    )
    assert not wrong, "\n  ".join(wrong)


@pytest.mark.parametrize("route", TOKEN_ROUTES, ids=lambda route: route.key)
def test_route_refuses_an_expired_token(route, world):
    secrets = _tokens(world, expires_at=timezone.now() - timedelta(minutes=1))
    wrong = _run_with_tokens(route, world, secrets, dict.fromkeys(SIGNED_IN, 401))
    assert not wrong, "\n  ".join(wrong)


@pytest.mark.parametrize("route", TOKEN_ROUTES, ids=lambda route: route.key)
def test_route_with_a_read_token_refuses_changes(route, world):
    expected = _expected(route)
    secrets = _tokens(world, access="read")
    if route.method in WRITES:
        wanted: dict[str, object] = dict.fromkeys(SIGNED_IN, 403)
    else:
        wanted = {persona: expected[persona] for persona in SIGNED_IN}
    wrong = _run_with_tokens(route, world, secrets, wanted)
    assert not wrong, "\n  ".join(wrong)


WHOLE_ACCOUNT_PATHS = {
    "/api/v1/boundaries/me",
    "/api/v1/boundaries/me/versions",
    "/api/v1/boundaries/me/versions/<number>",
    # The academy's certificates and the registry listing are the person's, of no production.
    "/api/v1/certificates/mine",
    "/api/v1/registry/listing",
}


@pytest.mark.parametrize("route", TOKEN_ROUTES, ids=lambda route: route.key)
def test_route_with_a_token_for_another_production(route, world):
    """A token scoped to Quiet Water makes everyone an outsider to Harbour Lights, exactly
    like Oscar; the person's own boundary profile, which belongs to every production, is
    refused, and so is the academy, which belongs to none; other routes of no production
    answer as with a session (their lists filtered)."""
    expected = _expected(route)
    secrets = _tokens(world, production=world.other_production)
    if "<production_id>" in route.path:
        wanted = dict.fromkeys(SIGNED_IN, expected["oscar"])
    elif route.path in WHOLE_ACCOUNT_PATHS or route.path.startswith("/api/v1/academy/"):
        wanted = dict.fromkeys(SIGNED_IN, 403)
    else:
        wanted = {persona: expected[persona] for persona in SIGNED_IN}
    wrong = _run_with_tokens(route, world, secrets, wanted)
    assert not wrong, "\n  ".join(wrong)


@pytest.mark.parametrize("route", TOKEN_ROUTES, ids=lambda route: route.key)
def test_route_refuses_a_token_whose_owner_lacks_the_second_factor(route, world):
    from closedset.accounts import services as accounts

    secrets = _tokens(world, with_factor=False)
    needing = [p for p in SIGNED_IN if accounts.needs_second_factor(world.users[p])]
    assert needing, "some persona's roles must need a second factor"
    wrong = _run_with_tokens(route, world, secrets, dict.fromkeys(needing, 403))
    assert not wrong, "\n  ".join(wrong)
