"""Authorization-matrix entries for blind review (see closedset/api/tests/authz_matrix.py).

None of the eight personas is an academy reviewer or academy staff: every review page and
API route refuses them (anonymous: the login page, or 401 from the API). Reviewers' and
staff's own outcomes are tested in test_review_*.py with the academy personas.
"""

from __future__ import annotations

from closedset.api.tests.authz_matrix import LOGIN, outcomes

PAGE = "/academy/review/"
API = "/api/v1/academy/review/"


def _refused(status: int = 403) -> dict[str, object]:
    return outcomes(anonymous=LOGIN, default=status)


def _api_refused() -> dict[str, object]:
    return outcomes(anonymous=401, default=403)


EXPECTED: dict = {
    f"GET {PAGE}": _refused(),
    f"POST {PAGE}": _refused(405),
    f"GET {PAGE}conflicts/": _refused(),
    f"POST {PAGE}conflicts/": _refused(),
    f"GET {PAGE}mine.csv": _refused(),
    f"POST {PAGE}mine.csv": _refused(405),
    # Like the rest of the academy's staff area, it does not exist for anyone else.
    f"GET {PAGE}staff/<cohort_id>/": _refused(404),
    f"POST {PAGE}staff/<cohort_id>/": _refused(404),
    f"GET {PAGE}<assignment_id>/": _refused(),
    f"POST {PAGE}<assignment_id>/": _refused(),
    f"GET {PAGE}<assignment_id>/recuse/": _refused(405),
    f"POST {PAGE}<assignment_id>/recuse/": _refused(),
    f"GET {API}assignments": _api_refused(),
    f"GET {API}assignments/<assignment_id>": _api_refused(),
    f"POST {API}assignments/<assignment_id>/scores": _api_refused(),
    f"POST {API}assignments/<assignment_id>/recuse": _api_refused(),
    f"GET {API}conflicts": _api_refused(),
    f"POST {API}conflicts": _api_refused(),
}


def _one(world: object) -> int:
    # The matrix's world has no academy: any id is refused before it is looked up.
    return 1


PARAMS: dict = {}
ROUTE_PARAMS: dict = {
    key: {name: _one for name in ("assignment_id", "cohort_id") if f"<{name}>" in key}
    for key in EXPECTED
    if "<" in key
}
BODIES: dict = {
    f"POST {API}assignments/<assignment_id>/scores": lambda world: {
        "scores": {"1": 3},
        "comment": "",
    },
    f"POST {API}conflicts": lambda world: {"name": "Someone", "email": ""},
    f"POST {PAGE}<assignment_id>/": lambda world: {"score_1": "3"},
    f"POST {PAGE}conflicts/": lambda world: {"name": "Someone"},
}
