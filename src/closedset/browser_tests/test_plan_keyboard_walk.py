"""The coordinator's plan page by keyboard alone: after each update, focus is where the change
happened, so nobody has to find their place again."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from closedset.browser_tests.conftest import LAPTOP, wired
from closedset.browser_tests.test_walks import plan_path, shared_profiles
from closedset.plans import services as plans
from closedset.plans.tests.scenario import PLAN

pytestmark = pytest.mark.django_db(transaction=True)


def focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def tab_to(page: Any, name: str, limit: int = 200) -> None:
    """Press Tab until the control whose accessible name is `name` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        label = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return e ? (e.getAttribute('aria-label') || e.textContent || '').trim() : ''; })()"
        )
        if label == name:
            return
    raise AssertionError(f"never reached {name!r} by Tab")


def test_ines_moves_and_edits_beats_by_keyboard_and_focus_follows(
    staff_devices: Any, navigator: Any, persona_password: str
) -> None:
    world = staff_devices
    shared_profiles(world)
    plans.replace_plan(world.ines, world.production.pk, world.scene.pk, PLAN)
    ines = navigator(LAPTOP)
    ines.log_in(world.ines, persona_password)
    page = ines.page
    ines.go(plan_path(world))
    wired(page, "#beat-b1 .beat-actions form")

    # Move b1 down: the keyboard lands on b1 in its new place, and the change is read out.
    tab_to(page, "Move b1 down")
    page.keyboard.press("Enter")
    expect(page.locator("#plan-notice")).to_have_text("Beat b1 moved down.")
    expect(page.locator(".beat-list > li").last).to_have_id("beat-b1")
    page.wait_for_function("id => document.activeElement?.id === id", arg="beat-b1")
    expect(page.locator("#live-announce")).to_have_text("Beat b1 moved down.")
    # The next Tab goes on inside that beat, not back to the top of the page.
    page.keyboard.press("Tab")
    assert (
        page.evaluate(
            "document.activeElement.closest('li') && document.activeElement.closest('li').id"
        )
        == "beat-b1"
    )

    # Edit b2 by keyboard: focus goes to the edit form's heading, then into its fields.
    wired(page, "#beat-b2 .beat-actions a")
    tab_to(page, "Edit b2")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "text => document.activeElement?.textContent.trim() === text", arg="Edit beat b2"
    )
    wired(page, "#edit-form")
    page.locator("#edit-zone").focus()
    page.keyboard.press("End")  # the last zone the act has
    tab_to(page, "Save beat", limit=20)
    page.keyboard.press("Enter")
    expect(page.locator("#plan-notice")).to_have_text("Beat b2 saved.")
    page.wait_for_function("id => document.activeElement?.id === id", arg="beat-b2")
    ines.assert_accessible()
    ines.screenshot("k1-ines-keyboard-laptop")
    ines.assert_no_script_errors()
