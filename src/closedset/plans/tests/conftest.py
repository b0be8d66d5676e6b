"""The unplanned slap: Mara's face is a hard limit; Jonas gives slaps."""

from __future__ import annotations

from typing import Any

import pytest

from closedset.boundaries import services as boundaries
from closedset.plans.tests.scenario import JONAS, MARA, PLAN


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
