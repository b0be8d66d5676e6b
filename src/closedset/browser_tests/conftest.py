"""Browser walks: Debian's Chromium driven by Playwright against the live test server.

Small navigator helpers keep each walk reading like the person's own path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser_tests" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium: Any) -> Iterator[Any]:
    """open_page(viewport) -> a fresh page in its own context (own cookies)."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] = PHONE) -> Any:
        context = chromium.new_context(viewport=viewport, is_mobile=viewport == PHONE)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        def on_console(message: Any) -> None:
            # Browsers ask for /favicon.ico on their own; that 404 is not the page's fault.
            if message.type == "error" and "favicon" not in message.location.get("url", ""):
                errors.append(f"{message.text} ({message.location.get('url')})")

        page.on("console", on_console)
        page.js_errors = errors  # checked by the walks: no script or CSP errors
        return page

    yield make
    for context in contexts:
        context.close()


class Navigator:
    """One person in the browser."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def go(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def log_in(self, user: Any, password: str, then: str = "") -> None:
        """Logged in with password (and second factor if asked), then on `then` if given."""
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        self.go("/login/")
        self.page.get_by_label("Email").fill(user.email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_load_state()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            # The code the person's authenticator app would show right now.
            code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
            self.page.get_by_label("Code").fill(f"{code:0{device.digits}d}")
            self.page.get_by_role("button", name="Continue").click()
            self.page.wait_for_load_state()
        assert "/login/" not in self.page.url, "login failed"
        if then:
            self.go(then)

    def open_scene(self, production: str, scene: str) -> None:
        """From the home page: the production, then the scene's plan."""
        self.go("/")
        self.page.get_by_role("link", name=production).click()
        self.page.get_by_role("link", name=re.compile(rf"^{re.escape(scene)}\b")).click()
        self.page.wait_for_load_state()

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        # caret="initial": hiding the caret leaves style="" on inputs, which htmx would
        # then copy into swapped-in elements against the CSP.
        self.page.screenshot(path=str(path), full_page=True, caret="initial")
        return path

    def assert_accessible(self) -> None:
        """axe-core on the page as it is now: no serious or critical violation."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        # axe leaves style="" on inputs it measured; htmx would copy that onto swapped-in
        # elements and the CSP (rightly) refuses it. Put the page back as it was.
        self.page.evaluate(
            "document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))"
        )
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:3])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, "\n".join(bad)

    def assert_no_script_errors(self) -> None:
        assert not self.page.js_errors, self.page.js_errors


@pytest.fixture
def navigator(live_server: Any, open_page: Any) -> Any:
    def make(viewport: dict[str, int] = PHONE) -> Navigator:
        return Navigator(open_page(viewport), live_server.url)

    return make


@pytest.fixture
def staff_devices(world: Any) -> Any:
    """Confirmed authenticators for the people whose role needs a second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from closedset.accounts import services as accounts

    for user in world.users.values():
        if accounts.needs_second_factor(user):
            TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return world


def wired(page: Any, selector: str) -> None:
    """Wait until htmx has wired up a swapped-in element.

    htmx binds new content after its settle delay (20 ms): a person is never that quick, a
    test is.
    """
    page.wait_for_function(
        "s => 'initHash' in (document.querySelector(s)?.['htmx-internal-data'] ?? {})",
        arg=selector,
    )
