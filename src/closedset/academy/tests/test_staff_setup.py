"""The staff's academy pages and API: courses, modules, materials, cohorts with their rubric and
live sessions, the applications with identities, declining, and closing applications. Only
academy staff (Sam); everyone else is told there is nothing here."""

from __future__ import annotations

import sys
import types
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from closedset.academy import services
from closedset.academy.models import (
    Application,
    Cohort,
    Course,
    Criterion,
    LiveSession,
    Material,
    Module,
)
from closedset.conftest import verified_client
from closedset.lib.errors import Conflict, InvalidInput, NotFound


@pytest.fixture
def review_started(monkeypatch):
    """The cohorts whose blind review was started (review.start_review is another part's)."""
    calls: list[int] = []
    try:
        from closedset.academy import review
    except ImportError:
        review = types.ModuleType("closedset.academy.review")
        monkeypatch.setitem(sys.modules, "closedset.academy.review", review)
    monkeypatch.setattr(
        review, "start_review", lambda cohort: calls.append(cohort.pk), raising=False
    )
    return calls


@pytest.fixture
def sam(academy):
    return verified_client(academy.staff)


def staff_urls(academy):
    material = Material.objects.create(
        module=academy.modules[0],
        kind="file",
        title="Handout",
        file_data=b"%PDF-1",
        file_name="h.pdf",
    )
    session = LiveSession.objects.create(
        cohort=academy.cohort, title="Call", starts_at=timezone.now() + timedelta(days=61)
    )
    cohort, application = academy.cohort, academy.applications["ana"]
    return [
        reverse("academy:staff"),
        reverse("academy:course_new"),
        reverse("academy:course", args=[academy.course.pk]),
        reverse("academy:module_new", args=[academy.course.pk]),
        reverse("academy:module", args=[academy.modules[0].pk]),
        reverse("academy:material_new", args=[academy.modules[0].pk]),
        reverse("academy:material", args=[material.pk]),
        reverse("academy:material_file", args=[material.pk]),
        reverse("academy:cohort_new"),
        reverse("academy:staff_cohort", args=[cohort.pk]),
        reverse("academy:criterion_new", args=[cohort.pk]),
        reverse("academy:criterion", args=[academy.criteria[0].pk]),
        reverse("academy:session_new", args=[cohort.pk]),
        reverse("academy:session", args=[session.pk]),
        reverse("academy:staff_applications", args=[cohort.pk]),
        reverse("academy:staff_application", args=[application.pk]),
    ]


def test_sam_opens_every_staff_page(academy, sam):
    for url in staff_urls(academy):
        assert sam.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["rhea", "ana"])
def test_reviewers_and_applicants_find_no_staff_pages(academy, who):
    user = academy.reviewers[0] if who == "rhea" else academy.applicants["ana"]
    client = verified_client(user)
    for url in staff_urls(academy):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Ben Okafor" not in response.content
    close = reverse("academy:close", args=[academy.cohort.pk])
    assert client.post(close).status_code == 404
    assert Cohort.objects.get(pk=academy.cohort.pk).applications_closed_at is None
    decline = reverse("academy:decline", args=[academy.applications["ben"].pk])
    assert client.post(decline).status_code == 404
    assert Application.objects.get(pk=academy.applications["ben"].pk).status == "submitted"


def test_signed_out_people_are_asked_to_log_in(academy):
    response = Client().get(reverse("academy:staff"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_sam_needs_his_second_factor(academy):
    client = Client()
    client.force_login(academy.staff, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("academy:staff"))
    assert response.status_code == 302
    assert "second-factor" in response["Location"]


def test_the_overview_counts_applications_by_status(academy, sam):
    from closedset.academy.status import change_status

    change_status(academy.applications["dana"], Application.Status.DECLINED)
    (item,) = services.staff_overview(academy.staff)
    counts = {status: count for status, _, count in item.by_status}
    assert item.total == 4
    assert counts["submitted"] == 3 and counts["declined"] == 1
    page = sam.get(reverse("academy:staff")).content.decode()
    assert "4 applications" in page
    assert "Submitted: 3" in page and "Declined: 1" in page


# --- courses, modules, materials -------------------------------------------------------------


def test_sam_makes_a_course_with_modules(academy, sam):
    response = sam.post(
        reverse("academy:course_new"),
        {"title": "Theatre intimacy", "summary": "Four weeks.", "achievement": "Completed it."},
    )
    course = Course.objects.get(title="Theatre intimacy")
    assert response["Location"] == reverse("academy:course", args=[course.pk])
    response = sam.post(
        reverse("academy:module_new", args=[course.pk]),
        {"week": "1", "position": "1", "title": "Rehearsal rooms", "needs_confirmation": "on"},
    )
    module = Module.objects.get(course=course)
    assert module.needs_confirmation and module.week == 1
    sam.post(
        reverse("academy:module", args=[module.pk]),
        {"week": "2", "position": "1", "title": "Rehearsal rooms", "summary": "How to start."},
    )
    module.refresh_from_db()
    assert module.week == 2 and not module.needs_confirmation
    assert services.weeks_of(course) == 2


def test_a_course_needs_a_title_and_sizes_are_limited(academy, sam):
    response = sam.post(reverse("academy:course_new"), {"title": ""})
    assert response.status_code == 422
    assert "Give the course a title." in response.content.decode()
    response = sam.post(reverse("academy:course_new"), {"title": "t" * 201})
    assert response.status_code == 422
    assert "at most 200 characters" in response.content.decode()
    response = sam.post(
        reverse("academy:module_new", args=[academy.course.pk]), {"week": "x", "title": "A"}
    )
    assert response.status_code == 422
    assert "from 1 to 52" in response.content.decode()


def test_materials_text_link_and_file(academy, sam):
    module = academy.modules[0]
    url = reverse("academy:material_new", args=[module.pk])
    sam.post(url, {"kind": "text", "title": "Reading", "body": "Read this.", "position": "1"})
    sam.post(url, {"kind": "link", "title": "Talk", "url": "https://talk.example/1"})
    handout = SimpleUploadedFile("hand out.pdf", b"%PDF-1.4 the handout", "application/pdf")
    response = sam.post(url, {"kind": "file", "title": "Handout", "file": handout})
    assert response.status_code == 302
    kinds = sorted(module.materials.values_list("kind", flat=True))
    assert kinds == ["file", "link", "text"]
    material = module.materials.get(kind="file")
    assert services.material_file(material) == (
        "hand-out.pdf",
        "application/pdf",
        b"%PDF-1.4 the handout",
    )
    response = sam.get(reverse("academy:material_file", args=[material.pk]))
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 the handout"
    assert response["Content-Disposition"] == 'attachment; filename="hand-out.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    # Nobody else downloads it here (participants get it from their course page).
    ana = verified_client(academy.applicants["ana"])
    assert ana.get(reverse("academy:material_file", args=[material.pk])).status_code == 404


def test_an_unknown_kind_of_file_is_served_as_bytes(academy):
    material = services.save_material(
        academy.staff,
        academy.modules[0].pk,
        None,
        services.MaterialInput(
            kind="file", title="Page", file_name="x.html", file_data=b"<script>alert(1)</script>"
        ),
    )
    assert services.material_file(material)[1] == "application/octet-stream"


def test_material_mistakes_are_named(academy, sam):
    url = reverse("academy:material_new", args=[academy.modules[0].pk])
    response = sam.post(url, {"kind": "link", "title": "Talk", "url": "not a link"})
    assert response.status_code == 422
    assert "Write a whole web address" in response.content.decode()
    response = sam.post(url, {"kind": "file", "title": "Handout"})
    assert response.status_code == 422
    assert "Choose a file to upload (at most 900 KB)." in response.content.decode()
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (900 * 1024), "application/pdf")
    response = sam.post(url, {"kind": "file", "title": "Big", "file": big})
    assert response.status_code in (413, 422)
    response = sam.post(url, {"kind": "video", "title": "V"})
    assert response.status_code == 422
    assert "Choose text, link or file." in response.content.decode()
    assert not academy.modules[0].materials.exists()


def test_a_too_large_file_is_refused_by_the_service(academy):
    with pytest.raises(InvalidInput) as caught:
        services.save_material(
            academy.staff,
            academy.modules[0].pk,
            None,
            services.MaterialInput(
                kind="file", title="Big", file_name="b.pdf", file_data=b"0" * (901 * 1024)
            ),
        )
    assert "900 KB" in caught.value.fields["file"]


def test_material_file_refuses_what_is_not_a_file(academy):
    material = Material.objects.create(
        module=academy.modules[0], kind="text", title="Reading", body="x"
    )
    with pytest.raises(NotFound):
        services.material_file(material)


def test_deleting_a_material_and_a_module(academy, sam):
    material = Material.objects.create(module=academy.modules[4], kind="text", title="R", body="x")
    sam.post(reverse("academy:material", args=[material.pk]), {"action": "delete"})
    assert not Material.objects.filter(pk=material.pk).exists()
    sam.post(reverse("academy:module", args=[academy.modules[4].pk]), {"action": "delete"})
    assert not Module.objects.filter(pk=academy.modules[4].pk).exists()


# --- cohorts, rubric, live sessions ---------------------------------------------------------

COHORT = {
    "name": "Autumn 2027",
    "starts_on": "2027-09-06",
    "language": "cs",
    "capacity": "12",
    "price": "750",
    "currency": "czk",
    "scholarship_full_places": "2",
    "scholarship_partial_places": "3",
    "partial_discount_percent": "40",
    "application_deadline": "2027-08-01T23:59",
    "score_max": "4",
    "disagreement_threshold": "25",
    "offer_days": "10",
}


def test_sam_makes_a_cohort_with_every_field(academy, sam):
    response = sam.post(reverse("academy:cohort_new"), {**COHORT, "course": academy.course.pk})
    cohort = Cohort.objects.get(name="Autumn 2027")
    assert response["Location"] == reverse("academy:staff_cohort", args=[cohort.pk])
    assert cohort.course == academy.course
    assert cohort.language == "cs" and cohort.currency == "CZK"
    assert (cohort.capacity, str(cohort.price)) == (12, "750.00")
    assert (cohort.scholarship_full_places, cohort.scholarship_partial_places) == (2, 3)
    assert cohort.partial_discount_percent == 40
    assert cohort.application_deadline == datetime(2027, 8, 1, 23, 59, tzinfo=UTC)
    assert (cohort.score_max, cohort.disagreement_threshold, cohort.offer_days) == (4, 25, 10)
    page = Client().get(reverse("academy:catalogue")).content.decode()
    assert "Autumn 2027" in page and "Čeština" in page


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"scholarship_full_places": "20"}, "scholarship_full_places", "more scholarship places"),
        ({"application_deadline": "2027-10-01T00:00"}, "application_deadline", "after the start"),
        ({"currency": "euro"}, "currency", "three letters"),
        ({"price": "-5"}, "price", "Write the price as a number"),
        ({"price": "NaN"}, "price", "Write the price as a number"),
        ({"language": "xx"}, "language", "Choose one of the languages"),
        ({"starts_on": "next week"}, "starts_on", "for example 2027-03-01"),
        ({"capacity": "0"}, "capacity", "from 1 to 10000"),
        ({"course": "999999"}, "course", "Choose the course"),
        ({"name": ""}, "name", "Give the cohort a name"),
    ],
)
def test_cohort_mistakes_are_named(academy, sam, change, field, words):
    data = {**COHORT, "course": academy.course.pk, **change}
    response = sam.post(reverse("academy:cohort_new"), data)
    assert response.status_code == 422
    assert words in response.content.decode()
    assert not Cohort.objects.filter(name="Autumn 2027").exists()
    values = services.CohortInput(
        course_id=data["course"], **{k: v for k, v in data.items() if k != "course"}
    )
    with pytest.raises(InvalidInput) as caught:
        services.save_cohort(academy.staff, None, values)
    assert field in caught.value.fields


def test_sam_changes_a_cohort(academy, sam):
    url = reverse("academy:staff_cohort", args=[academy.cohort.pk])
    sam.post(url, {**COHORT, "course": academy.course.pk, "name": "Spring 2027 (moved)"})
    assert Cohort.objects.get(pk=academy.cohort.pk).name == "Spring 2027 (moved)"


def test_the_rubric(academy, sam):
    url = reverse("academy:criterion_new", args=[academy.cohort.pk])
    response = sam.post(
        url, {"name": "Care", "description": "Looks after people.", "weight": "4", "position": "4"}
    )
    assert response.status_code == 302
    criterion = Criterion.objects.get(cohort=academy.cohort, name="Care")
    assert (criterion.weight, criterion.description) == (4, "Looks after people.")
    response = sam.post(url, {"name": "Zero", "weight": "0"})
    assert response.status_code == 422
    sam.post(
        reverse("academy:criterion", args=[criterion.pk]),
        {"name": "Care", "weight": "1", "position": "4"},
    )
    criterion.refresh_from_db()
    assert criterion.weight == 1
    sam.post(reverse("academy:criterion", args=[criterion.pk]), {"action": "delete"})
    assert not Criterion.objects.filter(pk=criterion.pk).exists()


def test_the_rubric_is_fixed_once_review_started(academy, review_started):
    services.close_applications(academy.staff, academy.cohort.pk)
    with pytest.raises(Conflict):
        services.save_criterion(
            academy.staff, academy.cohort.pk, None, services.CriterionInput(name="Late")
        )
    with pytest.raises(Conflict):
        services.delete_criterion(academy.staff, academy.criteria[0].pk)


def test_a_live_session_in_its_own_time_zone(academy, sam):
    url = reverse("academy:session_new", args=[academy.cohort.pk])
    response = sam.post(
        url,
        {
            "title": "Welcome",
            "starts_at": "2027-03-02T18:00",
            "time_zone": "Europe/Prague",
            "duration_minutes": "90",
            "meeting_link": "https://meet.example/room",
            "module": academy.modules[0].pk,
        },
    )
    assert response.status_code == 302
    session = LiveSession.objects.get(cohort=academy.cohort)
    assert session.starts_at == datetime(2027, 3, 2, 17, 0, tzinfo=UTC)
    assert session.time_zone == "Europe/Prague" and session.module == academy.modules[0]
    shown = services.session_time(session)
    assert shown.local.hour == 18 and shown.offset == "UTC+01:00"
    page = sam.get(reverse("academy:session", args=[session.pk])).content.decode()
    assert "2027-03-02T18:00" in page


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe/../etc/passwd", "", "x" * 70])
def test_a_time_zone_must_be_a_real_one(academy, sam, zone):
    response = sam.post(
        reverse("academy:session_new", args=[academy.cohort.pk]),
        {"title": "Welcome", "starts_at": "2027-03-02T18:00", "time_zone": zone},
    )
    assert response.status_code == 422
    assert "Write a time zone by its name" in response.content.decode()
    assert not LiveSession.objects.exists()


def test_a_module_of_another_course_is_refused(academy):
    other = Course.objects.create(title="Other")
    foreign = Module.objects.create(course=other, week=1, title="Elsewhere")
    with pytest.raises(InvalidInput) as caught:
        services.save_session(
            academy.staff,
            academy.cohort.pk,
            None,
            services.SessionInput(
                title="W", starts_at="2027-03-02T18:00", time_zone="UTC", module_id=foreign.pk
            ),
        )
    assert "module" in caught.value.fields


# --- applications, declining, closing --------------------------------------------------------


def test_sam_sees_who_applied(academy, sam):
    page = sam.get(reverse("academy:staff_applications", args=[academy.cohort.pk])).content.decode()
    for handle, application in academy.applications.items():
        assert application.reference in page
        assert application.full_name in page
        assert academy.applicants[handle].email in page
    one = sam.get(
        reverse("academy:staff_application", args=[academy.applications["ana"].pk])
    ).content.decode()
    assert "+351 912 345 678" in one and "Porto, Portugal" in one
    assert "I work part time." in one


def test_sam_declines_an_application(academy, sam, mailoutbox):
    application = academy.applications["dana"]
    response = sam.post(reverse("academy:decline", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED
    assert mailoutbox[-1].to == [application.applicant.email]
    assert "Declined" in mailoutbox[-1].subject


def test_closing_applications_starts_the_review(academy, sam, review_started):
    response = sam.post(reverse("academy:close", args=[academy.cohort.pk]))
    assert response.status_code == 302
    cohort = Cohort.objects.get(pk=academy.cohort.pk)
    assert cohort.applications_closed_at is not None
    assert review_started == [cohort.pk]
    assert services.open_cohorts() == []
    # Nobody applies any more, and closing twice says so.
    answers = services.ApplicationInput(
        full_name="Late", email="mara@example.org", background="b", motivation="m"
    )
    with pytest.raises(Conflict):
        services.apply(academy.staff, cohort.pk, answers)
    again = sam.post(reverse("academy:close", args=[cohort.pk]))
    assert again.status_code == 409
    assert review_started == [cohort.pk]


# --- the staff API ---------------------------------------------------------------------------


def test_the_staff_api(academy, review_started):
    client = verified_client(academy.staff)
    cohorts = client.get("/api/v1/academy/staff/cohorts").json()
    assert cohorts[0]["applications"] == 4
    assert cohorts[0]["by_status"]["submitted"] == 4
    rows = client.get(f"/api/v1/academy/staff/cohorts/{academy.cohort.pk}/applications").json()
    assert {row["full_name"] for row in rows} == {
        "Ana Lima",
        "Ben Okafor",
        "Chen Wei",
        "Dana Novak",
    }
    declined = client.post(
        f"/api/v1/academy/staff/applications/{academy.applications['ben'].pk}/decline"
    )
    assert declined.json()["status"] == "declined"
    closed = client.post(f"/api/v1/academy/staff/cohorts/{academy.cohort.pk}/close")
    assert closed.status_code == 200
    assert closed.json()["open"] is False
    assert review_started == [academy.cohort.pk]
    assert (
        client.post(f"/api/v1/academy/staff/cohorts/{academy.cohort.pk}/close").status_code == 409
    )


@pytest.mark.parametrize("who", ["rhea", "ana"])
def test_the_staff_api_does_not_exist_for_others(academy, who):
    user = academy.reviewers[0] if who == "rhea" else academy.applicants["ana"]
    client = verified_client(user)
    for url in (
        "/api/v1/academy/staff/cohorts",
        f"/api/v1/academy/staff/cohorts/{academy.cohort.pk}/applications",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Ben Okafor" not in response.content.decode()
    response = client.post(f"/api/v1/academy/staff/cohorts/{academy.cohort.pk}/close")
    assert response.status_code == 404
    assert Cohort.objects.get(pk=academy.cohort.pk).applications_closed_at is None


def test_when_review_cannot_start_applications_stay_open(academy, sam, monkeypatch):
    from closedset.academy import review

    def refuse(cohort):
        raise Conflict("Too few reviewers are free of conflicts.")

    monkeypatch.setattr(review, "start_review", refuse)
    response = sam.post(reverse("academy:close", args=[academy.cohort.pk]))
    assert response.status_code == 409
    assert "Too few reviewers" in response.content.decode()
    assert Cohort.objects.get(pk=academy.cohort.pk).applications_closed_at is None


def test_closing_with_the_real_review_puts_applications_under_review(academy):
    services.close_applications(academy.staff, academy.cohort.pk)
    statuses = set(
        Application.objects.filter(cohort=academy.cohort).values_list("status", flat=True)
    )
    assert statuses == {Application.Status.UNDER_REVIEW}
