"""Browser walk: a coordinator adds a passkey on her account page, signs out, and at the next
sign-in confirms it is her with the passkey instead of a code.

Chromium's virtual authenticator (through the DevTools protocol) stands in for the phone or
laptop that holds the passkey.
"""

from __future__ import annotations

from typing import Any

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from closedset.browser_tests.conftest import LAPTOP, PHONE

pytestmark = pytest.mark.browser


def _virtual_authenticator(page: Any) -> Any:
    """A platform authenticator that holds passkeys and always confirms the person."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "desktop"])
def test_ines_adds_a_passkey_and_signs_in_with_it(
    staff_devices: Any,
    navigator: Any,
    persona_password: str,
    live_server: Any,
    settings: Any,
    viewport: dict[str, int],
) -> None:
    world = staff_devices
    # The live server's port changes per run: passkeys are made for exactly this origin.
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url.replace("127.0.0.1", "localhost")]
    ines = navigator(viewport)
    ines.base_url = settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0]
    page = ines.page
    _virtual_authenticator(page)

    # Signed in with password and code, she adds a passkey from her account page.
    ines.log_in(world.ines, persona_password)
    ines.go("/account/")
    assert page.get_by_text("None yet.").is_visible()
    page.get_by_role("button", name="Add a passkey").click()
    # The page shows itself again with the new passkey listed.
    page.get_by_role("button", name="Remove this passkey").wait_for()
    assert page.get_by_text("Passkey added").is_visible()
    assert WebAuthnCredential.objects.filter(user=world.ines, confirmed=True).count() == 1
    ines.assert_accessible()
    ines.assert_no_script_errors()

    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()

    # At the next sign-in the password is followed by the passkey, not a code.
    ines.go("/login/")
    page.get_by_label("Email").fill(world.ines.email)
    page.get_by_label("Password").fill(persona_password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/account/second-factor/" in page.url
    ines.assert_accessible()
    with page.expect_navigation():
        page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_load_state()
    assert "/second-factor/" not in page.url and "/login/" not in page.url
    ines.go("/account/")
    assert page.get_by_role("heading", name="Your account").is_visible()
    passkey = WebAuthnCredential.objects.get(user=world.ines)
    assert passkey.last_used_at is not None
    ines.assert_no_script_errors()
