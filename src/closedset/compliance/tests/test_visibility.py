"""No identity data reaches anyone but the custodian: every compliance page and API answer,
and the pages people use most, rendered as every other persona (and as another company's
custodian), never show a legal name, other name, date of birth or document number."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from closedset.api.tests.authz_matrix import observe, registry, request, routes, url_and_body
from closedset.compliance import services
from closedset.compliance.tests.helpers import call_on, future_day, ready_scene

SECRETS = (
    "Marianne",
    "Kowalczyk",
    "Ruprecht",
    "Mara Star",
    "Jonas Star",
    "1995-05-17",
    "17 May 1995",
    "May 17, 1995",
    "X9Q4471208",
    "P7731K0091",
    "Poland",
)
COMPLIANCE_ROUTES = [
    route for route in routes() if route.path.startswith(("/compliance/", "/api/v1/compliance/"))
]


def _pages(world):
    pid, sid = world.production.pk, world.scene.pk
    return [
        "/",
        f"/p/{pid}/",
        f"/scenes/{pid}/{sid}/",
        "/scenes/",
        f"/plans/{pid}/",
        f"/plans/{pid}/scenes/{sid}/",
        "/notices/",
        f"/api/v1/productions/{pid}",
        f"/api/v1/plans/{pid}/scenes/{sid}",
    ]


@pytest.fixture
def olga(world):
    """The custodian of another company."""
    from closedset.accounts.models import User
    from closedset.productions.models import Membership, OrgMembership

    user = User.objects.create_user(
        email="olga@example.org",
        display_name="Olga",
        handle="olga",
        password=None,
        email_verified_at=timezone.now(),
    )
    OrgMembership.objects.create(user=user, organisation=world.other_organisation)
    Membership.objects.create(user=user, production=world.other_production, role="custodian")
    return user


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


@pytest.mark.django_db
def test_nobody_but_the_custodian_sees_identity_data(world, client_as, olga):
    ready_scene(world)
    services.schedule(world.ines, world.scene, call_on(future_day(3)))
    reg = registry()
    people = ["anonymous", "oscar", "mara", "jonas", "ines", "dario", "petra", olga]
    found = []
    checked = 0
    for who in people:
        client = client_as(who)
        for route in COMPLIANCE_ROUTES:
            url, body = url_and_body(route, reg, world)
            with transaction.atomic():
                response = request(client, route, url, body)
                transaction.set_rollback(True)
            checked += 1
            leaked = _leaks(response.content.decode(errors="replace"))
            if leaked:
                found.append(f"{who} {route.key} ({observe(response)}): {leaked}")
        for url in _pages(world):
            response = client.get(url, follow=True)
            leaked = _leaks(response.content.decode(errors="replace"))
            if leaked:
                found.append(f"{who} GET {url}: {leaked}")
    assert checked > 100
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_the_custodian_does_see_them(world, client_as):
    # The check above would pass trivially if the secrets were never shown at all.
    ready_scene(world)
    client = client_as("cora")
    text = client.get(f"/compliance/{world.production.pk}/records/?q=star").content.decode()
    assert "Marianne Kowalczyk" in text and "Jonas Ruprecht" in text
    record = services.records(world.cora, world.organisation)[0]
    page = client.get(f"/compliance/{world.production.pk}/records/{record.pk}/").content.decode()
    assert "1995-05-17" in page
    api = client.get(f"/api/v1/compliance/{world.production.pk}/records?q=kowal").json()
    assert [r["document_number"] for r in api] == ["X9Q4471208"]
