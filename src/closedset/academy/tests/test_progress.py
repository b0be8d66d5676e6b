"""My courses, the course page (materials, live sessions, ICS) and progress to the
certificate."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from types import ModuleType

import pytest
from icalendar import Calendar

from closedset.academy import enrolment
from closedset.academy.models import LiveSession, Material, Module, ModuleProgress
from closedset.academy.tests.test_enrolment_helpers import accepted, awarded
from closedset.conftest import verified_client
from closedset.lib.errors import Conflict, NotFound

API = "/api/v1/academy/learn"


@pytest.fixture
def course(academy, monkeypatch):
    """Ana and Ben enrolled; week 1 has text, a link and a handout; two live sessions."""
    awarded(monkeypatch, academy)
    first = academy.modules[0]
    Material.objects.create(
        module=first, kind="text", title="Reading", body="Consent is specific.", position=1
    )
    Material.objects.create(
        module=first, kind="link", title="Video", url="https://video.example/consent", position=2
    )
    handout = Material.objects.create(
        module=first,
        kind="file",
        title="Handout",
        file_name="handout.txt",
        file_type="text/plain",
        file_data=b"The handout itself.",
        position=3,
    )
    LiveSession.objects.create(
        cohort=academy.cohort,
        module=first,
        title="Live: consent",
        starts_at=datetime(2027, 1, 12, 17, 0, tzinfo=UTC),
        duration_minutes=90,
        time_zone="Europe/Prague",
        meeting_link="https://meet.example/spring",
    )
    LiveSession.objects.create(
        cohort=academy.cohort,
        title="Welcome call",
        starts_at=datetime(2027, 1, 5, 15, 0, tzinfo=UTC),
        time_zone="America/New_York",
    )
    ana = accepted(academy, "ana")
    ben = accepted(academy, "ben")
    return {"ana": ana, "ben": ben, "handout": handout}


def test_my_courses(academy, course):
    client = verified_client(academy.applicants["ana"])
    page = client.get("/academy/learn/").content.decode()
    assert academy.course.title in page
    assert f"/academy/learn/{course['ana'].pk}/" in page
    assert f"/academy/learn/{course['ben'].pk}/" not in page
    # Chen has an offer to answer and no course yet.
    chen = verified_client(academy.applicants["chen"]).get("/academy/learn/").content.decode()
    assert "Offers waiting for your answer" in chen
    data = verified_client(academy.applicants["ana"]).get(f"{API}/enrolments").json()
    assert [e["id"] for e in data] == [course["ana"].pk]
    assert verified_client(academy.reviewers[0]).get(f"{API}/enrolments").json() == []


def test_the_course_page(academy, course):
    client = verified_client(academy.applicants["ana"])
    page = client.get(f"/academy/learn/{course['ana'].pk}/").content.decode()
    for week, module in enumerate(academy.modules, start=1):
        assert f"Week {week}: {module.title}" in page
    assert page.index("Week 1:") < page.index("Week 5:")
    assert "Consent is specific." in page
    assert "https://video.example/consent" in page
    assert f"/academy/learn/{course['ana'].pk}/materials/{course['handout'].pk}/" in page
    # In the session's own time zone: 17:00 UTC is 18:00 in Prague in January.
    assert "18:00 (Europe/Prague time)" in page
    assert "10:00 (America/New_York time)" in page
    assert "https://meet.example/spring" in page
    assert "I&#x27;ve done this" in page or "I've done this" in page
    # Ana's place is a full scholarship: nothing to pay, no invoice to download.
    assert "there is nothing to pay" in page and "invoice.pdf" not in page


@pytest.mark.parametrize("who", ["ben", "chen", "sam", "rhea"])
def test_nobody_else_opens_a_course_page(academy, course, who):
    user = {"sam": academy.staff, "rhea": academy.reviewers[0]}.get(who) or academy.applicants[who]
    client = verified_client(user)
    ana = course["ana"].pk
    for url in (
        f"/academy/learn/{ana}/",
        f"/academy/learn/{ana}/sessions.ics",
        f"/academy/learn/{ana}/materials/{course['handout'].pk}/",
        f"{API}/enrolments/{ana}",
    ):
        assert client.get(url).status_code == 404, url
    module = academy.modules[0].pk
    assert client.post(f"/academy/learn/{ana}/modules/{module}/done/").status_code == 404
    assert client.post(f"{API}/enrolments/{ana}/modules/{module}/done").status_code == 404
    assert not ModuleProgress.objects.exists()


def test_a_file_downloads_for_the_participant(academy, course):
    client = verified_client(academy.applicants["ana"])
    response = client.get(f"/academy/learn/{course['ana'].pk}/materials/{course['handout'].pk}/")
    assert response.status_code == 200
    assert response.content == b"The handout itself."
    assert 'filename="handout.txt"' in response["Content-Disposition"]
    # A text or link material is no file to download.
    text = Material.objects.get(kind="text")
    assert client.get(f"/academy/learn/{course['ana'].pk}/materials/{text.pk}/").status_code == 404


def test_the_sessions_ics(academy, course):
    client = verified_client(academy.applicants["ana"])
    response = client.get(f"/academy/learn/{course['ana'].pk}/sessions.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Live: consent", "Welcome call"}
    live = events["Live: consent"]
    assert live["dtstart"].params["TZID"] == "Europe/Prague"
    assert live.decoded("dtstart").hour == 18
    assert str(live["url"]) == "https://meet.example/spring"
    assert "https://meet.example/spring" in str(live["description"])
    assert {str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")} == {
        "Europe/Prague",
        "America/New_York",
    }


def test_progress_to_the_certificate(academy, course):
    from closedset.certificates.models import Certificate

    ana = course["ana"]
    client = verified_client(academy.applicants["ana"])
    for module in academy.modules:
        response = client.post(f"/academy/learn/{ana.pk}/modules/{module.pk}/done/")
        assert response.status_code == 302
    page = client.get(f"/academy/learn/{ana.pk}/").content.decode()
    # Week 5 asks staff to confirm it.
    assert "Done: waiting for staff to confirm" in page
    ana.refresh_from_db()
    assert ana.completed_at is None
    assert not Certificate.objects.exists()
    sam = verified_client(academy.staff)
    cohort_page = sam.get(f"/academy/learn/staff/{academy.cohort.pk}/").content.decode()
    assert "4 of 5 modules complete" in cohort_page
    assert "1 waits for your confirmation" in cohort_page
    staff_page = sam.get(f"/academy/learn/staff/enrolments/{ana.pk}/").content.decode()
    assert "Confirm this module" in staff_page
    last = academy.modules[4].pk
    response = sam.post(f"/academy/learn/staff/enrolments/{ana.pk}/modules/{last}/confirm/")
    assert response.status_code == 302
    ana.refresh_from_db()
    assert ana.completed_at is not None
    certificate = Certificate.objects.get(enrolment=ana)
    assert certificate.holder == academy.applicants["ana"]
    page = client.get(f"/academy/learn/{ana.pk}/").content.decode()
    assert "You completed every module." in page
    # Marking again changes nothing and issues nothing new.
    client.post(f"/academy/learn/{ana.pk}/modules/{last}/done/")
    assert Certificate.objects.count() == 1


def test_progress_by_api(academy, course):
    ben = course["ben"]
    client = verified_client(academy.applicants["ben"])
    first, last = academy.modules[0].pk, academy.modules[4].pk
    data = client.post(f"{API}/enrolments/{ben.pk}/modules/{first}/done").json()
    assert [m["done"] for m in data["modules"]] == [True, False, False, False, False]
    data = client.post(f"{API}/enrolments/{ben.pk}/modules/{last}/done").json()
    assert data["modules"][4]["waiting_for_staff"] is True
    sam = verified_client(academy.staff)
    confirmed = sam.post(f"{API}/staff/enrolments/{ben.pk}/modules/{last}/confirm")
    assert confirmed.status_code == 200
    assert confirmed.json()["modules"][4]["complete"] is True
    assert client.get(f"{API}/enrolments/{ben.pk}").json()["completed_at"] is None


def test_confirming_needs_the_participants_mark_first(academy, course):
    ana = course["ana"]
    last = academy.modules[4].pk
    with pytest.raises(Conflict, match="not marked this module done"):
        enrolment.confirm_module(academy.staff, ana.pk, last)
    with pytest.raises(Conflict, match="needs no confirmation"):
        enrolment.confirm_module(academy.staff, ana.pk, academy.modules[0].pk)
    sam = verified_client(academy.staff)
    response = sam.post(f"/academy/learn/staff/enrolments/{ana.pk}/modules/{last}/confirm/")
    assert response.status_code == 409


@pytest.mark.parametrize("who", ["ana", "rhea"])
def test_only_staff_confirm(academy, course, who):
    ana = course["ana"]
    last = academy.modules[4].pk
    enrolment.mark_done(academy.applicants["ana"], ana.pk, last)
    user = academy.reviewers[0] if who == "rhea" else academy.applicants["ana"]
    client = verified_client(user)
    assert (
        client.post(f"/academy/learn/staff/enrolments/{ana.pk}/modules/{last}/confirm/").status_code
        == 404
    )
    assert client.post(f"{API}/staff/enrolments/{ana.pk}/modules/{last}/confirm").status_code == 404
    assert ModuleProgress.objects.get(module_id=last).confirmed_at is None


def test_a_module_of_another_course_is_not_found(academy, course):
    from closedset.academy.models import Course

    other = Module.objects.create(course=Course.objects.create(title="Other"), week=1, title="X")
    with pytest.raises(NotFound):
        enrolment.mark_done(academy.applicants["ana"], course["ana"].pk, other.pk)
    client = verified_client(academy.applicants["ana"])
    assert (
        client.post(f"/academy/learn/{course['ana'].pk}/modules/{other.pk}/done/").status_code
        == 404
    )


def test_the_certificate_service_is_called_once_complete(academy, course, monkeypatch):
    issued = []
    fake = ModuleType("closedset.certificates.services")
    fake.issue_certificate = issued.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "closedset.certificates.services", fake)
    ben = course["ben"]
    for module in academy.modules:
        enrolment.mark_done(academy.applicants["ben"], ben.pk, module.pk)
    assert issued == []
    enrolment.confirm_module(academy.staff, ben.pk, academy.modules[4].pk)
    assert [e.pk for e in issued] == [ben.pk]
