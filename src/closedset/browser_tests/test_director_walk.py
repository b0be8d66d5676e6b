"""The director proposes, the coordinator decides and releases, the director reads two states.

Dario proposes a topless beat for Mara and a slap to her face. Before Ines releases a version
he sees no status at all; after, both beats read "not cleared" — exactly as they read when
Jonas is the one who refuses them.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from closedset.boundaries import services as boundaries
from closedset.browser_tests.conftest import LAPTOP, PHONE, wired
from closedset.browser_tests.test_walks import plan_path
from closedset.plans import services as plans

pytestmark = pytest.mark.django_db(transaction=True)

SENT = "Sent to the coordinator as a proposal"


def answers(world: Any, mara: list[dict[str, Any]], jonas: list[dict[str, Any]]) -> None:
    for user, entries, name in ((world.mara, mara, "Mara K."), (world.jonas, jonas, "Jonas R.")):
        boundaries.replace_profile(
            user, {"performer": user.handle, "name": name, "boundaries": entries}
        )
        boundaries.share(user, world.production.pk)


REFUSES = [
    {"act": "nudity-topless", "direction": "self", "answer": "no"},
    {"act": "slap", "direction": "receive", "answer": "yes", "zones": {"face": "no"}},
]
AGREES = [
    {"act": "nudity-topless", "direction": "self", "answer": "yes"},
    {"act": "slap", "direction": "give", "answer": "yes"},
]


def propose_beat(page: Any, act: str, by: str, to: str = "", zone: str = "") -> None:
    wired(page, "#add-act")
    form = page.locator("#add-form")
    form.get_by_label("Act").select_option(act)
    if zone:
        expect(form.locator(f'#add-zone option[value="{zone}"]')).to_have_count(1)
        form.get_by_label("Body zone").select_option(zone)
    else:
        expect(form.locator("#add-zone")).to_contain_text("No zone")
    form.get_by_label("Done by").select_option(by)
    if to:
        form.get_by_label(to, exact=True).check()
    form.get_by_role("button", name="Propose").click()
    expect(page.get_by_text(SENT)).to_be_visible()


def test_the_director_proposes_and_reads_not_cleared_whoever_refused(
    staff_devices: Any, navigator: Any, persona_password: str
) -> None:
    world = staff_devices
    ids = (world.production.pk, world.scene.pk)
    answers(world, REFUSES, [{"act": "slap", "direction": "give", "answer": "yes"}])
    plans.cast_role(world.ines, *ids, "A", "mara")
    plans.cast_role(world.ines, *ids, "B", "jonas")

    # Dario proposes; he sees his proposals waiting and nothing of any check.
    dario = navigator(LAPTOP)
    dario.log_in(world.dario, persona_password)
    page = dario.page
    dario.go(plan_path(world))
    expect(page.locator("#plan-status")).to_contain_text("has not released a version")
    propose_beat(page, "nudity-topless", "A")
    propose_beat(page, "slap", "B", "A", "face")
    proposals = page.locator(".proposal-list")
    expect(proposals.locator("li")).to_have_count(2)
    expect(proposals).to_contain_text("waiting for the coordinator")
    body = page.content()
    for secret in ("data-status", "blocked", "needs discussion", "not cleared (", "hard limit"):
        assert secret not in body
    dario.assert_accessible()
    dario.screenshot("d1-dario-proposes-laptop")
    dario.assert_no_script_errors()

    # Ines sees both proposals with their author, accepts them and releases the plan.
    ines = navigator(LAPTOP)
    ines.log_in(world.ines, persona_password)
    ines.go(plan_path(world))
    waiting = ines.page.locator(".proposals .proposal-open")
    expect(waiting).to_have_count(2)
    expect(waiting.first).to_contain_text("proposed by Dario")
    expect(waiting.nth(1)).to_contain_text("proposed by Dario")
    ines.assert_accessible()
    ines.screenshot("d2-ines-sees-proposals-laptop")
    for left in (1, 0):
        wired(ines.page, ".proposals .proposal-open form")
        ines.page.locator(".proposals .proposal-open").first.get_by_role(
            "button", name="Accept"
        ).click()
        expect(waiting).to_have_count(left)
        expect(ines.page.locator("#plan-notice")).to_have_text("Proposal accepted.")
    expect(ines.page.locator("#beat-b1 .badge")).to_have_text("blocked")
    wired(ines.page, ".release form")
    ines.page.get_by_role("button", name="Release this plan to the director").click()
    expect(ines.page.locator("#plan-notice")).to_contain_text("released to the director")
    ines.screenshot("d3-ines-desk-laptop")
    ines.assert_no_script_errors()

    # Dario: both beats not cleared, nothing about whom or why.
    page.reload()
    badges = page.locator(".beat-list .badge")
    expect(badges).to_have_count(2)
    expect(badges.nth(0)).to_have_text("not cleared (talk to the coordinator)")
    expect(badges.nth(1)).to_have_text("not cleared (talk to the coordinator)")
    mara_refused = page.locator(".beat-list").inner_text()
    for secret in ("hard limit", "Mara said", "no to", "maybe", "blocked"):
        assert secret not in mara_refused
    dario.assert_accessible()
    dario.screenshot("d4-dario-released-laptop")

    # Now Jonas, cast as A, is the one who refuses; Mara agrees. Ines releases again.
    answers(world, AGREES, REFUSES)
    plans.cast_role(world.ines, *ids, "A", "")
    plans.cast_role(world.ines, *ids, "B", "mara")
    plans.cast_role(world.ines, *ids, "A", "jonas")
    plans.release(world.ines, *ids)
    page.reload()
    expect(page.locator("#released-h")).to_have_text("Released version 2")
    assert page.locator(".beat-list").inner_text() == mara_refused

    # And on his phone (the same session: a second sign-in would reuse the same code).
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator(".beat-list .badge").first).to_have_text(
        "not cleared (talk to the coordinator)"
    )
    dario.assert_accessible()
    dario.screenshot("d5-dario-released-phone")
    dario.assert_no_script_errors()


def visible_controls(page: Any) -> int:
    return int(
        page.evaluate(
            "() => [...document.querySelectorAll('button, select, input, textarea')]"
            ".filter(e => e.offsetParent !== null && e.type !== 'hidden').length"
        )
    )


def test_printed_plans_carry_no_controls_and_the_directors_carries_no_check(
    staff_devices: Any, navigator: Any, persona_password: str
) -> None:
    from closedset.plans.tests.scenario import JONAS, MARA, PLAN

    world = staff_devices
    ids = (world.production.pk, world.scene.pk)
    for user, data in ((world.mara, MARA), (world.jonas, JONAS)):
        boundaries.replace_profile(user, data)
        boundaries.share(user, world.production.pk)
    plans.replace_plan(world.ines, *ids, PLAN)
    plans.release(world.ines, *ids)

    ines = navigator(LAPTOP)
    ines.log_in(world.ines, persona_password)
    ines.go(plan_path(world))
    ines.page.emulate_media(media="print")
    assert visible_controls(ines.page) == 0
    # The coordinator's copy keeps what she prints it for: the reasons and the cast's profiles.
    expect(ines.page.locator("#beat-b2 .findings")).to_be_visible()
    expect(ines.page.locator(".desk-cast")).to_be_visible()
    expect(ines.page.locator("section.cast")).to_contain_text("Role A: Mara")
    ines.screenshot("p1-ines-plan-printed")

    dario = navigator(LAPTOP)
    dario.log_in(world.dario, persona_password)
    dario.go(plan_path(world))
    dario.page.emulate_media(media="print")
    assert visible_controls(dario.page) == 0
    printed = dario.page.locator("main").inner_text()
    assert "not cleared (talk to the coordinator)" in printed
    for secret in ("hard limit", "left ear", "blocked", "Propose"):
        assert secret not in printed
    dario.screenshot("p2-dario-plan-printed")
