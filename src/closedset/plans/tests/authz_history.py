"""Authorization-matrix entries for plan history pages (format: api/tests/authz_matrix.py).

Registered through plans/tests/authz.py. Before the requests, Ines has built the
unplanned-slap plan and saved version 1 (authz.slap_plan). Comparing versions is for the
coordinator and the director (beats only, never a status); restoring one is the
coordinator's alone. Oscar from another company learns nothing exists.
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, outcomes

COMPARE = outcomes(anonymous=LOGIN, oscar=404, ines=200, dario=200, default=403)
RESTORE_PAGE = outcomes(anonymous=LOGIN, oscar=404, ines=200, default=403)
RESTORE = outcomes(anonymous=LOGIN, oscar=404, ines="redirect", default=403)
LOGGED_IN_405 = outcomes(anonymous=LOGIN, default=405)

VERSIONS = "/plans/<production_id>/scenes/<scene_id>/versions/"

EXPECTED: dict[str, dict[str, object]] = {
    f"GET {VERSIONS}compare/": COMPARE,
    f"POST {VERSIONS}compare/": LOGGED_IN_405,
    f"GET {VERSIONS}<number>/restore/": RESTORE_PAGE,
    f"POST {VERSIONS}<number>/restore/": RESTORE,
}


def _ready(world: Any) -> None:
    # Imported here: plans/tests/authz.py imports this module at its end.
    from closedset.plans.tests.authz import slap_plan

    slap_plan(world)


def _scene_id(world: Any) -> int:
    _ready(world)
    return int(world.scene.pk)


def _version_one(world: Any) -> int:
    _ready(world)
    return 1


def _params(key: str) -> dict[str, Any]:
    params: dict[str, Any] = {
        "production_id": lambda world: world.production.pk,
        "scene_id": _scene_id,
    }
    if "<number>" in key:
        params["number"] = _version_one
    return params


ROUTE_PARAMS = {key: _params(key) for key in EXPECTED}
BODIES: dict[str, Any] = {}
