from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from closedset.accounts import services as accounts


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _password_login(world, handle, password) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": f"{handle}@example.org", "password": password}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_a_coordinator_must_enrol_before_any_page(world, persona_password):
    client = _password_login(world, "ines", persona_password)
    response = client.get(reverse("productions:production", args=[world.production.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))


def test_enrolment_with_a_real_code_opens_the_pages(world, persona_password, settings):
    # Throttling after a wrong code is on in production; here the right code follows at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = _password_login(world, "petra", persona_password)
    page = client.get(reverse("accounts:otp_setup"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=world.petra)
    assert not device.confirmed
    wrong = client.post(
        reverse("accounts:otp_setup"), {"code": "000000" if _code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert "did not match" in wrong.content.decode()
    response = client.post(reverse("accounts:otp_setup"), {"code": _code(device)})
    assert response.status_code == 200  # the recovery codes, shown once
    assert "Recovery codes" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("productions:home")).status_code == 200


def test_an_enrolled_coordinator_verifies_at_each_login(world, persona_password):
    device = TOTPDevice.objects.create(user=world.ines, name="app", confirmed=True)
    client = _password_login(world, "ines", persona_password)
    response = client.get(reverse("productions:home"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    response = client.post(
        reverse("accounts:otp_verify") + "?next=/", {"code": _code(device), "next": "/"}
    )
    assert response.status_code == 302
    assert client.get(reverse("productions:home")).status_code == 200


def test_a_performer_may_skip_the_second_factor(world, persona_password):
    client = _password_login(world, "mara", persona_password)
    assert client.get(reverse("productions:home")).status_code == 200


def test_a_performer_who_enrolled_is_asked_for_the_code(world, persona_password):
    TOTPDevice.objects.create(user=world.mara, name="app", confirmed=True)
    client = _password_login(world, "mara", persona_password)
    assert client.get(reverse("productions:home"))["Location"].startswith(
        reverse("accounts:otp_verify")
    )


def test_an_unverified_staff_session_gets_no_api(world, persona_password):
    client = _password_login(world, "cora", persona_password)
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert "second factor" in response.json()["detail"]


@pytest.mark.parametrize("handle", ["ines", "dario", "petra", "cora", "oscar"])
def test_every_role_but_performer_needs_the_second_factor(world, handle):
    assert accounts.needs_second_factor(world.users[handle])


@pytest.mark.parametrize("handle", ["mara", "jonas"])
def test_performers_are_never_forced(world, handle):
    assert not accounts.needs_second_factor(world.users[handle])


def test_a_director_must_enrol_before_any_page(world, persona_password):
    client = _password_login(world, "dario", persona_password)
    response = client.get(reverse("productions:home"))
    assert response["Location"].startswith(reverse("accounts:otp_setup"))


def test_a_performer_who_also_directs_must_enrol(world, persona_password):
    from closedset.productions.models import Membership

    Membership.objects.create(user=world.mara, production=world.other_production, role="director")
    client = _password_login(world, "mara", persona_password)
    assert client.get(reverse("productions:home"))["Location"].startswith(
        reverse("accounts:otp_setup")
    )


def test_performers_are_offered_the_second_factor(world, client_as):
    account = client_as("mara").get(reverse("accounts:account")).content.decode()
    assert reverse("accounts:otp_setup") in account
    setup = client_as("mara").get(reverse("accounts:otp_setup")).content.decode()
    assert "It is your choice" in setup
    required = client_as("dario")
    TOTPDevice.objects.filter(user=world.dario).delete()
    assert "Your role needs" in required.get(reverse("accounts:otp_setup")).content.decode()


def test_the_account_page_links_everything(world, client_as):
    page = client_as("ines").get(reverse("accounts:account")).content.decode()
    for name in ("password_change", "recovery_codes", "sessions", "tokens"):
        assert reverse(f"accounts:{name}") in page
    assert "Confirmed on" in page
