"""An applicant waiting to confirm their address is told what they can do themselves."""

from __future__ import annotations

from typing import Any

from django.test import Client


def test_an_unconfirmed_applicant_is_not_sent_to_a_producer(academy: Any) -> None:
    ana = academy.applicants["ana"]
    ana.email_verified_at = None
    ana.save(update_fields=["email_verified_at"])
    client = Client()
    client.force_login(ana, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/account/email/").content.decode()
    assert "Apply again with the right one" in page
    assert "producer" not in page


def test_an_unconfirmed_invitee_still_asks_the_producer(world: Any) -> None:
    mara = world.mara
    mara.email_verified_at = None
    mara.save(update_fields=["email_verified_at"])
    client = Client()
    client.force_login(mara, backend="django.contrib.auth.backends.ModelBackend")
    assert "Ask the producer who invited you" in client.get("/account/email/").content.decode()
