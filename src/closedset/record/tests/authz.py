"""Authorization-matrix entries for the record: all of it is public, and hashes only."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from closedset.api.tests.authz_matrix import same


def _log_slug(world: Any) -> str:
    # A log exists from its first entry on.
    from closedset.record import services

    with transaction.atomic():
        services.append(world.organisation, {"type": "gate", "outcome": "passed"})
    return services.log_for(world.organisation).slug


LOG_ROUTES = (
    "GET /api/v1/log/<slug>/checkpoint",
    "GET /api/v1/log/<slug>/key",
    "GET /api/v1/log/<slug>/proof/inclusion",
    "GET /api/v1/log/<slug>/proof/consistency",
)

EXPECTED: dict[str, dict[str, object]] = {
    # Anyone may check a receipt; an empty form is told to choose a file.
    "GET /verify/": same(200),
    "POST /verify/": same(422),
    "GET /api/v1/log/<slug>/checkpoint": same(200),
    "GET /api/v1/log/<slug>/key": same(200),
    # The matrix sends no query string, so the sizes are missing (record/tests/test_api.py
    # covers real proofs): the same answer for everyone, signed in or not.
    "GET /api/v1/log/<slug>/proof/inclusion": same(422),
    "GET /api/v1/log/<slug>/proof/consistency": same(422),
}
ROUTE_PARAMS = {route: {"slug": _log_slug} for route in LOG_ROUTES}
