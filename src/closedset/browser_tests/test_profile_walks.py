"""Mara's path through her boundary profile: she fills it in, reviews it, is warned before
sharing it empty, shares it; then compares two versions, brings an old one back and downloads
her PDF. On her phone and on a desktop."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from closedset.boundaries import services as boundaries
from closedset.boundaries.tests.test_services import end_sitting
from closedset.browser_tests.conftest import PHONE, wired

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 900}


def small_tap_targets(page: Any) -> list[str]:
    """Controls in the profile pages shorter than 44px (visible ones)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
              '.boundaries a, .boundaries button, .boundaries select, .boundaries summary,'
              + ' .boundaries label.choice')]
            .filter(e => e.offsetParent !== null)
            .filter(e => e.getBoundingClientRect().height < 44)
            .map(e => (e.textContent || e.name || '').trim().slice(0, 60))"""
    )


def check(person: Any, name: str) -> None:
    """Every stop of the walk: axe-clean, big enough to tap, no script errors; a screenshot."""
    person.assert_accessible()
    assert small_tap_targets(person.page) == [], name
    person.assert_no_script_errors()
    person.screenshot(name)


def answer(page: Any, group: str, row: str, label: str) -> None:
    details = page.locator(f"#cat-{group}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    wired(page, f"#row-{row}")
    target = page.locator(f"#row-{row}")
    target.get_by_role("radio", name=label, exact=True).check()
    expect(target.locator(".row-status")).to_have_text(f"Saved: {label}.")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_mara_fills_in_reviews_and_shares_her_profile(
    world: Any, navigator: Any, persona_password: str, viewport: dict[str, int]
) -> None:
    size = "phone" if viewport == PHONE else "desktop"
    mara = navigator(viewport)
    mara.log_in(world.mara, persona_password)
    page = mara.page
    mara.go("/boundaries/")
    expect(page.locator('.path [aria-current="step"]')).to_contain_text("Fill in")
    # Closed groups carry no acts: they come when a group is opened.
    expect(page.locator(".answer-row")).to_have_count(0)
    check(mara, f"profile-1-profile-empty-{size}")

    # Sharing with nothing answered asks first.
    page.get_by_role("link", name="Sharing").first.click()
    page.get_by_role("button", name="Share with Harbour Lights").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Share a profile with nothing answered?"
    )
    expect(page.get_by_role("alert")).to_contain_text("Ines will see an empty profile")
    check(mara, f"profile-2-share-empty-warning-{size}")
    page.get_by_role("link", name="Fill in my answers first").click()
    assert not boundaries.is_shared(world.mara, world.production)

    # Open a group from the keyboard: its acts load and focus stays where it was.
    summary = page.locator("#cat-impact > summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#row-slap-receive")).to_be_visible()
    expect(summary).to_be_focused()
    answer(page, "impact", "slap-receive", "Yes")
    expect(page.locator("#answer-slap-receive-yes")).to_be_focused()
    answer(page, "kissing", "kiss-give", "Yes")
    answer(page, "nudity", "nudity-topless-self", "No")
    expect(page.locator("#count-nudity")).to_have_text("1 of 6 answered")
    check(mara, f"profile-3-profile-answers-{size}")

    # Kissing a partner: only with Jonas, chosen by name from a list.
    page.locator("#row-kiss-give").get_by_role("link", name="Zones, intensity").click()
    page.get_by_role("checkbox", name="Jonas").check()
    check(mara, f"profile-4-kiss-partners-{size}")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#row-kiss-give .detail-summary")).to_contain_text("only with Jonas")

    # Review: her answers in sentences, then on to sharing.
    page.get_by_role("link", name="Next: review your answers").click()
    expect(page.locator('.path [aria-current="step"]')).to_contain_text("Review")
    review = page.locator("main")
    expect(review).to_contain_text("You say no to topless nudity.")
    expect(review).to_contain_text("You say yes to kiss, done by you to a partner.")
    expect(review).to_contain_text("Only with Jonas.")
    check(mara, f"profile-5-review-{size}")
    page.get_by_role("link", name="Next: share with your production").click()
    page.get_by_role("button", name="Share with Harbour Lights").click()
    expect(page.get_by_text("Shared since")).to_be_visible()
    expect(page.locator('.path [aria-current="step"]')).to_contain_text("shared with 1 of 1")
    check(mara, f"profile-6-shared-{size}")

    # One sitting made one version.
    assert [v.number for v in boundaries.my_versions(world.mara)] == [1]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_mara_compares_two_versions_restores_one_and_downloads_her_pdf(
    world: Any, navigator: Any, persona_password: str, viewport: dict[str, int]
) -> None:
    size = "phone" if viewport == PHONE else "desktop"
    boundaries.set_answer(world.mara, "slap", "receive", "yes")
    boundaries.set_answer(world.mara, "kiss", "give", "yes")
    end_sitting(world.mara)
    mara = navigator(viewport)
    mara.log_in(world.mara, persona_password)
    page = mara.page
    # A later sitting: the slap becomes a no.
    mara.go("/boundaries/?open=impact")
    answer(page, "impact", "slap-receive", "No")

    page.get_by_role("link", name="History").first.click()
    versions = page.locator(".version")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("You now say no to slap, done to you.")
    check(mara, f"profile-7-history-{size}")

    page.get_by_label("From version").select_option("1")
    page.get_by_label("To version").select_option("2")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", name="From version 1 to version 2")).to_be_visible()
    expect(page.locator(".changes")).to_have_text("You now say no to slap, done to you.")
    check(mara, f"profile-8-compare-{size}")

    page.get_by_role("button", name="Bring back version 1").click()
    expect(page.locator(".messages")).to_contain_text("Version 1 is back: it is now version 3")
    expect(versions).to_have_count(3)
    expect(versions.first).to_contain_text("brought back from version 1")
    expect(versions.first).to_contain_text("You now say yes to slap, done to you.")
    check(mara, f"profile-9-restored-{size}")
    profile, number = boundaries.my_profile(world.mara)
    assert number == 3 and profile.boundary("slap", "receive").answer == "yes"

    # Her own PDF, from the review page.
    page.get_by_role("link", name="Review", exact=True).click()
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download your profile as a PDF").click()
    download = caught.value
    assert download.suggested_filename == "my-boundaries.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    mara.assert_no_script_errors()


def test_without_scripts_mara_opens_a_group_and_answers_by_link_and_button(
    world: Any, chromium: Any, live_server: Any, persona_password: str
) -> None:
    """No htmx: the group's link opens it, Save saves, and she lands back at the act."""
    from closedset.browser_tests.conftest import Navigator

    context = chromium.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.js_errors = []
        mara = Navigator(page, live_server.url)
        mara.log_in(world.mara, persona_password)
        mara.go("/boundaries/")
        # Opening the group shows a link to its acts (with scripts they would just load).
        page.locator("#cat-impact > summary").click()
        page.get_by_role("link", name="Show the acts in impact (slaps, spanks)").click()
        row = page.locator("#row-slap-receive")
        row.get_by_role("radio", name="Maybe", exact=True).check()
        row.get_by_role("button", name="Save").click()
        assert page.url.endswith("/boundaries/?open=impact#act-slap")
        expect(page.locator("#row-slap-receive input[value=maybe]")).to_be_checked()
        expect(page.locator("#count-impact")).to_have_text("1 of 16 answered")
        # axe needs scripts to run; the same page is checked by the walks above.
        mara.screenshot("profile-10-no-scripts-phone")
    finally:
        context.close()
    assert boundaries.my_profile(world.mara)[0].boundary("slap", "receive").answer == "maybe"
