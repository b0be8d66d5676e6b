"""Closing the scene in three browsers: Ines closes scene 12B from her console with a debrief
and an aftercare note for Mara; Mara's phone (390 x 844), open all along, shows the note and
the feedback form once the scene is closed, and she answers; Petra's screen of the day shows
the scene closed, and never who did what."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from closedset.browser_tests.conftest import LAPTOP, PHONE
from closedset.browser_tests.helpers import (
    assert_no_other_errors,
    rate_the_scene,
    started_run,
)
from closedset.onset import closure
from closedset.onset.models import Feedback, FeedbackGiven, Run

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# No socket server runs under the test server: its refusal is expected, and so is the 409 of
# the refused close (the browser notes any error status); nothing else.
EXPECTED_NOISE = ("WebSocket", "409 (Conflict)")
AFTERCARE = "Drink water and rest. Call me tonight if anything comes back."


def test_ines_closes_mara_reads_her_note_and_answers_petra_sees_it_closed(
    staff_devices: Any, navigator: Any, persona_password: str
) -> None:
    world = staff_devices
    run = started_run(world)

    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password, then=f"/onset/runs/{run.pk}/")
    phone = mara.page
    expect(phone.get_by_role("heading", name="After the scene")).to_have_count(0)

    petra = navigator(LAPTOP)
    petra.log_in(world.petra, persona_password, then=f"/onset/{world.production.pk}/today/")
    producer = petra.page
    expect(producer.locator("#producer-live")).to_contain_text("running")

    # Ines: from the console to the closing page.
    ines = navigator(LAPTOP)
    ines.log_in(world.ines, persona_password, then=f"/onset/runs/{run.pk}/console/")
    console = ines.page
    console.get_by_role("link", name="Close the scene").click()
    console.wait_for_load_state()
    expect(console.get_by_role("heading", name="Close scene 12B: The boathouse")).to_be_visible()
    console.get_by_label("Everyone is dressed or in a robe").check()
    console.get_by_label("Barriers and modesty garments are collected").check()
    console.get_by_label("Debrief notes").fill("Calm scene; Jonas wants the robe closer next time.")
    console.get_by_label("Aftercare note for Mara").fill(AFTERCARE)
    ines.assert_accessible()
    ines.screenshot("closure-page-filling")

    # Two lines left unticked: saved, not closed, said in words.
    console.get_by_role("button", name="Close the scene").click()
    console.wait_for_load_state()
    expect(console.get_by_role("alert")).to_contain_text("Saved. Not closed yet")
    assert Run.objects.get(pk=run.pk).state == Run.State.RUNNING
    # What she wrote is saved: the note is sealed for Mara, so the box is empty again.
    expect(console.get_by_text("A note from Ines at")).to_be_visible()
    expect(console.get_by_label("Aftercare note for Mara")).to_have_value("")
    expect(console.get_by_label("Debrief notes")).to_have_value(
        "Calm scene; Jonas wants the robe closer next time."
    )
    ines.screenshot("closure-page-not-yet")
    console.get_by_label("I have checked in with each performer, one to one").check()
    console.get_by_label("The set is reopened (closed-set roster released)").check()
    console.get_by_role("button", name="Close the scene").click()
    console.wait_for_load_state()
    expect(console.get_by_text("The scene is closed")).to_be_visible()
    assert Run.objects.get(pk=run.pk).state == Run.State.CLOSED
    expect(console.get_by_text(AFTERCARE)).to_have_count(0)  # it is Mara's
    ines.assert_accessible()
    ines.screenshot("closure-page-closed")

    # Mara's phone, open all along, finds the scene closed by itself.
    expect(phone.get_by_role("heading", name="After the scene")).to_be_visible(timeout=20_000)
    expect(phone.locator(".closure-aftercare")).to_have_text(AFTERCARE)
    mara.assert_accessible()
    mara.screenshot("closure-phone-aftercare")
    form = phone.locator("#closure-phone")
    rate_the_scene(form, safe="5", respect="4", comfort="4")
    form.get_by_label("Anything else? (optional)").fill("I knew I could stop at any time.")
    mara.screenshot("closure-phone-feedback")
    form.get_by_role("button", name="Send my answer").click()
    phone.wait_for_load_state()
    expect(phone.get_by_text("Your answer is in. Thank you.")).to_be_visible()
    assert FeedbackGiven.objects.filter(run=run, person=world.mara).exists()
    assert Feedback.objects.get(run=run).comment == "I knew I could stop at any time."
    mara.screenshot("closure-phone-answered")

    # The console knows how many answered (never who); the aggregate waits for three.
    ines.go(f"/onset/runs/{run.pk}/console/")
    expect(console.locator("#closure-console")).to_contain_text("Feedback: 1 answer so far")
    ines.screenshot("closure-console-closed")
    ines.go(f"/onset/runs/{run.pk}/closure/")
    expect(console.get_by_text("1 answer so far; shown once 3 have answered")).to_be_visible()
    assert not closure.feedback_summary(Run.objects.get(pk=run.pk), world.ines).shown

    # Petra's screen of the day has caught up by itself.
    live = producer.locator("#producer-live")
    expect(live.locator("td.producer-state-closed")).to_have_text("closed", timeout=20_000)
    for name in ("Mara", "Jonas", "Ines"):
        expect(live).not_to_contain_text(name)
    petra.assert_accessible()
    petra.screenshot("closure-producer-today")

    for navigator_page in (phone, console, producer):
        assert_no_other_errors(navigator_page, EXPECTED_NOISE)


def test_petra_cannot_move_a_scene_to_another_day_while_it_is_being_shot(
    staff_devices: Any, navigator: Any, persona_password: str
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from closedset.compliance import services as compliance

    world = staff_devices
    run = started_run(world)
    called = compliance.call_time(world.scene)
    petra = navigator(LAPTOP)
    petra.log_in(
        world.petra,
        persona_password,
        then=f"/compliance/{world.production.pk}/scenes/{world.scene.pk}/",
    )
    page = petra.page
    typed = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Call time").fill(typed)
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("Scene 12B is still being shot on")
    expect(page.get_by_role("alert")).to_contain_text("Close the scene on the console")
    expect(page.get_by_label("Call time")).to_have_value(typed)
    assert compliance.call_time(world.scene) == called
    assert Run.objects.filter(scene=world.scene).count() == 1 and run.state == Run.State.RUNNING
    petra.assert_accessible()
    petra.screenshot("closure-petra-move-refused")
    assert_no_other_errors(page, EXPECTED_NOISE)  # the refusal is a 409, nothing else
