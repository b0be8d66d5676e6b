"""Access to every breakdown route for another production's coordinator, and the pages' guards.

The eight usual personas are in the authorization matrix (tests/authz.py, run by
closedset/api/tests/test_authz_matrix.py); here Olga, who coordinates Quiet Water, must find
exactly what Oscar finds: nothing.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from closedset.api.tests.authz_matrix import Route, observe, registry, request, routes
from closedset.breakdown.models import ScriptImport
from closedset.breakdown.tests.scripts import NIGHT

ROUTES = [r for r in routes() if "/breakdown/" in r.path]
REGISTRY = registry()


@pytest.fixture
def olga(world):
    from django.utils import timezone

    from closedset.accounts.models import User
    from closedset.productions.models import Membership, OrgMembership

    user = User.objects.create(
        email="olga@example.org",
        handle="olga",
        display_name="Olga",
        email_verified_at=timezone.now(),
    )
    OrgMembership.objects.create(user=user, organisation=world.other_organisation)
    Membership.objects.create(user=user, production=world.other_production, role="coordinator")
    return user


def _url(route: Route, world) -> tuple[str, object]:
    url = route.path
    for name in route.params:
        make = REGISTRY.route_params.get(route.key, {}).get(name) or REGISTRY.params[name]
        url = url.replace(f"<{name}>", str(make(world)))
    body = REGISTRY.bodies.get(route.key)
    return url, (body(world) if body else None)


def test_every_route_is_in_the_matrix() -> None:
    assert len(ROUTES) == 17
    assert all(route.key in REGISTRY.expected for route in ROUTES)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.key)
def test_another_productions_coordinator_finds_nothing(route, world, olga, client_as) -> None:
    url, body = _url(route, world)
    with transaction.atomic():
        outcome = observe(request(client_as(olga), route, url, body))
        transaction.set_rollback(True)
    assert outcome == REGISTRY.expected[route.key]["oscar"]


def test_not_found_is_the_usual_page_and_shape(world, client_as) -> None:
    from closedset.breakdown.tests.authz import ready

    script = ready(world)
    page = client_as("dario").get(f"/breakdown/{world.production.pk}/imports/{script.pk}/")
    assert page.status_code == 404 and "Night" not in page.content.decode()
    api = client_as("mara").get(f"/api/v1/breakdown/{world.production.pk}/imports")
    assert api.status_code == 404 and set(api.json()) == {"detail", "fields"}
    # An import of one production is not found under another's id, even by its coordinator.
    from closedset.productions.models import Membership

    Membership.objects.create(
        user=world.ines, production=world.other_production, role="coordinator"
    )
    other = client_as("ines").get(f"/breakdown/{world.other_production.pk}/imports/{script.pk}/")
    assert other.status_code == 404


def test_a_post_without_csrf_is_refused(world) -> None:
    from django.test import Client

    from closedset.conftest import verified_client

    client = verified_client(world.ines)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    response = strict.post(
        f"/breakdown/{world.production.pk}/", {"upload": SimpleUploadedFile("n.fountain", NIGHT)}
    )
    assert response.status_code == 403
    assert not ScriptImport.objects.exists()
