"""Recovery codes: ten, shown once, stored hashed, each good for one sign-in."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from closedset.accounts import services
from closedset.accounts.models import RecoveryCode

CODE = re.compile(r"\b[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}\b")


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _password_login(handle: str, password: str) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": f"{handle}@example.org", "password": password}
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def ines_codes(world) -> list[str]:
    TOTPDevice.objects.create(user=world.ines, name="app", confirmed=True)
    return services.new_recovery_codes(world.ines)


def test_setting_up_the_factor_shows_ten_codes_once(world, persona_password, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = _password_login("petra", persona_password)
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=world.petra)
    page = client.post(reverse("accounts:otp_setup"), {"code": _code(device), "next": "/"})
    assert page.status_code == 200
    codes = CODE.findall(page.content.decode())
    assert len(set(codes)) == 10
    assert "shown only this once" in page.content.decode()
    # Afterwards the page only counts them.
    later = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert not CODE.search(later)
    assert "10" in later


def test_codes_are_not_in_the_database_in_the_clear(ines_codes):
    rows = list(RecoveryCode.objects.values_list("salt", "code_hash"))
    assert len(rows) == 10
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {RecoveryCode._meta.db_table}")  # noqa: S608
        dump = repr(cursor.fetchall())
    for code in ines_codes:
        assert code not in dump
        assert code.replace("-", "") not in dump
    assert len({salt for salt, _ in rows}) == 10  # each code has its own salt


def test_a_code_works_once(world, persona_password, ines_codes):
    client = _password_login("ines", persona_password)
    verify = client.get(reverse("accounts:otp_verify")).content.decode()
    assert "Lost your phone? Use a recovery code" in verify
    response = client.post(
        reverse("accounts:otp_recovery"), {"code": ines_codes[3].upper(), "next": "/"}
    )
    assert response.status_code == 302
    assert client.get(reverse("productions:home")).status_code == 200
    assert services.recovery_codes_left(world.ines) == 9

    again = _password_login("ines", persona_password)
    refused = again.post(reverse("accounts:otp_recovery"), {"code": ines_codes[3]})
    assert refused.status_code == 422
    assert "not one of your unused recovery codes" in refused.content.decode()
    assert again.get(reverse("productions:home"))["Location"].startswith(
        reverse("accounts:otp_verify")
    )


def test_new_codes_void_the_old(world, client_as, ines_codes, persona_password, settings):
    # Throttling after the refused old code is on in production; here the new one follows at once.
    settings.CLOSEDSET_RECOVERY_THROTTLE_FACTOR = 0
    page = client_as("ines").post(reverse("accounts:recovery_codes"))
    fresh = CODE.findall(page.content.decode())
    assert len(set(fresh)) == 10
    assert not set(fresh) & set(ines_codes)
    client = _password_login("ines", persona_password)
    assert client.post(reverse("accounts:otp_recovery"), {"code": ines_codes[0]}).status_code == 422
    assert client.post(reverse("accounts:otp_recovery"), {"code": fresh[0]}).status_code == 302


def test_wrong_codes_slow_down_guessing(world, persona_password, ines_codes, settings):
    settings.CLOSEDSET_RECOVERY_THROTTLE_FACTOR = 3600
    client = _password_login("ines", persona_password)
    client.post(reverse("accounts:otp_recovery"), {"code": "0000-0000-0000-0000"})
    # Even a right code waits now.
    response = client.post(reverse("accounts:otp_recovery"), {"code": ines_codes[0]})
    assert response.status_code == 422
    assert "Too many wrong codes" in response.content.decode()
    assert services.recovery_codes_left(world.ines) == 10


def test_a_mistyped_app_code_does_not_count_against_the_recovery_codes(
    world, persona_password, ines_codes, settings
):
    settings.CLOSEDSET_RECOVERY_THROTTLE_FACTOR = 3600
    client = _password_login("ines", persona_password)
    client.post(reverse("accounts:otp_verify"), {"code": "999999"})
    response = client.post(reverse("accounts:otp_recovery"), {"code": ines_codes[0]})
    assert response.status_code == 302


def test_after_a_lost_phone_a_new_authenticator_can_be_set_up(world, persona_password, ines_codes):
    client = _password_login("ines", persona_password)
    client.post(reverse("accounts:otp_recovery"), {"code": ines_codes[0]})
    response = client.post(reverse("accounts:otp_replace"))
    assert response["Location"] == reverse("accounts:otp_setup")
    assert not TOTPDevice.objects.filter(user=world.ines, confirmed=True).exists()
    assert client.get(reverse("accounts:otp_setup")).status_code == 200


def test_without_a_factor_there_are_no_codes_to_see(world, client_as):
    response = client_as("mara").get(reverse("accounts:recovery_codes"))
    assert response["Location"] == reverse("accounts:otp_setup")
