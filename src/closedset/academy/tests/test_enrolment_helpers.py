"""Shared steps for the offer, enrolment and progress tests (no tests here).

Review itself is tested in test_review*.py; here its two answers are set directly: review
is complete, and each application's final score is the one given.
"""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction
from typing import Any

from django.utils import timezone

from closedset.academy import enrolment
from closedset.academy.models import Application, Offer

# Ana asks full, Chen partial; Ben and Dana no scholarship. Capacity 3: 1 full, 1 partial.
SCORES = {"ana": 90, "ben": 80, "chen": 70, "dana": 60}


def reviewed(monkeypatch: Any, academy: Any, scores: dict[str, Any] | None = None) -> None:
    """Applications closed, all under review, review complete with these final scores."""
    from closedset.academy import review

    scores = SCORES if scores is None else scores
    cohort = academy.cohort
    cohort.applications_closed_at = timezone.now() - timedelta(days=1)
    cohort.save(update_fields=["applications_closed_at"])
    Application.objects.filter(cohort=cohort).update(status=Application.Status.UNDER_REVIEW)
    by_pk = {academy.applications[h].pk: Fraction(s) for h, s in scores.items()}
    monkeypatch.setattr(review, "review_complete", lambda c: True)
    monkeypatch.setattr(review, "final_scores", lambda c: dict(by_pk))


def awarded(monkeypatch: Any, academy: Any, scores: dict[str, Any] | None = None) -> Any:
    reviewed(monkeypatch, academy, scores)
    return enrolment.compute_awards(academy.staff, academy.cohort.pk)


def offer_of(academy: Any, handle: str) -> Offer | None:
    """The applicant's open offer, if any."""
    for offer in Offer.objects.filter(application=academy.applications[handle]):
        if offer.is_open:
            return offer
    return None


def status_of(academy: Any, handle: str) -> str:
    return Application.objects.get(pk=academy.applications[handle].pk).status


def accepted(academy: Any, handle: str) -> Any:
    offer = offer_of(academy, handle)
    assert offer is not None, f"{handle} has no open offer"
    return enrolment.accept_offer(academy.applicants[handle], offer.pk).enrolment
