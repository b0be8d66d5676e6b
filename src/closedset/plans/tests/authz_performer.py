"""Authorization-matrix entries for the performer's scene pages (format: api/tests/authz_matrix.py).

Registered through closedset.plans.tests.authz (the matrix reads one module per app). Before
the requests Ines has built the unplanned-slap plan for scene 12B with Mara as A and Jonas as
B. "My scenes" answers everyone signed in (a plain page for those cast in nothing); a scene's
page answers only the performers cast in it: the crew of the production is refused (403),
Oscar from another company learns nothing exists (404).
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, outcomes

SIGNED_IN_PAGE = outcomes(anonymous=LOGIN, default=200)
CAST_PAGE = outcomes(anonymous=LOGIN, oscar=404, mara=200, jonas=200, default=403)
LOGGED_IN_405 = outcomes(anonymous=LOGIN, default=405)

SCENE = "/scenes/<production_id>/<scene_id>/"

EXPECTED: dict[str, dict[str, object]] = {
    "GET /scenes/": SIGNED_IN_PAGE,
    "POST /scenes/": LOGGED_IN_405,
    f"GET {SCENE}": CAST_PAGE,
    f"POST {SCENE}": LOGGED_IN_405,
}


def _scene_pk(world: Any) -> int:
    from closedset.plans.tests.authz import slap_plan

    slap_plan(world)
    return int(world.scene.pk)


_SCENE_PARAMS = {
    "production_id": lambda world: world.production.pk,
    "scene_id": _scene_pk,
}
ROUTE_PARAMS: dict[str, dict[str, Any]] = {
    f"GET {SCENE}": _SCENE_PARAMS,
    f"POST {SCENE}": _SCENE_PARAMS,
}
