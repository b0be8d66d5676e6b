"""Authorization-matrix entries for boundary pages and API (format: api/tests/authz_matrix.py).

Before the requests, Mara has saved version 1 of her profile and shared it with Harbour
Lights; every persona then asks for it. A profile is its owner's alone; the coordinator of a
production reads what its performers share; nobody else reads anything.
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, REDIRECT, outcomes

LOGGED_IN_200 = outcomes(anonymous=LOGIN, default=200)
LOGGED_IN_405 = outcomes(anonymous=LOGIN, default=405)
LOGGED_IN_REDIRECT = outcomes(anonymous=LOGIN, default=REDIRECT)
MARA_ONLY = outcomes(anonymous=LOGIN, mara=200, default=404)
COORDINATOR_PAGE = outcomes(anonymous=LOGIN, oscar=404, ines=200, default=403)
# Sharing is for the production's performers; to anyone else it is not there.
PERFORMERS_REDIRECT = outcomes(anonymous=LOGIN, mara=REDIRECT, jonas=REDIRECT, default=404)
# Jonas has answered nothing: sharing first asks whether he means to share an empty profile.
SHARE = outcomes(anonymous=LOGIN, mara=REDIRECT, jonas=200, default=404)

API_ALL_200 = outcomes(anonymous=401, default=200)
API_MARA_ONLY = outcomes(anonymous=401, mara=200, default=404)
API_PERFORMERS = outcomes(anonymous=401, mara=200, jonas=200, default=404)

EXPECTED: dict[str, dict[str, object]] = {
    "GET /boundaries/": LOGGED_IN_200,
    "POST /boundaries/": LOGGED_IN_405,
    # Everyone signed in keeps their own profile; these change only the asker's.
    "GET /boundaries/acts/<act>/<direction>/": LOGGED_IN_200,
    "POST /boundaries/acts/<act>/<direction>/": LOGGED_IN_REDIRECT,
    "GET /boundaries/acts/<act>/<direction>/answer/": LOGGED_IN_405,
    "POST /boundaries/acts/<act>/<direction>/answer/": LOGGED_IN_REDIRECT,
    "GET /boundaries/barrier/": LOGGED_IN_405,
    "POST /boundaries/barrier/": LOGGED_IN_REDIRECT,
    "GET /boundaries/export.yaml": LOGGED_IN_200,
    "POST /boundaries/export.yaml": LOGGED_IN_405,
    "GET /boundaries/history/": LOGGED_IN_200,
    "POST /boundaries/history/": LOGGED_IN_405,
    # Version 1 exists only in Mara's history.
    "GET /boundaries/history/<number>/": MARA_ONLY,
    "POST /boundaries/history/<number>/": LOGGED_IN_405,
    "GET /boundaries/import/": LOGGED_IN_200,
    # The file is Mara's: anyone else importing it is told it names another performer.
    "POST /boundaries/import/": outcomes(anonymous=LOGIN, mara=REDIRECT, default=422),
    "GET /boundaries/sharing/": LOGGED_IN_200,
    "POST /boundaries/sharing/": LOGGED_IN_405,
    "GET /boundaries/sharing/<production_id>/share/": LOGGED_IN_405,
    "POST /boundaries/sharing/<production_id>/share/": SHARE,
    "GET /boundaries/sharing/<production_id>/revoke/": LOGGED_IN_405,
    "POST /boundaries/sharing/<production_id>/revoke/": PERFORMERS_REDIRECT,
    "GET /boundaries/sharing/<production_id>/confirm/<membership_id>/": LOGGED_IN_405,
    # Nina joined as coordinator after Mara shared: only Mara can let her see the profile.
    "POST /boundaries/sharing/<production_id>/confirm/<membership_id>/": outcomes(
        anonymous=LOGIN, mara=REDIRECT, default=404
    ),
    "GET /boundaries/production/<production_id>/": COORDINATOR_PAGE,
    "POST /boundaries/production/<production_id>/": LOGGED_IN_405,
    "GET /boundaries/production/<production_id>/<handle>/": COORDINATOR_PAGE,
    "POST /boundaries/production/<production_id>/<handle>/": LOGGED_IN_405,
    "GET /api/v1/boundaries/me": API_ALL_200,
    "PUT /api/v1/boundaries/me": outcomes(anonymous=401, mara=200, default=422),
    "GET /api/v1/boundaries/me/versions": API_ALL_200,
    "GET /api/v1/boundaries/me/versions/<number>": API_MARA_ONLY,
    "GET /api/v1/boundaries/me/shares": API_ALL_200,
    "POST /api/v1/boundaries/me/shares/<production_id>": API_PERFORMERS,
    "DELETE /api/v1/boundaries/me/shares/<production_id>": API_PERFORMERS,
    "POST /api/v1/boundaries/me/shares/<production_id>/coordinators/<membership_id>": (
        API_MARA_ONLY
    ),
    "GET /api/v1/boundaries/productions/<production_id>": outcomes(
        anonymous=401, oscar=404, ines=200, default=403
    ),
}

MARA_PROFILE = {
    "performer": "mara",
    "name": "Mara K.",
    "boundaries": [
        {"act": "slap", "direction": "receive", "answer": "yes", "zones": {"face": "no"}}
    ],
}
MARA_YAML = """\
performer: mara
name: Mara K.
boundaries:
  - act: kiss
    direction: give
    answer: yes
"""


def mara_shared(world: Any) -> None:
    """Mara's version 1, shared with Harbour Lights (idempotent: several params call it)."""
    from closedset.boundaries import services

    if services.my_profile(world.mara)[1] is None:
        services.replace_profile(world.mara, MARA_PROFILE)
        services.share(world.mara, world.production.pk)


def _number(world: Any) -> int:
    mara_shared(world)
    return 1


def _handle(world: Any) -> str:
    mara_shared(world)
    return "mara"


def _new_coordinator(world: Any) -> int:
    """Nina becomes coordinator after Mara shared; her membership waits for Mara's confirm."""
    from closedset.accounts.models import User
    from closedset.productions import services as productions

    mara_shared(world)
    nina = User.objects.filter(handle="nina").first() or User.objects.create_user(
        email="nina@example.org", display_name="Nina", handle="nina"
    )
    return productions.add_member(nina, world.production, "coordinator").pk


_VALUES = {
    "act": lambda world: "slap",
    "category": lambda world: "impact",
    "direction": lambda world: "receive",
    "number": _number,
    "handle": _handle,
    "production_id": lambda world: world.production.pk,
    "membership_id": _new_coordinator,
}
ROUTE_PARAMS = {
    key: {name: _VALUES[name] for name in _VALUES if f"<{name}>" in key} for key in EXPECTED
}
PARAMS: dict[str, object] = {}
BODIES = {
    "POST /boundaries/acts/<act>/<direction>/": lambda world: {
        "answer": "yes",
        "zone-face": "no",
        "max_intensity": "light",
    },
    "POST /boundaries/acts/<act>/<direction>/answer/": lambda world: {"answer": "maybe"},
    "POST /boundaries/barrier/": lambda world: {"barrier": "condom"},
    "POST /boundaries/import/": lambda world: {"text": MARA_YAML},
    "PUT /api/v1/boundaries/me": lambda world: MARA_PROFILE,
}


# --- access transparency ---

# Everyone signed in reads the looks at their own profile (none, for most personas).
EXPECTED.update(
    {
        "GET /boundaries/sharing/looks/": LOGGED_IN_200,
        "POST /boundaries/sharing/looks/": LOGGED_IN_405,
    }
)


# --- the performer's path, versions, the PDF ---

EXPECTED.update(
    {
        # A group's acts: htmx gets them; a plain request is sent to the page with it open.
        "GET /boundaries/groups/<category>/": LOGGED_IN_REDIRECT,
        "POST /boundaries/groups/<category>/": LOGGED_IN_405,
        "GET /boundaries/review/": LOGGED_IN_200,
        "POST /boundaries/review/": LOGGED_IN_405,
        # Everyone gets their own profile's PDF, never anyone else's.
        "GET /boundaries/my-boundaries.pdf": LOGGED_IN_200,
        "POST /boundaries/my-boundaries.pdf": LOGGED_IN_405,
        "GET /boundaries/history/compare/": LOGGED_IN_200,
        "POST /boundaries/history/compare/": LOGGED_IN_405,
        "GET /boundaries/history/<number>/restore/": LOGGED_IN_405,
        # Version 1 exists only in Mara's history.
        "POST /boundaries/history/<number>/restore/": outcomes(
            anonymous=LOGIN, mara=REDIRECT, default=404
        ),
    }
)


def _production_with_maras_answers(world: Any) -> int:
    mara_shared(world)
    return world.production.pk


ROUTE_PARAMS["POST /boundaries/sharing/<production_id>/share/"] = {
    "production_id": _production_with_maras_answers
}
ROUTE_PARAMS.update(
    {
        key: {name: _VALUES[name] for name in _VALUES if f"<{name}>" in key}
        for key in EXPECTED
        if key not in ROUTE_PARAMS
    }
)
