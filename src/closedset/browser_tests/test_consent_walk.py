"""Consent and the record, end to end (issue 9, "Done when"), in Chromium.

Scene 12B of Harbour Lights (adult): Jonas slaps Mara twice. Ines marks the saved version
final; Mara and Jonas each consent beat by beat on their phones (390 x 844) and sign with their
password; Petra, the producer, reads "agreed" and "cleared" and schedules the scene. Jonas
withdraws one beat with one tap: the gate falls, scheduling is refused, and Petra's pages say
so without a word of who or which beat. Mara's receipt verifies offline with `closedset verify`
and on the public /verify/ page.

Set up through services, because they are not what this walk is about: the boundary profiles
and shares, the saved plan version, and the custodian's verified 18+ records and fresh test
clearances for both performers.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from closedset.boundaries import services as boundaries
from closedset.browser_tests.conftest import LAPTOP, PHONE
from closedset.compliance import services as compliance
from closedset.compliance.tests.helpers import call_on, clear, future_day, verified_record
from closedset.consent import services as consent
from closedset.consent.models import BeatDecision
from closedset.plans import services as plans
from closedset.plans.models import PlanVersion
from closedset.record.models import Log
from closedset.rider.tests.terms import seed_rider_terms

pytestmark = pytest.mark.django_db(transaction=True)

# Both beats involve both performers: Jonas (B) gives, Mara (A) receives.
PLAN = {
    "scene": "12B",
    "cast": {"A": "mara", "B": "jonas"},
    "beats": [
        {"id": "b1", "act": "slap", "by": "B", "to": "A", "zone": "buttocks"},
        {"id": "b2", "act": "slap", "by": "B", "to": "A", "zone": "thighs"},
    ],
}
PROFILES = {
    "mara": {
        "performer": "mara",
        "name": "Mara K.",
        "boundaries": [
            {
                "act": "slap",
                "direction": "receive",
                "answer": "yes",
                "zones": {"face": "no"},
                "max_intensity": "light",
            }
        ],
    },
    "jonas": {
        "performer": "jonas",
        "name": "Jonas R.",
        "boundaries": [{"act": "slap", "direction": "give", "answer": "yes"}],
    },
}
# Words of the beats as anyone reads them: none may reach the producer after the withdrawal.
BEAT_WORDS = ("slap", "buttocks", "thighs")
VALID = "valid: consent by the holder of this receipt, entry {index} of {size}"


def prepare(world: Any) -> PlanVersion:
    ids = (world.production.pk, world.scene.pk)
    for handle, profile in PROFILES.items():
        boundaries.replace_profile(world.users[handle], profile)
        boundaries.share(world.users[handle], world.production.pk)
    seed_rider_terms(world)
    plans.replace_plan(world.ines, *ids, PLAN)
    number = plans.save_version(world.ines, *ids)
    for handle in ("mara", "jonas"):
        verified_record(world, handle, date(1995, 5, 17))
        clear(world, handle, timezone.localdate())
    return PlanVersion.objects.get(plan__scene=world.scene, number=number)


def consent_beat_by_beat(person: Any, password: str, shot: str) -> None:
    """From the portal: open the request, answer each beat "consent", sign with the password."""
    page = person.page
    person.go("/consent/")
    expect(page.get_by_text("2 beats wait for your answer")).to_be_visible()
    page.get_by_role("link", name="Read and answer").click()
    expect(page.get_by_role("button", name="Continue to sign")).to_be_visible()
    beats = page.locator(".consent-beats > li")
    expect(beats).to_have_count(2)
    for number in range(beats.count()):
        beat = beats.nth(number)
        beat.get_by_role("radio", name="Consent").check()
        expect(beat.get_by_role("radio", name="Consent")).to_be_checked()
    person.screenshot(f"cw{shot}-answers-phone")
    person.assert_accessible()
    page.get_by_role("button", name="Continue to sign").click()
    expect(page.get_by_role("heading", name="You consent to")).to_be_visible()
    expect(page.locator("main .cards li")).to_have_count(2)
    page.get_by_label("Your password", exact=True).fill(password)
    person.screenshot(f"cw{shot}-sign-phone")
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_text("Signed.")).to_be_visible()
    expect(page.get_by_text("You consented.")).to_have_count(2)
    person.screenshot(f"cw{shot}-signed-phone")
    person.assert_accessible()
    person.assert_no_script_errors()


def gate_page(world: Any) -> str:
    return f"/compliance/{world.production.pk}/scenes/{world.scene.pk}/"


def state_page(world: Any) -> str:
    return f"/consent/{world.production.pk}/scenes/{world.scene.pk}/"


def schedule_on_page(person: Any, world: Any, when: Any) -> None:
    person.go(gate_page(world))
    local = timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")
    person.page.get_by_label("Call time").fill(local)
    person.page.get_by_role("button", name="Schedule").click()
    person.page.wait_for_load_state()


def test_both_consent_one_withdraws_the_gate_falls_and_the_receipt_verifies(
    staff_devices: Any, navigator: Any, persona_password: str, tmp_path: Path, capsys: Any
) -> None:
    world = staff_devices
    version = prepare(world)
    first_call = call_on(future_day(3))
    second_call = call_on(future_day(5))

    # Ines marks the saved version final on her consent board.
    ines = navigator(LAPTOP)
    ines.log_in(world.ines, persona_password)
    ines.go(state_page(world))
    expect(ines.page.get_by_text("No version is final yet.")).to_be_visible()
    ines.page.get_by_role("button", name=f"Mark version {version.number} final").click()
    expect(ines.page.get_by_text(f"Version {version.number} is final.")).to_be_visible()
    expect(ines.page.locator(".board-row")).to_have_count(2)
    expect(ines.page.locator("main .late")).to_have_count(0)  # marked well before any call
    ines.screenshot("cw1-ines-marks-final-laptop")
    ines.assert_accessible()
    ines.assert_no_script_errors()
    assert consent.current_final(world.scene).plan_version == version

    # Mara, then Jonas, each on their phone: beat by beat, then the password.
    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password)
    consent_beat_by_beat(mara, persona_password, "2-mara")
    assert not consent.all_consented(world.scene)  # Jonas has not answered yet
    jonas = navigator(PHONE)
    jonas.log_in(world.jonas, persona_password)
    consent_beat_by_beat(jonas, persona_password, "3-jonas")
    assert consent.all_consented(world.scene)

    # Petra reads "agreed" and "cleared", and schedules the scene on the gate page.
    petra = navigator(LAPTOP)
    petra.log_in(world.petra, persona_password)
    petra.go(state_page(world))
    expect(petra.page.locator(".consent-state")).to_have_text("Consent: agreed")
    petra.screenshot("cw4-petra-agreed-laptop")
    petra.go(gate_page(world))
    expect(petra.page.locator("main strong").first).to_have_text("cleared")
    schedule_on_page(petra, world, first_call)
    expect(petra.page.get_by_text("Scheduled: the gate passed for that day.")).to_be_visible()
    expect(petra.page.locator("main")).to_contain_text("Called ")
    assert compliance.call_time(world.scene) == first_call
    petra.screenshot("cw5-petra-scheduled-laptop")
    petra.assert_accessible()
    petra.assert_no_script_errors()

    # Jonas withdraws one beat: one tap, no reason, no password.
    jonas.page.get_by_role("button", name="Withdraw my consent").first.click()
    expect(jonas.page.get_by_text("Withdrawn.")).to_be_visible()
    expect(jonas.page.get_by_role("button", name="Withdraw my consent")).to_have_count(1)
    jonas.screenshot("cw6-jonas-withdrew-phone")
    jonas.assert_no_script_errors()
    withdrawn = BeatDecision.objects.get(request__performer=world.jonas, withdrawn_at__isnull=False)
    assert not consent.all_consented(world.scene)
    assert not compliance.gate(world.scene, timezone.localdate(second_call)).passed

    # The scene can no longer be scheduled, and Petra learns only that the gate fell.
    schedule_on_page(petra, world, second_call)
    expect(petra.page.get_by_role("alert")).to_contain_text(
        "The scene cannot be scheduled for this day: not cleared. Talk to the coordinator."
    )
    assert compliance.call_time(world.scene) == first_call  # unchanged by the refusal
    petra.screenshot("cw7-petra-refused-laptop")
    # The refusal comes back as 409 Conflict, which Chromium logs as a console error: that
    # status is the page doing its job, not a script fault.
    assert all("409 (Conflict)" in error for error in petra.page.js_errors)
    petra.page.js_errors.clear()
    petra.go(gate_page(world))
    expect(petra.page.locator("main")).to_contain_text("not cleared (talk to the coordinator)")
    petra.screenshot("cw8-petra-gate-fallen-laptop")
    petra.assert_accessible()
    gate_text = petra.page.locator("body").inner_text()
    petra.go(state_page(world))
    expect(petra.page.locator(".consent-state")).to_have_text("Consent: not agreed")
    state_text = petra.page.locator("body").inner_text()
    petra.go(f"/compliance/{world.production.pk}/")
    expect(petra.page.locator("main")).to_contain_text("not cleared (talk to the coordinator)")
    index_text = petra.page.locator("body").inner_text()
    petra.screenshot("cw9-petra-compliance-laptop")
    petra.assert_no_script_errors()
    jonas_words = consent.beat_words(withdrawn.request.final, withdrawn.request.role)
    sentence = jonas_words[withdrawn.beat_id].sentence
    for text in (gate_text, state_text, index_text):
        assert "Jonas" not in text
        assert sentence not in text
        for word in (*BEAT_WORDS, "withdr"):
            assert word not in text.lower(), word

    # Mara keeps her receipt: it verifies offline and on the public page.
    mara.go("/consent/")
    receipts = mara.page.get_by_role("link", name="Download receipt", exact=True)
    expect(receipts).to_have_count(2)
    with mara.page.expect_download() as download_info:
        receipts.first.click()
    download = download_info.value
    # Named for what it is, never by an id: scene, decision and day.
    assert re.fullmatch(r"12B-consent-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    receipt_path = tmp_path / "consent-receipt.json"
    download.save_as(receipt_path)
    size_then = Log.objects.get(organisation=world.organisation).size
    mara.screenshot("cw10-mara-portal-phone")
    mara.assert_accessible()

    first = BeatDecision.objects.filter(request__performer=world.mara).order_by("pk").first()
    receipt = json.loads(receipt_path.read_text())
    assert receipt["readable"]["decision"] == "consent"
    expected = VALID.format(index=first.log_entry.index, size=size_then)

    from closedset.cli import main

    capsys.readouterr()
    assert main(["verify", str(receipt_path)]) == 0
    assert capsys.readouterr().out == expected + "\n"

    mara.go("/verify/")
    mara.page.locator("#upload").set_input_files(str(receipt_path))
    mara.page.get_by_role("button", name="Check this file").click()
    expect(mara.page.get_by_role("heading", name="Valid", exact=True)).to_be_visible()
    expect(mara.page.locator(".verdict [role=status]")).to_contain_text(
        "closedset's signed record holds exactly this consent, made on"
    )
    expect(mara.page.locator(".verdict details")).to_contain_text(expected)
    expect(mara.page.locator(".verdict dl")).to_contain_text("Harbour Lights")
    mara.screenshot("cw11-mara-verify-page-phone")
    mara.assert_accessible()
    mara.assert_no_script_errors()
