"""JSON API for reviewers, mounted at /api/v1/academy/review/ by closedset.api.

The same services as the pages (academy/review.py): a reviewer lists and reads their own
assignments, blind, scores them, passes one on and names people they know. Everyone else is
refused.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from closedset.academy import review
from closedset.academy.roles import api_user

router = Router(tags=["academy review"])
ONE = "/assignments/{assignment_id}"


def _user(request: HttpRequest) -> Any:
    return api_user(request)


class ReviewScoresIn(Schema):
    # Rubric line id (as in "rubric") -> a whole number from 0 to score_max.
    scores: dict[str, Any] = Field(default_factory=dict)
    comment: str = ""


class ReviewConflictIn(Schema):
    name: str = ""
    email: str = ""


def _summary(assignment: Any) -> dict[str, Any]:
    return {
        "id": assignment.pk,
        "reference": assignment.application.reference,
        "cohort": assignment.application.cohort.name,
        "submitted": assignment.submitted_at is not None,
        "submitted_at": assignment.submitted_at.isoformat() if assignment.submitted_at else None,
    }


def _blind_json(view: review.BlindView) -> dict[str, Any]:
    return {
        "id": view.assignment_id,
        "reference": view.reference,
        "cohort": view.cohort,
        "background": view.background,
        "motivation": view.motivation,
        "scholarship": view.scholarship,
        "scholarship_reason": view.scholarship_reason,
        "score_max": view.score_max,
        "rubric": [
            {
                "id": line.id,
                "name": line.name,
                "description": line.description,
                "weight": line.weight,
            }
            for line in view.rubric
        ],
        "submitted": view.submitted_at is not None,
        "submitted_at": view.submitted_at.isoformat() if view.submitted_at else None,
        "scores": {str(key): value for key, value in view.scores.items()},
        "weighted_score": float(view.weighted) if view.weighted is not None else None,
        "comment": view.comment,
    }


@router.get("/assignments", summary="My review assignments, open and done, by reference")
def list_assignments(request: HttpRequest) -> list[dict[str, Any]]:
    open_, done = review.assignments_of(_user(request))
    return [_summary(a) for a in open_ + done]


@router.get(ONE, summary="One application, blind, with the rubric and my scores")
def get_assignment(request: HttpRequest, assignment_id: int) -> dict[str, Any]:
    return _blind_json(review.view_for(_user(request), assignment_id))


@router.post(ONE + "/scores", summary="Send my scores (final) and an optional comment")
def submit_scores(request: HttpRequest, assignment_id: int, data: ReviewScoresIn) -> dict[str, Any]:
    user = _user(request)
    review.submit_scores(user, assignment_id, data.scores, data.comment)
    return _blind_json(review.view_for(user, assignment_id))


@router.post(ONE + "/recuse", summary="I know this person: another reviewer takes it")
def recuse(request: HttpRequest, assignment_id: int) -> dict[str, Any]:
    review.recuse(_user(request), assignment_id)
    return {"recused": True}


@router.get("/conflicts", summary="The people I said I know")
def list_conflicts(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"id": c.pk, "name": c.name, "email": c.email} for c in review.conflicts_of(_user(request))
    ]


@router.post("/conflicts", response={201: dict[str, Any]}, summary="Name someone I know")
def declare_conflict(request: HttpRequest, data: ReviewConflictIn) -> Any:
    declared = review.declare_conflict(_user(request), data.name, data.email)
    conflict = declared.conflict
    return Status(
        201,
        {
            "id": conflict.pk,
            "name": conflict.name,
            "email": conflict.email,
            "passed_on": declared.passed_on,
        },
    )
