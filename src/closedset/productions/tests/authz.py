"""Authorization-matrix entries for people pages, the people API, the API root and the admin."""

from __future__ import annotations

from closedset.api.tests.authz_matrix import LOGIN, REDIRECT, outcomes, same

MEMBERS_200 = outcomes(anonymous=LOGIN, oscar=404, default=200)
# The producer invites anyone; the coordinator invites performers (productions.services
# INVITABLE_BY), so she sees the invitations page and the performers' invitations.
INVITERS = outcomes(anonymous=LOGIN, oscar=404, petra=200, ines=200, default=403)
API_MEMBERS = outcomes(anonymous=401, oscar=404, default=200)
API_INVITERS = outcomes(anonymous=401, oscar=404, petra=200, ines=200, default=403)
# Everyone with an enrolled authenticator is sent on to verification; the rest may enrol.
HAS_DEVICE = ("oscar", "ines", "dario", "petra", "cora")

EXPECTED: dict[str, dict[str, object]] = {
    "GET /": outcomes(anonymous=LOGIN, default=200),
    "POST /": outcomes(anonymous=LOGIN, default=405),
    "GET /login/": outcomes(anonymous=200, default=REDIRECT),
    "POST /login/": outcomes(anonymous=200, default=REDIRECT),
    "GET /logout/": same(405),
    "POST /logout/": same(LOGIN),
    "GET /account/second-factor/setup/": outcomes(
        anonymous=LOGIN, **dict.fromkeys(HAS_DEVICE, REDIRECT), default=200
    ),
    "POST /account/second-factor/setup/": outcomes(
        anonymous=LOGIN, **dict.fromkeys(HAS_DEVICE, REDIRECT), default=200
    ),
    "GET /account/second-factor/": outcomes(
        anonymous=LOGIN, **dict.fromkeys(HAS_DEVICE, 200), default=REDIRECT
    ),
    "POST /account/second-factor/": outcomes(
        anonymous=LOGIN, **dict.fromkeys(HAS_DEVICE, 200), default=REDIRECT
    ),
    "GET /account/tokens/": outcomes(anonymous=LOGIN, default=200),
    "POST /account/tokens/": outcomes(anonymous=LOGIN, default=422),
    # The token is Mara's: only she can revoke it.
    "GET /account/tokens/<token_id>/delete/": outcomes(anonymous=LOGIN, default=405),
    "POST /account/tokens/<token_id>/delete/": outcomes(
        anonymous=LOGIN, mara=REDIRECT, default=404
    ),
    "GET /p/new/": outcomes(anonymous=LOGIN, default=200),
    "POST /p/new/": outcomes(anonymous=LOGIN, default=422),
    "GET /p/<production_id>/invitations/<invitation_id>/revoke/": outcomes(
        anonymous=LOGIN, default=405
    ),
    # The invitation is to direct: the producer's to withdraw, not the coordinator's.
    "POST /p/<production_id>/invitations/<invitation_id>/revoke/": outcomes(
        anonymous=LOGIN, oscar=404, petra=REDIRECT, ines=404, default=403
    ),
    "GET /p/<production_id>/invitations/<invitation_id>/resend/": outcomes(
        anonymous=LOGIN, default=405
    ),
    "POST /p/<production_id>/invitations/<invitation_id>/resend/": outcomes(
        anonymous=LOGIN, oscar=404, petra=REDIRECT, ines=404, default=403
    ),
    # The producer asks; each performer agrees or not; nobody else has a say or a look.
    "GET /p/<production_id>/one-person-crew/": outcomes(
        anonymous=LOGIN, oscar=404, petra=200, mara=200, jonas=200, default=403
    ),
    "POST /p/<production_id>/one-person-crew/": outcomes(anonymous=LOGIN, default=405),
    "GET /p/<production_id>/one-person-crew/setting/": outcomes(anonymous=LOGIN, default=405),
    "POST /p/<production_id>/one-person-crew/setting/": outcomes(
        anonymous=LOGIN, oscar=404, petra=REDIRECT, default=403
    ),
    "GET /p/<production_id>/one-person-crew/agreement/": outcomes(anonymous=LOGIN, default=405),
    "POST /p/<production_id>/one-person-crew/agreement/": outcomes(
        anonymous=LOGIN, oscar=404, mara=REDIRECT, jonas=REDIRECT, default=403
    ),
    "GET /p/<production_id>/": MEMBERS_200,
    "POST /p/<production_id>/": outcomes(anonymous=LOGIN, default=405),
    "GET /p/<production_id>/scenes/": outcomes(anonymous=LOGIN, default=405),
    "POST /p/<production_id>/scenes/": outcomes(
        anonymous=LOGIN, oscar=404, petra=REDIRECT, ines=REDIRECT, default=403
    ),
    "GET /p/<production_id>/language/": outcomes(anonymous=LOGIN, default=405),
    "POST /p/<production_id>/language/": outcomes(
        anonymous=LOGIN, oscar=404, petra=REDIRECT, ines=REDIRECT, default=403
    ),
    "GET /p/<production_id>/invitations/": INVITERS,
    "POST /p/<production_id>/invitations/": outcomes(
        anonymous=LOGIN, oscar=404, petra=422, ines=422, default=403
    ),
    # The link is for newcomer@example.org: no persona's account may take it.
    "GET /invite/<key>/": same(200),
    "POST /invite/<key>/": outcomes(anonymous=422, default=403),
    "GET /api/v1/": same(404),
    "POST /api/v1/": same(404),
    "GET /api/v1/openapi.json": same(200),
    "POST /api/v1/openapi.json": same(200),
    "GET /api/v1/me": outcomes(anonymous=401, default=200),
    "GET /api/v1/productions": outcomes(anonymous=401, default=200),
    "GET /api/v1/productions/<production_id>": API_MEMBERS,
    "GET /api/v1/productions/<production_id>/roster": outcomes(
        anonymous=401, oscar=404, ines=200, dario=200, petra=200, default=403
    ),
    "GET /api/v1/productions/<production_id>/scenes": API_MEMBERS,
    "POST /api/v1/productions/<production_id>/scenes": outcomes(
        anonymous=401, oscar=404, petra=201, ines=201, default=403
    ),
    "PUT /api/v1/productions/<production_id>/language": outcomes(
        anonymous=401, oscar=404, petra=200, ines=200, default=403
    ),
    "GET /api/v1/productions/<production_id>/invitations": API_INVITERS,
    "POST /api/v1/productions/<production_id>/invitations": outcomes(
        anonymous=401, oscar=404, petra=201, ines=201, default=403
    ),
    "POST /api/v1/productions/<production_id>/invitations/<invitation_id>/resend": outcomes(
        anonymous=401, oscar=404, petra=200, ines=404, default=403
    ),
}


def _token_id(world):
    from closedset.accounts import services as accounts

    token, _ = accounts.create_api_token(world.mara, "matrix")
    return token.pk


def _invitation_key(world):
    from closedset.productions import services

    _, key = services.invite(
        world.petra, world.production, email="newcomer@example.org", role="performer"
    )
    return key


def _invitation_id(world):
    from closedset.productions import services

    invitation, _ = services.invite(
        world.petra, world.production, email="later@example.org", role="director"
    )
    return invitation.pk


def _crew_asked(world):
    """The producer has asked for a one-person crew, so performers have something to agree to."""
    from closedset.productions import services

    services.set_one_person_crew(world.petra, world.production, allow=True)
    return world.production.pk


ROUTE_PARAMS = {
    "POST /p/<production_id>/one-person-crew/agreement/": {"production_id": _crew_asked},
}
PARAMS = {
    "invitation_id": _invitation_id,
    "production_id": lambda world: world.production.pk,
    "scene_id": lambda world: world.scene.pk,
    "token_id": _token_id,
    "key": _invitation_key,
}
BODIES = {
    "POST /p/<production_id>/scenes/": lambda world: {"number": "99", "title": "Matrix"},
    "POST /p/<production_id>/one-person-crew/setting/": lambda world: {"allow": "yes"},
    "POST /p/<production_id>/one-person-crew/agreement/": lambda world: {"agree": "yes"},
    "POST /api/v1/productions/<production_id>/scenes": lambda world: {"number": "99"},
    "POST /p/<production_id>/language/": lambda world: {"language": "cs"},
    "PUT /api/v1/productions/<production_id>/language": lambda world: {"language": "cs"},
    "POST /api/v1/productions/<production_id>/invitations": lambda world: {
        "email": "someone@example.org",
        "role": "performer",
    },
}


def _admin_entries() -> dict[str, dict[str, object]]:
    """No persona is a superuser: every admin page sends them to the admin login."""
    from closedset.api.tests.authz_matrix import routes

    entries: dict[str, dict[str, object]] = {}
    for route in routes():
        if not route.path.startswith("/admin/"):
            continue
        if route.path == "/admin/login/":
            entries[route.key] = same(200)
        elif route.path == "/admin/logout/":
            entries[route.key] = same(REDIRECT)  # back to the admin index, then its login
        else:
            entries[route.key] = same(LOGIN)
    return entries


EXPECTED.update(_admin_entries())
PARAMS.update(
    {
        "app_label": lambda world: "productions",
        "object_id": lambda world: world.mara.pk,
        "id": lambda world: world.mara.pk,
        "content_type_id": lambda world: 1,
        "pk": lambda world: 1,
        "url": lambda world: "productions/unknown/",
    }
)
