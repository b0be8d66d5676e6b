"""A reviewer removed from the academy hands their open reviews on."""

from __future__ import annotations

from typing import Any

from closedset.academy import review
from closedset.academy.models import AcademyRole, ReviewAssignment


def test_a_removed_reviewers_open_reviews_go_to_others(
    academy: Any, django_capture_on_commit_callbacks: Any
) -> None:
    review.start_review(academy.cohort)
    rhea = academy.reviewers[0]
    mine = ReviewAssignment.objects.filter(reviewer=rhea, submitted_at__isnull=True)
    before = set(mine.values_list("application_id", flat=True))
    assert before
    with django_capture_on_commit_callbacks(execute=True):
        AcademyRole.objects.filter(user=rhea, role=AcademyRole.Kind.REVIEWER).delete()
    assert not ReviewAssignment.objects.filter(
        reviewer=rhea, submitted_at__isnull=True, recused_at__isnull=True
    ).exists()
    for application_id in before:
        # Still two reviewers who can score it, neither of them Rhea.
        active = ReviewAssignment.objects.filter(
            application_id=application_id, recused_at__isnull=True
        ).exclude(reviewer=rhea)
        assert active.count() == 2


def test_removing_a_staff_role_touches_no_review(
    academy: Any, django_capture_on_commit_callbacks: Any
) -> None:
    review.start_review(academy.cohort)
    count = ReviewAssignment.objects.filter(recused_at__isnull=True).count()
    with django_capture_on_commit_callbacks(execute=True):
        AcademyRole.objects.filter(user=academy.staff).delete()
    assert ReviewAssignment.objects.filter(recused_at__isnull=True).count() == count
