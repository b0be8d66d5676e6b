"""Scene 12B with the unplanned-slap plan (Mara is A and receives, Jonas is B and gives),
version 1 saved: what every consent test starts from."""

from __future__ import annotations

from typing import Any

import pytest

from closedset.plans import services as plans
from closedset.plans.models import PlanVersion
from closedset.plans.tests.scenario import PLAN

# Slaps a performer can consent to: b1 buttocks, b2 thighs (b2 of the scenario is the face).
CONSENT_PLAN = {
    "scene": "12B",
    "cast": {"A": "mara", "B": "jonas"},
    "beats": [
        {"id": "b1", "act": "slap", "by": "B", "to": "A", "zone": "buttocks"},
        {"id": "b2", "act": "slap", "by": "B", "to": "A", "zone": "thighs"},
    ],
}


def save_version(world: Any, data: dict[str, Any] | None = None) -> PlanVersion:
    ids = (world.production.pk, world.scene.pk)
    if data is not None:
        plans.replace_plan(world.ines, *ids, data)
    number = plans.save_version(world.ines, *ids)
    return PlanVersion.objects.get(plan__scene=world.scene, number=number)


@pytest.fixture(autouse=True)
def _rider_terms(request: Any) -> None:
    """Harbour Lights is adult: the riders give the expected length and pay before a final."""
    if "world" in request.fixturenames:
        from closedset.rider.tests.terms import seed_rider_terms

        seed_rider_terms(request.getfixturevalue("world"))


@pytest.fixture
def version(world: Any) -> PlanVersion:
    return save_version(world, CONSENT_PLAN)


@pytest.fixture
def final(world: Any, version: PlanVersion) -> Any:
    from closedset.consent import services

    return services.mark_final(world.ines, version)


def request_of(user: Any) -> Any:
    from closedset.consent.models import ConsentRequest

    return ConsentRequest.objects.filter(performer=user).order_by("-pk").first()


def shown_rider(user: Any, request_id: int | None = None) -> str:
    """The fingerprint of the rider her request shows now (in the active language): what an
    API client sends back with its answers, as GET on the request gives it."""
    from closedset.consent.services import request_view

    request = request_of(user) if request_id is None else _request(request_id)
    return str(request_view(request).rider_sha256)


def _request(request_id: int) -> Any:
    from closedset.consent.models import ConsentRequest

    return ConsentRequest.objects.get(pk=request_id)


__all__ = ["CONSENT_PLAN", "PLAN", "request_of", "save_version", "shown_rider"]
