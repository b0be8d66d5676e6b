"""Browser walks for access transparency and leaving: Ines opens Mara's shared profile and Mara
sees it on her sharing page; Mara downloads her data and erases her account; Ines reads who
changed a beat on the plan page.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from closedset.boundaries import services as boundaries
from closedset.browser_tests.conftest import PHONE, wired
from closedset.plans import services as plans
from closedset.plans.models import Beat
from closedset.plans.tests.scenario import JONAS, MARA, PLAN

SHOTS = Path(tempfile.gettempdir()) / "shots"

pytestmark = pytest.mark.browser


def _check(person, name: str) -> None:
    person.assert_accessible()
    person.assert_no_script_errors()
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"leaving-{name}-{PHONE['width']}.png"
    person.page.screenshot(path=str(path), full_page=True, caret="initial")


def _refused_on_purpose(person) -> None:
    """The browser logs the 422 of a form sent wrong on purpose; that is no script error."""
    person.page.js_errors[:] = [
        error for error in person.page.js_errors if "status of 422" not in error
    ]


@pytest.fixture
def shared(staff_devices):
    world = staff_devices
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    return world


def test_mara_sees_ines_looked_then_downloads_her_data_and_erases(
    shared, navigator, persona_password
):
    world = shared
    # Ines opens Mara's shared profile from the production's list.
    ines = navigator(PHONE)
    ines.log_in(world.ines, persona_password)
    ines.go(f"/boundaries/production/{world.production.pk}/")
    ines.page.get_by_role("link", name="Mara (mara)").click()
    expect(ines.page.get_by_role("heading", name="Mara", exact=True)).to_be_visible()

    # Mara sees it on her sharing page, and every look on its own page.
    mara = navigator(PHONE)
    page = mara.page
    mara.log_in(world.mara, persona_password)
    mara.go("/boundaries/sharing/")
    looks = page.locator(".looks-recent")
    expect(looks).to_contain_text("Ines looked at your profile")
    expect(looks).to_contain_text(
        "Intimacy coordinator · Harbour Lights · through the profile page"
    )
    _check(mara, "01-sharing-who-looked")
    page.get_by_role("link", name="Every look at your profile").click()
    expect(page.get_by_role("heading", name="Who has looked")).to_be_visible()
    expect(page.get_by_text("1 look, newest first.")).to_be_visible()
    _check(mara, "02-who-looked")

    # She downloads everything closedset holds about her.
    mara.go("/account/")
    page.get_by_role("link", name="Download your data").click()
    expect(page.get_by_role("heading", name="Download your data")).to_be_visible()
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Download my data").click()
    expect(page.get_by_text("That is not your password.")).to_be_visible()
    _refused_on_purpose(mara)
    _check(mara, "03-export-wrong-password")
    page.get_by_label("Your password").fill(persona_password)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert re.fullmatch(r"closedset-mara-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    data = json.loads(Path(download.path()).read_text())
    assert data["account"]["handle"] == "mara"
    assert data["profile_versions"][0]["profile"]["boundaries"] == MARA["boundaries"]
    assert [look["viewer"] for look in data["profile_views"]] == ["Ines"]

    # Then she erases her account.
    mara.go("/account/")
    page.get_by_role("link", name="Erase your account").click()
    expect(page.get_by_role("heading", name="Erase your account")).to_be_visible()
    page.get_by_label("Your password").fill(persona_password)
    page.get_by_label("Type ERASE to confirm").fill("erase")
    page.get_by_role("button", name="Erase my account").click()
    expect(page.get_by_text("Type ERASE in capital letters")).to_be_visible()
    _refused_on_purpose(mara)
    _check(mara, "04-erase-confirm")
    page.get_by_label("Your password").fill(persona_password)
    page.get_by_label("Type ERASE to confirm").fill("ERASE")
    page.get_by_role("button", name="Erase my account").click()
    page.wait_for_load_state()
    assert page.url.endswith("/login/")
    expect(page.get_by_text("Your account is erased.")).to_be_visible()
    _check(mara, "05-erased")

    # Her password opens nothing now.
    page.get_by_label("Email").fill("mara@example.org")
    page.get_by_label("Password").fill(persona_password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/login/" in page.url

    # Ines's list no longer has her; the plan of the scene still opens.
    ines.go(f"/boundaries/production/{world.production.pk}/")
    expect(ines.page.get_by_text("Mara (mara)")).to_have_count(0)
    ines.assert_no_script_errors()


def test_ines_reads_who_changed_a_beat(shared, navigator, persona_password):
    world = shared
    ids = (world.production.pk, world.scene.pk)
    plans.replace_plan(world.ines, *ids, PLAN)
    b1 = Beat.objects.get(plan__scene=world.scene, beat_id="b1")
    plans.update_beat(
        world.ines, *ids, plans.BeatInput("b1", "slap", "B", ["A"], "thighs"), pk=b1.pk
    )
    ines = navigator(PHONE)
    page = ines.page
    ines.log_in(world.ines, persona_password)
    ines.open_scene("Harbour Lights", "12B")
    beat = page.locator("#beat-b1")
    expect(beat).to_contain_text("Last change: edited (zone) by Ines")
    wired(page, '#beat-b1 a[aria-label="History of b1"]')
    beat.get_by_role("link", name="History of b1").click()
    expect(beat.locator(".beat-history-list")).to_contain_text("Imported by Ines")
    _check(ines, "06-beat-history")
    page.get_by_role("link", name="Beat changes").click()
    expect(page.get_by_role("heading", name=re.compile("who changed the beats"))).to_be_visible()
    _check(ines, "07-beat-changes")
