"""The production overview: counts and next actions for the coordinator, the gate alone for the
producer, and nobody else gets one."""

from __future__ import annotations

from typing import Any

import pytest

from closedset.boundaries import services as boundaries
from closedset.lib.errors import Forbidden, NotFound
from closedset.plans import services
from closedset.plans.overview import FITS, NEEDS_COORDINATOR, NO_BEATS, production_overview
from closedset.plans.tests.scenario import PLAN
from closedset.productions import services as productions


def _gate(user: Any, world: Any) -> Any:
    (row,) = production_overview(user, world.production.pk).scenes
    return row


def _plan(world: Any, *beats: dict[str, Any], cast: dict[str, Any] | None = None) -> None:
    data = {"scene": "12B", "cast": cast or PLAN["cast"], "beats": list(beats)}
    services.replace_plan(world.ines, world.production.pk, world.scene.pk, data)


BUTTOCKS = {"id": "b1", "act": "slap", "by": "B", "to": "A", "zone": "buttocks"}
FACE = {"id": "b2", "act": "slap", "by": "B", "to": "A", "zone": "face"}
# Mara said nothing about kissing: not a no, a question for the coordinator.
KISS = {"id": "b3", "act": "kiss", "by": "B", "to": "A", "zone": "mouth"}


def test_an_empty_plan_is_not_cleared(world: Any) -> None:
    for who in (world.ines, world.petra):
        row = _gate(who, world)
        assert row.gate == NO_BEATS and not row.cleared
        assert row.gate_label == "no beats yet"
        assert row.actions == ["no beats yet"]


def test_the_coordinator_sees_counts_and_the_next_action(slap_plan: Any) -> None:
    row = _gate(slap_plan.ines, slap_plan)
    assert row.gate == NEEDS_COORDINATOR
    assert (row.beats, row.blocked, row.needs_discussion, row.not_shared) == (2, 1, 0, 0)
    assert row.actions == ["1 beat blocked"]
    assert row.next_action == "1 beat blocked"


def test_the_producer_sees_the_gate_and_nothing_about_boundaries(slap_plan: Any) -> None:
    row = _gate(slap_plan.petra, slap_plan)
    assert row.gate == NEEDS_COORDINATOR and row.gate_label == "needs the coordinator"
    assert row.actions == ["with the intimacy coordinator"]
    assert (row.beats, row.blocked, row.needs_discussion, row.not_shared, row.proposals) == (
        0,
        0,
        0,
        0,
        0,
    )


def test_the_producer_cannot_tell_a_no_from_a_maybe(shared: Any) -> None:
    _plan(shared, BUTTOCKS, FACE)
    blocked = _gate(shared.petra, shared)
    coordinator_blocked = _gate(shared.ines, shared)
    _plan(shared, BUTTOCKS, KISS)
    maybe = _gate(shared.petra, shared)
    coordinator_maybe = _gate(shared.ines, shared)
    # The coordinator tells them apart; the producer reads the very same thing.
    assert coordinator_blocked.actions != coordinator_maybe.actions
    assert coordinator_maybe.needs_discussion >= 1
    assert blocked == maybe


def test_a_plan_that_passes_fits_for_both(shared: Any) -> None:
    _plan(shared, BUTTOCKS)
    for who in (shared.ines, shared.petra):
        row = _gate(who, shared)
        assert row.gate == FITS and row.fits and row.actions == []
        assert row.gate_label == "fits everyone's boundaries"
        # Fitting is not "cleared": nobody has consented, so the schedule gate stays shut.
        assert row.shootable is False and not row.cleared and row.shoot_label == "not cleared"


def test_a_profile_not_shared_is_the_coordinators_to_know(slap_plan: Any) -> None:
    boundaries.revoke(slap_plan.jonas, slap_plan.production.pk)
    row = _gate(slap_plan.ines, slap_plan)
    assert row.not_shared == 1
    assert "1 profile not shared" in row.actions
    producer = _gate(slap_plan.petra, slap_plan)
    assert not any("profile" in action for action in producer.actions)


def test_a_role_not_cast_is_an_action_for_both(shared: Any) -> None:
    _plan(shared, BUTTOCKS, cast={"A": "mara", "B": None})
    for who in (shared.ines, shared.petra):
        row = _gate(who, shared)
        assert row.gate == NEEDS_COORDINATOR
        assert row.actions[0] == "1 role not cast"


def test_a_proposal_waits_for_the_coordinator(shared: Any) -> None:
    _plan(shared, BUTTOCKS)
    services.add_beat(
        shared.dario,
        shared.production.pk,
        shared.scene.pk,
        services.BeatInput(act="slap", by="B", to=["A"], zone="face"),
    )
    assert "1 proposal to decide" in _gate(shared.ines, shared).actions
    # The plan itself has not changed: the producer still reads that it fits.
    assert _gate(shared.petra, shared).actions == []


def test_every_scene_is_listed_in_script_order(slap_plan: Any) -> None:
    productions.create_scene(slap_plan.ines, slap_plan.production, number="14", title="Dock")
    rows = production_overview(slap_plan.ines, slap_plan.production.pk).scenes
    assert [row.scene.number for row in rows] == ["12B", "14"]
    assert [row.gate for row in rows] == [NEEDS_COORDINATOR, NO_BEATS]


@pytest.mark.parametrize("who", ["dario", "mara", "jonas", "cora"])
def test_nobody_else_gets_an_overview(world: Any, who: str) -> None:
    with pytest.raises(Forbidden):
        production_overview(world.users[who], world.production.pk)


def test_an_outsider_learns_nothing(world: Any) -> None:
    with pytest.raises(NotFound):
        production_overview(world.oscar, world.production.pk)
