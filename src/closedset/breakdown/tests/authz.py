"""Authorization-matrix entries for the script breakdown (pages and API).

Coordinators do everything; the producer uploads and reads; everyone else, in this production
or another, finds nothing. The import has a confirmed scene without a plan yet.
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, REDIRECT, outcomes
from closedset.breakdown.tests.scripts import NIGHT

PAGE = "/breakdown/<production_id>/"
ONE = PAGE + "imports/<import_id>/"
SCENE = ONE + "scenes/<pk>/"
API = "/api/v1/breakdown/<production_id>/imports"
API_ONE = API + "/<import_id>"
API_SCENE = API_ONE + "/scenes/<scene_id>"

READERS = outcomes(anonymous=LOGIN, ines=200, petra=200, default=404)
NOT_A_PAGE = outcomes(anonymous=LOGIN, default=405)
COORDINATOR_ACTS = outcomes(anonymous=LOGIN, ines=REDIRECT, petra=403, default=404)
API_READERS = outcomes(anonymous=401, ines=200, petra=200, default=404)
API_COORDINATOR = outcomes(anonymous=401, ines=200, petra=403, default=404)

EXPECTED: dict[str, dict[str, object]] = {
    f"GET {PAGE}": READERS,
    f"POST {PAGE}": outcomes(anonymous=LOGIN, ines=REDIRECT, petra=REDIRECT, default=404),
    f"GET {ONE}": READERS,
    f"POST {ONE}": NOT_A_PAGE,
    f"GET {ONE}original/": outcomes(anonymous=LOGIN, ines=200, petra=403, default=404),
    f"POST {ONE}original/": NOT_A_PAGE,
    f"GET {SCENE}decide/": NOT_A_PAGE,
    f"POST {SCENE}decide/": COORDINATOR_ACTS,
    f"GET {SCENE}plan/": NOT_A_PAGE,
    f"POST {SCENE}plan/": COORDINATOR_ACTS,
    f"GET {SCENE}plan-checked/": NOT_A_PAGE,
    f"POST {SCENE}plan-checked/": COORDINATOR_ACTS,
    f"GET {API}": API_READERS,
    # The matrix sends JSON: the file is missing, which is said before anything is looked up.
    f"POST {API}": outcomes(anonymous=401, default=422),
    f"GET {API_ONE}": API_READERS,
    f"POST {API_SCENE}/decision": API_COORDINATOR,
    f"POST {API_SCENE}/plan": outcomes(anonymous=401, ines=201, petra=403, default=404),
}


def ready(world: Any) -> Any:
    """The production's script, imported once, with scene 2 confirmed (no plan yet)."""
    from closedset.breakdown import services
    from closedset.breakdown.models import ScriptImport

    found = ScriptImport.objects.filter(production=world.production).first()
    if found is None:
        found = services.upload(world.ines, world.production.pk, NIGHT, "night.fountain")
        row = found.scenes.get(number="2")
        services.decide(world.ines, world.production.pk, found.pk, row.pk, "confirmed")
    return found


def _import_id(world: Any) -> int:
    return ready(world).pk


def _scene_id(world: Any) -> int:
    return ready(world).scenes.get(number="2").pk


class _File:
    """A file the test client can read for every persona in turn."""

    name = "night.fountain"

    def read(self) -> bytes:
        return NIGHT


ROUTE_PARAMS: dict[str, dict[str, Any]] = {}
for _key in EXPECTED:
    _params: dict[str, Any] = {}
    if "<import_id>" in _key:
        _params["import_id"] = _import_id
    if "<pk>" in _key:
        _params["pk"] = _scene_id
    if "<scene_id>" in _key:
        _params["scene_id"] = _scene_id
    ROUTE_PARAMS[_key] = _params

BODIES = {
    f"POST {PAGE}": lambda world: {"upload": _File()},
    f"POST {SCENE}decide/": lambda world: {"decision": "confirmed"},
    f"POST {API_SCENE}/decision": lambda world: {"decision": "confirmed"},
}
