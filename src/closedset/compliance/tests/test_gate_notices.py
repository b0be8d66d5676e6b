"""A scheduled scene that loses its gate (or gets it back) is never lost in silence: the
producers and coordinators are told, each in their own words."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from closedset.compliance import services
from closedset.compliance.models import IdentityRecord
from closedset.compliance.tests.helpers import (
    call_on,
    clear,
    future_day,
    ready_scene,
    record_input,
    withdraw_one,
)
from closedset.notices.models import Notice

pytestmark = pytest.mark.django_db

PERFORMER_WORDS = ("Mara", "Jonas", "consent", "clearance", "record", "test")


def _scheduled(world):
    ready_scene(world)
    day = future_day(3)
    services.schedule(world.ines, world.scene, call_on(day))
    return f"{day.day} {day:%B %Y}"


def _gate_notices():
    return Notice.objects.filter(url__startswith="/compliance/")


def _told(user):
    """What `user` was told about a scene's gate (not the other notices of the walk)."""
    return list(_gate_notices().filter(recipient=user).order_by("created_at", "pk"))


def test_a_withdrawal_tells_the_producer_without_reasons_and_the_coordinator_with(world):
    when = _scheduled(world)
    assert withdraw_one(world, "mara")  # consent.withdraw re-checks the gate itself
    assert services.gate_changed(world.scene) is False
    [petra] = _told(world.petra)
    assert petra.subject == (
        f"Scene 12B can no longer be shot as scheduled on {when}; talk to the coordinator"
    )
    assert not any(word in petra.subject + petra.body for word in PERFORMER_WORDS)
    [ines] = _told(world.ines)
    assert ines.subject == f"Scene 12B can no longer be shot as scheduled on {when}"
    # The reasons stay on the page; a notice may be e-mailed.
    assert "Not every cast performer has consented" not in ines.body
    assert "compliance page to see why" in ines.body
    assert ines.url == f"/compliance/{world.production.pk}/scenes/{world.scene.pk}/"
    for who in ("dario", "cora", "mara", "jonas", "oscar"):
        assert _told(world.users[who]) == []


def test_it_is_told_once_per_change(world):
    _scheduled(world)
    withdraw_one(world, "mara")
    services.gate_changed(world.scene)
    services.gate_changed(world.scene)
    clear(world, "jonas", timezone.localdate(), cleared=False)  # still failing: nothing new
    assert len(_told(world.petra)) == 1 and len(_told(world.ines)) == 1


def test_a_not_cleared_test_tells_at_once(world):
    _scheduled(world)
    clear(world, "jonas", timezone.localdate(), cleared=False)
    [lost] = _told(world.ines)
    # The reasons stay on the page; a notice may be e-mailed.
    assert "Jonas: no valid test clearance" not in lost.body
    assert "compliance page to see why" in lost.body
    [petra] = _told(world.petra)
    assert "Jonas" not in petra.subject + petra.body


def test_an_unverified_record_tells_and_verifying_it_again_tells_it_is_back(world):
    when = _scheduled(world)
    record = IdentityRecord.objects.get(performer=world.mara)
    org = world.organisation
    changed = record_input("mara", date(1995, 5, 17), legal_name="Marianne K. Kowalczyk")
    services.update_record(world.cora, org, record.pk, changed)
    [ines] = _told(world.ines)
    # The reasons stay on the page; a notice may be e-mailed.
    assert "Mara: the identity record is not verified yet." not in ines.body
    assert "compliance page to see why" in ines.body
    assert "Marianne" not in ines.body
    assert len(_told(world.petra)) == 1
    services.verify_record(world.cora, org, record.pk)
    back = _told(world.petra)[-1]
    assert back.subject == f"Scene 12B can be shot as scheduled on {when} again"
    assert len(_told(world.ines)) == 2


def test_a_hold_tells_and_names_itself_to_the_producer(world):
    _scheduled(world)
    services.set_hold(world.petra, world.production, on=True)
    [petra] = _told(world.petra)
    assert "hold is on" in petra.body and "talk to the coordinator" in petra.subject
    services.set_hold(world.petra, world.production, on=False)
    assert "again" in _told(world.petra)[-1].subject
    assert "again" in _told(world.ines)[-1].subject


def test_a_scene_not_scheduled_tells_nobody(world):
    ready_scene(world)
    clear(world, "jonas", timezone.localdate(), cleared=False)
    assert services.gate_changed(world.scene) is None
    assert not _gate_notices().exists()


def test_a_new_schedule_starts_from_a_passing_gate(world):
    from closedset.compliance.models import Hold

    _scheduled(world)
    services.set_hold(world.petra, world.production, on=True)
    # Lifted out of band (no re-check), then scheduled again: the gate passed for that.
    Hold.objects.update(lifted_at=timezone.now())
    services.schedule(world.ines, world.scene, call_on(future_day(4)))
    assert services.gate_changed(world.scene) is True
    assert len(_told(world.petra)) == 1  # no "again" for a schedule that just passed
    services.set_hold(world.petra, world.production, on=True)
    assert "no longer" in _told(world.petra)[-1].subject
    assert len(_told(world.petra)) == 2


def test_the_withdrawal_alone_tells_them_with_a_kind_of_its_own(world):
    _scheduled(world)
    withdraw_one(world, "mara")  # nothing else is called: consent re-checks the gate
    [petra] = _told(world.petra)
    assert petra.kind == "gate_changed"
    assert len(_told(world.ines)) == 1


def test_a_clearance_running_out_is_noticed_by_the_hourly_recheck(world):
    from closedset.compliance.models import ComplianceSettings

    _scheduled(world)
    assert services.recheck_upcoming() == 1 and _told(world.petra) == []
    # Nothing happens but time: seen from the shoot day, the tests taken today are too old.
    # (Written straight to the table, so no event of the settings page re-checks it.)
    ComplianceSettings.objects.update_or_create(
        production=world.production,
        defaults={"clearance_valid_days": 1},
        create_defaults={"clearance_valid_days": 1, "notice_hours": 24},
    )
    assert services.recheck_upcoming() == 0
    [petra] = _told(world.petra)
    assert "can no longer be shot" in petra.subject
