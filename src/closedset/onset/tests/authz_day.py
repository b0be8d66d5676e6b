"""Authorization-matrix entries for the shoot day's day routes (see onset/tests/authz.py).

The day page is the coordinator's; the producer reads its roster. Other members of the
production are refused (403) and outsiders find nothing (404), as for starting a scene; only
the coordinator changes the roster and the checklists. The settings are the coordinator's and
the producer's. The console's parts are the coordinator's and the phone's the cast's: anyone
else gets the "not found" a run that does not exist gives. Before the requests scene 12B is
started today with one PAUSE from Mara waiting (authz.started_run), so Resume is refused in
words and lands back on the console.
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, REDIRECT, outcomes

DAY = "/onset/<production_id>/scenes/<scene_id>/day/"
RUN = "/onset/runs/<run_id>/"
SETTINGS = "/onset/<production_id>/day-settings/"

LOGGED_IN_405 = outcomes(anonymous=LOGIN, default=405)
DAY_READ = outcomes(anonymous=LOGIN, oscar=404, ines=200, petra=200, default=403)
DAY_CHANGE = outcomes(anonymous=LOGIN, oscar=404, ines=REDIRECT, default=403)
CONSOLE_PART = outcomes(anonymous=LOGIN, ines=200, default=404)
CONSOLE_CHANGE = outcomes(anonymous=LOGIN, ines=REDIRECT, default=404)

EXPECTED: dict[str, dict[str, object]] = {
    f"GET {DAY}": DAY_READ,
    f"POST {DAY}": LOGGED_IN_405,
    f"GET {DAY}roster/": LOGGED_IN_405,
    f"POST {DAY}roster/": DAY_CHANGE,
    f"GET {DAY}roster/<entry_id>/remove/": LOGGED_IN_405,
    f"POST {DAY}roster/<entry_id>/remove/": DAY_CHANGE,
    f"GET {DAY}checks/": LOGGED_IN_405,
    f"POST {DAY}checks/": DAY_CHANGE,
    f"GET {DAY}checks/<item_id>/": LOGGED_IN_405,
    f"POST {DAY}checks/<item_id>/": DAY_CHANGE,
    f"GET {DAY}checks/<item_id>/remove/": LOGGED_IN_405,
    f"POST {DAY}checks/<item_id>/remove/": DAY_CHANGE,
    f"GET {SETTINGS}": DAY_READ,
    f"POST {SETTINGS}": outcomes(
        anonymous=LOGIN, oscar=404, ines=REDIRECT, petra=REDIRECT, default=403
    ),
    f"GET {RUN}day/": CONSOLE_PART,
    f"POST {RUN}day/": LOGGED_IN_405,
    f"GET {RUN}beats/": LOGGED_IN_405,
    f"POST {RUN}beats/": CONSOLE_CHANGE,
    f"GET {RUN}resume/": LOGGED_IN_405,
    f"POST {RUN}resume/": CONSOLE_CHANGE,
    f"GET {RUN}my-day/": outcomes(anonymous=LOGIN, mara=200, jonas=200, default=404),
    f"POST {RUN}my-day/": LOGGED_IN_405,
    f"GET {RUN}my-checks/<item_id>/": LOGGED_IN_405,
    # Jonas may not tick Mara's line: he is told so on his own phone page.
    f"POST {RUN}my-checks/<item_id>/": outcomes(
        anonymous=LOGIN, mara=REDIRECT, jonas=REDIRECT, default=404
    ),
}


def _run(world: Any) -> Any:
    from closedset.onset.tests.authz import started_run

    return started_run(world)


def _entry_id(world: Any) -> int:
    from closedset.onset.models import RosterEntry

    run = _run(world)
    entry, _ = RosterEntry.objects.get_or_create(
        scene=world.scene, day=run.day, name="Matrix Grip", defaults={"job": "grip"}
    )
    return int(entry.pk)


def _item_id(world: Any) -> int:
    from closedset.onset.models import CheckItem

    run = _run(world)
    item, _ = CheckItem.objects.get_or_create(
        scene=world.scene, day=run.day, performer=world.mara, kind="robe", label="robe"
    )
    return int(item.pk)


_MAKERS = {
    "production_id": lambda world: world.production.pk,
    "scene_id": lambda world: int(_run(world).scene_id),
    "run_id": lambda world: _run(world).pk,
    "entry_id": _entry_id,
    "item_id": _item_id,
}
ROUTE_PARAMS: dict[str, dict[str, object]] = {
    key: {name: make for name, make in _MAKERS.items() if f"<{name}>" in key} for key in EXPECTED
}


def _day(world: Any) -> str:
    return str(_run(world).day.isoformat())


BODIES: dict[str, object] = {
    f"POST {DAY}roster/": lambda world: {"day": _day(world), "name": "Lee Park", "job": "focus"},
    f"POST {DAY}roster/<entry_id>/remove/": lambda world: {"day": _day(world)},
    f"POST {DAY}checks/": lambda world: {"day": _day(world), "performer": "mara", "kind": "water"},
    f"POST {DAY}checks/<item_id>/": lambda world: {"day": _day(world), "done": "1"},
    f"POST {DAY}checks/<item_id>/remove/": lambda world: {"day": _day(world)},
    f"POST {SETTINGS}": lambda world: {"escalate_seconds": "20", "reflection_minutes": "10"},
    f"POST {RUN}beats/": lambda world: {"beat": "b1", "status": "skipped"},
    f"POST {RUN}my-checks/<item_id>/": lambda world: {"done": "1"},
}
