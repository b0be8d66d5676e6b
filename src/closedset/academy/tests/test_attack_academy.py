"""The academy attacked: applicants, reviewers and tokens trying what they should not."""

from __future__ import annotations

import pytest
from django.db import connection  # noqa: F401 - skipif reads connection
from django.test import Client

from closedset.academy import enrolment, review, services
from closedset.academy.models import Application, Enrolment, ReviewAssignment
from closedset.academy.tests.test_enrolment_helpers import awarded, offer_of, status_of
from closedset.accounts import services as accounts
from closedset.accounts.models import ApiToken
from closedset.conftest import verified_client
from closedset.productions.models import Membership


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _answers(**changes: str) -> dict[str, str]:
    answers = {
        "full_name": "Ines Coordinator",
        "background": "Coordinated intimacy on three features.",
        "motivation": "To learn the adult-set side of the work.",
    }
    return {**answers, **changes}


# ---------------------------------------------------------------- tokens


@pytest.fixture
def ines_in_the_academy(world, academy):
    """Ines coordinates a production and wants to take the workshop too."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.ines, name="phone", confirmed=True)
    cohort = academy.cohort
    return world.ines, cohort


def test_a_production_token_does_not_reach_the_academy(world, ines_in_the_academy):
    ines, cohort = ines_in_the_academy
    assert Membership.objects.filter(user=ines, production=world.production).exists()
    _, held = accounts.create_api_token(
        ines,
        "set tools",
        access=ApiToken.Access.WRITE,
        production_id=world.production.pk,
        session_verified=True,
    )
    client = Client()
    applied = client.post(
        f"/api/v1/academy/cohorts/{cohort.pk}/applications",
        _answers(),
        content_type="application/json",
        headers=_bearer(held),
    )
    assert applied.status_code == 403
    assert "academy is not part of any production" in applied.json()["detail"]
    assert not Application.objects.filter(applicant=ines).exists()
    for url in (
        "/api/v1/academy/applications",
        "/api/v1/academy/learn/offers",
        "/api/v1/academy/learn/enrolments",
        "/api/v1/academy/review/assignments",
    ):
        assert client.get(url, headers=_bearer(held)).status_code == 403, url
    # The public catalogue needs no token at all, and a token for everything still applies.
    assert client.get("/api/v1/academy/cohorts", headers=_bearer(held)).status_code == 200
    _, whole = accounts.create_api_token(
        ines, "laptop", access=ApiToken.Access.WRITE, session_verified=True
    )
    applied = client.post(
        f"/api/v1/academy/cohorts/{cohort.pk}/applications",
        _answers(),
        content_type="application/json",
        headers=_bearer(whole),
    )
    assert applied.status_code == 201


def test_a_read_only_token_cannot_apply_nor_accept(world, ines_in_the_academy):
    ines, cohort = ines_in_the_academy
    _, secret = accounts.create_api_token(ines, "reader", session_verified=True)
    applied = Client().post(
        f"/api/v1/academy/cohorts/{cohort.pk}/applications",
        _answers(),
        content_type="application/json",
        headers=_bearer(secret),
    )
    assert applied.status_code == 403
    assert "read" in applied.json()["detail"].lower()
    assert not Application.objects.filter(applicant=ines).exists()


def test_extra_fields_on_an_application_change_nothing(world, ines_in_the_academy):
    ines, cohort = ines_in_the_academy
    sent = _answers(status="enrolled", final_score="100", reference="A-AAAAAA", email="x@y.z")
    response = verified_client(ines).post(
        f"/api/v1/academy/cohorts/{cohort.pk}/applications", sent, content_type="application/json"
    )
    assert response.status_code == 201
    application = Application.objects.get(applicant=ines)
    assert application.status == Application.Status.SUBMITTED
    assert application.final_score is None
    assert application.reference != "A-AAAAAA"
    assert application.email == ines.email


# ---------------------------------------------------------------- scores


def _open_assignment(academy):
    review.start_review(academy.cohort)
    return ReviewAssignment.objects.filter(submitted_at__isnull=True).select_related("reviewer")[0]


@pytest.mark.parametrize("odd", ["²", "9" * 5000, "٣", " 3 3 ", "3.0", "-1"])
def test_a_score_that_is_no_plain_whole_number_is_refused_not_a_crash(academy, odd):
    assignment = _open_assignment(academy)
    criteria = academy.criteria
    scores = {str(criteria[0].pk): odd, str(criteria[1].pk): 3, str(criteria[2].pk): 3}
    response = verified_client(assignment.reviewer).post(
        f"/api/v1/academy/review/assignments/{assignment.pk}/scores",
        {"scores": scores},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert str(criteria[0].pk) in response.json()["fields"]
    assignment.refresh_from_db()
    assert assignment.submitted_at is None


def test_a_score_typed_as_plain_digits_still_counts(academy):
    assignment = _open_assignment(academy)
    scores = {str(c.pk): " 4 " for c in academy.criteria}
    review.submit_scores(assignment.reviewer, assignment.pk, scores)
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None


# ---------------------------------------------------------------- blind review


def test_invisible_characters_do_not_hide_a_name_from_the_reviewer(academy):
    ana = academy.applications["ana"]
    identity = review.identity_of(ana)
    for written, hidden in (
        ("Ana\u200bLima", "lima"),
        ("A\u00adna Li\u200dma", "lima"),
        ("ana\u2060@example.net", "example.net"),
    ):
        shown = review.redact(f"Hi, I am {written}.", identity)
        assert hidden not in shown.lower(), written
        assert review.REMOVED in shown


def test_text_that_reorders_itself_is_shown_as_stored(academy):
    ana = academy.applications["ana"]
    identity = review.identity_of(ana)
    shown = review.redact("Seen backwards: \u202eamiL anA\u202c.", identity)
    assert "\u202e" not in shown and "\u202c" not in shown


def test_direction_overrides_are_dropped_from_answers():
    clean = services.clean_application(
        services.ApplicationInput(
            full_name="Ana \u202eamiL\u202c",
            email="ana@example.net",
            background="Stage\u2066 manager\u2069",
            motivation="Why \u200fnot",
        )
    )
    assert clean.full_name == "Ana amiL"
    assert clean.background == "Stage manager"
    # A plain direction mark changes no order: right-to-left writers keep it.
    assert clean.motivation == "Why \u200fnot"


def test_a_reviewers_list_follows_the_reference_not_the_time_of_application(academy):
    # Ana applied first, Dana last; their references say the opposite.
    references = {"ana": "A-ZZZZZZ", "ben": "A-MMMMMM", "chen": "A-PPPPPP", "dana": "A-AAAAAA"}
    for handle, reference in references.items():
        Application.objects.filter(pk=academy.applications[handle].pk).update(reference=reference)
    review.start_review(academy.cohort)
    for reviewer in academy.reviewers:
        open_, _ = review.assignments_of(reviewer)
        listed = [a.application.reference for a in open_]
        assert listed == sorted(listed)


# ---------------------------------------------------------------- offers


def test_a_declined_applicant_cannot_accept_and_the_place_passes_on(monkeypatch, academy):
    awarded(monkeypatch, academy)
    offer = offer_of(academy, "ana")
    assert offer is not None and offer_of(academy, "dana") is None
    services.decline_application(academy.staff, academy.applications["ana"].pk)
    assert offer_of(academy, "ana") is None
    # Her place went to the next in line at once.
    assert offer_of(academy, "dana") is not None
    response = verified_client(academy.applicants["ana"]).post(
        f"/api/v1/academy/learn/offers/{offer.pk}/accept"
    )
    assert response.status_code == 409
    assert not Enrolment.objects.filter(application=academy.applications["ana"]).exists()
    assert status_of(academy, "ana") == Application.Status.DECLINED


def test_an_offer_kept_open_by_old_data_cannot_enrol_a_declined_applicant(monkeypatch, academy):
    awarded(monkeypatch, academy)
    offer = offer_of(academy, "ben")
    # Declined without the offer being closed (as before the decline closed it).
    Application.objects.filter(pk=academy.applications["ben"].pk).update(
        status=Application.Status.DECLINED
    )
    with pytest.raises(enrolment.OfferClosed):
        enrolment.accept_offer(academy.applicants["ben"], offer.pk)
    assert not Enrolment.objects.filter(application=academy.applications["ben"]).exists()


def test_nobody_reads_or_accepts_anyone_elses_offer_or_course(monkeypatch, academy):
    awarded(monkeypatch, academy)
    ben_offer = offer_of(academy, "ben")
    ben = enrolment.accept_offer(academy.applicants["ben"], ben_offer.pk).enrolment
    ana = verified_client(academy.applicants["ana"])
    missing = 2**40
    for url in (
        f"/api/v1/academy/learn/offers/{ben_offer.pk}",
        f"/api/v1/academy/learn/enrolments/{ben.pk}",
        f"/api/v1/academy/learn/offers/{missing}",
        f"/academy/learn/{ben.pk}/",
        f"/academy/learn/{ben.pk}/sessions.ics",
        f"/academy/learn/{ben.pk}/invoice.pdf",
    ):
        assert ana.get(url).status_code == 404, url
    for url in (
        f"/api/v1/academy/learn/offers/{ben_offer.pk}/accept",
        f"/api/v1/academy/learn/offers/{ben_offer.pk}/decline",
        f"/api/v1/academy/learn/enrolments/{ben.pk}/modules/{academy.modules[0].pk}/done",
    ):
        assert ana.post(url).status_code == 404, url
    assert status_of(academy, "ben") == Application.Status.ENROLLED


# ---------------------------------------------------------------- erasure


def test_an_erased_reviewer_leaves_no_application_waiting(academy):
    from closedset.accounts.services import erase

    review.start_review(academy.cohort)
    rhea = academy.reviewers[0]
    hers = list(
        ReviewAssignment.objects.filter(reviewer=rhea).values_list("application_id", "round")
    )
    assert hers
    erase(rhea)
    assert not ReviewAssignment.objects.filter(
        reviewer=rhea, recused_at__isnull=True, submitted_at__isnull=True
    ).exists()
    # Each of her rounds went to another reviewer, so scoring everything completes review.
    for application_id, round_ in hers:
        taken = ReviewAssignment.objects.get(
            application_id=application_id, round=round_, recused_at__isnull=True
        )
        assert taken.reviewer != rhea
    for assignment in ReviewAssignment.objects.filter(
        recused_at__isnull=True, submitted_at__isnull=True
    ).select_related("reviewer"):
        review.submit_scores(
            assignment.reviewer, assignment.pk, {str(c.pk): 3 for c in academy.criteria}
        )
    assert review.review_complete(academy.cohort)


# ---------------------------------------------------------------- text no database holds


def test_a_null_byte_in_a_review_comment_is_dropped_not_a_crash(academy):
    assignment = _open_assignment(academy)
    response = verified_client(assignment.reviewer).post(
        f"/api/v1/academy/review/assignments/{assignment.pk}/scores",
        {"scores": {str(c.pk): 3 for c in academy.criteria}, "comment": "Go\x00od\u202e."},
        content_type="application/json",
    )
    assert response.status_code == 200
    assignment.refresh_from_db()
    assert assignment.comment == "Good."


def test_a_null_byte_in_a_conflict_name_is_dropped_not_a_crash(academy):
    rhea = academy.reviewers[0]
    response = verified_client(rhea).post(
        "/api/v1/academy/review/conflicts",
        {"name": "Ana\x00 Lima"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["name"] == "Ana Lima"


def test_a_null_byte_in_a_payment_reference_is_dropped_not_a_crash(monkeypatch, academy):
    awarded(monkeypatch, academy)
    ben = enrolment.accept_offer(academy.applicants["ben"], offer_of(academy, "ben").pk).enrolment
    response = verified_client(academy.staff).post(
        f"/api/v1/academy/learn/staff/enrolments/{ben.pk}/payments",
        {"amount": "10.00", "received_on": "2026-01-05", "reference": "bank\x00 transfer"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["reference"] == "bank transfer"


def test_declining_twice_tells_the_applicant_once(academy):
    from closedset.notices.models import Notice

    ben = academy.applications["ben"]
    services.decline_application(academy.staff, ben.pk)
    told = Notice.objects.filter(recipient=academy.applicants["ben"]).count()
    assert told
    services.decline_application(academy.staff, ben.pk)
    assert Notice.objects.filter(recipient=academy.applicants["ben"]).count() == told
    assert status_of(academy, "ben") == Application.Status.DECLINED


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="simultaneous requests need PostgreSQL (SQLite turns them away instead of waiting)",
)
@pytest.mark.django_db(transaction=True)
def test_pg_a_decline_and_an_acceptance_at_once_end_one_way(monkeypatch, academy):
    """Staff decline Ana while she accepts: she ends enrolled (and the decline is refused) or
    declined (and her acceptance is refused), never declined with a place."""
    from closedset.academy.tests.test_enrolment import _all_at_once
    from closedset.lib.errors import Conflict

    awarded(monkeypatch, academy)
    offer = offer_of(academy, "ana")
    ana = academy.applications["ana"]
    outcomes = _all_at_once(
        {
            1: lambda: enrolment.accept_offer(academy.applicants["ana"], offer.pk),
            2: lambda: services.decline_application(academy.staff, ana.pk),
        }
    )
    status = status_of(academy, "ana")
    enrolled = Enrolment.objects.filter(application=ana).exists()
    if status == Application.Status.ENROLLED:
        assert enrolled and isinstance(outcomes[2], Conflict), outcomes
    else:
        assert status == Application.Status.DECLINED and not enrolled
        assert isinstance(outcomes[1], enrolment.OfferClosed), outcomes
    assert Enrolment.objects.filter(cohort=academy.cohort).count() <= academy.cohort.capacity
