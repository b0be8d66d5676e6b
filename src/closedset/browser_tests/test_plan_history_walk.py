"""Ines saves two versions of the slap plan, compares them, and restores the first one, on a
desktop and on her phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from closedset.boundaries import services as boundaries
from closedset.browser_tests.conftest import PHONE
from closedset.plans import services as plans
from closedset.plans.models import PlanVersion, ScenePlan
from closedset.plans.tests.scenario import JONAS, MARA, PLAN

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 900}


def _scene(world: Any) -> str:
    return f"/plans/{world.production.pk}/scenes/{world.scene.pk}/"


def _slap_plan(world: Any) -> None:
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    plans.replace_plan(world.ines, world.production.pk, world.scene.pk, PLAN)


def _move_face_slap_to_the_thighs(world: Any) -> None:
    ids = (world.production.pk, world.scene.pk)
    beat = plans.beat_input(world.ines, *ids, _pk(world, "b2"))
    beat.zone = "thighs"
    plans.update_beat(world.ines, *ids, beat, beat_id="b2")


def _pk(world: Any, beat_id: str) -> int:
    return ScenePlan.objects.get(scene=world.scene).beats.get(beat_id=beat_id).pk


def _tap_targets_are_big_enough(page: Any) -> None:
    small = page.evaluate(
        """() => [...document.querySelectorAll('main a, main button, main select')]
            .filter(e => e.offsetParent !== null)
            .filter(e => { const r = e.getBoundingClientRect(); return r.height < 44; })
            .map(e => e.textContent.trim() || e.name)"""
    )
    assert not small, f"tap targets under 44px: {small}"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_ines_saves_two_versions_compares_them_and_restores_the_first(
    staff_devices: Any, navigator: Any, persona_password: str, viewport: dict[str, int]
) -> None:
    world = staff_devices
    size = "desktop" if viewport == DESKTOP else "phone"
    _slap_plan(world)
    ines = navigator(viewport)
    ines.log_in(world.ines, persona_password)
    page = ines.page
    save = re.compile("save the current plan", re.I)

    # Version 1: the slap plan as Ines built it.
    ines.go(_scene(world) + "versions/")
    page.get_by_role("button", name=save).click()
    page.wait_for_load_state()
    # Version 2: the face slap moved to the thighs.
    _move_face_slap_to_the_thighs(world)
    page.get_by_role("button", name=save).click()
    page.wait_for_load_state()
    assert PlanVersion.objects.filter(plan__scene=world.scene).count() == 2

    # Straight to the comparison: the latest against the one before.
    ines.go(_scene(world) + "versions/compare/")
    expect(page.get_by_role("heading", name="From version 1 to version 2")).to_be_visible()
    expect(page.locator("#changes")).to_have_text("Beat b2: zone changed from face to thighs")
    b2 = page.locator(".beat-pair", has_text="Beat b2")
    expect(b2).to_contain_text("Jonas slaps Mara's face, lightly")
    expect(b2).to_contain_text("Jonas slaps Mara's thighs, lightly")
    ines.assert_accessible()
    _tap_targets_are_big_enough(page)
    ines.screenshot(f"h1-ines-compare-{size}")

    # The other way round, chosen in the form.
    page.get_by_label("From version", exact=True).select_option("2")
    page.get_by_label("To version", exact=True).select_option("1")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_load_state()
    assert page.url.endswith("?a=2&b=1")
    expect(page.locator("#changes")).to_have_text("Beat b2: zone changed from thighs to face")

    # A version that does not exist is said in words, and the form is still there.
    ines.assert_no_script_errors()
    ines.go(_scene(world) + "versions/compare/?a=9&b=1")
    expect(page.get_by_role("alert")).to_have_text(
        "There is no version “9” of this plan; choose from versions 1 to 2."
    )
    ines.assert_accessible()
    ines.screenshot(f"h2-ines-compare-bad-number-{size}")
    # The page came with a 422, which the browser logs; nothing else went wrong.
    assert all("422" in error for error in page.js_errors), page.js_errors
    page.js_errors.clear()

    # An unsaved change: Ines takes out the first beat and does not save a version.
    ids = (world.production.pk, world.scene.pk)
    plans.delete_beat(world.ines, *ids, beat_id="b1")

    # Restore version 1: a confirm step says what will change, then a new version.
    ines.go(_scene(world) + "versions/compare/")
    page.get_by_role("link", name="Restore version 1").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Restore version 1 of scene 12B?")
    expect(page.locator("#changes li")).to_have_text(
        [
            "Beat b1 added: Jonas slaps Mara's buttocks, lightly",
            "Beat b2: zone changed from thighs to face",
        ]
    )
    expect(page.locator(".unsaved")).to_contain_text(
        "Beat b1 removed (was: Jonas slaps Mara's buttocks, lightly)"
    )
    assert PlanVersion.objects.filter(plan__scene=world.scene).count() == 2
    ines.assert_accessible()
    _tap_targets_are_big_enough(page)
    ines.screenshot(f"h3-ines-restore-confirm-{size}")
    page.get_by_role("button", name="Restore version 1").click()
    page.wait_for_load_state()
    assert page.url.endswith(_scene(world) + "versions/#v4")
    expect(
        page.get_by_text(
            "Version 1 restored as version 4. Your unsaved changes were saved first as version 3."
        )
    ).to_be_visible()
    ines.assert_accessible()
    ines.screenshot(f"h4-ines-restored-{size}")
    working = ScenePlan.objects.get(scene=world.scene)
    assert [(b.beat_id, b.zone) for b in working.beats.all()] == [
        ("b1", "buttocks"),
        ("b2", "face"),
    ]
    saved = {v.number: v.data for v in PlanVersion.objects.filter(plan__scene=world.scene)}
    assert saved[4] == saved[1]
    assert [b["id"] for b in saved[3]["beats"]] == ["b2"]
    ines.assert_no_script_errors()
