"""Browser walks through the people pages: login, second factor, production, invitations."""

from __future__ import annotations

import re

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from closedset.accounts.models import User
from closedset.boundaries import services as boundaries
from closedset.boundaries.tests.authz import MARA_PROFILE
from closedset.browser_tests.conftest import PHONE
from closedset.productions import services as productions


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_petra_enrols_adds_a_scene_and_invites_a_performer_who_joins(
    world, navigator, persona_password, mailoutbox
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
    petra.page.get_by_role("button", name="Send invitation").click()
    petra.page.wait_for_load_state()
    assert petra.page.get_by_text("Invitation sent to nell@example.org.").is_visible()
    petra.assert_accessible()
    # The link went to Nell's inbox; Petra's page never shows it.
    [mail] = mailoutbox
    assert mail.to == ["nell@example.org"]
    link = re.search(r"https?://\S+/invite/[^/\s]+/", mail.body).group(0)
    assert "/invite/" not in petra.page.content()
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


def test_mara_is_told_of_a_new_coordinator_and_confirms_her(
    world, navigator, persona_password, mailoutbox
):
    boundaries.replace_profile(world.mara, MARA_PROFILE)
    boundaries.share(world.mara, world.production.pk)
    _, key = productions.invite(
        world.petra, world.production, email="nina@example.org", role="coordinator"
    )
    nina = productions.accept_invitation(
        key, None, display_name="Nina", handle="nina", password=persona_password
    )
    # Besides the notices of her own share: the mail that a new coordinator joined.
    [mail] = [m for m in mailoutbox if "Nina" in m.body]
    assert mail.to == ["mara@example.org"]

    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password)
    mara.go("/boundaries/sharing/")
    notice = mara.page.locator(".waiting")
    assert notice.get_by_text("New since you shared").is_visible()
    assert notice.get_by_text(re.compile(r"Nina \(intimacy coordinator\), joined")).is_visible()
    assert not boundaries.covers(world.mara, world.production, nina)
    mara.assert_accessible()
    mara.screenshot("p2-mara-new-coordinator-phone")
    mara.page.get_by_role("button", name="Confirm Nina").click()
    mara.page.wait_for_load_state()
    assert mara.page.get_by_text(re.compile(r"Seen by: Ines .*; Nina")).is_visible()
    assert mara.page.locator(".waiting").count() == 0
    assert boundaries.covers(world.mara, world.production, nina)
    mara.assert_no_script_errors()


def test_petra_asks_for_a_one_person_crew_and_mara_agrees(
    staff_devices, navigator, persona_password
):
    world = staff_devices
    petra = navigator(PHONE)
    petra.log_in(world.petra, persona_password)
    petra.go(f"/p/{world.production.pk}/")
    petra.page.get_by_role("link", name="One-person crew").click()
    petra.assert_accessible()
    petra.page.get_by_role("button", name="Ask for a one-person crew").click()
    petra.page.wait_for_load_state()
    assert petra.page.get_by_text("Every performer has agreed: not yet").is_visible()

    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password)
    mara.go(f"/p/{world.production.pk}/")
    mara.page.get_by_role("link", name=re.compile("asks for your agreement")).click()
    mara.assert_accessible()
    mara.page.get_by_role("button", name="I agree").click()
    mara.page.wait_for_load_state()
    assert mara.page.get_by_role("button", name="Withdraw my agreement").is_visible()
    mara.assert_no_script_errors()
    petra.assert_no_script_errors()
