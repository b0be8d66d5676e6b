from pathlib import Path

import pytest

from closedset.core.plan import parse_plan
from closedset.core.profile import parse_profile
from closedset.core.yamlio import load

EXAMPLES = Path(__file__).resolve().parents[4] / "examples"


def profile(text: str):
    return parse_profile(load(text))


def plan(text: str):
    return parse_plan(load(text))


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
