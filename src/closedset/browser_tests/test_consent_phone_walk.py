"""Mara consents beat by beat on her phone (390 x 844), then withdraws one with one tap; the
producer sees the scene fall to "not agreed" without seeing who."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from closedset.browser_tests.conftest import PHONE
from closedset.consent import services
from closedset.consent.tests.conftest import (  # noqa: F401 - the consent fixtures
    CONSENT_PLAN,
    final,
    request_of,
    save_version,
    version,
)
from closedset.core.taxonomy import load_taxonomy
from closedset.rider.tests.terms import seed_rider_terms

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

ACT_IDS = [act_id for act_id in load_taxonomy().acts if "-" in act_id]
ROLE_LETTER = re.compile(r"(^|\s)[A-D](\s|[.,:;·]|$)")


def assert_plain(page: Any) -> None:
    text = page.locator("main").inner_text()
    # The rider is the rider app's text (its glosses begin "A strike ..."); checked there.
    for rider in page.locator(".rider-text").all():
        text = text.replace(rider.inner_text(), "")
    for act_id in ACT_IDS:
        assert act_id not in text, act_id
    assert not ROLE_LETTER.search(text), ROLE_LETTER.search(text)


def assert_tap_targets(page: Any) -> None:
    for item in page.locator("main a.button, main button, main input[type=radio]").all():
        if not item.is_visible():
            continue
        box = item.bounding_box()
        target = item.locator("xpath=ancestor::label[1]") if item.get_attribute("type") else None
        if target is not None and target.count():
            box = target.bounding_box()
        assert box and box["height"] >= 44, (item.inner_text() if not target else "radio", box)


def test_mara_consents_on_her_phone_and_withdraws(world, navigator, persona_password):  # noqa: F811
    seed_rider_terms(world)
    services.mark_final(world.ines, save_version(world, CONSENT_PLAN))
    services.decide(
        world.jonas,
        request_of(world.jonas).pk,
        {"b1": "consent", "b2": "consent"},
        password_or_code=persona_password,
    )
    mara = navigator(PHONE)
    mara.log_in(world.mara, persona_password)
    page = mara.page
    mara.go("/consent/")
    expect(page.get_by_text("2 beats wait for your answer")).to_be_visible()
    page.get_by_role("link", name="Read and answer").click()
    expect(page.get_by_text("Jonas slaps your buttocks, lightly").first).to_be_visible()
    assert_plain(page)
    assert_tap_targets(page)
    mara.assert_accessible()
    for radio in page.get_by_role("radio", name="Consent").all():
        radio.check()
    page.get_by_role("button", name="Continue to sign").click()
    expect(page.get_by_role("heading", name="You consent to")).to_be_visible()
    page.get_by_label("Your password", exact=True).fill(persona_password)
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_text("Signed.")).to_be_visible()
    assert services.all_consented(world.scene)
    mara.screenshot("consent-signed-phone")

    page.get_by_role("button", name="Withdraw my consent").first.click()
    expect(page.get_by_text("Withdrawn.")).to_be_visible()
    assert not services.all_consented(world.scene)
    mara.assert_no_script_errors()

    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.petra, name="phone", confirmed=True)
    petra = navigator(PHONE)
    petra.log_in(world.petra, persona_password)
    petra.go(f"/consent/{world.production.pk}/scenes/{world.scene.pk}/")
    text = petra.page.locator("main").inner_text()
    assert "not agreed" in text
    assert "Mara" not in text and "withdr" not in text.lower()
