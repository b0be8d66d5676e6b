"""Scheduling on the scene's compliance page: a refusal names the day asked for and the next
step; a schedule inside the notice window says at once that it is late."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from closedset.compliance import services
from closedset.compliance.models import Schedule
from closedset.compliance.tests.helpers import future_day, mark_final, plan_scene, ready_scene

pytestmark = pytest.mark.django_db

LATE = (
    "Late: the final plan came inside the 24-hour notice window; every performer must consent "
    "again to the late change."
)


def _url(world):
    return f"/compliance/{world.production.pk}/scenes/{world.scene.pk}/"


def _words(day):
    return f"{day.day} {day:%B %Y}"


def test_a_refusal_names_the_day_asked_for_and_keeps_what_was_typed(world, client_as):
    mark_final(world, plan_scene(world))
    asked = future_day(5)
    typed = f"{asked.isoformat()}T10:30"
    response = client_as("ines").post(_url(world), {"call_at": typed})
    assert response.status_code == 409
    text = response.content.decode()
    assert f"The gate for {_words(asked)}" in text
    assert f"The gate for {_words(timezone.localdate())}" not in text
    assert "(the day you asked for)" in text
    assert f'value="{typed}"' in text


def test_the_coordinator_is_led_to_the_consent_board_and_the_custodian(world, client_as):
    mark_final(world, plan_scene(world))
    text = (
        client_as("ines")
        .post(_url(world), {"call_at": f"{future_day(5).isoformat()}T10:00"})
        .content.decode()
    )
    board = f"/consent/{world.production.pk}/scenes/{world.scene.pk}/"
    assert f'href="{board}"' in text and "Open the consent board" in text
    assert "Talk to Cora, the custodian of records" in text


def test_the_producer_is_told_who_to_talk_to(world, client_as):
    mark_final(world, plan_scene(world))
    text = (
        client_as("petra")
        .post(_url(world), {"call_at": f"{future_day(5).isoformat()}T10:00"})
        .content.decode()
    )
    assert "Talk to Ines, the coordinator" in text
    assert "consent board" not in text


def test_a_schedule_inside_the_notice_window_says_late_at_once(world, client_as):
    ready_scene(world)  # the plan was made final just now
    call = timezone.localtime(timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    response = client_as("ines").post(
        _url(world), {"call_at": call.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )
    assert Schedule.objects.filter(scene=world.scene).exists()
    text = response.content.decode()
    assert f"Scheduled: the gate passed for that day. {LATE}" in text
    page = client_as("ines").get(_url(world)).content.decode()
    assert LATE in page
    assert services.late_words(world.scene) == LATE


def test_a_schedule_outside_the_notice_window_is_not_late(world, client_as):
    ready_scene(world)
    response = client_as("ines").post(
        _url(world), {"call_at": f"{future_day(3).isoformat()}T09:00"}, follow=True
    )
    text = response.content.decode()
    assert "Scheduled: the gate passed for that day." in text and "Late:" not in text
