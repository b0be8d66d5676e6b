"""Every route × every persona → the expected outcome (see authz_matrix.py for the format)."""

from __future__ import annotations

import pytest
from django.db import transaction

from closedset.api.tests.authz_matrix import (
    PERSONAS,
    Route,
    observe,
    registry,
    request,
    routes,
)

ALL_ROUTES = routes()
REGISTRY = registry()


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


@pytest.mark.parametrize("route", ALL_ROUTES, ids=lambda route: route.key)
def test_route(route, world, client_as):
    expected = REGISTRY.expected.get(route.key)
    if expected is None:
        pytest.fail(f"{route.key} has no entry in closedset/<app>/tests/authz.py")
    values = {}
    for name in route.params:
        make = REGISTRY.route_params.get(route.key, {}).get(name) or REGISTRY.params.get(name)
        if make is None:
            pytest.fail(f"{route.key}: no PARAMS entry gives a value for <{name}>")
        values[name] = make(world)
    url = route.path
    for name, value in values.items():
        url = url.replace(f"<{name}>", str(value))
    make_body = REGISTRY.bodies.get(route.key)
    body = make_body(world) if make_body else None
    wrong = []
    for persona in PERSONAS:
        # Each persona starts from the same state: what one does is rolled back.
        with transaction.atomic():
            client = client_as(persona)
            response = request(client, route, url, body)
            outcome = observe(response)
            transaction.set_rollback(True)
        if outcome != expected[persona]:
            wrong.append(f"{persona}: expected {expected[persona]}, got {outcome}")
    assert not wrong, f"{route.key} ({url}):\n  " + "\n  ".join(wrong)
