"""On a phone (390×844): a graduate lists herself, a producer finds and books her, she
accepts. Every page tappable, with no serious axe finding and no script error."""

from __future__ import annotations

from typing import Any

import pytest

from closedset.browser_tests.conftest import PHONE, Navigator
from closedset.browser_tests.test_access_walks import check_page
from closedset.productions.models import Membership, Role
from closedset.registry.models import Booking
from closedset.registry.tests.helpers import certify

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def ana(academy: Any, world: Any) -> Any:
    """Ana graduated from the academy's spring cohort; her certificate is valid."""
    user = academy.applicants["ana"]
    user.certificate = certify(user, academy.cohort)
    return user


def test_a_producer_books_a_graduate_on_a_phone(
    staff_devices: Any,
    ana: Any,
    navigator: Any,
    persona_password: str,
) -> None:
    world = staff_devices
    graduate: Navigator = navigator(PHONE)
    graduate.log_in(ana, persona_password)
    check_page(graduate, "/registry/listing/")
    page = graduate.page
    page.get_by_label("Name producers see").fill("Ana Lima")
    page.get_by_label("Português (Portuguese)").check()
    page.get_by_label("English", exact=True).check()
    page.get_by_label("Where you work").fill("Porto")
    page.get_by_label("Adult").check()
    page.get_by_label("Available", exact=True).check()
    page.get_by_role("button", name="List me").click()
    page.wait_for_load_state()
    assert "Producers can find you now" in page.content()
    graduate.screenshot("registry-listing-phone")

    producer: Navigator = navigator(PHONE)
    producer.log_in(world.petra, persona_password, then="/registry/")
    check_page(producer, "/registry/")
    producer.page.locator("#id_language").select_option("pt")
    producer.page.get_by_role("button", name="Search").click()
    producer.page.wait_for_load_state()
    producer.screenshot("registry-search-phone")
    producer.page.get_by_role("link", name="Ana Lima").click()
    producer.page.wait_for_load_state()
    check_page(producer, producer.page.url.removeprefix(producer.base_url))
    producer.page.get_by_label("Message (optional)").fill("Three days in May, in Porto.")
    producer.page.get_by_role("button", name="Send the request").click()
    producer.page.wait_for_load_state()
    assert "Your request is sent" in producer.page.content()
    producer.screenshot("registry-request-phone")

    booking = Booking.objects.get()
    graduate.go("/registry/bookings/")
    check_page(graduate, "/registry/bookings/")
    graduate.page.get_by_role("link", name="Harbour Lights").click()
    graduate.page.wait_for_load_state()
    check_page(graduate, f"/registry/bookings/{booking.pk}/")
    graduate.screenshot("registry-answer-phone")
    graduate.page.get_by_role("button", name="Accept").click()
    graduate.page.wait_for_load_state()
    assert Membership.objects.filter(
        user=ana, production=world.production, role=Role.COORDINATOR
    ).exists()
    producer.go("/registry/bookings/")
    check_page(producer, "/registry/bookings/")
    assert "Accepted" in producer.page.content()
    graduate.assert_no_script_errors()
    producer.assert_no_script_errors()
