"""Schemathesis against the published schema: no 5xx, and every response as documented.

Every operation gets generated requests, valid and invalid, each sent with the API token of a
persona drawn for it (or with none), against a seeded production; then chains of requests
follow the links schemathesis infers between operations (an id one returns, another takes).
What a request (or a chain) changes is rolled back before the next, so each meets the same
world and any failure replays. bench/schemathesis_long.py runs this file with more examples.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given
from hypothesis import settings as generation
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
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
LOADED = list(SCHEMA.get_all_operations())
OPERATIONS = [result.ok() for result in LOADED if isinstance(result, Ok)]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The bounded run in `make test`: about 30 operations x 40 requests, plus the chains.
EXAMPLES = int(os.environ.get("CLOSEDSET_SCHEMATHESIS_EXAMPLES", "40"))
CHAINS = int(os.environ.get("CLOSEDSET_SCHEMATHESIS_CHAINS", "20"))
STEPS = 5  # at most, per chain
# The coordinator and a performer are the two sides of the API; the producer alone creates
# scenes and invitations; the director's token only reads; the outsider must meet only 404s;
# a request without a token must meet 401s.
PERSONAS = ("ines", "mara", "petra", "dario", "oscar", None)
READ_ONLY = {"dario"}
# Ids of the seeded world, for the test being run (path parameters with these names).
KNOWN: dict[str, Any] = {}


@SCHEMA.hooks.hook
def flatmap_path_parameters(context: Any, path_parameters: Any) -> st.SearchStrategy[Any]:
    """Half the requests name things that exist (Harbour Lights, scene 12B, beat b2), or
    nearly every one would end in a 404 before reaching any rule."""
    real = {name: KNOWN[name] for name in path_parameters or {} if name in KNOWN}
    if not real:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters, {**path_parameters, **real}])


@pytest.fixture
def tokens(world: Any, settings: Any) -> Iterator[dict[str, str]]:
    """The unplanned slap, shared and saved once, and an API token for each persona."""
    # Thousands of requests a minute from one token are the point here, not a flood.
    settings.CLOSEDSET_API_REQUESTS_PER_MINUTE = 0
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    plans.replace_plan(world.ines, world.production.pk, world.scene.pk, PLAN)
    plans.save_version(world.ines, world.production.pk, world.scene.pk)
    secrets = {}
    for handle in PERSONAS:
        if handle is None:
            continue
        user = world.users[handle]
        if accounts.needs_second_factor(user):
            # Staff tokens work only for people whose second factor is set up.
            TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        access = ApiToken.Access.READ if handle in READ_ONLY else ApiToken.Access.WRITE
        _, secrets[handle] = accounts.create_api_token(
            user, "schemathesis", access=access, session_verified=True
        )
    KNOWN.update(
        production_id=world.production.pk,
        scene_id=world.scene.pk,
        beat_id="b2",
        number=1,
        role="A",
    )
    # The application is called as a WSGI server would, and a real server closes the database
    # connection when a request ends; inside the test's transaction that would end the test's
    # connection (PostgreSQL), so, as Django's test client does, requests here leave it open.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield secrets
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        KNOWN.clear()


def _bearer(secret: str | None) -> dict[str, str]:
    # identity: the app is called in-process, where no client would undo the gzip of responses.
    headers = {"Accept-Encoding": "identity"}
    return headers | ({"Authorization": f"Bearer {secret}"} if secret else {})


def _settings(max_examples: int, **more: Any) -> generation:
    return generation(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        database=None,
        # Each request is a whole Django request; slow draws are expected, not a smell.
        suppress_health_check=list(HealthCheck),
        **more,
    )


def test_every_operation_can_be_generated() -> None:
    assert [str(result.err()) for result in LOADED if not isinstance(result, Ok)] == []


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_operation_holds(operation: Any, tokens: dict[str, str], record_property: Any) -> None:
    statuses: Counter[int] = Counter()
    requests = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @_settings(EXAMPLES)
    @given(case=requests, persona=st.sampled_from(PERSONAS))
    def holds(case: Any, persona: str | None) -> None:
        with transaction.atomic():
            try:
                headers = _bearer(tokens.get(persona or ""))
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                statuses[response.status_code] += 1
            finally:
                transaction.set_rollback(True)

    try:
        holds()
    finally:
        record_property("statuses", dict(statuses))
    assert statuses.total() >= min(EXAMPLES, 5)


# Chains need someone who may make things: the producer (scenes, invitations), the
# coordinator (plans) and a performer (her profile and its sharing).
@pytest.mark.parametrize("persona", ["petra", "ines", "mara"])
def test_chains_hold(persona: str, tokens: dict[str, str], record_property: Any) -> None:
    statuses: Counter[int] = Counter()
    headers = _bearer(tokens[persona])

    class Chains(SCHEMA.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            statuses[response.status_code] += 1
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    try:
        Chains.run(settings=_settings(CHAINS, stateful_step_count=STEPS))
    finally:
        record_property("statuses", dict(statuses))
    assert statuses.total() >= CHAINS
