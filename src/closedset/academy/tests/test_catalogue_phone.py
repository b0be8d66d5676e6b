"""On a phone (390×844): the catalogue, a cohort and the application form fit the screen,
and a signed-out person applies there without script or policy errors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]


@pytest.fixture
def phone(live_server: Any) -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport=PHONE, is_mobile=True)
        context.set_default_timeout(10_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda m: (
                errors.append(m.text)
                if m.type == "error" and "favicon" not in m.location.get("url", "")
                else None
            ),
        )
        page.js_errors = errors
        page.base = live_server.url
        yield page
        browser.close()


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
