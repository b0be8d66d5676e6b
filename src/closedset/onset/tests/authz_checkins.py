"""Authorization-matrix entries for the shoot day's checkins routes (see onset/tests/authz.py).

Before the requests scene 12B runs (authz.started_run), Ines has asked a check-in, Mara has
answered it yellow, and Mara has sent a named report. Asking, closing, "Talked" and
"Something unplanned" are the coordinator's; answering is for the performers cast; everyone
else gets the "not found" of a run that does not exist. Incident reports are for anyone in the
production (Oscar, from another company, finds nothing); one incident's page is the
coordinator's alone, and 404 for everyone else so that nobody learns which incidents exist.
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, outcomes
from closedset.onset.tests.authz import started_run

RUN = "/onset/runs/<run_id>/"
INCIDENTS = "/onset/<production_id>/incidents/"

LOGGED_IN_405 = outcomes(anonymous=LOGIN, default=405)
COORDINATOR_PAGE = outcomes(anonymous=LOGIN, ines=200, default=404)
COORDINATOR_POST = outcomes(anonymous=LOGIN, ines="redirect", default=404)
MEMBERS = outcomes(anonymous=LOGIN, oscar=404, default=200)

EXPECTED: dict[str, dict[str, object]] = {
    f"GET {RUN}checkins/": COORDINATOR_PAGE,
    f"POST {RUN}checkins/": COORDINATOR_POST,
    f"GET {RUN}checkins/<checkin_id>/close/": LOGGED_IN_405,
    f"POST {RUN}checkins/<checkin_id>/close/": COORDINATOR_POST,
    f"GET {RUN}checkins/answers/<answer_id>/talked/": LOGGED_IN_405,
    f"POST {RUN}checkins/answers/<answer_id>/talked/": COORDINATOR_POST,
    f"GET {RUN}checkin/": outcomes(anonymous=LOGIN, mara=200, jonas=200, default=404),
    f"POST {RUN}checkin/": outcomes(
        anonymous=LOGIN, mara="redirect", jonas="redirect", default=404
    ),
    f"GET {RUN}unplanned/": COORDINATOR_PAGE,
    f"POST {RUN}unplanned/": COORDINATOR_POST,
    f"GET {INCIDENTS}": MEMBERS,
    f"POST {INCIDENTS}": outcomes(anonymous=LOGIN, default=405),
    f"GET {INCIDENTS}new/": MEMBERS,
    f"POST {INCIDENTS}new/": outcomes(anonymous=LOGIN, oscar=404, default="redirect"),
    f"GET {INCIDENTS}<incident_id>/": COORDINATOR_PAGE,
    f"POST {INCIDENTS}<incident_id>/": COORDINATOR_POST,
}


def _checked_in(world: Any) -> Any:
    """The started run with Ines's check-in asked and Mara's yellow answer (idempotent)."""
    from closedset.onset import checkins

    run = started_run(world)
    checkin = checkins.open_checkin(run)
    if checkin is None:
        checkin = checkins.ask(world.ines, run.pk, "b1")
        checkins.answer(world.mara, run.pk, "yellow")
    return run


def _checkin_id(world: Any) -> int:
    run = _checked_in(world)
    return int(run.checkins.get().pk)


def _answer_id(world: Any) -> int:
    run = _checked_in(world)
    return int(run.checkins.get().answers.get(performer=world.mara).pk)


def _incident_id(world: Any) -> int:
    from closedset.onset import incidents
    from closedset.onset.models import Incident

    found = Incident.objects.filter(production=world.production, kind="report").first()
    if found is None:
        found = incidents.report(world.mara, world.production.pk, "Matrix report.")
    return int(found.pk)


_MAKERS = {
    "production_id": lambda world: world.production.pk,
    "run_id": lambda world: _checked_in(world).pk,
    "checkin_id": _checkin_id,
    "answer_id": _answer_id,
    "incident_id": _incident_id,
}
ROUTE_PARAMS: dict[str, dict[str, object]] = {
    key: {name: make for name, make in _MAKERS.items() if f"<{name}>" in key} for key in EXPECTED
}

BODIES: dict[str, object] = {
    f"POST {RUN}checkins/": lambda world: {"after_beat": "b1"},
    f"POST {RUN}checkin/": lambda world: {"colour": "green"},
    f"POST {RUN}unplanned/": lambda world: {
        "act": "slap",
        "zone": "face",
        "intensity": "hard",
        "by": "mara",
        "to": "jonas",
        "beat": "b1",
    },
    f"POST {INCIDENTS}new/": lambda world: {"description": "Matrix report, by form."},
    f"POST {INCIDENTS}<incident_id>/": lambda world: {"step": "acknowledge"},
}
