"""Computing awards, the ranking staff see, and places passing on (decline, expiry, sweep)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from closedset.academy import enrolment
from closedset.academy.models import Application, Cohort, Enrolment, Offer
from closedset.academy.tests.test_enrolment_helpers import (
    accepted,
    awarded,
    offer_of,
    reviewed,
    status_of,
)
from closedset.conftest import verified_client
from closedset.lib.errors import Conflict, NotFound
from closedset.notices.models import Notice

STAFF_PAGE = "/academy/learn/staff/{}/"
API_AWARDS = "/api/v1/academy/learn/staff/cohorts/{}/awards"


def _awards(academy):
    return {
        handle: (offer_of(academy, handle).kind if offer_of(academy, handle) else None)
        for handle in academy.applications
    }


def test_staff_compute_awards_from_the_page(academy, monkeypatch):
    reviewed(monkeypatch, academy)
    sam = verified_client(academy.staff)
    before = timezone.now()
    response = sam.post(STAFF_PAGE.format(academy.cohort.pk))
    assert response.status_code == 302
    # Ana asked full and scored best; Chen asked partial; Ben pays; Dana waits.
    assert _awards(academy) == {"ana": "full", "ben": "paid", "chen": "partial", "dana": None}
    assert [status_of(academy, h) for h in ("ana", "ben", "chen", "dana")] == [
        "offered",
        "offered",
        "offered",
        "waitlisted",
    ]
    offer = offer_of(academy, "ana")
    days = academy.cohort.offer_days
    assert before + timedelta(days=days) <= offer.expires_at <= timezone.now() + timedelta(days)
    ana = Application.objects.get(pk=academy.applications["ana"].pk)
    assert ana.final_score == Decimal("90.000")
    cohort = Cohort.objects.get(pk=academy.cohort.pk)
    assert cohort.awards_computed_at is not None
    # Each applicant heard of it.
    assert Notice.objects.filter(recipient=academy.applicants["dana"]).exists()
    page = sam.get(STAFF_PAGE.format(academy.cohort.pk)).content.decode()
    assert "Tie rule:" in page
    assert academy.applications["dana"].reference in page


def test_computing_twice_makes_no_second_set_of_offers(academy, monkeypatch):
    awarded(monkeypatch, academy)
    again = enrolment.compute_awards(academy.staff, academy.cohort.pk)
    assert again.already
    response = verified_client(academy.staff).post(STAFF_PAGE.format(academy.cohort.pk))
    assert response.status_code == 302
    assert Offer.objects.filter(application__cohort=academy.cohort).count() == 3


def test_awards_wait_for_review(academy, monkeypatch):
    from closedset.academy import review

    reviewed(monkeypatch, academy)
    monkeypatch.setattr(review, "review_complete", lambda c: False)
    response = verified_client(academy.staff).post(STAFF_PAGE.format(academy.cohort.pk))
    assert response.status_code == 409
    assert "Review is not finished" in response.content.decode()
    assert not Offer.objects.exists()
    assert Cohort.objects.get(pk=academy.cohort.pk).awards_computed_at is None


def test_awards_wait_for_applications_to_close(academy, monkeypatch):
    reviewed(monkeypatch, academy)
    Cohort.objects.filter(pk=academy.cohort.pk).update(applications_closed_at=None)
    with pytest.raises(Conflict, match="still open"):
        enrolment.compute_awards(academy.staff, academy.cohort.pk)


def test_awards_need_some_scores(academy, monkeypatch):
    reviewed(monkeypatch, academy, {})
    with pytest.raises(Conflict, match="scored"):
        enrolment.compute_awards(academy.staff, academy.cohort.pk)


def test_awards_with_the_real_review_answers(academy):
    """Nobody is under review yet: review is trivially complete but nothing is scored."""
    Cohort.objects.filter(pk=academy.cohort.pk).update(applications_closed_at=timezone.now())
    with pytest.raises(Conflict, match="scored"):
        enrolment.compute_awards(academy.staff, academy.cohort.pk)


def test_the_tie_rule_shows_on_the_ranking(academy, monkeypatch):
    # Ben and Dana tie: Ben applied earlier (the fixture sends them an hour apart).
    awarded(monkeypatch, academy, {"ana": 90, "ben": 75, "chen": 70, "dana": 75})
    rows = enrolment.ranking(academy.cohort)
    assert [row.application.reference for row in rows[1:3]] == [
        academy.applications["ben"].reference,
        academy.applications["dana"].reference,
    ]
    assert rows[2].tied and not rows[1].tied
    page = verified_client(academy.staff).get(STAFF_PAGE.format(academy.cohort.pk))
    text = page.content.decode()
    assert "tie: sent" in text
    assert "the application sent earlier comes first" in text


@pytest.mark.parametrize("who", ["rhea", "ana", "ben"])
def test_only_staff_compute_awards(academy, monkeypatch, who):
    reviewed(monkeypatch, academy)
    user = academy.applicants.get(who) or academy.reviewers[0]
    client = verified_client(user)
    assert client.get(STAFF_PAGE.format(academy.cohort.pk)).status_code == 404
    assert client.post(STAFF_PAGE.format(academy.cohort.pk)).status_code == 404
    assert client.get("/academy/learn/staff/").status_code == 404
    assert client.post(API_AWARDS.format(academy.cohort.pk)).status_code == 404
    with pytest.raises(NotFound):
        enrolment.compute_awards(user, academy.cohort.pk)
    assert not Offer.objects.exists()


def test_staff_compute_awards_by_api(academy, monkeypatch):
    reviewed(monkeypatch, academy)
    sam = verified_client(academy.staff)
    response = sam.post(API_AWARDS.format(academy.cohort.pk), content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert [row["award"] for row in data["ranking"]] == ["full", "paid", "partial", "waitlist"]
    assert data["tie_rule"].startswith("Higher score first")
    assert data["already_computed"] is False
    assert sam.get(API_AWARDS.format(academy.cohort.pk)).json()["computed_at"]
    assert sam.post(API_AWARDS.format(academy.cohort.pk)).json()["already_computed"] is True
    assert sam.get(API_AWARDS.format(999999)).status_code == 404


def test_a_declined_offer_passes_to_the_next_in_line(academy, monkeypatch):
    awarded(monkeypatch, academy)
    enrolment.decline_offer(academy.applicants["ben"], offer_of(academy, "ben").pk)
    assert status_of(academy, "ben") == "declined"
    assert offer_of(academy, "dana").kind == "paid"
    assert status_of(academy, "dana") == "offered"


def test_a_declined_scholarship_goes_to_the_next_who_asked(academy, monkeypatch):
    Application.objects.filter(pk=academy.applications["dana"].pk).update(scholarship="partial")
    awarded(monkeypatch, academy)
    assert offer_of(academy, "dana") is None
    enrolment.decline_offer(academy.applicants["chen"], offer_of(academy, "chen").pk)
    assert offer_of(academy, "dana").kind == "partial"


def test_a_better_award_replaces_an_open_offer(academy, monkeypatch):
    # Ben asked partial too but Chen ranked higher: Ben is offered a paid place.
    Application.objects.filter(pk=academy.applications["ben"].pk).update(scholarship="partial")
    awarded(monkeypatch, academy, {"ana": 90, "ben": 80, "chen": 85, "dana": 60})
    old = offer_of(academy, "ben")
    assert old.kind == "paid"
    enrolment.decline_offer(academy.applicants["chen"], offer_of(academy, "chen").pk)
    new = offer_of(academy, "ben")
    assert new.kind == "partial"
    old.refresh_from_db()
    assert old.expired_at is not None and enrolment.offer_state(old) == "replaced"
    assert offer_of(academy, "dana").kind == "paid"
    page = verified_client(academy.applicants["ben"]).get(f"/academy/learn/offers/{old.pk}/")
    assert "A better offer replaced this one." in page.content.decode()


def test_an_enrolled_participant_gets_a_scholarship_that_comes_free(academy, monkeypatch):
    Application.objects.filter(pk=academy.applications["ben"].pk).update(scholarship="partial")
    awarded(monkeypatch, academy, {"ana": 90, "ben": 80, "chen": 85, "dana": 60})
    ben = accepted(academy, "ben")
    assert ben.amount_due == Decimal("900.00")
    enrolment.decline_offer(academy.applicants["chen"], offer_of(academy, "chen").pk)
    ben.refresh_from_db()
    assert ben.offer.kind == "partial"
    assert ben.amount_due == Decimal("450.00")
    assert ben.invoice.amount == Decimal("450.00")
    assert status_of(academy, "ben") == "enrolled"


def test_sweep_expires_offers_and_passes_them_on(academy, monkeypatch):
    awarded(monkeypatch, academy)
    later = timezone.now() + timedelta(days=academy.cohort.offer_days, minutes=1)
    # Ana answered in time; the others did not.
    accepted(academy, "ana")
    result = enrolment.sweep_offers(academy.cohort, later)
    assert sorted(result.expired) == sorted(
        academy.applications[h].reference for h in ("ben", "chen")
    )
    assert status_of(academy, "ben") == status_of(academy, "chen") == "declined"
    assert offer_of(academy, "dana").kind == "paid"
    assert result.improved == [academy.applications["dana"].reference]
    # Nothing left to do: the same again changes nothing.
    again = enrolment.sweep_offers(academy.cohort, later)
    assert again.expired == [] and again.improved == []


def test_an_applicants_page_load_sweeps(academy, monkeypatch):
    awarded(monkeypatch, academy)
    Offer.objects.filter(application=academy.applications["ben"]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    ana_offer = offer_of(academy, "ana")
    response = verified_client(academy.applicants["ana"]).get(
        f"/academy/learn/offers/{ana_offer.pk}/"
    )
    assert response.status_code == 200
    assert status_of(academy, "ben") == "declined"
    assert offer_of(academy, "dana").kind == "paid"


def test_a_staff_page_load_sweeps(academy, monkeypatch):
    awarded(monkeypatch, academy)
    Offer.objects.filter(application=academy.applications["chen"]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    verified_client(academy.staff).get(STAFF_PAGE.format(academy.cohort.pk))
    assert status_of(academy, "chen") == "declined"
    assert offer_of(academy, "dana") is not None


def test_the_sweep_command(academy, monkeypatch):
    awarded(monkeypatch, academy)
    Offer.objects.filter(application=academy.applications["ben"]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    out = StringIO()
    call_command("academy_sweep", stdout=out)
    assert status_of(academy, "ben") == "declined"
    assert offer_of(academy, "dana").kind == "paid"
    assert "1 offer ended" in out.getvalue()


def test_places_held_never_exceed_capacity_through_any_answers(academy, monkeypatch):
    """Every order of accept / decline / let run out keeps enrolments and open offers within
    the cohort's places."""
    import itertools

    from closedset.academy.models import ModuleProgress  # noqa: F401 - the app is loaded

    awarded(monkeypatch, academy)
    moves = itertools.cycle(["accept", "decline", "expire"])
    for _round in range(4):
        for handle in ("dana", "chen", "ben", "ana"):
            offer = offer_of(academy, handle)
            if offer is None:
                continue
            move = next(moves)
            if move == "accept":
                enrolment.accept_offer(academy.applicants[handle], offer.pk)
            elif move == "decline":
                enrolment.decline_offer(academy.applicants[handle], offer.pk)
            else:
                Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now())
                enrolment.sweep_offers(academy.cohort)
            held = Enrolment.objects.filter(cohort=academy.cohort).count() + sum(
                1 for o in Offer.objects.filter(application__cohort=academy.cohort) if o.is_open
            )
            assert held <= academy.cohort.capacity


HANDLES = ("ana", "ben", "chen", "dana")


@hypothesis_settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    scores=st.tuples(*[st.integers(0, 100) for _ in HANDLES]),
    asks=st.tuples(*[st.sampled_from(["", "full", "partial"]) for _ in HANDLES]),
    capacity=st.integers(0, 4),
    full=st.integers(0, 2),
    partial=st.integers(0, 2),
    moves=st.lists(
        st.tuples(st.sampled_from(HANDLES), st.sampled_from(["accept", "decline", "expire"])),
        max_size=10,
    ),
)
def test_enrolment_never_exceeds_capacity_whatever_happens(
    academy, monkeypatch, scores, asks, capacity, full, partial, moves
):
    """Any scores, requests and places, then any answers in any order: never more people
    enrolled (or holding places) than the cohort has, never more scholarships than its places,
    and a person enrolled is never moved to a worse place."""
    from django.db import transaction

    with transaction.atomic():
        Cohort.objects.filter(pk=academy.cohort.pk).update(
            capacity=capacity, scholarship_full_places=full, scholarship_partial_places=partial
        )
        for handle, ask in zip(HANDLES, asks, strict=True):
            Application.objects.filter(pk=academy.applications[handle].pk).update(scholarship=ask)
        awarded(monkeypatch, academy, dict(zip(HANDLES, scores, strict=True)))
        cohort = Cohort.objects.get(pk=academy.cohort.pk)
        worth = {"full": 3, "partial": 2, "paid": 1}
        for handle, move in moves:
            offer = offer_of(academy, handle)
            if offer is None:
                continue
            before = {e.pk: worth[e.offer.kind] for e in Enrolment.objects.select_related("offer")}
            if move == "accept":
                enrolment.accept_offer(academy.applicants[handle], offer.pk)
            elif move == "decline":
                enrolment.decline_offer(academy.applicants[handle], offer.pk)
            else:
                Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now())
                enrolment.sweep_offers(cohort)
            enrolled = list(Enrolment.objects.filter(cohort=cohort).select_related("offer"))
            open_offers = [o for o in Offer.objects.filter(application__cohort=cohort) if o.is_open]
            held = [e.offer.kind for e in enrolled] + [o.kind for o in open_offers]
            assert len(enrolled) <= capacity
            assert len(held) <= capacity
            assert held.count("full") <= full and held.count("partial") <= partial
            assert all(worth[e.offer.kind] >= before.get(e.pk, 0) for e in enrolled)
        transaction.set_rollback(True)
