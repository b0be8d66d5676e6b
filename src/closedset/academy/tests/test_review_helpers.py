"""Shared steps for the blind-review tests (no tests of its own)."""

from __future__ import annotations

from typing import Any

from closedset.academy import review
from closedset.academy.models import AcademyRole, ReviewAssignment


def score_all(assignment: ReviewAssignment, value: int, comment: str = "") -> ReviewAssignment:
    """The assignment's reviewer gives every rubric line `value`."""
    criteria = assignment.application.cohort.criteria.all()
    return review.submit_scores(
        assignment.reviewer, assignment.pk, {str(c.pk): value for c in criteria}, comment
    )


def assignments(application: Any, **filters: Any) -> list[ReviewAssignment]:
    return list(
        ReviewAssignment.objects.filter(application=application, **filters).order_by("round", "pk")
    )


def add_reviewer(handle: str, name: str) -> Any:
    from django.utils import timezone

    from closedset.accounts.models import User

    user = User.objects.create(
        email=f"{handle}@example.net",
        display_name=name,
        handle=handle,
        email_verified_at=timezone.now(),
    )
    AcademyRole.objects.create(user=user, role=AcademyRole.Kind.REVIEWER)
    return user
