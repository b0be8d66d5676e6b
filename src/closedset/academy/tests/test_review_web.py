"""Blind review pages and API: reviewers do their work; everyone else is refused."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from closedset.academy import review
from closedset.academy.models import ReviewAssignment, ReviewerConflict, Score
from closedset.academy.tests.test_review_helpers import assignments, score_all
from closedset.conftest import verified_client

API = "/api/v1/academy/review"


@pytest.fixture
def started(academy):
    review.start_review(academy.cohort)
    return academy


def _reviewer_routes(assignment_id: int, cohort_id: int) -> list[tuple[str, str]]:
    page = f"/academy/review/{assignment_id}/"
    return [
        ("get", "/academy/review/"),
        ("get", "/academy/review/conflicts/"),
        ("post", "/academy/review/conflicts/"),
        ("get", "/academy/review/mine.csv"),
        ("get", page),
        ("post", page),
        ("post", page + "recuse/"),
        ("get", f"{API}/assignments"),
        ("get", f"{API}/assignments/{assignment_id}"),
        ("post", f"{API}/assignments/{assignment_id}/scores"),
        ("post", f"{API}/assignments/{assignment_id}/recuse"),
        ("get", f"{API}/conflicts"),
        ("post", f"{API}/conflicts"),
    ]


def _call(client: Client, method: str, url: str):
    if url.startswith("/api/"):
        if method == "get":
            return client.get(url)
        return client.post(url, {"scores": {}, "name": "X"}, content_type="application/json")
    return getattr(client, method)(url, {"name": "X"})


def test_non_reviewers_are_refused_everywhere(started):
    one = ReviewAssignment.objects.first()
    people = [started.staff, *started.applicants.values()]
    for person in people:
        client = verified_client(person)
        for method, url in _reviewer_routes(one.pk, started.cohort.pk):
            response = _call(client, method, url)
            assert response.status_code == 403, (person.handle, method, url)
    anonymous = Client()
    for method, url in _reviewer_routes(one.pk, started.cohort.pk):
        response = _call(anonymous, method, url)
        expected = 401 if url.startswith("/api/") else 302
        assert response.status_code == expected, (method, url)
    assert not Score.objects.exists()
    assert not ReviewerConflict.objects.exists()
    assert not ReviewAssignment.objects.filter(recused_at__isnull=False).exists()


def test_staff_page_is_for_staff_only(started):
    url = f"/academy/review/staff/{started.cohort.pk}/"
    for person in [*started.reviewers, *started.applicants.values()]:
        assert verified_client(person).get(url).status_code == 404
        assert verified_client(person).post(url).status_code == 404
    response = verified_client(started.staff).get(url)
    assert response.status_code == 200
    assert b"Rhea Reviewer" in response.content
    assert verified_client(started.staff).get("/academy/review/staff/999999/").status_code == 404


def test_a_reviewer_lists_and_reads_only_their_own(started):
    rhea = started.reviewers[0]
    client = verified_client(rhea)
    response = client.get("/academy/review/")
    assert response.status_code == 200
    mine = ReviewAssignment.objects.filter(reviewer=rhea)
    for assignment in mine:
        assert assignment.application.reference.encode() in response.content
    for other in ReviewAssignment.objects.exclude(application__in=[a.application for a in mine]):
        assert other.application.reference.encode() not in response.content
    listed = client.get(f"{API}/assignments").json()
    assert sorted(item["id"] for item in listed) == sorted(a.pk for a in mine)
    foreign = ReviewAssignment.objects.exclude(reviewer=rhea).first()
    assert client.get(f"/academy/review/{foreign.pk}/").status_code == 404
    assert client.get(f"{API}/assignments/{foreign.pk}").status_code == 404


def test_scoring_through_the_page(started):
    ben = started.applications["ben"]
    first = assignments(ben)[0]
    client = verified_client(first.reviewer)
    page = f"/academy/review/{first.pk}/"
    form = {f"score_{c.pk}": "4" for c in started.criteria[:2]}
    response = client.post(page, form)
    assert response.status_code == 422
    assert b"Judgement" in response.content
    # What was entered stays checked.
    assert b'value="4" checked' in response.content
    form[f"score_{started.criteria[2].pk}"] = "4"
    response = client.post(page, form | {"comment": "Kind and clear."})
    assert response.status_code == 302
    assert review.assignment_score(ReviewAssignment.objects.get(pk=first.pk)) == 80
    response = client.get(page)
    assert b"Your scores (final)" in response.content
    assert b"Kind and clear." in response.content
    again = client.post(page, form, follow=True)
    assert b"already in" in again.content


def test_scoring_through_the_api(started):
    ben = started.applications["ben"]
    first = assignments(ben)[0]
    client = verified_client(first.reviewer)
    url = f"{API}/assignments/{first.pk}/scores"
    read = client.get(f"{API}/assignments/{first.pk}").json()
    assert read["score_max"] == 5
    assert [line["name"] for line in read["rubric"]] == ["Experience", "Motivation", "Judgement"]
    assert "full_name" not in read and "email" not in read
    bad = client.post(url, {"scores": {"1": 9}}, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["fields"]
    scores = {str(line["id"]): 5 for line in read["rubric"]}
    done = client.post(url, {"scores": scores, "comment": "Yes"}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["weighted_score"] == 100
    again = client.post(url, {"scores": scores}, content_type="application/json")
    assert again.status_code == 409
    assert "already in" in again.json()["detail"]


def test_recusing_through_the_page_and_the_api(started):
    ana = started.applications["ana"]
    first, second = assignments(ana)
    response = verified_client(first.reviewer).post(f"/academy/review/{first.pk}/recuse/")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.recused_at is not None
    api = verified_client(second.reviewer).post(
        f"{API}/assignments/{second.pk}/recuse", content_type="application/json"
    )
    assert api.status_code == 200
    # Rui, Rhea and Ravi all met Ana now: nobody is left for the second round.
    assert review.review_progress(started.cohort).needs_reviewer == 1


def test_declaring_a_conflict_on_the_page_passes_on_a_matching_review(started):
    chen = started.applications["chen"]
    first = assignments(chen)[0]
    client = verified_client(first.reviewer)
    response = client.post(
        "/academy/review/conflicts/", {"name": "chen wei", "email": ""}, follow=True
    )
    assert response.status_code == 200
    assert b"went to another reviewer" in response.content
    assert client.get(f"/academy/review/{first.pk}/").status_code == 404
    bad = client.post("/academy/review/conflicts/", {"name": "", "email": ""})
    assert bad.status_code == 422
    api = client.post(f"{API}/conflicts", {"email": "x@"}, content_type="application/json")
    assert api.status_code == 422
    assert "email" in api.json()["fields"]
    listed = client.get(f"{API}/conflicts").json()
    assert [item["name"] for item in listed] == ["chen wei"]


def test_a_conflicted_reviewer_cannot_open_the_application(started):
    dana = started.applications["dana"]
    first = assignments(dana)[0]
    score_all(first, 3)
    ReviewerConflict.objects.create(reviewer=first.reviewer, name="Dana Novak")
    client = verified_client(first.reviewer)
    assert client.get(f"/academy/review/{first.pk}/").status_code == 404
    assert client.get(f"{API}/assignments/{first.pk}").status_code == 404


def test_the_export_holds_references_and_numbers(started):
    first = assignments(started.applications["ben"])[0]
    score_all(first, 2, "Ben Okafor seems keen")
    response = verified_client(first.reviewer).get("/academy/review/mine.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "reference"
    assert {row[0] for row in rows[1:]} == {started.applications["ben"].reference}
    assert b"Okafor" not in response.content


def test_the_staff_page_shows_progress_and_finds_reviewers(started):
    from closedset.academy.tests.test_review_helpers import add_reviewer

    ana = started.applications["ana"]
    first, second = assignments(ana)
    third = next(r for r in started.reviewers if r not in (first.reviewer, second.reviewer))
    ReviewerConflict.objects.create(reviewer=third, email="ana@example.net")
    review.recuse(first.reviewer, first.pk)
    client = verified_client(started.staff)
    url = f"/academy/review/staff/{started.cohort.pk}/"
    page = client.get(url)
    assert b"needs a reviewer" in page.content
    assert b"Find reviewers for them" in page.content
    add_reviewer("nia", "Nia New")
    response = client.post(url, follow=True)
    assert b"One more review" in response.content
    assert b"Nia New" in response.content
