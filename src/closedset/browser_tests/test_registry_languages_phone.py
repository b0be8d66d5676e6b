"""On a phone (390×844) a coordinator ticks the languages she works in by their names."""

from __future__ import annotations

from typing import Any

import pytest

from closedset.browser_tests.conftest import PHONE, Navigator
from closedset.registry.models import Listing
from closedset.registry.tests.helpers import certify


@pytest.fixture
def ana(academy: Any, world: Any) -> Any:
    """Ana graduated from the academy's spring cohort; her certificate is valid."""
    user = academy.applicants["ana"]
    user.certificate = certify(user, academy.cohort)
    return user


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_languages_are_ticked_by_their_names(
    staff_devices: Any,
    ana: Any,
    navigator: Any,
    persona_password: str,
) -> None:
    graduate: Navigator = navigator(PHONE)
    graduate.log_in(ana, persona_password)
    graduate.go("/registry/listing/")
    page = graduate.page
    page.get_by_label("Name producers see").fill("Ana Lima")
    page.get_by_label("Adult").check()
    page.get_by_label("Available", exact=True).check()
    page.get_by_label("Português (Portuguese)").check()
    page.get_by_label("English", exact=True).check()
    page.get_by_text("More languages").click()
    page.get_by_label("Kiswahili (Swahili)").check()
    graduate.screenshot("registry-languages-phone")
    boxes = page.locator("#id_languages .registry-language-grid").first.bounding_box()
    assert boxes and boxes["width"] <= 390
    page.get_by_role("button", name="List me").click()
    page.wait_for_load_state()
    assert "Producers can find you now" in page.content()
    listing = Listing.objects.get(user=ana)
    assert set(listing.language_codes) == {"en", "pt", "sw"}
