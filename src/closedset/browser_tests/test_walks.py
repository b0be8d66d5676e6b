"""The walks of issue 4: a performer fills and shares her profile on her phone, and the
coordinator builds the unplanned-slap plan and sees why the face beat is blocked. The
director's walk is in test_director_walk.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from closedset.boundaries import services as boundaries
from closedset.browser_tests.conftest import LAPTOP, PHONE, wired
from closedset.plans import services as plans
from closedset.plans.tests.scenario import JONAS, MARA

pytestmark = pytest.mark.django_db(transaction=True)


def shared_profiles(world: Any) -> None:
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)


def plan_path(world: Any) -> str:
    return f"/plans/{world.production.pk}/scenes/{world.scene.pk}/"


def test_mara_fills_her_profile_on_her_phone_and_shares_it(
    world: Any, navigator: Any, persona_password: str
) -> None:
    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password)
    page = mara.page
    page.get_by_role("link", name="My boundaries").click()

    # Slap, done to me: yes (saved by htmx, no reload).
    page.locator("#cat-impact > summary").click()
    wired(page, "#row-slap-receive")
    row = page.locator("#row-slap-receive")
    row.get_by_role("radio", name="Yes", exact=True).check()
    expect(row.locator(".row-status")).to_have_text("Saved: Yes.")
    expect(page.locator("#answer-slap-receive-yes")).to_be_focused()
    # A few more: kisses both ways yes, hair pulling done to me maybe.
    page.locator("#cat-kissing > summary").click()
    wired(page, "#row-kiss-give")
    for key, label in (("kiss-receive", "Yes"), ("kiss-give", "Yes")):
        target = page.locator(f"#row-{key}")
        target.get_by_role("radio", name=label, exact=True).check()
        expect(target.locator(".row-status")).to_have_text(f"Saved: {label}.")
    expect(page.locator("#count-kissing")).to_have_text("2 of 12 answered")
    page.locator("#cat-rough > summary").click()
    wired(page, "#row-hair-pull-receive")
    hair = page.locator("#row-hair-pull-receive")
    hair.get_by_role("radio", name="Maybe", exact=True).check()
    expect(hair.locator(".row-status")).to_have_text("Saved: Maybe.")
    mara.assert_accessible()
    mara.screenshot("a1-mara-profile-phone")

    # The face is a hard limit, and nothing above light.
    row = page.locator("#row-slap-receive")
    row.get_by_role("link", name=re.compile("Zones, intensity")).click()
    page.get_by_label("Face").select_option("no")
    page.get_by_label("Most intense I accept").select_option("light")
    page.get_by_label("A hard limit: never negotiable").check()
    mara.assert_accessible()
    mara.screenshot("a2-mara-slap-detail-phone")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#row-slap-receive .detail-summary")).to_contain_text("face: no")
    expect(page.locator("#row-slap-receive .detail-summary")).to_contain_text("at most light")

    # Share with Harbour Lights.
    page.get_by_role("link", name="Sharing").click()
    mara.assert_accessible()
    page.get_by_role("button", name="Share with Harbour Lights").click()
    expect(page.get_by_text("Shared since")).to_be_visible()
    mara.screenshot("a3-mara-sharing-phone")
    mara.assert_no_script_errors()

    profile = boundaries.shared_profile(world.mara, world.production)
    assert profile is not None
    slap = profile.boundary("slap", "receive")
    assert (slap.answer, slap.zones, slap.max_intensity.name, slap.limit) == (
        "yes",
        {"face": "no"},
        "light",
        "hard",
    )
    assert profile.boundary("kiss", "give").answer == "yes"
    assert profile.boundary("hair-pull", "receive").answer == "maybe"


def add_beat(page: Any, act: str, zone: str, by: str = "B", to: str = "A") -> None:
    wired(page, "#add-act")
    form = page.locator("#add-form")
    form.get_by_label("Act").select_option(act)
    # The zone list follows the act (htmx): wait for the act's zones before choosing.
    expect(form.locator(f'#add-zone option[value="{zone}"]')).to_have_count(1)
    form.get_by_label("Done by").select_option(by)
    form.get_by_label(to, exact=True).check()
    form.get_by_label("Body zone").select_option(zone)
    form.get_by_label("Intensity").select_option("light")
    form.get_by_role("button", name="Add beat").click()


def test_ines_builds_the_unplanned_slap_plan_and_sees_why_the_face_beat_is_blocked(
    staff_devices: Any, navigator: Any, persona_password: str
) -> None:
    world = staff_devices
    shared_profiles(world)
    ines = navigator(PHONE)
    ines.log_in(world.ines, persona_password)
    page = ines.page
    ines.open_scene("Harbour Lights", "12B")
    assert page.url.endswith(plan_path(world))

    page.get_by_label("Role A").select_option("mara")
    page.locator("#role-A").get_by_role("button", name="Cast").click()
    expect(page.locator("#plan-notice")).to_have_text("Role A: mara.")
    wired(page, "#role-B .cast-form")
    page.get_by_label("Role B").select_option("jonas")
    page.locator("#role-B").get_by_role("button", name="Cast").click()
    expect(page.locator("#plan-notice")).to_have_text("Role B: jonas.")

    add_beat(page, "slap", "buttocks")
    expect(page.locator("#plan-notice")).to_have_text("Beat b1 added.")
    expect(page.locator("#add-form").get_by_label("Beat id")).to_have_value("b2")
    add_beat(page, "slap", "face")
    expect(page.locator("#plan-notice")).to_have_text("Beat b2 added.")
    b1, b2 = page.locator("#beat-b1"), page.locator("#beat-b2")
    expect(b2.locator(".badge")).to_have_text("blocked")
    expect(b2.locator(".findings")).to_contain_text("Mara: slap to face is a hard limit")
    expect(b1.locator(".badge")).to_have_text("cleared")
    ines.assert_accessible()
    ines.screenshot("b1-ines-plan-phone")
    ines.assert_no_script_errors()

    core = plans.core_plan(plans._plan(world.scene))
    assert [(b.id, b.act, b.zone) for b in core.beats] == [
        ("b1", "slap", "buttocks"),
        ("b2", "slap", "face"),
    ]
    assert core.cast == {"A": "mara", "B": "jonas"}

    # The same page on a laptop.
    page.set_viewport_size(LAPTOP)
    page.reload()
    expect(page.locator("#beat-b2 .badge")).to_have_text("blocked")
    ines.screenshot("b2-ines-plan-laptop")

    # Edit, reorder and delete without a page reload (htmx): the check follows each change.
    page.locator("#beat-b2").get_by_role("link", name="Edit b2").click()
    edit = page.locator("#edit-form")
    expect(edit.get_by_label("Body zone")).to_have_value("face")
    wired(page, "#edit-act")
    edit.get_by_label("Act").select_option("spank")
    expect(edit.locator('#edit-zone option[value="face"]')).to_have_count(0)
    edit.get_by_label("Body zone").select_option("buttocks")
    ines.assert_accessible()
    ines.screenshot("b3-ines-edit-beat-laptop")
    wired(page, "#edit-form")
    edit.get_by_role("button", name="Save beat").click()
    expect(page.locator("#plan-notice")).to_have_text("Beat b2 saved.")
    # Mara's profile says nothing about spanking: silence is never consent.
    expect(page.locator("#beat-b2 .badge")).to_have_text("needs discussion")
    expect(page.locator("#beat-b2 .findings")).to_contain_text(
        "Mara: spank to buttocks was not discussed"
    )
    wired(page, "#beat-b2 .beat-actions form")
    page.locator("#beat-b2").get_by_role("button", name="Move b2 up").click()
    expect(page.locator("#plan-notice")).to_have_text("Beat b2 moved up.")
    expect(page.locator(".beat-list > li").first).to_have_id("beat-b2")
    wired(page, "#beat-b2 .beat-actions form:last-child")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#beat-b2").get_by_role("button", name="Delete b2").click()
    expect(page.locator("#plan-notice")).to_have_text("Beat deleted.")
    expect(page.locator("#beat-b2")).to_have_count(0)
    expect(page.locator("#plan-status")).to_contain_text("cleared")
    ines.assert_no_script_errors()
