"""The notices page, marking read, e-mail settings, and the unread notices on the home page."""

from __future__ import annotations

from typing import Any

from django.core import mail

from closedset.notices import services
from closedset.notices.models import Notice


def test_notices_page_lists_only_ones_own(
    world: Any, mara: Any, jonas: Any, client_as: Any
) -> None:
    services.notify(
        mara, "cast", production=world.production, subject="You are cast in 12B", body=""
    )
    services.notify(jonas, "cast", subject="Jonas is cast in 14", body="")
    page = client_as(mara).get("/notices/").content.decode()
    assert "You are cast in 12B" in page and "Harbour Lights" in page
    assert "Jonas is cast in 14" not in page


def test_opening_a_notice_marks_it_read_and_follows_its_link(
    world: Any, mara: Any, client_as: Any
) -> None:
    services.notify(mara, "cast", subject="You are cast", body="", url="/p/1/")
    notice = Notice.objects.get(recipient=mara)
    response = client_as(mara).post("/notices/read/", {"notice": notice.pk})
    assert response.status_code == 302 and response["Location"] == "/p/1/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_notice_never_sends_anyone_off_the_site(world: Any, mara: Any, client_as: Any) -> None:
    services.notify(mara, "cast", subject="You are cast", body="", url="//evil.example/")
    notice = Notice.objects.get(recipient=mara)
    response = client_as(mara).post("/notices/read/", {"notice": notice.pk})
    assert response["Location"] == "/notices/"


def test_someone_elses_notice_cannot_be_marked_read(
    world: Any, mara: Any, jonas: Any, client_as: Any
) -> None:
    services.notify(jonas, "cast", subject="His", body="", url="/p/1/")
    notice = Notice.objects.get(recipient=jonas)
    response = client_as(mara).post("/notices/read/", {"notice": notice.pk})
    assert response["Location"] == "/notices/"
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_read(world: Any, mara: Any, client_as: Any) -> None:
    services.notify(mara, "cast", subject="one", body="")
    services.notify(mara, "plan_changed", subject="two", body="")
    client_as(mara).post("/notices/read/", {})
    assert not Notice.objects.filter(recipient=mara, read_at__isnull=True).exists()


def test_settings_offer_the_kinds_of_ones_roles_and_save_them(
    world: Any, mara: Any, dario: Any, client_as: Any
) -> None:
    client = client_as(mara)
    page = client.get("/notices/settings/").content.decode()
    assert "you are cast in a scene" in page
    assert "the director proposes a change" not in page
    assert client.post("/notices/settings/", {"mail": ["plan_changed"]}).status_code == 302
    services.notify(mara, "cast", subject="You are cast", body="")
    services.notify(mara, "plan_changed", subject="A plan changed", body="")
    assert [m.subject for m in mail.outbox] == ["A plan changed"]
    page = client_as(dario).get("/notices/settings/").content.decode()
    assert "the coordinator releases a plan version" in page
    assert "you are cast in a scene" not in page


def test_home_page_shows_unread_notices(world: Any, mara: Any, client_as: Any) -> None:
    services.notify(
        mara, "cast", production=world.production, subject="You are cast in 12B", body=""
    )
    client = client_as(mara)
    assert "You are cast in 12B" in client.get("/").content.decode()
    client.post("/notices/read/", {})
    assert "You are cast in 12B" not in client.get("/").content.decode()
