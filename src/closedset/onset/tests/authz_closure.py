"""Authorization-matrix entries for the shoot day's closure routes (see onset/tests/authz.py).

Closing (the page, its console part and the report) is the coordinator's: everyone else,
the performers in the run included, gets the "not found" a run that does not exist gives.
The phone's part is for the performers cast in the run. Feedback is for the people on the
closed set (cast, coordinator, director); the producer, the custodian and outsiders find no
run. The day's screen is the producers': other members are refused (403), outsiders find
nothing (404). Feedback is given on a run Ines has closed; the rest on the open run of
onset/tests/authz.py.
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, outcomes

RUN = "/onset/runs/<run_id>/"
TODAY = "/onset/<production_id>/today/"

LOGGED_IN_405 = outcomes(anonymous=LOGIN, default=405)
COORDINATOR = outcomes(anonymous=LOGIN, ines=200, default=404)
ON_SET = outcomes(anonymous=LOGIN, mara=200, jonas=200, ines=200, dario=200, default=404)
ON_SET_POST = outcomes(
    anonymous=LOGIN,
    mara="redirect",
    jonas="redirect",
    ines="redirect",
    dario="redirect",
    default=404,
)
PRODUCERS = outcomes(anonymous=LOGIN, oscar=404, petra=200, default=403)
PRODUCERS_405 = outcomes(anonymous=LOGIN, default=405)

EXPECTED: dict[str, dict[str, object]] = {
    f"GET {RUN}closure/": COORDINATOR,
    f"POST {RUN}closure/": outcomes(anonymous=LOGIN, ines="redirect", default=404),
    f"GET {RUN}closure/console/": COORDINATOR,
    f"POST {RUN}closure/console/": LOGGED_IN_405,
    f"GET {RUN}closure/phone/": outcomes(anonymous=LOGIN, mara=200, jonas=200, default=404),
    f"POST {RUN}closure/phone/": LOGGED_IN_405,
    f"GET {RUN}feedback/": ON_SET,
    f"POST {RUN}feedback/": ON_SET_POST,
    f"GET {RUN}report/": COORDINATOR,
    f"POST {RUN}report/": LOGGED_IN_405,
    f"GET {TODAY}": PRODUCERS,
    f"POST {TODAY}": PRODUCERS_405,
    f"GET {TODAY}live/": PRODUCERS,
    f"POST {TODAY}live/": PRODUCERS_405,
}


def started_run(world: Any) -> Any:
    # Imported here: onset/tests/authz.py imports this module at its end.
    from closedset.onset.tests.authz import started_run as started

    return started(world)


def closed_run(world: Any) -> Any:
    """The run of authz.started_run, its PAUSE seen and the scene closed by Ines."""
    from closedset.onset import closure, services
    from closedset.onset.models import Run

    run = started_run(world)
    if run.state != Run.State.CLOSED:
        for signal in run.signals.filter(acknowledged_at__isnull=True):
            services.acknowledge(world.ines, signal.pk)
        closure.save(world.ines, run.pk, done=[key for key, _ in closure.CHECKLIST])
        run = closure.close(world.ines, run.pk)
    return run


_OPEN = {"run_id": lambda world: started_run(world).pk}
_CLOSED = {"run_id": lambda world: closed_run(world).pk}
_PRODUCTION = {"production_id": lambda world: world.production.pk}
ROUTE_PARAMS: dict[str, dict[str, object]] = {
    key: (_PRODUCTION if "<production_id>" in key else _CLOSED if "feedback" in key else _OPEN)
    for key in EXPECTED
}

BODIES: dict[str, object] = {
    f"POST {RUN}closure/": lambda world: {"done": ["dressed"], "debrief": "", "action": "save"},
    f"POST {RUN}feedback/": lambda world: {"safety": "4", "respect": "5", "comfort": "4"},
}
