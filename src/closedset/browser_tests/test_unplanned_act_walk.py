"""The product's first defining failure, in two browsers: an act nobody agreed to.

Scene 12B's plan has no slap (one beat: Mara kisses Jonas). On set, Mara slaps Jonas's
buttocks during that beat, then his face. Ines records each on her console (laptop) under
"Something unplanned": each becomes an incident tied to the beat, the act, the zone, the
intensity and the two people, and the scene shows on hold. Ines asks for a check-in; Mara's
phone (390 x 844) shows it, she answers red, and the console says loudly that the scene is
stopped.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from closedset.browser_tests.conftest import LAPTOP, PHONE
from closedset.browser_tests.helpers import assert_no_other_errors, started_run
from closedset.onset.models import CheckInAnswer, Incident, Run

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def record_unplanned(page: Any, *, act: str, zone: str, intensity: str, beat: str) -> None:
    """Ines's few taps: what, where, how hard; who and to whom are prefilled from the cast."""
    form = page.locator("form.onset-unplanned-form")
    form.get_by_label("What happened").select_option(label=act)
    form.get_by_label("Where").select_option(label=zone)
    form.get_by_label("How hard").select_option(label=intensity)
    expect(form.get_by_label("Who did it")).to_have_value("mara")
    expect(form.get_by_label("To whom")).to_have_value("jonas")
    form.get_by_label("During").select_option(label=beat)
    form.get_by_role("button", name="Record it and hold the scene").click()
    page.wait_for_load_state()


def test_an_unplanned_slap_becomes_an_incident_and_a_red_stops_the_scene(
    staff_devices: Any, navigator: Any, persona_password: str
) -> None:
    world = staff_devices
    run = started_run(world)
    beats = run.final.plan_version.data["beats"]
    assert [b["act"] for b in beats] == ["kiss"]  # nobody agreed to a slap

    ines = navigator(LAPTOP)
    ines.log_in(world.ines, persona_password, then=f"/onset/runs/{run.pk}/console/")
    console = ines.page
    expect(console.locator("#run-state")).to_have_text("running")
    ines.screenshot("unplanned-console-running")

    # The slap to his buttocks, during beat b1.
    record_unplanned(console, act="Slap", zone="Buttocks", intensity="medium", beat="beat 1")
    expect(
        console.get_by_text("Recorded: Mara slaps Jonas's buttocks, moderately.")
    ).to_be_visible()
    expect(console.locator("#run-state")).to_have_text("on hold")
    ines.screenshot("unplanned-console-first-slap")

    # Then one to his face.
    record_unplanned(console, act="Slap", zone="Face", intensity="hard", beat="beat 1")
    expect(console.get_by_text("Recorded: Mara slaps Jonas's face, hard.")).to_be_visible()
    expect(console.locator("#run-state")).to_have_text("on hold")
    expect(console.locator(".onset-deviations li")).to_have_count(2)
    ines.assert_accessible()
    ines.screenshot("unplanned-console-second-slap")

    found = list(Incident.objects.order_by("pk"))
    assert [(i.kind, i.beat_id, i.act, i.zone, i.intensity) for i in found] == [
        ("deviation", "b1", "slap", "buttocks", "medium"),
        ("deviation", "b1", "slap", "face", "hard"),
    ]
    assert all(
        (i.by_person, i.to_person, i.run_id) == (world.mara, world.jonas, run.pk) for i in found
    )
    assert all(i.log_entry_id for i in found)

    # Mara's phone; Ines asks for a check-in after beat 1.
    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password, then=f"/onset/runs/{run.pk}/")
    phone = mara.page
    expect(phone.get_by_text("Check-in: how are you?")).to_have_count(0)
    console.get_by_label("Ask everyone now").select_option(label="after beat 1")
    console.get_by_role("button", name="Ask for a check-in").click()
    console.wait_for_load_state()
    expect(console.get_by_text("Mara: no answer yet")).to_be_visible()

    # The phone finds the prompt by itself (it polls), and says who sees the answer.
    expect(phone.get_by_role("heading", name="Check-in: how are you?")).to_be_visible(timeout=8_000)
    expect(phone.get_by_text("Only the coordinator sees your answer.")).to_be_visible()
    mara.assert_accessible()
    mara.screenshot("unplanned-phone-checkin")
    phone.get_by_role("button", name="Red: stop the scene").click()
    phone.wait_for_load_state()
    expect(phone.get_by_role("status").filter(has_text="You answered red")).to_be_visible()
    mara.screenshot("unplanned-phone-red")
    assert CheckInAnswer.objects.get(performer=world.mara).colour == "red"

    # The console says so loudly, without a reload.
    alert = console.locator(".onset-alert").filter(has_text="Mara answered red")
    expect(alert).to_contain_text("the scene is stopped", timeout=8_000)
    expect(console.locator("#run-state")).to_have_text("stopped", timeout=8_000)
    ines.screenshot("unplanned-console-stopped")
    run.refresh_from_db()
    assert run.state == Run.State.STOPPED

    # Both slaps are on the coordinator's list of incidents, with the people and the beat.
    ines.go(f"/onset/{world.production.pk}/incidents/")
    listed = console.locator(".cards li")
    expect(listed).to_have_count(2)
    expect(listed.first).to_contain_text("Mara slaps Jonas's face, hard (beat b1)")
    expect(listed.last).to_contain_text("Mara slaps Jonas's buttocks, moderately (beat b1)")
    expect(console.get_by_text("Open: 2")).to_be_visible()
    ines.assert_accessible()
    ines.screenshot("unplanned-incidents")

    assert_no_other_errors(phone)
    assert_no_other_errors(console)
