"""Authorization-matrix entries for the shoot day's changes routes (see onset/tests/authz.py).

Before the requests scene 12B runs today (onset/tests/authz.py `started_run`) and Dario has
asked for one change: Jonas slaps Mara's buttocks, so both are asked. The director's page and
his list are for the production's directors; the console's list for the coordinator; the
phone's prompts and answering for the performers asked. Everyone else, Oscar included, gets the
"not found" a run that does not exist gives.
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, outcomes
from closedset.onset.tests.authz import started_run

RUN = "/onset/runs/<run_id>/"
API = "/api/v1/onset/<production_id>/runs/<run_id>"

LOGGED_IN_405 = outcomes(anonymous=LOGIN, default=405)
DIRECTOR = outcomes(anonymous=LOGIN, dario=200, default=404)
PERFORMERS = outcomes(anonymous=LOGIN, mara=200, jonas=200, default=404)

EXPECTED: dict[str, dict[str, object]] = {
    f"GET {RUN}director/": DIRECTOR,
    f"POST {RUN}director/": outcomes(anonymous=LOGIN, dario="redirect", default=404),
    f"GET {RUN}director/changes/": DIRECTOR,
    f"POST {RUN}director/changes/": LOGGED_IN_405,
    f"GET {RUN}changes/console/": outcomes(anonymous=LOGIN, ines=200, default=404),
    f"POST {RUN}changes/console/": LOGGED_IN_405,
    f"GET {RUN}changes/phone/": PERFORMERS,
    f"POST {RUN}changes/phone/": LOGGED_IN_405,
    f"GET {RUN}changes/<change_id>/answer/": LOGGED_IN_405,
    f"POST {RUN}changes/<change_id>/answer/": outcomes(
        anonymous=LOGIN, mara="redirect", jonas="redirect", default=404
    ),
    # The change is not approved yet: Ines is sent back to the console with a message.
    f"GET {RUN}changes/<change_id>/plan/": LOGGED_IN_405,
    f"POST {RUN}changes/<change_id>/plan/": outcomes(anonymous=LOGIN, ines="redirect", default=404),
    f"GET {API}/signals": outcomes(anonymous=401, mara=200, jonas=200, ines=200, default=404),
    f"POST {API}/signals": outcomes(anonymous=401, mara=201, jonas=201, default=404),
    f"POST {API}/signals/<seq>/acknowledge": outcomes(anonymous=401, ines=200, default=404),
    f"GET {API}/changes": outcomes(anonymous=401, dario=200, default=404),
    f"POST {API}/changes": outcomes(anonymous=401, dario=201, default=404),
    f"GET {API}/prompts": outcomes(anonymous=401, mara=200, jonas=200, default=404),
    f"POST {API}/prompts/<change_id>": outcomes(anonymous=401, mara=200, jonas=200, default=404),
}

SLAP = {"act": "slap", "by": "B", "to": ["A"], "zone": "buttocks"}


def asked_change(world: Any) -> int:
    """Dario's one change in today's run (idempotent)."""
    from closedset.onset import changes
    from closedset.onset.models import ChangeRequest
    from closedset.plans.services import BeatInput

    run = started_run(world)
    found = ChangeRequest.objects.filter(run=run).first()
    if found is None:
        found = changes.propose(world.dario, run.pk, BeatInput(**SLAP))
    return int(found.pk)


_MAKERS = {
    "production_id": lambda world: world.production.pk,
    "run_id": lambda world: started_run(world).pk,
    "change_id": asked_change,
    "seq": lambda world: 1,  # Mara's first PAUSE
}
ROUTE_PARAMS: dict[str, dict[str, object]] = {
    key: {name: make for name, make in _MAKERS.items() if f"<{name}>" in key} for key in EXPECTED
}

BODIES: dict[str, object] = {
    f"POST {RUN}director/": lambda world: {**SLAP, "zone": "thighs"},
    f"POST {RUN}changes/<change_id>/answer/": lambda world: {"answer": "yes"},
    f"POST {API}/signals": lambda world: {"kind": "pause", "key": "matrix-api-pause"},
    f"POST {API}/changes": lambda world: {**SLAP, "zone": "thighs"},
    f"POST {API}/prompts/<change_id>": lambda world: {"answer": "yes"},
}
