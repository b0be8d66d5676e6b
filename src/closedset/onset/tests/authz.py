"""Authorization-matrix entries for the shoot-day pages (format: api/tests/authz_matrix.py).

Before the requests scene 12B is ready (consented, cleared, scheduled) and Ines has started it
today; Mara has pressed PAUSE once. The console and acknowledging are the coordinator's; the
phone page and sending are for the performers cast in the scene; reading signals is for both
(each performer her own). Everyone else, Oscar from another company included, gets the "not
found" a run that does not exist gives. Starting is the coordinator's: other members of the
production are refused (403), outsiders find nothing (404). The manifest and the service
worker are public files with nothing in them.
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, outcomes

RUN = "/onset/runs/<run_id>/"
START = "/onset/<production_id>/scenes/<scene_id>/"

LOGGED_IN_405 = outcomes(anonymous=LOGIN, default=405)
PUBLIC = outcomes(default=200)
PUBLIC_405 = outcomes(default=405)
PHONE_PAGE = outcomes(anonymous=LOGIN, mara=200, jonas=200, default=404)
PHONE_PRESS = outcomes(anonymous=LOGIN, mara="redirect", jonas="redirect", default=404)
CONSOLE = outcomes(anonymous=LOGIN, ines=200, default=404)

EXPECTED: dict[str, dict[str, object]] = {
    "GET /onset/manifest.webmanifest": PUBLIC,
    "POST /onset/manifest.webmanifest": PUBLIC_405,
    "GET /onset/sw.js": PUBLIC,
    "POST /onset/sw.js": PUBLIC_405,
    "GET /onset/icon-<size>.png": PUBLIC,
    "POST /onset/icon-<size>.png": PUBLIC_405,
    f"GET {START}": outcomes(anonymous=LOGIN, oscar=404, ines=200, default=403),
    f"POST {START}": outcomes(anonymous=LOGIN, oscar=404, ines="redirect", default=403),
    f"GET {RUN}": PHONE_PAGE,
    f"POST {RUN}": PHONE_PRESS,
    f"GET {RUN}console/": CONSOLE,
    f"POST {RUN}console/": LOGGED_IN_405,
    f"GET {RUN}signals/": outcomes(anonymous=401, mara=200, jonas=200, ines=200, default=404),
    f"POST {RUN}signals/": outcomes(anonymous=401, mara=201, jonas=201, default=404),
    "GET /onset/signals/<signal_id>/ack/": LOGGED_IN_405,
    "POST /onset/signals/<signal_id>/ack/": outcomes(anonymous=LOGIN, ines="redirect", default=404),
}


def started_run(world: Any) -> Any:
    """Scene 12B started today by Ines (idempotent), with one PAUSE from Mara."""
    from datetime import timedelta

    from django.utils import timezone

    from closedset.compliance import services as compliance
    from closedset.compliance.models import IdentityRecord
    from closedset.compliance.tests.helpers import ready_scene
    from closedset.onset import services
    from closedset.onset.models import Run

    run = Run.objects.filter(scene=world.scene).first()
    if run is None:
        if not IdentityRecord.objects.filter(performer=world.jonas).exists():
            ready_scene(world)
        compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
        run = services.start(world.ines, world.scene)
        services.send(world.mara, run.pk, "pause", "matrix-first-pause")
    return run


def _scene_id(world: Any) -> int:
    started_run(world)
    return int(world.scene.pk)


def _signal_id(world: Any) -> int:
    return int(started_run(world).signals.get(key="matrix-first-pause").pk)


_MAKERS = {
    "production_id": lambda world: world.production.pk,
    "scene_id": _scene_id,
    "run_id": lambda world: started_run(world).pk,
    "signal_id": _signal_id,
    "size": lambda world: 192,
}
ROUTE_PARAMS: dict[str, dict[str, object]] = {
    key: {name: make for name, make in _MAKERS.items() if f"<{name}>" in key} for key in EXPECTED
}

BODIES = {
    f"POST {RUN}": lambda world: {"kind": "stop", "key": "matrix-stop-by-form"},
    f"POST {RUN}signals/": lambda world: {"kind": "pause", "key": "matrix-pause-by-json"},
}

# The day, check-ins and incidents, change requests, closure: each part lists its own routes.
from closedset.onset.tests import (  # noqa: E402
    authz_changes,
    authz_checkins,
    authz_closure,
    authz_day,
    authz_report,
)

for _part in (authz_day, authz_checkins, authz_changes, authz_closure, authz_report):
    EXPECTED.update(_part.EXPECTED)
    ROUTE_PARAMS.update(_part.ROUTE_PARAMS)
    BODIES.update(_part.BODIES)
