"""On a phone (390×844): the catalogue, a cohort and the application form fit the screen,
and a signed-out person applies there without script or policy errors."""

from __future__ import annotations

from typing import Any

import pytest

from closedset.browser_tests.conftest import PHONE


@pytest.fixture
def phone(live_server: Any, open_page: Any) -> Any:
    """A phone's page in the walks' shared Chromium, with its script errors collected."""
    page = open_page(PHONE)
    page.base = live_server.url
    return page


def fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_person_applies_on_a_phone(academy, phone, mailoutbox):
    from closedset.academy.models import Application

    page = phone
    page.goto(page.base + "/academy/")
    fits(page)
    page.get_by_role("link", name=academy.course.title).click()
    page.wait_for_load_state()
    fits(page)
    page.get_by_role("link", name="Apply to this cohort").click()
    page.wait_for_load_state()
    fits(page)
    page.get_by_label("Your name").fill("Eva Horváth")
    page.get_by_label("E-mail address").fill("eva@example.org")
    page.get_by_label("Password").fill("a long enough password 42")
    page.get_by_label("Full name").fill("Eva Horváth")
    page.get_by_label("Your background").fill("Stage manager for eight years.")
    page.get_by_label("Why you want to take part").fill("Sets where no is safe to say.")
    page.get_by_label("Yes, a partial scholarship").check()
    page.get_by_label("Why you ask for a scholarship").fill("I work part time.")
    page.get_by_role("button", name="Send my application").click()
    page.wait_for_load_state()
    assert "/account/" in page.url  # the "check your e-mail" page
    fits(page)
    assert not page.js_errors, page.js_errors
    application = Application.objects.get(email="eva@example.org")
    assert application.scholarship == "partial"
