"""Passkeys as a second factor: who may add one, that one counts, and that the last factor
of someone who needs one stays."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from closedset.accounts import services as accounts
from closedset.conftest import verified_client
from closedset.lib.errors import InvalidInput, NotFound

BEGIN_REGISTRATION = "otp_webauthn:credential-registration-begin"
BEGIN_AUTHENTICATION = "otp_webauthn:credential-authentication-begin"


def _passkey(user, *, confirmed: bool = True) -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=user,
        name="",
        credential_id=f"{user.handle}-{confirmed}".encode(),
        public_key=b"not-a-real-key",
        sign_count=0,
        confirmed=confirmed,
    )


def _signed_in_only(user) -> Client:
    """Password accepted, second factor not yet given."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _past_passkey(client: Client, passkey: WebAuthnCredential) -> Client:
    session = client.session
    session["otp_device_id"] = passkey.persistent_id
    session.save()
    return client


# --- adding a passkey needs a session past the second factor ---


def test_a_performer_without_a_factor_cannot_register_a_passkey(world):
    # The middleware lets Mara through (her role needs no factor); the endpoint itself refuses.
    client = _signed_in_only(world.mara)
    response = client.post(reverse(BEGIN_REGISTRATION))
    assert response.status_code == 403
    assert "second factor first" in response.json()["detail"]
    assert "otp_webauthn_register_state" not in client.session


def test_a_password_alone_cannot_register_a_passkey(world):
    TOTPDevice.objects.create(user=world.ines, name="phone", confirmed=True)
    client = _signed_in_only(world.ines)
    response = client.post(reverse(BEGIN_REGISTRATION))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert "otp_webauthn_register_state" not in client.session


def test_a_verified_session_gets_registration_options_for_this_site(world, settings):
    response = verified_client(world.ines).post(reverse(BEGIN_REGISTRATION))
    assert response.status_code == 200
    assert response.json()["rp"]["id"] == settings.OTP_WEBAUTHN_RP_ID


def test_the_account_page_offers_a_passkey_only_after_the_second_factor(world):
    page = verified_client(world.ines).get(reverse("accounts:account")).content.decode()
    assert 'id="passkey-register-button"' in page
    # Mara has no second factor: there is nothing to add a passkey to yet.
    page = verified_client(world.mara).get(reverse("accounts:account")).content.decode()
    assert "passkey-register-button" not in page


# --- a confirmed passkey is a second factor ---


def test_a_confirmed_passkey_counts_as_a_factor(world):
    assert not accounts.has_confirmed_device(world.dario)
    _passkey(world.dario, confirmed=False)
    assert not accounts.has_confirmed_device(world.dario)
    _passkey(world.dario)
    assert accounts.has_confirmed_device(world.dario)


def test_a_director_with_only_a_passkey_is_asked_for_it_not_sent_to_set_up(world):
    passkey = _passkey(world.dario)
    client = _signed_in_only(world.dario)
    response = client.get(reverse("productions:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    page = client.get(reverse("accounts:otp_verify")).content.decode()
    assert "Use a passkey" in page
    assert 'name="code"' not in page  # no authenticator app to ask a code from
    # Proving the passkey is reachable before the second factor is passed...
    assert client.post(reverse(BEGIN_AUTHENTICATION)).status_code == 200
    # ...and once it is proved, the pages open.
    assert _past_passkey(client, passkey).get(reverse("productions:home")).status_code == 200


def test_the_verify_page_offers_a_passkey_beside_the_code(world):
    TOTPDevice.objects.create(user=world.ines, name="phone", confirmed=True)
    client = _signed_in_only(world.ines)
    page = client.get(reverse("accounts:otp_verify")).content.decode()
    assert 'name="code"' in page
    assert "Use a passkey" not in page
    _passkey(world.ines)
    page = client.get(reverse("accounts:otp_verify")).content.decode()
    assert 'name="code"' in page
    assert "Use a passkey" in page
    assert "<script>" not in page  # the configuration is data, the scripts are files


def test_no_one_signs_in_with_a_passkey_alone(world):
    _passkey(world.ines)
    response = Client().post(reverse(BEGIN_AUTHENTICATION))
    assert response.status_code == 403


# --- removing passkeys ---


def test_the_last_factor_of_a_director_stays(world):
    passkey = _passkey(world.dario)
    with pytest.raises(InvalidInput, match="only second factor"):
        accounts.remove_passkey(world.dario, passkey.pk)
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_a_director_with_an_authenticator_app_can_remove_a_passkey(world):
    TOTPDevice.objects.create(user=world.dario, name="phone", confirmed=True)
    passkey = _passkey(world.dario)
    accounts.remove_passkey(world.dario, passkey.pk)
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_a_performer_may_remove_her_only_passkey(world):
    passkey = _passkey(world.mara)
    accounts.remove_passkey(world.mara, passkey.pk)
    assert not accounts.has_confirmed_device(world.mara)


def test_no_one_removes_another_persons_passkey(world):
    passkey = _passkey(world.mara)
    with pytest.raises(NotFound):
        accounts.remove_passkey(world.oscar, passkey.pk)
    response = verified_client(world.oscar).post(
        reverse("accounts:passkey_remove", args=[passkey.pk])
    )
    assert response.status_code == 404
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_the_page_says_why_the_last_passkey_stays(world):
    passkey = _passkey(world.dario)
    client = _past_passkey(_signed_in_only(world.dario), passkey)
    response = client.post(reverse("accounts:passkey_remove", args=[passkey.pk]), follow=True)
    assert "only second factor" in response.content.decode()
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_erasing_the_account_forgets_its_passkeys(world):
    _passkey(world.mara)
    accounts.erase(world.mara)
    assert not WebAuthnCredential.objects.filter(user=world.mara).exists()


def test_a_password_alone_cannot_add_an_authenticator_to_a_passkey_account(world, persona_password):
    # Dario's only factor is a passkey: a stranger with his password must not get past it by
    # setting up an authenticator of their own.
    from django.test import Client
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnCredential

    WebAuthnCredential.objects.create(
        user=world.dario, name="", credential_id=b"d", public_key=b"k", sign_count=0, confirmed=True
    )
    client = Client()
    client.post("/login/", {"username": "dario@example.org", "password": persona_password})
    response = client.get("/account/second-factor/setup/")
    assert response.status_code == 302
    assert "/account/second-factor/" in response["Location"]
    assert "setup" not in response["Location"]
    # Even a code for an authenticator made by hand is not taken from this session.
    device = TOTPDevice.objects.create(user=world.dario, name="x", confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post("/account/second-factor/setup/", {"code": code})
    assert client.get("/api/v1/me").status_code == 403
    assert not TOTPDevice.objects.filter(user=world.dario, confirmed=True).exists()
