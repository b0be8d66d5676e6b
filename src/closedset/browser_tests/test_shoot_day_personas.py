"""The whole shoot day, walked as each persona from the production page's "On set" doors.

Ines (coordinator, laptop) opens the day page, starts the scene and runs the console: beats,
a check-in, something unplanned, a change request, closing and the report. Mara (performer,
phone 390 x 844, and 320 px wide) sees only her own PAUSE/STOP page, her beats, her checklist,
a check-in, a change prompt, and after closing her aftercare note and the feedback form.
Dario (director) proposes a change; Petra (producer) sees today on set, the incidents counts
and the shoot-day settings. Cora (custodian) and Oscar (outsider) see nothing of the day but,
for Cora, the door to report an incident. Anyone in the production can report one anonymously.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from closedset.boundaries import services as boundaries
from closedset.browser_tests.conftest import LAPTOP, PHONE
from closedset.browser_tests.helpers import (
    assert_no_other_errors,
    name_kim_and_mara_robe,
    propose_a_slap,
    rate_the_scene,
)
from closedset.onset import services
from closedset.onset.models import Incident, Run
from closedset.onset.tests.test_day import ready
from closedset.plans.tests.scenario import JONAS, MARA

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# No socket server runs under the test server: its refusal is expected; so are the refusals
# the outsiders are walked into on purpose (the browser notes any error status). Nothing else.
EXPECTED_NOISE = ("WebSocket", "404 (Not Found)", "403 (Forbidden)")
NARROW = {"width": 320, "height": 700}
# What a performer must never read: ids, field indexes, patterns, tracebacks.
LEAKS = re.compile(
    r"Traceback|File \"|\bpk\b|\bb[0-9]\b|\brun[_ ]?id\b|\bbeat_id\b|\[\d+\]|\^\[|\\d|\(\?P<",
)
CONSOLE_HEADINGS = (
    "Beats",
    "Timeline",
    "Check-ins",
    "Something unplanned",
    "Change requests",
    "Closing the scene",
    "Signals",
)
AFTERCARE = "Drink water and rest tonight; message me if anything comes back."


def assert_no_leaks(page: Any) -> None:
    text = page.locator("body").inner_text()
    found = LEAKS.search(text)
    assert found is None, f"leak {found.group(0)!r} in: {text[:2000]}"


def on_set(who: Any, production: Any) -> Any:
    """The production page's "On set" section: the person's doors to the shoot day."""
    who.go("/")
    who.page.get_by_role("link", name=production.name).click()
    who.page.wait_for_load_state()
    return who.page.get_by_role("region", name="On set")


def door(who: Any, production: Any, name: str | re.Pattern[str]) -> None:
    on_set(who, production).get_by_role("link", name=name).click()
    who.page.wait_for_load_state()


def test_ines_mara_and_dario_walk_the_day_from_the_production_page(
    staff_devices: Any, navigator: Any, persona_password: str
) -> None:
    world = staff_devices
    ready(world)
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    production = world.production

    # Ines: the production page, then the day page.
    ines = navigator(LAPTOP)
    ines.log_in(world.ines, persona_password)
    doors = on_set(ines, production)
    expect(doors).to_be_visible()
    ines.screenshot("personas-ines-production")
    door(ines, production, re.compile(r"^The day for scene 12B"))
    page = ines.page
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    name_kim_and_mara_robe(page)
    ines.assert_accessible()
    ines.screenshot("personas-ines-day")

    page.get_by_role("link", name="Start the scene").click()
    page.wait_for_load_state()
    ines.assert_accessible()
    ines.screenshot("personas-ines-start")
    page.get_by_role("button", name="Start the scene").click()
    page.wait_for_url("**/console/")
    assert Run.objects.get().state == Run.State.RUNNING
    page.get_by_role("button", name="Start: beat 1").click()
    expect(page.locator("#day-beat-1")).to_contain_text("Beat 1: in progress")
    for heading in CONSOLE_HEADINGS:
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator(".day-timeline")).to_contain_text("Scene started by Ines.")
    ines.assert_accessible()
    ines.screenshot("personas-ines-console")

    # Mara: the production page shows her PAUSE and STOP door for the started scene.
    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password)
    mine = on_set(mara, production)
    expect(mine.get_by_role("link")).to_have_text(
        ["PAUSE and STOP for scene 12B", "Incidents: report one, or follow yours"]
    )
    assert_no_leaks(mara.page)
    mara.screenshot("personas-mara-production")
    door(mara, production, "PAUSE and STOP for scene 12B")
    phone = mara.page
    expect(phone.get_by_role("heading", level=1)).to_have_text("Scene 12B: The boathouse")
    expect(phone.get_by_role("button", name="PAUSE", exact=True)).to_be_visible()
    expect(phone.get_by_role("button", name="STOP", exact=True)).to_be_visible()
    expect(phone.get_by_role("heading", name="Your beats")).to_be_visible()
    expect(phone.get_by_role("heading", name="Your checklist")).to_be_visible()
    expect(phone.locator("#phone-day")).not_to_contain_text("Beat 3")  # Jonas's alone
    expect(phone.locator("#phone-day")).to_contain_text("Beat 1: in progress")
    expect(phone.locator("#phone-day")).to_contain_text("Not yet: robe")
    assert_no_leaks(phone)
    mara.assert_accessible()
    mara.screenshot("personas-mara-phone")
    phone.get_by_role("button", name=re.compile(r"^I have it")).click()
    phone.wait_for_load_state()
    expect(phone.locator("#phone-day")).not_to_contain_text("Not yet")
    mara.screenshot("personas-mara-checklist-ticked")

    # Ines asks for a check-in; Mara answers green.
    page.get_by_role("button", name="Done: beat 1").click()
    expect(page.locator("#day-beat-1")).to_contain_text("Beat 1: done")
    page.get_by_label("Ask everyone now").select_option(label="after beat 1")
    page.get_by_role("button", name="Ask for a check-in").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Mara: no answer yet")).to_be_visible()
    ines.screenshot("personas-ines-checkin-asked")
    expect(phone.get_by_role("heading", name="Check-in: how are you?")).to_be_visible(timeout=8_000)
    assert_no_leaks(phone)
    mara.assert_accessible()
    mara.screenshot("personas-mara-checkin")
    phone.get_by_role("button", name=re.compile(r"^Green")).click()
    phone.wait_for_load_state()
    assert_no_leaks(phone)
    mara.screenshot("personas-mara-checkin-green")

    # The same page, 320 px wide.
    narrow = navigator(NARROW)
    narrow.log_in(world.mara, persona_password)
    door(narrow, production, "PAUSE and STOP for scene 12B")
    assert narrow.page.evaluate("document.documentElement.scrollWidth") <= 320
    narrow.assert_accessible()
    narrow.screenshot("personas-mara-phone-320")

    # Something unplanned, recorded on the console.
    door(ines, production, "Console for scene 12B")
    form = page.locator("form.onset-unplanned-form")
    form.get_by_label("What happened").select_option(label="Slap")
    form.get_by_label("Where").select_option(label="Face")
    form.get_by_label("How hard").select_option(label="light")
    ines.screenshot("personas-ines-unplanned-form")
    form.get_by_role("button", name="Record it and hold the scene").click()
    page.wait_for_load_state()
    expect(page.locator("#run-state")).to_have_text("on hold")
    ines.assert_accessible()
    ines.screenshot("personas-ines-unplanned-recorded")
    page.get_by_role("button", name="Resume the scene").click()
    expect(page.locator("#run-state")).to_have_text("running")

    # Dario: the production page, his screen, a change.
    dario = navigator(LAPTOP)
    dario.log_in(world.dario, persona_password)
    expect(on_set(dario, production).get_by_role("link")).to_have_text(
        ["Director's screen for scene 12B", "Incidents: report one, or follow yours"]
    )
    dario.screenshot("personas-dario-production")
    door(dario, production, "Director's screen for scene 12B")
    director = dario.page
    expect(director.locator("#director-word")).to_be_visible()
    dario.assert_accessible()
    dario.screenshot("personas-dario-director")
    propose_a_slap(director)
    expect(director.locator(".onset-outcome")).to_have_text("waiting")
    dario.assert_accessible()
    dario.screenshot("personas-dario-proposed")

    # Mara's prompt: in her words; she says no.
    prompt = phone.locator("#phone-changes")
    expect(prompt.get_by_text("The director asks for a change")).to_be_visible(timeout=8_000)
    expect(prompt).to_contain_text("Jonas slaps your buttocks, lightly")
    assert_no_leaks(phone)
    mara.assert_accessible()
    mara.screenshot("personas-mara-change-prompt")
    prompt.get_by_role("button", name="No, I don't", exact=True).click()
    expect(phone.locator("#phone-changes")).to_contain_text("You said no", timeout=8_000)
    mara.screenshot("personas-mara-change-no")
    door(dario, production, "Director's screen for scene 12B")
    expect(director.locator(".onset-outcome")).to_have_text("waiting")
    expect(director.locator("main")).not_to_contain_text("Mara said")
    expect(director.locator("main")).not_to_contain_text("green")
    door(ines, production, "Console for scene 12B")
    expect(page.locator("#console-changes")).to_be_visible()
    ines.screenshot("personas-ines-console-changes")

    # Closing the scene, then the report link.
    page.get_by_role("link", name="Close the scene").click()
    page.wait_for_load_state()
    for label in (
        "Everyone is dressed or in a robe",
        "Barriers and modesty garments are collected",
        "I have checked in with each performer, one to one",
        "The set is reopened (closed-set roster released)",
    ):
        page.get_by_label(label).check()
    page.get_by_label("Aftercare note for Mara").fill(AFTERCARE)
    ines.assert_accessible()
    ines.screenshot("personas-ines-closing")
    page.get_by_role("button", name="Close the scene").click()
    page.wait_for_load_state()
    expect(page.get_by_text("The scene is closed")).to_be_visible()
    ines.screenshot("personas-ines-closed")
    report = page.get_by_role("link", name="Report of the day (PDF)")
    href = report.get_attribute("href")
    response = page.request.get(ines.base_url + href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")

    # Mara after closing: her note and the feedback form.
    expect(phone.get_by_role("heading", name="After the scene")).to_be_visible(timeout=20_000)
    expect(phone.locator(".closure-aftercare")).to_have_text(AFTERCARE)
    assert_no_leaks(phone)
    mara.assert_accessible()
    mara.screenshot("personas-mara-aftercare")
    feedback = phone.locator("#closure-phone")
    rate_the_scene(feedback, safe="4", respect="4", comfort="3")
    feedback.get_by_role("button", name="Send my answer").click()
    phone.wait_for_load_state()
    expect(phone.get_by_text("Your answer is in. Thank you.")).to_be_visible()
    mara.screenshot("personas-mara-feedback-sent")

    for who in (ines, mara, dario, narrow):
        assert_no_other_errors(who.page, EXPECTED_NOISE)


def test_petra_cora_oscar_and_an_anonymous_report(
    staff_devices: Any, navigator: Any, persona_password: str
) -> None:
    world = staff_devices
    ready(world)
    run = services.start(world.ines, world.scene)
    production = world.production

    petra = navigator(LAPTOP)
    petra.log_in(world.petra, persona_password)
    on_set(petra, production)
    petra.screenshot("personas-petra-production")
    door(petra, production, "Today on set")
    expect(petra.page.locator("#producer-live")).to_contain_text("running")
    for name in ("Mara", "Jonas"):
        expect(petra.page.locator("#producer-live")).not_to_contain_text(name)
    petra.assert_accessible()
    petra.screenshot("personas-petra-today")
    door(petra, production, "Incidents: report one, or follow yours")
    petra.assert_accessible()
    petra.screenshot("personas-petra-incidents")
    door(petra, production, "Shoot-day settings")
    petra.assert_accessible()
    petra.screenshot("personas-petra-settings")

    cora = navigator(LAPTOP)
    cora.log_in(world.cora, persona_password)
    expect(on_set(cora, production).get_by_role("link")).to_have_text(
        ["Incidents: report one, or follow yours"]
    )
    cora.screenshot("personas-cora-production")

    # Cora reports anonymously; the form says what "without my name" costs her.
    door(cora, production, "Incidents: report one, or follow yours")
    expect(cora.page.get_by_role("heading", name="Incidents", exact=True)).to_be_visible()
    cora.assert_accessible()
    cora.screenshot("personas-cora-incidents")
    cora.page.get_by_role("link", name="Report an incident").click()
    cora.page.wait_for_load_state()
    report = cora.page
    expect(report.get_by_role("heading", name="Report an incident")).to_be_visible()
    report.get_by_label("What happened").fill("A runner walked onto the closed set at 11.")
    report.get_by_label("Send it without my name").check()
    cora.assert_accessible()
    cora.screenshot("personas-cora-report-form")
    report.get_by_role("button", name="Send to the coordinator").click()
    report.wait_for_load_state()
    cora.assert_accessible()
    cora.screenshot("personas-cora-report-sent")
    sent = Incident.objects.get()
    assert (sent.reporter, sent.anonymous) == (None, True)

    # Ines reads it with no name attached.
    ines = navigator(LAPTOP)
    ines.log_in(world.ines, persona_password)
    door(ines, production, "Incidents: report one, or follow yours")
    listed = ines.page.locator("main")
    expect(listed).to_contain_text("Open: 1")
    expect(listed).not_to_contain_text("Cora")
    ines.assert_accessible()
    ines.screenshot("personas-ines-incidents")

    # Mara reports from her phone, anonymously too, through the same door.
    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password)
    door(mara, production, "Incidents: report one, or follow yours")
    mara.page.get_by_role("link", name="Report an incident").click()
    mara.page.wait_for_load_state()
    mara.page.get_by_label("What happened").fill("Someone filmed on a phone between takes.")
    mara.page.get_by_label("Send it without my name").check()
    mara.page.get_by_role("button", name="Send to the coordinator").click()
    mara.page.wait_for_load_state()
    assert_no_leaks(mara.page)
    mara.assert_accessible()
    mara.screenshot("personas-mara-report-sent")
    assert Incident.objects.filter(anonymous=True, reporter=None).count() == 2

    # Cora and Oscar: no door of the day's own, and its pages are "not found" for them.
    oscar = navigator(LAPTOP)
    oscar.log_in(world.oscar, persona_password)
    # Oscar's home lists no Harbour Lights; typing its address (as a prober would) finds nothing.
    oscar.go("/")
    expect(oscar.page.get_by_role("link", name=production.name)).to_have_count(0)
    oscar.go(f"/p/{production.pk}/")
    expect(oscar.page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(oscar.page.get_by_role("region", name="On set")).to_have_count(0)
    oscar.screenshot("personas-oscar-production")
    # Cora is in the production: its own pages may say "not allowed"; a run is "not found".
    refused = {"cora": re.compile(r"^Not (found|allowed)$"), "oscar": "Not found"}
    for who, name in ((cora, "cora"), (oscar, "oscar")):
        for path in (
            f"/onset/runs/{run.pk}/",
            f"/onset/runs/{run.pk}/console/",
            f"/onset/runs/{run.pk}/director/",
            f"/onset/{production.pk}/today/",
            f"/onset/{production.pk}/scenes/{world.scene.pk}/day/",
        ):
            who.go(path)
            expect(who.page.get_by_role("heading", name=refused[name])).to_be_visible()
            expect(who.page.locator("body")).not_to_contain_text("12B")
        who.screenshot(f"personas-{name}-console-refused")
    oscar.go(f"/onset/{production.pk}/incidents/")
    expect(oscar.page.get_by_role("heading", name="Not found")).to_be_visible()

    for who in (petra, cora, ines, mara, oscar):
        assert_no_other_errors(who.page, EXPECTED_NOISE)
