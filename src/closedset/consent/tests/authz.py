"""Authorization-matrix entries for consent pages and API (format: api/tests/authz_matrix.py).

Before the requests Ines has saved scene 12B's plan as version 1 (Mara as A, Jonas as B),
marked it final, and Mara has consented to b1; version 2 is saved and not final yet. A
request and its answers are Mara's alone: everyone else, Jonas too, gets the "not found" a
missing one gives. The scene page is the coordinator's board; the director and producer read
"agreed" / "not agreed" there; everyone else finds nothing.
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, outcomes

SIGNED_IN_PAGE = outcomes(anonymous=LOGIN, default=200)
LOGGED_IN_405 = outcomes(anonymous=LOGIN, default=405)
MARAS_PAGE = outcomes(anonymous=LOGIN, mara=200, default=404)
MARAS_CHANGE = outcomes(anonymous=LOGIN, mara="redirect", default=404)
STATE_PAGE = outcomes(anonymous=LOGIN, ines=200, dario=200, petra=200, default=404)
COORDINATOR_CHANGE = outcomes(anonymous=LOGIN, ines="redirect", default=404)
API_SIGNED_IN = outcomes(anonymous=401, default=200)
API_MARAS = outcomes(anonymous=401, mara=200, default=404)
API_COORDINATOR = outcomes(anonymous=401, ines=200, default=404)
API_STATE = outcomes(anonymous=401, ines=200, dario=200, petra=200, default=404)

REQUEST = "/consent/requests/<request_id>/"
DECISION = "/consent/decisions/<decision_id>/"
SCENE = "/consent/<production_id>/scenes/<scene_id>/"
API = "/api/v1/consent"
P = API + "/<production_id>"

EXPECTED: dict[str, dict[str, object]] = {
    "GET /consent/": SIGNED_IN_PAGE,
    "POST /consent/": LOGGED_IN_405,
    f"GET {REQUEST}": MARAS_PAGE,
    f"POST {REQUEST}": MARAS_PAGE,
    f"GET {REQUEST}sign/": LOGGED_IN_405,
    f"POST {REQUEST}sign/": MARAS_CHANGE,
    f"GET {DECISION}withdraw/": LOGGED_IN_405,
    f"POST {DECISION}withdraw/": MARAS_CHANGE,
    f"GET {DECISION}receipt.json": MARAS_PAGE,
    f"POST {DECISION}receipt.json": LOGGED_IN_405,
    f"GET {DECISION}receipt.pdf": MARAS_PAGE,
    f"POST {DECISION}receipt.pdf": LOGGED_IN_405,
    f"GET {SCENE}": STATE_PAGE,
    f"POST {SCENE}": LOGGED_IN_405,
    f"GET {SCENE}final/": LOGGED_IN_405,
    f"POST {SCENE}final/": COORDINATOR_CHANGE,
    f"GET {API}/requests": API_SIGNED_IN,
    f"GET {P}/requests/<request_id>": API_MARAS,
    f"POST {P}/requests/<request_id>/decide": API_MARAS,
    f"POST {P}/decisions/<decision_id>/withdraw": API_MARAS,
    f"GET {P}/decisions/<decision_id>/receipt": API_MARAS,
    f"POST {P}/plans/<plan_version_id>/final": API_COORDINATOR,
    f"GET {P}/scenes/<scene_id>/board": API_COORDINATOR,
    f"GET {P}/scenes/<scene_id>/state": API_STATE,
}


def consent_ready(world: Any) -> None:
    """Version 1 final, Mara's consent to b1, version 2 saved (idempotent)."""
    from closedset.conftest import PERSONA_PASSWORD
    from closedset.consent import services
    from closedset.consent.models import FinalVersion
    from closedset.consent.tests.conftest import CONSENT_PLAN, request_of, save_version
    from closedset.rider.tests.terms import seed_rider_terms

    if FinalVersion.objects.filter(plan_version__plan__scene=world.scene).exists():
        return
    seed_rider_terms(world)  # an adult plan is final only once length and pay are told
    final = services.mark_final(world.ines, save_version(world, CONSENT_PLAN))
    services.decide(
        world.mara,
        request_of(world.mara).pk,
        {"b1": "consent"},
        {},
        password_or_code=PERSONA_PASSWORD,
    )
    save_version(world)
    assert final.requests.count() == 2


def _request_id(world: Any) -> int:
    from closedset.consent.tests.conftest import request_of

    consent_ready(world)
    return int(request_of(world.mara).pk)


def _decision_id(world: Any) -> int:
    from closedset.consent.models import BeatDecision

    consent_ready(world)
    return int(BeatDecision.objects.get(request__performer=world.mara, beat_id="b1").pk)


def _version_2(world: Any) -> int:
    from closedset.plans.models import PlanVersion

    consent_ready(world)
    return int(PlanVersion.objects.get(plan__scene=world.scene, number=2).pk)


def _scene_id(world: Any) -> int:
    consent_ready(world)
    return int(world.scene.pk)


_VALUES = {
    "production_id": lambda world: world.production.pk,
    "scene_id": _scene_id,
    "request_id": _request_id,
    "decision_id": _decision_id,
    "plan_version_id": _version_2,
}
ROUTE_PARAMS = {
    key: {name: make for name, make in _VALUES.items() if f"<{name}>" in key} for key in EXPECTED
}
PARAMS: dict[str, object] = {}


def _password() -> str:
    from closedset.conftest import PERSONA_PASSWORD

    return PERSONA_PASSWORD


BODIES = {
    f"POST {REQUEST}": lambda world: {"answer-b2": "consent"},
    f"POST {REQUEST}sign/": lambda world: {
        "answer-b2": "consent",
        "password_or_code": _password(),
    },
    f"POST {SCENE}final/": lambda world: {"number": "2"},
    f"POST {P}/requests/<request_id>/decide": lambda world: {
        "answers": {"b2": "consent"},
        "password_or_code": _password(),
        "rider_sha256": _shown_rider(world),
    },
    f"POST {P}/plans/<plan_version_id>/final": lambda world: {},
}


def _shown_rider(world: Any) -> str:
    from closedset.consent.tests.conftest import shown_rider

    return shown_rider(world.mara)
