"""Browser walks through a person's own account: reset a forgotten password from the mailed
link, add a second factor, keep the recovery codes, and sign in with one when the phone is gone.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from closedset.accounts import services
from closedset.browser_tests.conftest import LAPTOP, PHONE

SHOTS = Path(tempfile.gettempdir()) / "shots"
NEW_PASSWORD = secrets.token_urlsafe(16)  # made per run; nothing secret is written down

pytestmark = pytest.mark.browser


def _shot(person, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    width = person.page.viewport_size["width"]
    person.page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True, caret="initial")


def _check(person, name: str) -> None:
    person.assert_accessible()
    person.assert_no_script_errors()
    _shot(person, name)


def _link_in_last_mail() -> str:
    match = re.search(r"https?://\S+", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "desktop"])
def test_mara_resets_her_password_adds_a_factor_and_uses_a_recovery_code(
    world, navigator, viewport
):
    cache.clear()
    mail.outbox.clear()
    mara = navigator(viewport)
    page = mara.page

    # She forgot her password.
    mara.go("/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_load_state()
    _check(mara, "01-reset-ask")
    page.get_by_label("Email").fill("Mara@Example.org")
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()
    _check(mara, "02-reset-sent")

    assert mail.outbox[-1].to == ["mara@example.org"]
    page.goto(_link_in_last_mail())
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Choose a new password").is_visible()
    _check(mara, "03-reset-choose")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save new password").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Your password is changed").is_visible()
    _check(mara, "04-reset-done")

    # Signed in with the new password, she adds a second factor from her account page.
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill("mara@example.org")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "Your productions" in page.title()
    page.get_by_role("link", name="Account").click()
    page.wait_for_load_state()
    _check(mara, "05-account")
    page.get_by_role("link", name="Add a second factor").click()
    page.wait_for_load_state()
    assert page.get_by_text("It is your choice").is_visible()
    _check(mara, "06-factor-setup")
    device = TOTPDevice.objects.get(user=world.mara)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("6-digit code").fill(f"{code:06d}")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()

    # Her recovery codes, once.
    codes = page.locator("ul.codes code").all_inner_texts()
    assert len(set(codes)) == 10
    _check(mara, "07-recovery-codes")
    page.get_by_role("link", name="I have saved my codes").click()
    page.wait_for_load_state()
    assert "Your productions" in page.title()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()

    # Her phone is gone: a recovery code lets her in, once.
    page.get_by_label("Email").fill("mara@example.org")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Enter your code").is_visible()
    _check(mara, "08-factor-verify")
    page.get_by_role("link", name="Lost your phone? Use a recovery code").click()
    page.wait_for_load_state()
    _check(mara, "09-recovery-code")
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert "Your productions" in page.title()
    assert page.get_by_text("You signed in with a recovery code").is_visible()
    _check(mara, "10-signed-in-with-code")
    assert services.recovery_codes_left(world.mara) == 9


def test_a_new_person_confirms_their_address_first(world, navigator, persona_password):
    cache.clear()
    mail.outbox.clear()
    services.create_user(
        email="nell@example.org", display_name="Nell", handle="nell", password=persona_password
    )
    for viewport in (PHONE, LAPTOP):
        nell = navigator(viewport)
        nell.go("/login/")
        nell.page.get_by_label("Email").fill("nell@example.org")
        nell.page.get_by_label("Password").fill(persona_password)
        nell.page.get_by_role("button", name="Log in").click()
        nell.page.wait_for_load_state()
        assert nell.page.get_by_role("heading", name="Check your e-mail").is_visible()
        _check(nell, "11-check-your-email")
    # One link was sent unasked, however often she looks; she opens it.
    assert len(mail.outbox) == 1
    nell.page.goto(_link_in_last_mail())
    _check(nell, "12-confirm-address")
    nell.page.get_by_role("button", name="Confirm").click()
    nell.page.wait_for_load_state()
    assert "Your productions" in nell.page.title()
    assert nell.page.get_by_text("your e-mail address is confirmed").is_visible()
    nell.assert_no_script_errors()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "desktop"])
def test_mara_changes_her_password_from_her_account(world, navigator, persona_password, viewport):
    cache.clear()
    mail.outbox.clear()
    mara = navigator(viewport)
    mara.log_in(world.mara, persona_password)
    page = mara.page
    page.get_by_role("link", name="Account").first.click()
    page.get_by_role("link", name="Change your password").click()
    page.wait_for_load_state()
    _check(mara, "21-password-change")
    page.locator("input[name=old_password]").fill(persona_password)
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    _check(mara, "22-password-changed")
    world.mara.refresh_from_db()
    assert world.mara.check_password(NEW_PASSWORD)
    # A notice goes to her address, in case it was not her.
    assert mail.outbox[-1].to == ["mara@example.org"]
