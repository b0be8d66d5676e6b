"""Schemathesis against the published schema: no 5xx, and every response as documented.

Each API operation gets generated requests, valid and invalid, sent with the API token of a
persona drawn per request (or with none), against a seeded production. What a request changes
is rolled back before the next, so every request meets the same world and a failure replays.
bench/schemathesis_long.py runs this file with more examples per operation.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given
from hypothesis import settings as generation
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from closedset.accounts import services as accounts
from closedset.accounts.models import ApiToken
from closedset.boundaries import services as boundaries
from closedset.plans import services as plans
from closedset.plans.tests.scenario import JONAS, MARA, PLAN

# Loaded from the application itself, as a client reads it.
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# 29 operations x 40 is the bounded run in `make test` (some operations have fewer distinct
# requests than that and stop early); the long run sets the variable.
EXAMPLES = int(os.environ.get("CLOSEDSET_SCHEMATHESIS_EXAMPLES", "40"))
# The coordinator and a performer are the two sides of the API; the producer alone creates
# scenes and invitations; the director's token reads only; the outsider must meet only 404s;
# a request without a token must meet 401s.
PERSONAS = ("ines", "mara", "petra", "dario", "oscar", None)
READ_ONLY = {"dario"}


def _seed(world: Any) -> dict[str, str]:
    """The unplanned slap, shared and saved once, and an API token for each persona."""
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    plans.replace_plan(world.ines, world.production.pk, world.scene.pk, PLAN)
    plans.save_version(world.ines, world.production.pk, world.scene.pk)
    tokens = {}
    for handle in PERSONAS:
        if handle is None:
            continue
        user = world.users[handle]
        if accounts.needs_second_factor(user):
            # Staff tokens work only for people whose second factor is set up.
            TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        access = ApiToken.Access.READ if handle in READ_ONLY else ApiToken.Access.WRITE
        _, tokens[handle] = accounts.create_api_token(
            user, "schemathesis", access=access, session_verified=True
        )
    return tokens


def _strategy(operation: Any, world: Any) -> st.SearchStrategy[Any]:
    """Half the requests name things that exist (Harbour Lights, scene 12B, beat b2)."""
    known = {
        "production_id": world.production.pk,
        "scene_id": world.scene.pk,
        "beat_id": "b2",
        "number": 1,
        "role": "A",
    }
    names = [param.name for param in operation.path_parameters]
    real = {name: known[name] for name in names if name in known}
    options = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        options.append(operation.as_strategy(generation_mode=mode))
        if real:
            options.append(operation.as_strategy(generation_mode=mode, path_parameters=real))
    return st.one_of(options)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_operation_holds(operation: Any, world: Any, settings: Any, record_property: Any) -> None:
    # Thousands of requests a minute from one token are the point here, not a flood.
    settings.CLOSEDSET_API_REQUESTS_PER_MINUTE = 0
    tokens = _seed(world)
    cases = 0

    @generation(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, world), persona=st.sampled_from(PERSONAS))
    def holds(case: Any, persona: str | None) -> None:
        nonlocal cases
        cases += 1
        headers = {"Authorization": f"Bearer {tokens[persona]}"} if persona else {}
        with transaction.atomic():
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            finally:
                transaction.set_rollback(True)

    holds()
    record_property("cases", cases)
    assert cases > 0
