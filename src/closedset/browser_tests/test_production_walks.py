"""The coordinator's and the producer's production page in the browser: the overview, adding a
scene, inviting a performer, and notices, at desktop and phone sizes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from closedset.boundaries import services as boundaries
from closedset.browser_tests.conftest import PHONE
from closedset.notices import services as notices
from closedset.plans import services as plans
from closedset.plans.tests.scenario import JONAS, MARA, PLAN

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 900}
SIZES = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
BOUNDARY_WORDS = ("blocked", "discussion", "not shared", "hard limit", "maybe", "face")


def _slap_plan(world):
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    plans.replace_plan(world.ines, world.production.pk, world.scene.pk, PLAN)


def _size(viewport):
    return "phone" if viewport == PHONE else "desktop"


@pytest.mark.parametrize("viewport", SIZES)
def test_ines_follows_the_overview_adds_a_scene_and_invites_a_performer(
    staff_devices, navigator, persona_password, mailoutbox, viewport
):
    world = staff_devices
    _slap_plan(world)
    notices.notify(
        world.ines,
        "proposal",
        production=world.production,
        subject="Dario proposed a change to scene 12B",
        body="Open the plan to accept, amend or decline it.",
        url=f"/plans/{world.production.pk}/scenes/{world.scene.pk}/",
    )
    size = _size(viewport)
    ines = navigator(viewport)
    ines.log_in(world.ines, persona_password)

    # The home page shows what is new for her.
    home = ines.page.get_by_role("region", name=re.compile("New for you"))
    assert home.get_by_text("Dario proposed a change to scene 12B", exact=True).is_visible()
    ines.assert_accessible()
    ines.screenshot(f"p8-ines-home-{size}")

    ines.page.get_by_role("link", name="Harbour Lights").click()
    ines.page.wait_for_load_state()
    overview = ines.page.get_by_role("table", name="Each scene's gate and what is open")
    row = overview.get_by_role("row", name=re.compile("12B"))
    assert row.get_by_text("not cleared").is_visible()
    assert row.get_by_text("1 beat blocked").is_visible()
    ines.assert_accessible()
    ines.screenshot(f"p8-ines-overview-{size}")

    ines.page.get_by_label("Scene number").fill("14")
    ines.page.get_by_label("Title").fill("The dock")
    ines.page.get_by_role("button", name="Add scene").click()
    ines.page.wait_for_load_state()
    assert ines.page.get_by_text("Scene 14 added.").is_visible()
    row = overview.get_by_role("row", name=re.compile("14 The dock"))
    assert row.get_by_text("no beats yet").first.is_visible()
    ines.assert_accessible()

    ines.page.get_by_role("link", name="Invite performers").click()
    ines.page.wait_for_load_state()
    role = ines.page.get_by_label("Role")
    assert role.locator("option").all_inner_texts() == ["Performer"]
    ines.page.get_by_label("Email").fill("nell@example.org")
    ines.page.get_by_role("button", name="Send invitation").click()
    ines.page.wait_for_load_state()
    assert ines.page.get_by_text("Invitation sent to nell@example.org.").is_visible()
    assert mailoutbox[-1].to == ["nell@example.org"]
    ines.assert_accessible()
    ines.screenshot(f"p8-ines-invite-{size}")

    # Her notices: opening one marks it read and leads to the plan.
    ines.go("/notices/")
    ines.assert_accessible()
    ines.screenshot(f"p8-ines-notices-{size}")
    ines.page.get_by_role("button", name=re.compile("Open")).click()
    ines.page.wait_for_load_state()
    assert f"/plans/{world.production.pk}/scenes/{world.scene.pk}/" in ines.page.url
    ines.go("/")
    assert ines.page.get_by_role("region", name=re.compile("New for you")).count() == 0

    ines.go("/notices/settings/")
    ines.page.get_by_label("the director proposes a change").uncheck()
    ines.page.get_by_role("button", name="Save e-mail settings").click()
    ines.page.wait_for_load_state()
    assert ines.page.get_by_text("Your e-mail settings are saved.").is_visible()
    assert not ines.page.get_by_label("the director proposes a change").is_checked()
    assert ines.page.get_by_label("a profile you rely on changes").is_checked()
    ines.assert_accessible()
    ines.screenshot(f"p8-ines-settings-{size}")
    ines.assert_no_script_errors()


@pytest.mark.parametrize("viewport", SIZES)
def test_petra_sees_each_scenes_gate_and_nothing_about_boundaries(
    staff_devices, navigator, persona_password, viewport
):
    world = staff_devices
    _slap_plan(world)
    size = _size(viewport)
    petra = navigator(viewport)
    petra.log_in(world.petra, persona_password)
    petra.go(f"/p/{world.production.pk}/")
    overview = petra.page.get_by_role("table", name="Each scene's gate and what is open")
    row = overview.get_by_role("row", name=re.compile("12B"))
    assert row.get_by_text("not cleared").is_visible()
    assert row.get_by_text("with the intimacy coordinator").is_visible()
    text = petra.page.locator("main").inner_text().lower()
    assert not [word for word in BOUNDARY_WORDS if word in text]
    petra.assert_accessible()
    petra.screenshot(f"p8-petra-overview-{size}")

    petra.page.get_by_role("link", name="Invite people").click()
    petra.page.wait_for_load_state()
    options = petra.page.get_by_label("Role").locator("option").all_inner_texts()
    assert "Director" in options and "Performer" in options
    petra.assert_accessible()

    petra.go("/notices/")
    assert petra.page.get_by_text("No notices yet.").is_visible()
    petra.assert_accessible()
    petra.go("/notices/settings/")
    # A producer's one kind of notice: when a scheduled scene can no longer be shot.
    expect(
        petra.page.get_by_label("a scheduled scene can no longer be shot, or can again")
    ).to_be_visible()
    petra.assert_accessible()
    petra.screenshot(f"p8-petra-settings-{size}")
    petra.assert_no_script_errors()


def test_cora_and_a_newcomer_performer_get_their_own_next_steps(
    staff_devices, navigator, persona_password
):
    world = staff_devices
    cora = navigator(PHONE)
    cora.log_in(world.cora, persona_password)
    cora.go(f"/p/{world.production.pk}/")
    records = cora.page.get_by_role("region", name="Records you keep")
    assert records.get_by_text("Mara").is_visible() and records.get_by_text("Jonas").is_visible()
    cora.assert_accessible()
    cora.screenshot("p8-cora-production-phone")

    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password)
    mara.go(f"/p/{world.production.pk}/")
    steps = mara.page.get_by_role("region", name="Your next steps")
    first = steps.get_by_role("listitem").first
    assert first.get_by_role("link", name=re.compile("Fill in your boundary profile")).is_visible()
    assert mara.page.get_by_role("link", name="Start a production").count() == 0
    mara.assert_accessible()
    mara.screenshot("p8-mara-next-steps-phone")
    first.get_by_role("link").click()
    mara.page.wait_for_load_state()
    assert mara.page.url.endswith("/boundaries/")
    cora.assert_no_script_errors()
    mara.assert_no_script_errors()
