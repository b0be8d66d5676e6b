"""`closedset remind`, run hourly: reminders, the shoot gate re-checked, signals escalated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from closedset.compliance import services as compliance
from closedset.compliance.tests.helpers import ready_scene
from closedset.onset import services as onset
from closedset.webcli import remind

pytestmark = pytest.mark.django_db


def test_remind_does_all_three_and_says_so(world, capsys, settings):
    ready_scene(world)
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
    run = onset.start(world.ines, world.scene)
    settings.CLOSEDSET_SIGNAL_ESCALATE_SECONDS = 0
    waiting = onset.send(world.mara, run.pk, "pause", "k-remind-0001")
    remind()
    out = capsys.readouterr().out
    assert "reminder(s) sent" in out
    assert "closedset: 1 upcoming scheduled scene(s) can be shot" in out
    assert "closedset: 1 unacknowledged signal(s) escalated" in out
    waiting.refresh_from_db()
    assert waiting.escalated_at is not None
