from __future__ import annotations

from typing import Any

import pytest

from closedset.plans.models import PlanVersion
from closedset.rider.tests.scenario import saved_version


@pytest.fixture
def version(world: Any) -> PlanVersion:
    return saved_version(world)
