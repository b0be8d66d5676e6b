"""Browser walks through the people pages: login, second factor, production, invitations."""

from __future__ import annotations

import re

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from closedset.accounts.models import User
from closedset.browser_tests.conftest import PHONE


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_petra_enrols_adds_a_scene_and_invites_a_performer_who_joins(
    world, navigator, persona_password
):
    petra = navigator(PHONE)
    petra.go("/login/")
    petra.assert_accessible()
    petra.page.get_by_label("Email").fill(world.petra.email)
    petra.page.get_by_label("Password").fill(persona_password)
    petra.page.get_by_role("button", name="Log in").click()
    petra.page.wait_for_load_state()

    # A producer must enrol an authenticator before anything else.
    assert "/account/second-factor/setup/" in petra.page.url
    assert petra.page.locator("figure.qr svg").is_visible()
    petra.assert_accessible()
    device = TOTPDevice.objects.get(user=world.petra)
    petra.page.get_by_label("6-digit code").fill(_code(device))
    petra.page.get_by_role("button", name="Confirm").click()
    petra.page.wait_for_load_state()
    # Her recovery codes are shown once; she saves them and goes on.
    assert petra.page.locator("ul.codes code").count() == 10
    petra.page.get_by_role("link", name="I have saved my codes").click()
    petra.page.wait_for_load_state()
    assert "Your productions" in petra.page.title()
    petra.assert_accessible()

    petra.page.get_by_role("link", name="Harbour Lights").click()
    petra.page.get_by_label("Scene number").fill("14")
    petra.page.get_by_label("Title").fill("The dock")
    petra.page.get_by_role("button", name="Add scene").click()
    petra.page.wait_for_load_state()
    assert petra.page.get_by_text("Scene 14 added.").is_visible()
    petra.assert_accessible()

    petra.page.get_by_role("link", name="Invite people").click()
    petra.page.get_by_label("Email").fill("nell@example.org")
    petra.page.get_by_label("Role").select_option("performer")
    petra.page.get_by_role("button", name="Create invitation").click()
    petra.page.wait_for_load_state()
    petra.assert_accessible()
    link = petra.page.locator("code.secret").inner_text()
    assert re.search(r"/invite/[^/]+/$", link)
    petra.assert_no_script_errors()

    nell = navigator(PHONE)
    nell.page.goto(link)
    assert nell.page.get_by_text("You are invited as").is_visible()
    nell.assert_accessible()
    nell.page.get_by_label("Your name").fill("Nell")
    nell.page.get_by_label("Handle").fill("nell")
    nell.page.get_by_label("Password").fill(persona_password)
    nell.page.get_by_role("button", name="Accept").click()
    nell.page.wait_for_load_state()
    assert nell.page.get_by_role("heading", name="Harbour Lights").is_visible()
    assert User.objects.filter(handle="nell").exists()
    nell.assert_accessible()
    nell.assert_no_script_errors()

    # The link worked once.
    again = navigator(PHONE)
    again.page.goto(link)
    assert again.page.get_by_text("already been used").is_visible()
