"""The public catalogue and cohort pages, the API's open cohorts, and "my applications"."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from closedset.academy import services
from closedset.academy.models import Application, Cohort, LiveSession, Material
from closedset.academy.status import change_status
from closedset.conftest import verified_client


def make_cohort(course, name, **fields):
    now = timezone.now()
    values = {
        "starts_on": (now + timedelta(days=90)).date(),
        "capacity": 10,
        "price": Decimal("500.00"),
        "application_deadline": now + timedelta(days=30),
    }
    values.update(fields)
    return Cohort.objects.create(course=course, name=name, **values)


def test_the_catalogue_lists_only_open_cohorts(academy):
    past = make_cohort(
        academy.course, "Last winter", application_deadline=timezone.now() - timedelta(days=1)
    )
    closed = make_cohort(academy.course, "Closed early", applications_closed_at=timezone.now())
    listed = [item.cohort for item in services.open_cohorts()]
    assert listed == [academy.cohort]
    assert past not in listed and closed not in listed


def test_the_catalogue_page_needs_no_sign_in_and_says_the_facts(academy):
    response = Client().get(reverse("academy:catalogue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert academy.course.title in page
    assert "Spring 2027" in page
    assert "5 weeks" in page
    assert "900.00 EUR" in page
    assert "1 full place (free)" in page
    assert "1 partial place (50% off)" in page
    assert "English" in page
    assert "UTC" in page  # the deadline says its zone
    assert 'name="viewport"' in page


def test_an_empty_catalogue_says_so(db):
    response = Client().get(reverse("academy:catalogue"))
    assert "No course takes applications right now" in response.content.decode()


def test_the_cohort_page_shows_modules_by_week_but_never_materials(academy):
    module = academy.modules[0]
    module.summary = "What consent means when money and jobs are at stake."
    module.save()
    Material.objects.create(
        module=module, kind="text", title="Reading list", body="SECRET-READING-BODY"
    )
    Material.objects.create(
        module=module, kind="link", title="Video", url="https://video.example/secret-talk"
    )
    response = Client().get(reverse("academy:cohort", args=[academy.cohort.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Week 1" in page and "Week 5" in page
    assert "Consent and power" in page
    assert "money and jobs" in page
    assert "SECRET-READING-BODY" not in page
    assert "secret-talk" not in page
    assert reverse("academy:apply", args=[academy.cohort.pk]) in page


def test_live_sessions_show_in_their_own_zone_with_the_offset(academy):
    from datetime import UTC, datetime

    LiveSession.objects.create(
        cohort=academy.cohort,
        title="Welcome call",
        # 17:00 UTC in January is 18:00 in Prague (UTC+01:00).
        starts_at=datetime(2027, 1, 12, 17, 0, tzinfo=UTC),
        time_zone="Europe/Prague",
        meeting_link="https://meet.example/private-room",
    )
    page = Client().get(reverse("academy:cohort", args=[academy.cohort.pk])).content.decode()
    assert "Welcome call" in page
    assert "18:00" in page
    assert "Europe/Prague" in page and "UTC+01:00" in page
    # The meeting link is for participants only.
    assert "private-room" not in page


def test_a_closed_cohort_page_still_shows_and_says_applications_are_closed(academy):
    academy.cohort.applications_closed_at = timezone.now()
    academy.cohort.save()
    response = Client().get(reverse("academy:cohort", args=[academy.cohort.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Applications for this cohort are closed." in page
    assert reverse("academy:apply", args=[academy.cohort.pk]) not in page


def test_a_past_cohort_page_says_applications_are_closed(academy):
    academy.cohort.application_deadline = timezone.now() - timedelta(minutes=1)
    academy.cohort.save()
    page = Client().get(reverse("academy:cohort", args=[academy.cohort.pk])).content.decode()
    assert "Applications for this cohort are closed." in page


def test_an_unknown_cohort_is_not_found(db):
    assert Client().get("/academy/cohorts/999999/").status_code == 404
    assert Client().get("/academy/cohorts/99999999999999999999/").status_code == 404


def test_the_api_lists_open_cohorts_to_anyone(academy):
    make_cohort(academy.course, "Closed", applications_closed_at=timezone.now())
    response = Client().get("/api/v1/academy/cohorts")
    assert response.status_code == 200
    data = response.json()
    assert [item["name"] for item in data] == ["Spring 2027"]
    assert data[0]["weeks"] == 5
    assert data[0]["price"] == "900.00" and data[0]["currency"] == "EUR"
    assert data[0]["scholarship_full_places"] == 1
    one = Client().get(f"/api/v1/academy/cohorts/{academy.cohort.pk}").json()
    assert [m["title"] for m in one["modules"]][0] == "Consent and power"
    assert "materials" not in json.dumps(one)


# --- my applications ------------------------------------------------------------------------


def test_ana_sees_only_her_own_applications(academy):
    response = verified_client(academy.applicants["ana"]).get(reverse("academy:mine"))
    assert response.status_code == 200
    page = response.content.decode()
    assert academy.applications["ana"].reference in page
    assert "Submitted" in page
    assert "What happens next:" in page
    for other in ("ben", "chen", "dana"):
        assert academy.applications[other].reference not in page
        assert academy.applicants[other].display_name not in page


def test_my_applications_follow_the_status(academy):
    application = academy.applications["ana"]
    change_status(application, Application.Status.WAITLISTED)
    (item,) = services.my_applications(academy.applicants["ana"])
    assert item.status_label == "On the waiting list"
    assert "If a place opens" in item.next_step
    assert item.url is None


def test_someone_who_never_applied_sees_an_empty_list(world, client_as):
    response = client_as("mara").get(reverse("academy:mine"))
    assert response.status_code == 200
    assert "You have not applied to any course yet." in response.content.decode()
    assert services.my_applications(world.mara) == []


def test_my_applications_need_sign_in(db):
    response = Client().get(reverse("academy:mine"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_api_gives_ana_her_applications_only(academy):
    response = verified_client(academy.applicants["ana"]).get("/api/v1/academy/applications")
    assert response.status_code == 200
    data = response.json()
    assert [item["reference"] for item in data] == [academy.applications["ana"].reference]
    assert data[0]["status"] == "submitted"
    # Her own answers' identifying fields are not needed here either.
    assert "full_name" not in data[0]


def test_reviewers_and_staff_have_no_applications_of_their_own(academy):
    response = verified_client(academy.reviewers[0]).get(reverse("academy:mine"))
    assert response.status_code == 200
    page = response.content.decode()
    for application in academy.applications.values():
        assert application.reference not in page


def test_an_offer_is_linked_from_my_applications(academy):
    from closedset.academy.models import Offer

    application = academy.applications["ana"]
    offer = Offer.objects.create(
        application=application, kind="full", expires_at=timezone.now() + timedelta(days=7)
    )
    change_status(application, Application.Status.OFFERED)
    (item,) = services.my_applications(academy.applicants["ana"])
    assert item.url == reverse("learning:offer", args=[offer.pk])
    page = verified_client(academy.applicants["ana"]).get(reverse("academy:mine")).content.decode()
    assert "Open the offer" in page and item.url in page
