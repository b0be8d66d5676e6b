"""Authorization-matrix entries for the report of a production's whole day (see
onset/tests/authz.py).

The report is the coordinators' alone: everyone else, the production's other members and Oscar
from another company, gets the same "not found", whatever the date. The day is the one of
authz.started_run (scene 12B started today by Ines, one PAUSE from Mara).
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, outcomes

REPORT_DAY = "/onset/<production_id>/days/<day>/report/"

EXPECTED: dict[str, dict[str, object]] = {
    f"GET {REPORT_DAY}": outcomes(anonymous=LOGIN, ines=200, default=404),
    f"POST {REPORT_DAY}": outcomes(anonymous=LOGIN, default=405),
}


def _day(world: Any) -> str:
    # Imported here: onset/tests/authz.py imports this module at its end.
    from closedset.onset.tests.authz import started_run

    return str(started_run(world).day.isoformat())


ROUTE_PARAMS: dict[str, dict[str, object]] = {
    key: {"production_id": lambda world: world.production.pk, "day": _day} for key in EXPECTED
}

BODIES: dict[str, object] = {}
