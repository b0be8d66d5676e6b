"""Authorization-matrix entries for plan pages and API (format: api/tests/authz_matrix.py).

Before the requests, Ines has built the unplanned-slap plan for scene 12B (roles A, B and an
unused C), saved and released version 1, and both performers share their profiles; Dario has
proposed one beat. The coordinator changes the plan; the director proposes (his changes
redirect or answer 200 as proposals) and reads released versions; the producer and the
performers read their cut; the custodian has no plan view; Oscar from another company learns
nothing exists.
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, outcomes

EDITOR_PAGE = outcomes(anonymous=LOGIN, oscar=404, ines=200, dario=200, default=403)
EDITOR_CHANGE = outcomes(anonymous=LOGIN, oscar=404, ines="redirect", dario="redirect", default=403)
READERS_PAGE = outcomes(anonymous=LOGIN, oscar=404, cora=403, default=200)
LOGGED_IN_405 = outcomes(anonymous=LOGIN, default=405)
API_EDITORS = outcomes(anonymous=401, oscar=404, ines=200, dario=200, default=403)
COORDINATOR_ONLY_PAGE = outcomes(anonymous=LOGIN, oscar=404, ines=200, default=403)
COORDINATOR_CHANGE = outcomes(anonymous=LOGIN, oscar=404, ines="redirect", default=403)
API_COORDINATOR = outcomes(anonymous=401, oscar=404, ines=200, default=403)
DIRECTOR_CHANGE = outcomes(anonymous=LOGIN, oscar=404, dario="redirect", default=403)
API_READERS = outcomes(anonymous=401, oscar=404, cora=403, default=200)

SCENE = "/plans/<production_id>/scenes/<scene_id>/"
API = "/api/v1/plans/<production_id>/scenes/<scene_id>"

EXPECTED: dict[str, dict[str, object]] = {
    "GET /plans/<production_id>/": READERS_PAGE,
    "POST /plans/<production_id>/": LOGGED_IN_405,
    # Performers are sent to their scene in plain words (plans/performer_views.py).
    f"GET {SCENE}": outcomes(
        anonymous=LOGIN, oscar=404, cora=403, mara="redirect", jonas="redirect", default=200
    ),
    f"POST {SCENE}": LOGGED_IN_405,
    f"GET {SCENE}beats/add/": LOGGED_IN_405,
    f"POST {SCENE}beats/add/": EDITOR_CHANGE,
    f"GET {SCENE}beats/<pk>/edit/": COORDINATOR_ONLY_PAGE,
    f"POST {SCENE}beats/<pk>/edit/": COORDINATOR_CHANGE,
    f"GET {SCENE}beats/<pk>/delete/": LOGGED_IN_405,
    f"POST {SCENE}beats/<pk>/delete/": COORDINATOR_CHANGE,
    f"GET {SCENE}beats/<pk>/move/": LOGGED_IN_405,
    f"POST {SCENE}beats/<pk>/move/": COORDINATOR_CHANGE,
    f"GET {SCENE}zones/": EDITOR_PAGE,
    f"POST {SCENE}zones/": LOGGED_IN_405,
    f"GET {SCENE}roles/add/": LOGGED_IN_405,
    f"POST {SCENE}roles/add/": COORDINATOR_CHANGE,
    f"GET {SCENE}roles/<role>/cast/": LOGGED_IN_405,
    f"POST {SCENE}roles/<role>/cast/": EDITOR_CHANGE,
    f"GET {SCENE}roles/<role>/remove/": LOGGED_IN_405,
    f"POST {SCENE}roles/<role>/remove/": COORDINATOR_CHANGE,
    f"GET {SCENE}versions/": EDITOR_PAGE,
    f"POST {SCENE}versions/": COORDINATOR_CHANGE,
    f"GET {SCENE}versions/<number>/": EDITOR_PAGE,
    f"POST {SCENE}versions/<number>/": LOGGED_IN_405,
    f"GET {SCENE}export.yaml": EDITOR_PAGE,
    f"POST {SCENE}export.yaml": LOGGED_IN_405,
    f"GET {SCENE}import/": EDITOR_PAGE,
    f"POST {SCENE}import/": EDITOR_CHANGE,
    f"GET {API}": API_READERS,
    f"PUT {API}": API_EDITORS,
    f"GET {API}/file": API_EDITORS,
    f"GET {API}/check": API_READERS,
    f"POST {API}/beats": API_EDITORS,
    f"PUT {API}/beats/<beat_id>": API_EDITORS,
    f"DELETE {API}/beats/<beat_id>": API_EDITORS,
    f"POST {API}/beats/<beat_id>/move": API_EDITORS,
    f"PUT {API}/cast/<role>": API_EDITORS,
    f"GET {API}/versions": API_EDITORS,
    f"POST {API}/versions": API_COORDINATOR,
    f"GET {API}/versions/<number>": API_EDITORS,
    # The director proposes; the coordinator decides and releases.
    f"GET {SCENE}proposals/new/": outcomes(
        anonymous=LOGIN, oscar=404, dario="redirect", default=403
    ),
    f"POST {SCENE}proposals/new/": DIRECTOR_CHANGE,
    f"GET {SCENE}proposals/<pk>/decide/": LOGGED_IN_405,
    f"POST {SCENE}proposals/<pk>/decide/": COORDINATOR_CHANGE,
    f"GET {SCENE}proposals/<pk>/amend/": COORDINATOR_ONLY_PAGE,
    f"POST {SCENE}proposals/<pk>/amend/": COORDINATOR_CHANGE,
    f"GET {SCENE}release/": LOGGED_IN_405,
    f"POST {SCENE}release/": COORDINATOR_CHANGE,
    f"GET {API}/proposals": API_EDITORS,
    f"POST {API}/proposals/<proposal_id>/decide": API_COORDINATOR,
    f"POST {API}/release": API_COORDINATOR,
}


def slap_plan(world: Any) -> None:
    """The unplanned-slap plan, version 1 saved (idempotent: several params call it)."""
    from closedset.boundaries import services as boundaries
    from closedset.plans import services
    from closedset.plans.models import ScenePlan
    from closedset.plans.tests.scenario import JONAS, MARA, PLAN

    if ScenePlan.objects.filter(scene=world.scene).exists():
        return
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    ids = (world.production.pk, world.scene.pk)
    services.replace_plan(world.ines, *ids, PLAN)
    services.add_role(world.ines, *ids, "C")
    services.save_version(world.ines, *ids)
    services.release(world.ines, *ids)
    services.add_beat(world.dario, *ids, services.BeatInput("b8", "kiss", "A", ["B"], "mouth"))


def _beat_pk(world: Any) -> int:
    from closedset.plans.models import Beat

    slap_plan(world)
    return Beat.objects.get(plan__scene=world.scene, beat_id="b1").pk


def _proposal_pk(world: Any) -> int:
    from closedset.plans.models import Proposal

    slap_plan(world)
    return Proposal.objects.get(plan__scene=world.scene, beat_label="").pk


def _ready(value: Any) -> Any:
    def make(world: Any) -> Any:
        slap_plan(world)
        return value

    return make


_VALUES = {
    "production_id": lambda world: world.production.pk,
    "scene_id": _ready(None),
    "pk": _beat_pk,
    "beat_id": _ready("b1"),
    "number": _ready(1),
    "role": _ready("A"),
    "proposal_id": _proposal_pk,
}


def _params(key: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name, make in _VALUES.items():
        if f"<{name}>" not in key:
            continue
        if name == "scene_id":
            params[name] = lambda world: (slap_plan(world), world.scene.pk)[1]
        elif name == "pk" and "/proposals/" in key:
            params[name] = _proposal_pk
        elif name == "role" and key.endswith("/remove/"):
            # C is in no beat, so it may go; A is in b1 and b2.
            params[name] = _ready("C")
        else:
            params[name] = make
    return params


ROUTE_PARAMS = {key: _params(key) for key in EXPECTED}
PARAMS: dict[str, object] = {}

NEW_BEAT = {"beat_id": "b9", "act": "kiss", "by": "A", "to": ["B"], "zone": "mouth"}
BODIES = {
    f"POST {SCENE}beats/add/": lambda world: NEW_BEAT,
    f"POST {SCENE}beats/<pk>/edit/": lambda world: NEW_BEAT | {"beat_id": "b1"},
    f"POST {SCENE}beats/<pk>/move/": lambda world: {"direction": "down"},
    f"POST {SCENE}roles/add/": lambda world: {"name": "D"},
    f"POST {SCENE}roles/<role>/cast/": lambda world: {"performer": "mara"},
    f"POST {SCENE}import/": lambda world: {"text": _plan_yaml()},
    f"PUT {API}": lambda world: _plan(),
    f"POST {API}/beats": lambda world: {
        "id": "b9",
        "act": "kiss",
        "by": "A",
        "to": "B",
        "zone": "mouth",
    },
    f"PUT {API}/beats/<beat_id>": lambda world: {
        "id": "b1",
        "act": "slap",
        "by": "B",
        "to": "A",
        "zone": "thighs",
    },
    f"POST {API}/beats/<beat_id>/move": lambda world: {"direction": "down"},
    f"PUT {API}/cast/<role>": lambda world: {"performer": "mara"},
    f"POST {SCENE}proposals/new/": lambda world: {"kind": "remove", "target": "b1"},
    f"POST {SCENE}proposals/<pk>/decide/": lambda world: {"decision": "decline"},
    f"POST {SCENE}proposals/<pk>/amend/": lambda world: NEW_BEAT | {"beat_id": "b8"},
    f"POST {API}/proposals/<proposal_id>/decide": lambda world: {"decision": "accept"},
}


def _plan() -> dict[str, Any]:
    from closedset.plans.tests.scenario import PLAN

    return PLAN


def _plan_yaml() -> str:
    import yaml

    return yaml.safe_dump(_plan(), sort_keys=False)


# --- beat edits ---

# Who changed which beat is the coordinator's alone: the director, producer and performers
# see the plan as before, the custodian no plan at all.
COORDINATOR_PAGE = outcomes(anonymous=LOGIN, oscar=404, ines=200, default=403)
BEAT_EDITS = {
    f"GET {SCENE}beats/<pk>/history/": COORDINATOR_PAGE,
    f"POST {SCENE}beats/<pk>/history/": LOGGED_IN_405,
    f"GET {SCENE}changes/": COORDINATOR_PAGE,
    f"POST {SCENE}changes/": LOGGED_IN_405,
}
EXPECTED.update(BEAT_EDITS)
ROUTE_PARAMS.update({key: _params(key) for key in BEAT_EDITS})

# Plan history: compare and restore (plans/history_views.py).
from closedset.plans.tests import authz_history  # noqa: E402

EXPECTED.update(authz_history.EXPECTED)
ROUTE_PARAMS.update(authz_history.ROUTE_PARAMS)

# The performer's scene pages (plans/performer_views.py).
from closedset.plans.tests import authz_performer  # noqa: E402

EXPECTED.update(authz_performer.EXPECTED)
ROUTE_PARAMS.update(authz_performer.ROUTE_PARAMS)
