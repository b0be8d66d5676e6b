"""E-mail: the one sending helper, its settings, and confirming an address before use."""

from __future__ import annotations

import base64
import os
import re
import secrets
import smtplib
import subprocess
import sys
import time
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from closedset.accounts import services
from closedset.accounts.errors import MailNotSent
from closedset.accounts.models import User


def _new_person(**extra) -> User:
    return services.create_user(
        email="nell@example.org",
        display_name="Nell & Co",
        handle="nell",
        password="a long enough passphrase",
        **extra,
    )


def _logged_in(user: User) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"),
        {"username": user.email, "password": "a long enough passphrase"},
    )
    assert response.status_code == 302
    return client


def _link(message) -> str:
    match = re.search(r"https?://\S+", message.body)
    assert match, message.body
    return match.group(0)


# --- the helper ---


def test_send_mail_to_renders_plain_text_from_the_site(db, settings):
    settings.DEFAULT_FROM_EMAIL = "closedset <noreply@example.org>"
    user = _new_person()
    services.send_mail_to(
        "nell@example.org",
        "accounts/email/verify_subject.txt",
        "accounts/email/verify_body.txt",
        {"user": user, "link": "https://x.example/a?b=1&c=2", "hours": 48},
    )
    (message,) = mail.outbox
    assert message.to == ["nell@example.org"]
    assert message.from_email == "closedset <noreply@example.org>"
    assert "\n" not in message.subject
    assert message.subject == f"Confirm your e-mail address for {settings.SITE_NAME}"
    # Plain text: nothing is HTML-escaped.
    assert "Nell & Co" in message.body
    assert "https://x.example/a?b=1&c=2" in message.body


def test_a_refusing_mail_server_is_a_clear_error_not_a_crash(db):
    user = _new_person()
    with (
        mock.patch(
            "closedset.accounts.services.send_mail",
            side_effect=smtplib.SMTPRecipientsRefused({"nell@example.org": (550, b"no")}),
        ),
        pytest.raises(MailNotSent) as caught,
    ):
        services.send_mail_to(
            user.email, "accounts/email/verify_subject.txt", "accounts/email/verify_body.txt"
        )
    assert "could not send" in caught.value.message


def test_servers_send_through_smtp_configured_from_the_environment(tmp_path):
    secret = tmp_path / "smtp-password"
    secret.write_text("from-a-file\n")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "CLOSEDSET_DEV", "EMAIL_", "DEFAULT_FROM"))
    }
    env.update(
        {
            "SECRET_KEY": "x" * 50,
            "CLOSEDSET_KEK": "A" * 43 + "=",
            "CLOSEDSET_LOG_KEYS": base64.b64encode(secrets.token_bytes(32)).decode(),
            "CLOSEDSET_ACADEMY_KEYS": base64.b64encode(secrets.token_bytes(32)).decode(),
            "CLOSEDSET_DATA_DIR": str(tmp_path),
            "EMAIL_HOST": "smtp.example.org",
            "EMAIL_HOST_USER": "closedset",
            "EMAIL_HOST_PASSWORD_FILE": str(secret),
            "DEFAULT_FROM_EMAIL": "closedset <noreply@example.org>",
        }
    )
    code = (
        "import closedset.settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT,"
        " s.EMAIL_USE_TLS, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.DEFAULT_FROM_EMAIL)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split(" ", 6)
    assert out[0] == "django.core.mail.backends.smtp.EmailBackend"
    assert out[1:6] == ["smtp.example.org", "587", "True", "closedset", "from-a-file"]
    assert out[6].strip() == "closedset <noreply@example.org>"


def test_development_prints_mail_to_the_console(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "EMAIL_"))}
    env.update({"CLOSEDSET_DEV": "1", "CLOSEDSET_DATA_DIR": str(tmp_path)})
    out = subprocess.run(
        [sys.executable, "-c", "import closedset.settings as s; print(s.EMAIL_BACKEND)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == "django.core.mail.backends.console.EmailBackend"


# --- confirming the address ---


def test_a_new_account_is_held_until_its_address_is_confirmed(db):
    nell = _new_person()
    assert nell.email_verified_at is None
    client = _logged_in(nell)
    response = client.get(reverse("productions:home"))
    assert response["Location"] == reverse("accounts:email_pending")

    page = client.get(reverse("accounts:email_pending"))
    assert "Check your e-mail" in page.content.decode()
    (message,) = mail.outbox  # sent unasked the first time
    assert message.to == ["nell@example.org"]
    link = _link(message)

    # Opening the link confirms nothing by itself (mail scanners open links).
    confirm = client.get(link)
    assert confirm.status_code == 200
    assert "nell@example.org" in confirm.content.decode()
    nell.refresh_from_db()
    assert nell.email_verified_at is None

    done = client.post(link)
    assert done.status_code == 302
    nell.refresh_from_db()
    assert nell.email_verified_at is not None
    assert client.get(reverse("productions:home")).status_code == 200


def test_the_link_works_without_being_signed_in(db):
    nell = _new_person()
    key = services.email_verification_key(nell)
    response = Client().post(reverse("accounts:email_confirm", args=[key]))
    assert response["Location"] == reverse("accounts:login")
    nell.refresh_from_db()
    assert nell.email_verified_at is not None


def test_an_account_from_a_mailed_invitation_needs_no_second_check(db):
    nell = _new_person(email_verified=True)
    assert _logged_in(nell).get(reverse("productions:home")).status_code == 200
    assert mail.outbox == []


def test_a_superuser_made_on_the_command_line_must_confirm_too(db):
    root = User.objects.create_superuser(
        email="Root@Example.org", display_name="Root", handle="root"
    )
    assert root.email == "root@example.org"
    assert services.needs_email_verification(root)


def test_an_unconfirmed_account_gets_no_api(db):
    client = _logged_in(_new_person())
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert "Confirm your e-mail" in response.json()["detail"]


def test_send_again_is_rate_limited(db, settings):
    settings.CLOSEDSET_MAILS_PER_ADDRESS = 2
    client = _logged_in(_new_person())
    for _ in range(2):
        assert client.post(reverse("accounts:email_pending")).status_code == 302
    refused = client.post(reverse("accounts:email_pending"))
    assert refused.status_code == 429
    assert "wait an hour" in refused.content.decode()
    assert len(mail.outbox) == 2
    # The page itself does not send another one unasked either.
    client.get(reverse("accounts:email_pending"))
    assert len(mail.outbox) == 2


def test_a_tampered_link_says_so(db):
    nell = _new_person()
    key = services.email_verification_key(nell)
    response = Client().post(reverse("accounts:email_confirm", args=[key[:-2] + "xx"]))
    assert response.status_code == 422
    assert "not valid" in response.content.decode()
    nell.refresh_from_db()
    assert nell.email_verified_at is None


def test_an_expired_link_says_to_ask_for_a_new_one(db, settings):
    nell = _new_person()
    past = time.time() - (settings.CLOSEDSET_EMAIL_LINK_HOURS + 1) * 3600
    with mock.patch("django.core.signing.time.time", return_value=past):
        key = services.email_verification_key(nell)
    response = Client().get(reverse("accounts:email_confirm", args=[key]))
    assert response.status_code == 422
    assert "expired" in response.content.decode()


def test_a_link_for_an_old_address_does_not_confirm_a_new_one(db):
    nell = _new_person()
    key = services.email_verification_key(nell)
    nell.email = "nell.new@example.org"
    nell.save()
    response = Client().post(reverse("accounts:email_confirm", args=[key]))
    assert response.status_code == 422
    nell.refresh_from_db()
    assert nell.email_verified_at is None


def test_a_confirmed_person_is_sent_on_from_the_waiting_page(world, client_as):
    response = client_as("mara").get(reverse("accounts:email_pending"))
    assert response["Location"] == reverse("accounts:account")
    assert mail.outbox == []
