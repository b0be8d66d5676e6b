"""Registry fixtures: Ana from the academy, certified; Lena, certified and listed."""

from __future__ import annotations

from typing import Any

import pytest

from closedset.conftest import verified_client
from closedset.registry.tests.helpers import certify, listed, person


@pytest.fixture
def ana(academy: Any, world: Any) -> Any:
    """Ana graduated from the academy's spring cohort; her certificate is valid."""
    user = academy.applicants["ana"]
    user.certificate = certify(user, academy.cohort)
    return user


@pytest.fixture
def ana_listed(ana: Any) -> Any:
    return listed(ana, display_name="Ana Lima", languages=["pt", "en"], region="Porto")


@pytest.fixture
def lena(world: Any) -> Any:
    return person("lena", "Lena Marek")


@pytest.fixture
def lena_listed(lena: Any) -> Any:
    return listed(lena)


@pytest.fixture
def as_user() -> Any:
    return verified_client
