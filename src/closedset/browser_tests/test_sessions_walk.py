"""Browser walk: Ines is signed in on her phone and her laptop. From the laptop she looks at
where she is signed in, makes a read-only API token for one production, signs the phone out,
and finally signs out everywhere, which ends the laptop session and revokes the token too.
"""

from __future__ import annotations

import json
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from closedset.accounts.models import ApiToken
from closedset.accounts.services import API_TOKEN_PREFIX
from closedset.browser_tests.conftest import PHONE

SHOTS = Path(tempfile.gettempdir()) / "shots"
LAPTOP = {"width": 1366, "height": 768}
# What a phone's Chrome says about itself, so the two sessions read differently on the page.
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)

pytestmark = pytest.mark.browser


def _check(person: Any, name: str) -> None:
    person.assert_accessible()
    person.assert_no_script_errors()
    SHOTS.mkdir(exist_ok=True)
    kind = "phone" if person.page.viewport_size == PHONE else "desktop"
    path = SHOTS / f"sessions-{name}-{kind}.png"
    person.page.screenshot(path=str(path), full_page=True, caret="initial")


def _log_in_with_next_code(person: Any, user: Any, password: str) -> None:
    """Sign in with the authenticator's next code: the current one was just used on the other
    device, and a code is accepted only once."""
    page = person.page
    person.go("/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + 1)
    page.get_by_label("Code").fill(f"{code:0{device.digits}d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert "/login/" not in page.url, "login failed"


def _api_me(base_url: str, secret: str) -> tuple[int, dict[str, Any]]:
    """GET /api/v1/me as a program would: the token alone, no browser cookies."""
    url = base_url + "/api/v1/me"  # always the live test server's http:// address
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_ines_makes_a_token_signs_out_her_phone_then_everywhere(
    staff_devices: Any, navigator: Any, persona_password: str, live_server: Any
) -> None:
    world = staff_devices
    phone = navigator(PHONE)
    phone.page.context.new_cdp_session(phone.page).send(
        "Network.setUserAgentOverride", {"userAgent": ANDROID_CHROME}
    )
    phone.log_in(world.ines, persona_password)
    laptop = navigator(LAPTOP)
    _log_in_with_next_code(laptop, world.ines, persona_password)

    # On her phone the pages fit the small screen; she only looks, and goes back.
    phone.go("/")
    phone.page.get_by_role("link", name="Sessions & tokens").click()
    phone.page.wait_for_load_state()
    _check(phone, "01-list")
    phone.page.get_by_role("link", name="Sign out everywhere").click()
    phone.page.wait_for_load_state()
    assert phone.page.get_by_text("signed out on 2 devices, this one too").is_visible()
    _check(phone, "02-confirm")
    phone.page.get_by_role("link", name="No, go back").click()
    phone.page.wait_for_load_state()
    assert phone.page.get_by_role("heading", name="Where you are signed in").is_visible()
    phone.page.get_by_role("link", name="Make or revoke API tokens").click()
    phone.page.wait_for_load_state()
    _check(phone, "03-tokens-empty")

    # On the laptop: two sessions, this one marked.
    page = laptop.page
    laptop.go("/")
    page.get_by_role("link", name="Sessions & tokens").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Where you are signed in").is_visible()
    sessions = page.get_by_role("list", name="Signed-in devices").get_by_role("listitem")
    assert sessions.count() == 2
    this_device = sessions.filter(has_text="this device")
    assert this_device.count() == 1
    assert "Chrome on Linux" in this_device.inner_text()
    phone_row = sessions.filter(has_text="Chrome on Android")
    assert "this device" not in phone_row.inner_text()
    _check(laptop, "01-list")

    # A read-only token for Harbour Lights only; the secret is shown this once.
    page.get_by_role("link", name="Make or revoke API tokens").click()
    page.wait_for_load_state()
    _check(laptop, "03-tokens-empty")
    page.get_by_label("Token name").fill("Call sheet sync")
    page.get_by_label("It may").select_option(label="Read only")
    page.get_by_label("Productions").select_option(label="Only Harbour Lights")
    page.get_by_role("button", name="Create token").click()
    page.wait_for_load_state()
    secret = page.locator(".secret").inner_text().strip()
    assert secret.startswith(API_TOKEN_PREFIX)
    token = ApiToken.objects.get(user=world.ines)
    assert (token.name, token.access, token.production) == (
        "Call sheet sync",
        ApiToken.Access.READ,
        world.production,
    )
    mine = page.get_by_role("list", name="Your tokens").get_by_role("listitem")
    assert mine.count() == 1
    assert "Call sheet sync" in mine.inner_text()
    assert "only Harbour Lights" in mine.inner_text()
    _check(laptop, "04-token-created")
    laptop.go("/account/tokens/")
    assert secret not in page.content()
    assert page.locator(".secret").count() == 0
    status, me = _api_me(live_server.url, secret)
    assert status == 200
    assert me["email"] == world.ines.email

    # The phone sees the new token too (never its secret).
    phone.go("/account/sessions/")
    assert "only Harbour Lights" in phone.page.get_by_role("list", name="Your tokens").inner_text()
    assert secret not in phone.page.content()
    _check(phone, "05-list-with-token")

    # She signs the phone out from the laptop; the phone's next page is the login page.
    page.get_by_role("link", name="Sessions & tokens").click()
    page.wait_for_load_state()
    tokens = page.get_by_role("list", name="Your tokens").get_by_role("listitem")
    assert "Call sheet sync" in tokens.inner_text()
    _check(laptop, "05-list-with-token")
    phone_row.get_by_role("button", name="Sign out Chrome on Android").click()
    page.wait_for_load_state()
    assert page.get_by_text("That device is signed out.").is_visible()
    assert sessions.count() == 1
    assert sessions.filter(has_text="this device").count() == 1
    _check(laptop, "06-phone-signed-out")
    phone.go("/")
    assert "/login/" in phone.page.url
    assert phone.page.get_by_role("button", name="Log in").is_visible()

    # Sign out everywhere, after a confirmation that says what it will do.
    page.get_by_role("link", name="Sign out everywhere").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Sign out everywhere?").is_visible()
    assert page.get_by_text("You will be signed out on this device.").is_visible()
    assert page.get_by_text("Your 1 API token will stop working").is_visible()
    _check(laptop, "02-confirm")
    page.get_by_role("button", name="Yes, sign out everywhere").click()
    page.wait_for_load_state()
    assert "/login/" in page.url
    assert page.get_by_text("Signed out everywhere").is_visible()
    _check(laptop, "07-signed-out-everywhere")
    laptop.go("/account/sessions/")
    assert "/login/" in page.url
    status, _ = _api_me(live_server.url, secret)
    assert status == 401
    assert not ApiToken.objects.filter(user=world.ines).exists()
