"""Blind review, the services: assigning, scoring, disagreement, recusal, conflicts, progress."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.core import mail

from closedset.academy import review
from closedset.academy.models import (
    AcademyRole,
    Application,
    ReviewAssignment,
    ReviewerConflict,
    Score,
)
from closedset.academy.tests.test_review_helpers import add_reviewer, assignments, score_all
from closedset.lib.errors import Conflict, Forbidden, InvalidInput, NotFound


def _load(reviewer):
    return ReviewAssignment.objects.filter(
        reviewer=reviewer, submitted_at__isnull=True, recused_at__isnull=True
    ).count()


# --- starting review ------------------------------------------------------------------------


def test_start_review_gives_every_application_two_reviewers_balanced(academy):
    made = review.start_review(academy.cohort)
    assert len(made) == 8
    for application in academy.applications.values():
        application.refresh_from_db()
        assert application.status == Application.Status.UNDER_REVIEW
        mine = assignments(application)
        assert [a.round for a in mine] == [1, 2]
        assert len({a.reviewer_id for a in mine}) == 2
    loads = sorted(_load(r) for r in academy.reviewers)
    assert loads == [2, 3, 3]


def test_start_review_is_deterministic(academy):
    made = review.start_review(academy.cohort)
    # Ana first (submitted first): the two least loaded, lowest id first; then Ben gets Ravi
    # (no assignment yet) and Rhea (one, and before Rui).
    rhea, rui, ravi = academy.reviewers
    first = {(a.application.reference, a.reviewer.handle) for a in made[:4]}
    ana, ben = academy.applications["ana"].reference, academy.applications["ben"].reference
    assert first == {(ana, "rhea"), (ana, "rui"), (ben, "ravi"), (ben, "rhea")}


def test_start_review_never_gives_a_declared_conflict(academy):
    rhea, rui, ravi = academy.reviewers
    # Accents, case and spacing do not hide a name; an address matches whatever its case.
    ReviewerConflict.objects.create(reviewer=rhea, name="  ANA   Lìma ")
    ReviewerConflict.objects.create(reviewer=rui, email="BEN@example.NET")
    review.start_review(academy.cohort)
    ana = {a.reviewer for a in assignments(academy.applications["ana"])}
    ben = {a.reviewer for a in assignments(academy.applications["ben"])}
    assert rhea not in ana
    assert rui not in ben


def test_a_reviewer_who_applied_reviews_nobody_in_that_cohort(academy):
    ana = academy.applicants["ana"]
    AcademyRole.objects.create(user=ana, role=AcademyRole.Kind.REVIEWER)
    review.start_review(academy.cohort)
    # She competes for the cohort's places: neither her own nor her rivals' applications.
    assert not ReviewAssignment.objects.filter(reviewer=ana).exists()
    assert review.conflicted(ana, academy.applications["ben"])


def test_too_few_reviewers_changes_nothing_and_says_what_to_do(academy):
    rhea, rui, ravi = academy.reviewers
    ReviewerConflict.objects.create(reviewer=rhea, name="Dana Novak")
    ReviewerConflict.objects.create(reviewer=rui, name="dana novák")
    mail.outbox.clear()
    with pytest.raises(Conflict) as caught:
        review.start_review(academy.cohort)
    assert "Add reviewers" in caught.value.message
    assert "Dana" not in caught.value.message
    assert not ReviewAssignment.objects.exists()
    assert set(Application.objects.values_list("status", flat=True)) == {"submitted"}
    assert mail.outbox == []


def test_no_rubric_no_review(academy):
    academy.cohort.criteria.all().delete()
    with pytest.raises(Conflict):
        review.start_review(academy.cohort)
    assert not ReviewAssignment.objects.exists()


def test_each_reviewer_is_told_once_without_any_applicant_detail(academy):
    from closedset.notices.models import Notice

    review.start_review(academy.cohort)
    for reviewer in academy.reviewers:
        notices = Notice.objects.filter(recipient=reviewer, kind="review_assigned")
        assert notices.count() == 1
        text = notices.get().subject + notices.get().body
        assert "wait for your review" in text
        for application in academy.applications.values():
            for value in (application.full_name, application.email, application.reference):
                assert value not in text
            for word in application.full_name.split():
                assert word not in text
    bodies = "".join(m.subject + m.body for m in mail.outbox if m.to[0].startswith("r"))
    for application in academy.applications.values():
        assert application.full_name.split()[0] not in bodies


def test_starting_again_assigns_nothing_more(academy):
    review.start_review(academy.cohort)
    assert review.start_review(academy.cohort) == []
    assert ReviewAssignment.objects.count() == 8


# --- scoring ---------------------------------------------------------------------------------


def test_scores_are_final_and_a_second_submit_says_so(academy):
    review.start_review(academy.cohort)
    first = assignments(academy.applications["ben"])[0]
    score_all(first, 4, "Clear and kind.")
    first.refresh_from_db()
    assert first.submitted_at is not None
    assert first.comment == "Clear and kind."
    with pytest.raises(Conflict) as caught:
        score_all(first, 1)
    assert "already in" in caught.value.message
    assert set(Score.objects.filter(assignment=first).values_list("value", flat=True)) == {4}


@pytest.mark.parametrize(
    "bad",
    ["none", "unknown-line", "missing-one", "too-high", "negative", "text", "bool"],
)
def test_bad_scores_are_refused_in_plain_words(academy, bad):
    review.start_review(academy.cohort)
    one = assignments(academy.applications["ben"])[0]
    ids = [str(c.pk) for c in academy.criteria]
    scores = {
        "none": {},
        "unknown-line": {"x": 1},
        "missing-one": {ids[0]: 1, ids[1]: 1},
        "too-high": dict.fromkeys(ids, 6),
        "negative": dict.fromkeys(ids, -1),
        "text": dict.fromkeys(ids, "lots"),
        "bool": dict.fromkeys(ids, True),
    }[bad]
    with pytest.raises(InvalidInput) as caught:
        review.submit_scores(one.reviewer, one.pk, scores)
    assert caught.value.fields
    assert all("[" not in text for text in caught.value.fields.values())
    one.refresh_from_db()
    assert one.submitted_at is None
    assert not Score.objects.exists()


def test_numbers_written_as_text_are_read(academy):
    review.start_review(academy.cohort)
    one = assignments(academy.applications["ben"])[0]
    review.submit_scores(one.reviewer, one.pk, {str(c.pk): " 3" for c in academy.criteria})
    assert review.assignment_score(ReviewAssignment.objects.get(pk=one.pk)) == 60


def test_only_the_reviewer_themself_can_score(academy):
    review.start_review(academy.cohort)
    one = assignments(academy.applications["ben"])[0]
    other = next(r for r in academy.reviewers if r != one.reviewer)
    ids = {str(c.pk): 3 for c in academy.criteria}
    with pytest.raises(NotFound):
        review.submit_scores(other, one.pk, ids)
    with pytest.raises(Forbidden):
        review.submit_scores(academy.staff, one.pk, ids)
    with pytest.raises(Forbidden):
        review.submit_scores(academy.applicants["ben"], one.pk, ids)


# --- disagreement ------------------------------------------------------------------------------


def test_disagreement_beyond_the_threshold_calls_a_third_reviewer(academy):
    review.start_review(academy.cohort)
    ana = academy.applications["ana"]
    first, second = assignments(ana)
    score_all(first, 5)  # 100
    assert len(assignments(ana)) == 2
    score_all(second, 3)  # 60: 40 apart, threshold 20
    third = assignments(ana, round=3)
    assert len(third) == 1
    assert third[0].reviewer not in (first.reviewer, second.reviewer)
    assert not review.review_complete(academy.cohort)
    score_all(third[0], 4)  # 80
    assert review.final_scores(academy.cohort)[ana.pk] == Fraction(240, 3)
    # No fourth, however far the third is.
    assert len(assignments(ana)) == 3


def test_agreement_within_the_threshold_needs_no_third(academy):
    academy.cohort.disagreement_threshold = 20
    academy.cohort.save()
    review.start_review(academy.cohort)
    ben = academy.applications["ben"]
    first, second = assignments(ben)
    score_all(first, 4)  # 80
    score_all(second, 3)  # 60: exactly 20 apart is not beyond
    assert len(assignments(ben)) == 2
    assert review.final_scores(academy.cohort)[ben.pk] == 70


def test_a_disagreement_nobody_can_settle_waits_for_staff(academy):
    review.start_review(academy.cohort)
    ana = academy.applications["ana"]
    rhea, rui, ravi = academy.reviewers
    ReviewerConflict.objects.create(reviewer=ravi, email="ana@example.net")
    first, second = assignments(ana)
    score_all(first, 5)
    score_all(second, 0)
    assert not assignments(ana, round=3)
    progress = review.review_progress(academy.cohort)
    row = next(r for r in progress.rows if r.reference == ana.reference)
    assert row.disagreement and row.needs_reviewer and not row.complete
    newcomer = add_reviewer("nia", "Nia New")
    assert review.fill_gaps(academy.cohort) == 1
    assert assignments(ana, round=3)[0].reviewer == newcomer


# --- recusal and conflicts ---------------------------------------------------------------------


def test_recusing_passes_it_to_another_eligible_reviewer(academy):
    review.start_review(academy.cohort)
    ana = academy.applications["ana"]
    first, second = assignments(ana)
    replacement = review.recuse(first.reviewer, first.pk)
    assert replacement is not None
    assert replacement.round == first.round
    assert replacement.reviewer not in (first.reviewer, second.reviewer)
    first.refresh_from_db()
    assert first.recused_at is not None
    # It is no longer theirs to read or score.
    with pytest.raises(NotFound):
        review.view_for(first.reviewer, first.pk)
    with pytest.raises(NotFound):
        score_all(first, 3)


def test_recusing_after_scoring_is_refused(academy):
    review.start_review(academy.cohort)
    first = assignments(academy.applications["ana"])[0]
    score_all(first, 3)
    with pytest.raises(Conflict):
        review.recuse(first.reviewer, first.pk)


def test_recusing_with_nobody_left_leaves_a_gap_staff_see(academy):
    review.start_review(academy.cohort)
    ana = academy.applications["ana"]
    first, second = assignments(ana)
    third = next(r for r in academy.reviewers if r not in (first.reviewer, second.reviewer))
    ReviewerConflict.objects.create(reviewer=third, name="Ana Lima")
    assert review.recuse(first.reviewer, first.pk) is None
    assert review.review_progress(academy.cohort).needs_reviewer == 1
    assert not review.review_complete(academy.cohort)


def test_a_new_conflict_recuses_a_matching_open_assignment(academy):
    review.start_review(academy.cohort)
    chen = academy.applications["chen"]
    mine = assignments(chen)[0]
    reviewer = mine.reviewer
    other_open = ReviewAssignment.objects.filter(
        reviewer=reviewer, submitted_at__isnull=True
    ).exclude(pk=mine.pk)
    before = set(other_open.values_list("pk", flat=True))
    declared = review.declare_conflict(reviewer, name="CHÉN  wei")
    assert declared.passed_on == 1
    mine.refresh_from_db()
    assert mine.recused_at is not None
    assert {a.round for a in assignments(chen, recused_at__isnull=True)} == {1, 2}
    # Nothing else of theirs moved.
    assert set(other_open.filter(recused_at__isnull=True).values_list("pk", flat=True)) == before


def test_declaring_needs_a_name_or_a_valid_address(academy):
    rhea = academy.reviewers[0]
    with pytest.raises(InvalidInput):
        review.declare_conflict(rhea)
    with pytest.raises(InvalidInput) as caught:
        review.declare_conflict(rhea, email="not an address")
    assert "email" in caught.value.fields
    with pytest.raises(Forbidden):
        review.declare_conflict(academy.staff, name="Ana Lima")
    assert not ReviewerConflict.objects.exists()


def test_a_conflict_declared_after_scoring_hides_the_application(academy):
    review.start_review(academy.cohort)
    first = assignments(academy.applications["dana"])[0]
    score_all(first, 3)
    declared = review.declare_conflict(first.reviewer, email="Dana@Example.net")
    assert declared.passed_on == 0
    with pytest.raises(NotFound):
        review.view_for(first.reviewer, first.pk)


# --- progress ------------------------------------------------------------------------------------


def test_review_completes_when_every_score_is_in(academy):
    assert review.review_complete(academy.cohort)  # nothing under review
    review.start_review(academy.cohort)
    assert not review.review_complete(academy.cohort)
    for assignment in ReviewAssignment.objects.all():
        score_all(assignment, 3)
    assert review.review_complete(academy.cohort)
    finals = review.final_scores(academy.cohort)
    assert finals == {a.pk: Fraction(60) for a in academy.applications.values()}
    progress = review.review_progress(academy.cohort)
    assert progress.applications == 4
    assert progress.complete == 4
    assert progress.done_assignments == 8
    assert progress.all_complete


def test_final_scores_weigh_the_rubric(academy):
    review.start_review(academy.cohort)
    ben = academy.applications["ben"]
    first, second = assignments(ben)
    for assignment, values in ((first, (5, 0, 0)), (second, (4, 2, 2))):
        review.submit_scores(
            assignment.reviewer,
            assignment.pk,
            {str(c.pk): v for c, v in zip(academy.criteria, values, strict=True)},
        )
    # (3*5)/35*100 = 300/7 and (12+4+4)/35*100 = 400/7: apart by 100/7 < 20.
    assert review.final_scores(academy.cohort)[ben.pk] == Fraction(350, 7)


def test_an_application_taken_out_of_review_leaves_the_reviewers_list(academy):
    from closedset.academy.status import change_status

    review.start_review(academy.cohort)
    ben = academy.applications["ben"]
    first = assignments(ben)[0]
    change_status(ben, Application.Status.DECLINED)
    open_, _ = review.assignments_of(first.reviewer)
    assert first.pk not in [a.pk for a in open_]
    with pytest.raises(Conflict):
        score_all(first, 3)
    # Declined applications are not waited for.
    assert not review.review_complete(academy.cohort)  # the others still are
    for assignment in ReviewAssignment.objects.exclude(application=ben):
        score_all(assignment, 3)
    assert review.review_complete(academy.cohort)
