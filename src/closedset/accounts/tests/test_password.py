"""Changing and resetting a password; case-insensitive login and its lockout."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from closedset.accounts.models import User
from closedset.conftest import without_tokens

NEW_PASSWORD = "harbour-lights-at-dawn"


def _reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def _ask_for_reset(client: Client, email: str, ip: str = "203.0.113.5"):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=ip)


def _set_new_password(client: Client, link: str):
    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert "Choose a new password" in form.content.decode()
    return client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def _login(email: str, password: str) -> tuple[Client, object]:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": email, "password": password})
    return client, response


# --- reset ---


def test_a_reset_mail_leads_to_a_new_password(world, persona_password, settings):
    client = Client()
    response = _ask_for_reset(client, "mara@example.org")
    assert response["Location"] == reverse("accounts:password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["mara@example.org"]
    assert message.subject == f"Choose a new password for {settings.SITE_NAME}"
    done = _set_new_password(client, _reset_link(message))
    assert done["Location"] == reverse("accounts:password_reset_complete")

    assert _login("mara@example.org", NEW_PASSWORD)[1].status_code == 302
    assert _login("mara@example.org", persona_password)[1].status_code == 200
    # A password-changed notice follows.
    assert "password" in mail.outbox[-1].subject


def test_a_reset_link_works_once(world):
    client = Client()
    _ask_for_reset(client, "mara@example.org")
    link = _reset_link(mail.outbox[0])
    _set_new_password(client, link)
    again = Client().get(link, follow=True)
    assert "does not work any more" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(world):
    known = _ask_for_reset(Client(), "mara@example.org", ip="203.0.113.1")
    unknown = _ask_for_reset(Client(), "nobody@example.org", ip="203.0.113.2")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    # The same page too, but for its per-request CSRF token.
    pages = [Client().get(r["Location"]).content.decode() for r in (known, unknown)]
    assert len({without_tokens(page) for page in pages}) == 1
    assert [m.to for m in mail.outbox] == [["mara@example.org"]]


def test_resets_are_limited_per_address_alike_for_known_and_unknown(world, settings):
    settings.CLOSEDSET_MAILS_PER_ADDRESS = 3
    for email in ("mara@example.org", "nobody@example.org"):
        answers = [
            _ask_for_reset(Client(), email.upper() if n % 2 else email, ip=f"198.51.100.{n}")
            for n in range(4)
        ]
        assert [a.status_code for a in answers] == [302, 302, 302, 429]
        assert "wait an hour" in answers[-1].content.decode()
    # Three mails to Mara (case variants are one address), none to the unknown address.
    assert len(mail.outbox) == 3


def test_resets_are_limited_per_network_address(world, settings):
    settings.CLOSEDSET_MAILS_PER_IP = 2
    codes = [
        _ask_for_reset(Client(), f"{who}@example.org", ip="192.0.2.9").status_code
        for who in ("mara", "jonas", "ines")
    ]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_a_reset_does_not_skip_the_second_factor(world):
    TOTPDevice.objects.create(user=world.ines, name="app", confirmed=True)
    client = Client()
    _ask_for_reset(client, "ines@example.org")
    _set_new_password(client, _reset_link(mail.outbox[0]))
    # Not signed in by the reset ...
    assert client.get(reverse("productions:home"))["Location"].startswith(reverse("accounts:login"))
    # ... and the new password alone still stops at the code.
    signed_in, response = _login("ines@example.org", NEW_PASSWORD)
    assert response.status_code == 302
    home = signed_in.get(reverse("productions:home"))
    assert home["Location"].startswith(reverse("accounts:otp_verify"))


def test_a_completed_reset_confirms_the_address(db):
    nell = User.objects.create_user(
        email="nell@example.org", password="an old passphrase", display_name="Nell", handle="nell"
    )
    client = Client()
    _ask_for_reset(client, "nell@example.org")
    _set_new_password(client, _reset_link(mail.outbox[0]))
    nell.refresh_from_db()
    assert nell.email_verified_at is not None


def test_a_bad_reset_form_says_what_is_wrong(db):
    response = Client().post(reverse("accounts:password_reset"), {"email": "not an address"})
    assert response.status_code == 422
    assert "valid email" in response.content.decode()
    assert mail.outbox == []


# --- change ---


def test_changing_needs_the_current_password(world, client_as, persona_password):
    client = client_as("mara")
    url = reverse("accounts:password_change")
    wrong = client.post(
        url,
        {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    assert "incorrectly" in wrong.content.decode()
    world.mara.refresh_from_db()
    assert world.mara.check_password(persona_password)

    right = client.post(
        url,
        {
            "old_password": persona_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert right["Location"] == reverse("accounts:account")
    world.mara.refresh_from_db()
    assert world.mara.check_password(NEW_PASSWORD)
    # This session stays signed in; a notice goes to the address.
    assert client.get(reverse("accounts:account")).status_code == 200
    assert mail.outbox[-1].to == ["mara@example.org"]


def test_guessing_the_current_password_stops(world, client_as, persona_password):
    client = client_as("mara")
    url = reverse("accounts:password_change")
    for _ in range(5):
        client.post(url, {"old_password": "guess", "new_password1": "x", "new_password2": "x"})
    locked = client.post(
        url,
        {
            "old_password": persona_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert locked.status_code == 429
    assert "too many times" in locked.content.decode()
    world.mara.refresh_from_db()
    assert world.mara.check_password(persona_password)


# --- login names ---


def test_an_address_logs_in_whatever_its_case(world, persona_password):
    client, response = _login("  Mara@Example.ORG ", persona_password)
    assert response.status_code == 302
    assert client.get(reverse("productions:home")).status_code == 200
    assert int(client.session["_auth_user_id"]) == world.mara.pk


def test_case_variants_share_one_lockout(world, persona_password, settings):
    variants = ["mara@example.org", "Mara@example.org", "MARA@EXAMPLE.ORG", "mArA@example.org"]
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(
            reverse("accounts:login"),
            {"username": variants[n % len(variants)], "password": "wrong-guess"},
        )
        assert response.status_code == 200
    locked = client.post(
        reverse("accounts:login"), {"username": "MaRa@Example.Org", "password": "wrong-guess"}
    )
    assert locked.status_code == 429
    again = client.post(
        reverse("accounts:login"), {"username": "Mara@EXAMPLE.org", "password": persona_password}
    )
    assert again.status_code == 429


def _token_works(secret: str) -> bool:
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_a_reset_revokes_every_api_token(world):
    # A token made with a stolen password must not outlive the password.
    from closedset.accounts import services

    _, secret = services.create_api_token(world.mara, "stolen")
    assert _token_works(secret)
    client = Client()
    _ask_for_reset(client, "mara@example.org")
    _set_new_password(client, _reset_link(mail.outbox[-1]))
    assert not _token_works(secret)
    assert "API tokens" in mail.outbox[-1].body


def test_a_change_revokes_every_api_token(world, client_as, persona_password):
    from closedset.accounts import services

    _, secret = services.create_api_token(world.mara, "old laptop")
    client_as("mara").post(
        reverse("accounts:password_change"),
        {
            "old_password": persona_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert not _token_works(secret)
