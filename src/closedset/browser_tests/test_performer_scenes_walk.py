"""Mara reads her scenes in plain words: home, then "My scenes", then the boathouse scene,
on her phone and at a desk. Nothing on the way shows an act id or a role letter."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from closedset.boundaries import services as boundaries
from closedset.browser_tests.conftest import PHONE
from closedset.core.taxonomy import load_taxonomy
from closedset.plans import services as plans
from closedset.plans.tests.scenario import JONAS, MARA, PLAN

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 900}
ACT_IDS = [act_id for act_id in load_taxonomy().acts if "-" in act_id]
ROLE_LETTER = re.compile(r"(^|\s)[A-D](\s|[.,:;·]|$)|\byou are [A-D]\b")


@pytest.fixture
def boathouse(world: Any) -> Any:
    """Both performers share their profiles; Ines has planned the unplanned slap and a
    topless beat for Mara."""
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    ids = (world.production.pk, world.scene.pk)
    plans.replace_plan(world.ines, *ids, PLAN)
    plans.add_beat(world.ines, *ids, plans.BeatInput(beat_id="b3", act="nudity-topless", by="A"))
    return world


def assert_plain(page: Any) -> None:
    text = page.locator("main").inner_text()
    for act_id in ACT_IDS:
        assert act_id not in text, act_id
    assert not ROLE_LETTER.search(text), ROLE_LETTER.search(text)


def assert_tap_targets(page: Any) -> None:
    """Links that stand on their own in the page are at least 44 px tall."""
    for link in page.locator("main a.button").all():
        box = link.bounding_box()
        assert box and box["height"] >= 44, (link.inner_text(), box)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_mara_reads_her_scene_in_plain_words(boathouse, navigator, persona_password, viewport):
    size = "phone" if viewport == PHONE else "desktop"
    mara = navigator(viewport)
    mara.log_in(boathouse.mara, persona_password)
    page = mara.page

    mara.go("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My scenes").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("My scenes")
    main = page.locator("main")
    expect(main).to_contain_text("Scene 12B: The boathouse")
    expect(main).to_contain_text("Harbour Lights")
    expect(main).to_contain_text("Jonas slaps your buttocks, lightly")
    expect(main).to_contain_text("You: topless nudity")
    assert_plain(page)
    assert_tap_targets(page)
    mara.assert_accessible()
    mara.screenshot(f"s1-mara-my-scenes-{size}")

    page.get_by_role("link", name="Open Scene 12B: The boathouse").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scene 12B: The boathouse")
    expect(main).to_contain_text(
        "Not everything here fits the boundaries you set: your coordinator will go through "
        "these with you:"
    )
    expect(main).to_contain_text("You said no to a partner slapping your face: a hard limit.")
    expect(main).to_contain_text("You have not said yes, no or maybe to topless nudity yet.")
    expect(main).to_contain_text("Your partners in this scene: Jonas.")
    expect(main).to_contain_text("Your intimacy coordinator: Ines.")
    assert_plain(page)
    assert_tap_targets(page)
    mara.assert_accessible()
    mara.screenshot(f"s2-mara-scene-{size}")
    # Nothing is wider than the screen: the sentences wrap on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], width
    mara.assert_no_script_errors()


def test_jonas_reads_his_side_without_maras_answers(boathouse, navigator, persona_password):
    jonas = navigator(PHONE)
    jonas.log_in(boathouse.jonas, persona_password)
    page = jonas.page
    jonas.go("/scenes/")
    page.get_by_role("link", name="Open Scene 12B: The boathouse").click()
    page.wait_for_load_state()
    main = page.locator("main")
    expect(main).to_contain_text("You slap Mara's face, lightly")
    expect(main).to_contain_text("Everything here fits the boundaries you set.")
    text = main.inner_text()
    for secret in ("hard limit", "left ear", "said no", "nudity"):
        assert secret not in text
    assert_plain(page)
    jonas.assert_accessible()
    jonas.screenshot("s3-jonas-scene-phone")
    jonas.assert_no_script_errors()
