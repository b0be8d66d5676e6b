"""Authorization-matrix entries for the closed-set call sheets (see api/tests/authz_matrix.py).

The sheet is for the crew and holds nothing intimate: the production's coordinators,
producers and directors read and print it; only a coordinator sets her phone number (the
producer and the director are told they may not, 403). Performers, the custodian and Oscar
from another company get the same "not found" as for what does not exist. The day is one on
which scene 12B is called (authz's own schedule, made here if there is none).
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, REDIRECT, outcomes

PAGE = "/callsheet/<production_id>/"
PDF = "/callsheet/<production_id>/<day>.pdf"

EXPECTED: dict[str, dict[str, object]] = {
    f"GET {PAGE}": outcomes(anonymous=LOGIN, ines=200, dario=200, petra=200, default=404),
    # An empty number: "ask the production office".
    f"POST {PAGE}": outcomes(anonymous=LOGIN, ines=REDIRECT, dario=403, petra=403, default=404),
    f"GET {PDF}": outcomes(anonymous=LOGIN, ines=200, dario=200, petra=200, default=404),
    f"POST {PDF}": outcomes(anonymous=LOGIN, default=405),
}


def called_day(world: Any) -> str:
    """Scene 12B called tomorrow at nine (idempotent); the day as the address writes it."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from closedset.compliance.models import Schedule

    row = Schedule.objects.filter(scene=world.scene).first()
    if row is None:
        day = timezone.localdate() + timedelta(days=1)
        call_at = timezone.make_aware(datetime.combine(day, time(9, 0)))
        row = Schedule.objects.create(scene=world.scene, call_at=call_at)
    return str(timezone.localdate(row.call_at).isoformat())


ROUTE_PARAMS: dict[str, dict[str, Any]] = {
    key: {"production_id": lambda world: world.production.pk, "day": called_day} for key in EXPECTED
}
BODIES: dict[str, Any] = {f"POST {PAGE}": lambda world: {"phone": ""}}
