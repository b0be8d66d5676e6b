from __future__ import annotations

from pathlib import Path

import pytest

from closedset.lib.tests.served import environment


@pytest.fixture
def served_env(tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    """The environment for `closedset serve` in tmp_path; without migrations when the suite
    runs without them (tables from the models, as pytest-django does)."""
    return environment(tmp_path, migrations=not request.config.getoption("nomigrations"))
