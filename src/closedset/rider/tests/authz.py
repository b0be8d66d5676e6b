"""Authorization-matrix entries for the rider pages (format: api/tests/authz_matrix.py).

Scene 12B has a saved plan version with Mara and Jonas cast; the routes ask for Mara's rider.
The coordinator edits and downloads any cast performer's rider; Mara reads and downloads her
own; everyone else, Jonas included, is told there is no such page.
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, REDIRECT, outcomes
from closedset.rider.tests.scenario import saved_version

CAST = "/rider/<production_id>/<scene_id>/"
RIDER = f"{CAST}<handle>/"
LOGGED_IN_405 = outcomes(anonymous=LOGIN, default=405)
OWN_AND_COORDINATOR = outcomes(anonymous=LOGIN, mara=200, ines=200, default=404)

EXPECTED: dict[str, dict[str, object]] = {
    f"GET {CAST}": outcomes(anonymous=LOGIN, ines=200, default=404),
    f"POST {CAST}": LOGGED_IN_405,
    f"GET {RIDER}": OWN_AND_COORDINATOR,
    # Mara may know her rider exists, but only the coordinator writes its terms.
    f"POST {RIDER}": outcomes(anonymous=LOGIN, mara=403, ines=REDIRECT, default=404),
    f"GET {RIDER}pdf/": OWN_AND_COORDINATOR,
    f"POST {RIDER}pdf/": LOGGED_IN_405,
}


def _scene(world: Any) -> int:
    saved_version(world)
    return int(world.scene.pk)


ROUTE_PARAMS = {
    key: {"scene_id": _scene, "handle": lambda world: "mara"}
    for key in EXPECTED
    if "<handle>" in key
} | {key: {"scene_id": _scene} for key in EXPECTED if "<handle>" not in key}
BODIES = {
    f"POST {RIDER}": lambda world: {"use_film": "on", "closed_set": "on", "barriers": "none"},
}
