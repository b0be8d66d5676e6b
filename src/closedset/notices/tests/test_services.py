"""notify stores a notice, mails it when the person wants that kind, and never breaks its caller."""

from __future__ import annotations

import smtplib
from typing import Any

import pytest
from django.core import mail

from closedset.notices import services
from closedset.notices.models import Notice


def test_notify_stores_and_mails(world: Any, mara: Any) -> None:
    services.notify(
        mara,
        "cast",
        production=world.production,
        subject="You are cast in scene 12B",
        body="Ines cast you in scene 12B, The boathouse.",
        url="/p/1/",
    )
    notice = Notice.objects.get(recipient=mara)
    assert (notice.kind, notice.subject, notice.url) == (
        "cast",
        "You are cast in scene 12B",
        "/p/1/",
    )
    assert notice.production == world.production and notice.read_at is None
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["mara@example.org"]
    assert sent.subject == "You are cast in scene 12B"
    assert "Hello Mara" in sent.body and "Ines cast you in scene 12B" in sent.body
    assert "Harbour Lights" in sent.body


def test_a_kind_turned_off_is_stored_but_not_mailed(world: Any, mara: Any) -> None:
    services.set_mail_preferences(mara, ["plan_changed"])
    services.notify(mara, "cast", subject="You are cast", body="")
    services.notify(mara, "plan_changed", subject="A plan changed", body="")
    assert Notice.objects.filter(recipient=mara).count() == 2
    assert [m.subject for m in mail.outbox] == ["A plan changed"]


def test_preferences_offer_only_the_kinds_of_ones_roles(world: Any, mara: Any, ines: Any) -> None:
    assert [kind for kind, _label, _on in services.mail_preferences(mara)] == [
        "cast",
        "plan_changed",
        "profile_seen_by_new",
        "consent_request",
        "consent_reminder",
    ]
    assert [kind for kind, _label, _on in services.mail_preferences(ines)] == [
        "profile_changed",
        "profile_unshared",
        "proposal",
        "consent_answer",
        "gate_changed",
        "incident_reported",
    ]
    assert all(on for _kind, _label, on in services.mail_preferences(ines))


def test_preferences_ignore_kinds_outside_ones_roles(world: Any, mara: Any) -> None:
    services.set_mail_preferences(mara, ["cast", "proposal"])
    assert services.wants_mail(mara, "cast")
    assert not services.wants_mail(mara, "plan_changed")
    assert not mara.mail_preferences.filter(kind="proposal").exists()


def test_a_mail_failure_does_not_break_the_caller(
    world: Any, mara: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise smtplib.SMTPRecipientsRefused({"mara@example.org": (550, b"no")})

    monkeypatch.setattr("closedset.accounts.services.send_mail", refuse)
    services.notify(mara, "cast", subject="You are cast", body="")
    assert Notice.objects.filter(recipient=mara).count() == 1
    assert "SMTPRecipientsRefused" in caplog.text
    assert "mara@example.org" not in caplog.text


def test_an_unknown_kind_is_a_programming_error(world: Any, mara: Any) -> None:
    with pytest.raises(ValueError):
        services.notify(mara, "gossip", subject="x", body="")


def test_mark_read_touches_only_ones_own_notices(world: Any, mara: Any, jonas: Any) -> None:
    services.notify(mara, "cast", subject="one", body="")
    services.notify(mara, "cast", subject="two", body="")
    services.notify(jonas, "cast", subject="his", body="")
    his = Notice.objects.get(recipient=jonas)
    assert services.mark_read(mara, his.pk) == 0
    first = Notice.objects.get(subject="one")
    assert services.mark_read(mara, first.pk) == 1
    unread, count = services.unread_of(mara)
    assert count == 1 and [n.subject for n in unread] == ["two"]
    assert services.mark_read(mara) == 1
    assert services.unread_of(mara)[1] == 0
    assert services.unread_of(jonas)[1] == 1


def test_the_export_holds_ones_notices_and_settings(world: Any, mara: Any, jonas: Any) -> None:
    services.notify(mara, "cast", production=world.production, subject="You are cast", body="b")
    services.notify(jonas, "cast", subject="His", body="")
    services.set_mail_preferences(mara, ["cast"])
    data = services.export_notice_data(mara)
    assert [(n["subject"], n["production"]) for n in data["notices"]] == [
        ("You are cast", "Harbour Lights")
    ]
    assert data["notice_emails"] == {
        "you are cast in a scene": True,
        "a plan you are in changes": False,
        "someone new can see your boundary profile": False,
        "a consent request waits for you": False,
        "a consent request is due soon": False,
    }


def test_a_closed_account_gets_no_mail(world: Any, mara: Any) -> None:
    mara.is_active = False
    mara.save(update_fields=["is_active"])
    services.notify(mara, "cast", subject="You are cast", body="")
    assert Notice.objects.filter(recipient=mara).count() == 1
    assert mail.outbox == []
