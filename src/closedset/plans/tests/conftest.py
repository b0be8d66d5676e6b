"""The unplanned slap: Mara's face is a hard limit; Jonas gives slaps up to medium."""

from __future__ import annotations

from typing import Any

import pytest

from closedset.boundaries import services as boundaries

MARA = {
    "performer": "mara",
    "name": "Mara K.",
    "boundaries": [
        {
            "act": "slap",
            "direction": "receive",
            "answer": "yes",
            "zones": {"face": "no"},
            "max_intensity": "light",
            "note": "ask before any contact near the left ear",
        }
    ],
}
JONAS = {
    "performer": "jonas",
    "name": "Jonas R.",
    "boundaries": [{"act": "slap", "direction": "give", "answer": "yes"}],
}
PLAN = {
    "scene": "12B",
    "cast": {"A": "mara", "B": "jonas"},
    "beats": [
        {"id": "b1", "act": "slap", "by": "B", "to": "A", "zone": "buttocks"},
        {"id": "b2", "act": "slap", "by": "B", "to": "A", "zone": "face"},
    ],
}


@pytest.fixture
def shared(world: Any) -> Any:
    """Both performers have saved and shared their profiles with Harbour Lights."""
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    return world


@pytest.fixture
def slap_plan(shared: Any) -> Any:
    from closedset.plans import services

    services.replace_plan(shared.ines, shared.production.pk, shared.scene.pk, PLAN)
    return shared
