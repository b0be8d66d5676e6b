"""The day in two browsers: Ines names the closed set and ticks Mara's robe on the day page,
starts the scene, moves beat 1 to in progress and done on the console; Mara presses PAUSE and
the console offers Resume by itself; Mara's phone (390 x 844) shows her beats in her words,
with where each stands, and her checklist."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from closedset.browser_tests.conftest import LAPTOP, PHONE
from closedset.browser_tests.helpers import assert_no_other_errors, name_kim_and_mara_robe
from closedset.onset.models import BeatState, Run
from closedset.onset.tests.test_day import ready

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_day_from_roster_to_done(
    staff_devices: Any, navigator: Any, persona_password: str
) -> None:
    world = staff_devices
    ready(world)

    ines = navigator(LAPTOP)
    ines.log_in(
        world.ines,
        persona_password,
        then=f"/onset/{world.production.pk}/scenes/{world.scene.pk}/day/",
    )
    page = ines.page
    expect(page.get_by_text("Called for")).to_be_visible()

    # The closed set (a name and a job), and Mara's robe, added and ticked.
    name_kim_and_mara_robe(page)
    page.get_by_role("button", name="Tick robe for Mara").click()
    expect(page.get_by_text("Ticked by Ines at")).to_be_visible()
    expect(page.get_by_text("(1 of 1 ready)")).to_be_visible()
    ines.assert_accessible()
    ines.screenshot("day-page")

    # Start, through the start page's gate check, onto the console.
    page.get_by_role("link", name="Start the scene").click()
    page.get_by_role("button", name="Start the scene").click()
    page.wait_for_url("**/console/")
    run = Run.objects.get()
    beat_one = page.locator("#day-beat-1")
    expect(beat_one).to_contain_text("Beat 1: planned")
    expect(beat_one).to_contain_text("Mara: consented")
    page.get_by_role("button", name="Start: beat 1").click()
    expect(beat_one).to_contain_text("Beat 1: in progress")
    expect(beat_one).to_contain_text("set by Ines")
    ines.assert_accessible()
    ines.screenshot("day-console-in-progress")
    page.get_by_role("button", name="Done: beat 1").click()
    expect(beat_one).to_contain_text("Beat 1: done")
    expect(page.locator(".day-timeline")).to_contain_text("Beat 1: done (Ines).")
    assert BeatState.objects.get(beat_id="b1").status == "done"

    # Mara's phone: her beats in her words, and her checklist.
    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password, then=f"/onset/runs/{run.pk}/")
    phone = mara.page
    mine = phone.locator("#phone-day")
    expect(mine).to_contain_text("Beat 1: done")
    expect(mine).to_contain_text("You kiss Jonas")
    expect(mine).to_contain_text("Beat 2: planned")
    expect(mine).not_to_contain_text("Beat 3")  # Jonas's alone
    expect(mine).to_contain_text("Ticked by Ines at")
    mara.assert_accessible()
    mara.screenshot("day-phone-beats")

    # A PAUSE puts the scene on hold; the console offers Resume by itself (it polls).
    phone.get_by_role("button", name="PAUSE", exact=True).click()
    expect(phone.locator("#phone-status")).to_contain_text("Sent — waiting for the coordinator")
    expect(page.get_by_role("button", name="Resume the scene")).to_be_visible(timeout=8_000)
    expect(page.locator(".day-timeline")).to_contain_text("PAUSE from Mara.")
    expect(page.get_by_role("alert")).to_contain_text("PAUSE from Mara")
    expect(page.locator("#run-state")).to_have_text("on hold")
    ines.screenshot("day-console-on-hold")
    page.get_by_role("button", name="I have seen it").click()
    page.get_by_role("button", name="Resume the scene").click()
    expect(page.locator("#run-state")).to_have_text("running")
    expect(page.locator(".day-timeline")).to_contain_text("Resumed by Ines (was on hold).")
    ines.screenshot("day-console-resumed")

    # Mara withdraws her consent to beat 2 (beat 1 is shot: that one can no longer be
    # withdrawn): the console shows it within seconds, and beat 2 can no longer start.
    from closedset.consent import services as consent
    from closedset.consent.models import BeatDecision

    not_shot = BeatDecision.objects.get(
        request__performer=world.mara,
        beat_id="b2",
        withdrawn_at__isnull=True,
        voided_at__isnull=True,
        request__final__superseded_at__isnull=True,
    )
    consent.withdraw(world.mara, not_shot.pk)
    expect(page.get_by_text("withdrew consent")).to_be_visible(timeout=8_000)
    ines.screenshot("day-console-withdrawn")

    assert_no_other_errors(phone)
    assert_no_other_errors(page)
