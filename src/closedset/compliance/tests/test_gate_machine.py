"""A hypothesis state machine drives random sequences through the real services (records
added, changed and verified; birthdays either side of the shoot day; clearances cleared, not
cleared and ageing; holds; plan edits that void consent; consents and withdrawals) and checks,
whenever a scene is scheduled, passes its gate or may start, that every cast performer has a
verified record showing 18 or older that day, a valid clearance and full consent, and that no
hold is on. The machine keeps its own model of the facts, so the check does not ask the code
it checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test

from closedset.compliance import services
from closedset.compliance.tests.helpers import (
    KISS_PLAN,
    PNG,
    call_on,
    clear,
    fast_passwords,
    mark_final,
    plan_scene,
    record_input,
)
from closedset.lib.errors import DomainError

PERFORMERS = ("mara", "jonas")
VALID_DAYS = services.DEFAULT_CLEARANCE_VALID_DAYS
# How often each decision passed: a machine that never gets there proves nothing.
PASSED = {"scheduled": 0, "gate": 0, "started": 0}
TWO_BEATS = {
    **KISS_PLAN,
    "beats": [
        *KISS_PLAN["beats"],
        {"id": "b2", "act": "kiss", "by": "B", "to": "A", "zone": "mouth"},
    ],
}


@dataclass
class Facts:
    """What the machine did, kept apart from the database."""

    born: dict[str, date] = field(default_factory=dict)
    verified: dict[str, bool] = field(default_factory=dict)
    tests: dict[str, list[tuple[date, bool]]] = field(default_factory=dict)
    hold: bool = False


def _consented_in_db(scene: Any) -> bool:
    """Full consent, read straight from the consent tables: the newest final version that is
    not superseded, and for each performer it casts a current consent to each of their beats."""
    from closedset.consent.models import BeatDecision, FinalVersion

    final = (
        FinalVersion.objects.filter(plan_version__plan__scene=scene, superseded_at__isnull=True)
        .order_by("-plan_version__number")
        .first()
    )
    if final is None:
        return False
    data = final.plan_version.data
    for role, handle in data["cast"].items():
        if not handle:
            continue
        beats = {
            b["id"]
            for b in data["beats"]
            if b["by"] == role or role in (b.get("to") or []) or b.get("to") == role
        }
        current = set(
            BeatDecision.objects.filter(
                request__final=final,
                request__performer__handle=handle,
                decision="consent",
                withdrawn_at__isnull=True,
                voided_at__isnull=True,
            ).values_list("beat_id", flat=True)
        )
        if not beats <= current:
            return False
    return True


def _adult(born: date, day: date) -> bool:
    # Written apart from services.adult_on: whole years by the calendar. Born on 29 February,
    # (2, 28) sorts before (2, 29), so the birthday falls on 1 March in a common year.
    years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return years >= 18


def _cleared(tests: list[tuple[date, bool]], day: date) -> bool:
    before = [t for t in tests if t[0] <= day]
    if not before:
        return False
    latest = max(t[0] for t in before)
    return (day - latest).days <= VALID_DAYS and all(ok for d, ok in before if d == latest)


def make_machine(world: Any) -> type[RuleBasedStateMachine]:
    class GateMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            # Each run starts from the same world and leaves nothing behind.
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.facts = Facts()
            self.today = timezone.localdate()
            version = plan_scene(world)
            mark_final(world, version)
            self.beats = 1

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        # --- the facts ---

        @rule(who=st.sampled_from(PERFORMERS), adult_from=st.integers(-3, 30))
        def write_record(self, who: str, adult_from: int) -> None:
            """A record whose 18th birthday is `adult_from` days from today."""
            birthday = self.today + timedelta(days=adult_from)
            try:
                born = birthday.replace(year=birthday.year - 18)
            except ValueError:  # 29 February: born on it, 18 on 1 March
                born = date(birthday.year - 18, 2, 29)
            org = world.organisation
            data = record_input(who, born)
            existing = services.records(world.cora, org)
            mine = [r for r in existing if r.performer.handle == who]
            if mine:
                services.update_record(world.cora, org, mine[0].pk, data)
                if self.facts.born.get(who) != born:
                    self.facts.verified[who] = False
            else:
                services.add_record(world.cora, org, who, data)
                self.facts.verified[who] = False
            self.facts.born[who] = born

        @rule(who=st.sampled_from(PERFORMERS), with_copy=st.booleans())
        def verify(self, who: str, with_copy: bool) -> None:
            org = world.organisation
            mine = [r for r in services.records(world.cora, org) if r.performer.handle == who]
            if not mine:
                return
            if with_copy:
                services.attach_document(world.cora, org, mine[0].pk, PNG)
                self.facts.verified[who] = False
            try:
                services.verify_record(world.cora, org, mine[0].pk)
            except DomainError:
                return
            self.facts.verified[who] = True

        @rule(who=st.sampled_from(PERFORMERS), days_ago=st.integers(0, 25), ok=st.booleans())
        def test_result(self, who: str, days_ago: int, ok: bool) -> None:
            tested = self.today - timedelta(days=days_ago)
            clear(world, who, tested, cleared=ok)
            self.facts.tests.setdefault(who, []).append((tested, ok))

        @rule(on=st.booleans())
        def hold(self, on: bool) -> None:
            services.set_hold(world.petra, world.production, on=on)
            self.facts.hold = on

        @rule(two=st.booleans())
        def edit_plan(self, two: bool) -> None:
            """The coordinator changes the plan and makes the new version final."""
            try:
                version = plan_scene(world, TWO_BEATS if two else KISS_PLAN)
                mark_final(world, version)
            except DomainError:
                return

        @rule(who=st.sampled_from(PERFORMERS))
        def give_consent(self, who: str) -> None:
            from closedset.compliance.tests.helpers import consent_all

            try:
                consent_all(world, performers=(who,))
            except DomainError:
                return

        @rule(who=st.sampled_from(PERFORMERS))
        def withdraw(self, who: str) -> None:
            from closedset.compliance.tests.helpers import withdraw_one

            withdraw_one(world, who)

        # Shortcuts, so that runs often reach a scene that may be scheduled at all.

        @rule(who=st.sampled_from(PERFORMERS), adult_from=st.integers(-3, 12))
        def ready(self, who: str, adult_from: int) -> None:
            self.write_record(who, adult_from)
            self.verify(who, True)
            self.test_result(who, 0, True)

        @rule()
        def everyone_consents(self) -> None:
            for who in PERFORMERS:
                self.give_consent(who)

        @rule(adult_from=st.integers(-2, 4))
        def everything_ready(self, adult_from: int) -> None:
            for who in PERFORMERS:
                self.ready(who, adult_from)
            self.everyone_consents()
            self.hold(False)

        # --- the decisions, each checked against the facts ---

        def _must_hold(self, day: date, what: str) -> None:
            assert not self.facts.hold, f"{what} with a hold on"
            assert _consented_in_db(world.scene), f"{what} without full consent"
            for who in PERFORMERS:
                assert self.facts.verified.get(who), f"{what}: {who} not verified"
                assert _adult(self.facts.born[who], day), f"{what}: {who} under 18 on {day}"
                assert _cleared(self.facts.tests.get(who, []), day), f"{what}: {who} not cleared"

        @rule(days=st.integers(1, 16), who=st.sampled_from(["ines", "petra"]))
        def schedule(self, days: int, who: str) -> None:
            day = self.today + timedelta(days=days)
            try:
                services.schedule(world.users[who], world.scene, call_on(day))
            except services.GateClosed:
                return
            self._must_hold(day, "scheduled")
            PASSED["scheduled"] += 1

        @rule(days=st.integers(0, 16))
        def gate(self, days: int) -> None:
            day = self.today + timedelta(days=days)
            if services.gate(world.scene, day).passed:
                self._must_hold(day, "gate passed")
                PASSED["gate"] += 1

        @rule(days=st.integers(1, 16), at_call=st.booleans())
        def start(self, days: int, at_call: bool) -> None:
            call_at = services.call_time(world.scene)
            moment = call_at if at_call and call_at else call_on(self.today + timedelta(days=days))
            day = timezone.localdate(moment)
            if services.may_start(world.scene, moment):
                self._must_hold(day, "started")
                PASSED["started"] += 1

    return GateMachine


@pytest.mark.django_db
def test_no_sequence_reaches_a_schedulable_scene_that_should_not_be(world, settings):
    fast_passwords(world, settings)
    machine = make_machine(world)
    machine.TestCase.settings = hypothesis_settings(
        max_examples=15,
        stateful_step_count=15,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    run_state_machine_as_test(machine, settings=machine.TestCase.settings)


def test_the_machines_own_age_rule_agrees_on_the_edges():
    assert _adult(date(2008, 2, 29), date(2026, 3, 1))
    assert not _adult(date(2008, 2, 29), date(2026, 2, 28))
    assert _adult(date(2008, 6, 10), date(2026, 6, 10))
    assert not _adult(date(2008, 6, 10), date(2026, 6, 9))
