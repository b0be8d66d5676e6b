"""Academy scores and awards: the one place for the arithmetic (docs/academy.md).

Plain Python with exact fractions, so every score, ranking and award can be recomputed by hand
and comes out the same every time, whatever order the applications arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Literal

ScholarshipAsked = Literal["", "full", "partial"]
Award = Literal["full", "partial", "paid", "waitlist"]

SCHOLARSHIPS: tuple[str, ...] = ("", "full", "partial")
# Better awards first; "never worsens" in docs/academy.md is measured in this order.
AWARD_ORDER: tuple[Award, ...] = ("full", "partial", "paid", "waitlist")
# The scholarship places each kind of asker may be given, in the order they are tried.
# Someone who asked for a partial scholarship is never moved onto a full place: doing so would
# let a later re-decision (an offer declined or expired) take that full place back from them.
ACCEPTS: dict[str, tuple[Award, ...]] = {"full": ("full", "partial"), "partial": ("partial",)}


@dataclass(frozen=True)
class Weight:
    """One rubric criterion: its key and how much it counts."""

    key: str
    weight: int


def weighted_score(
    scores: Mapping[str, int], weights: Sequence[Weight], score_max: int
) -> Fraction:
    """One reviewer's score on a 0..100 scale: sum(w × s) / (sum(w) × score_max) × 100.

    Scores for keys that are not in `weights` are ignored.
    """
    if score_max < 1:
        raise ValueError("The highest possible score must be at least 1.")
    seen: set[str] = set()
    for w in weights:
        if w.key in seen:
            raise ValueError(f"The criterion “{w.key}” is listed twice.")
        seen.add(w.key)
        if w.weight < 0:
            raise ValueError(f"The weight of “{w.key}” is below zero; use zero or more.")
    total_weight = sum(w.weight for w in weights)
    if total_weight == 0:
        raise ValueError(
            "All criteria weigh zero; give at least one criterion a weight above zero."
        )
    total = 0
    for w in weights:
        if w.key not in scores:
            raise ValueError(f"There is no score for “{w.key}” yet; score every criterion.")
        score = scores[w.key]
        if score < 0:
            raise ValueError(f"The score for “{w.key}” is below zero; use 0 to {score_max}.")
        if score > score_max:
            raise ValueError(f"The score for “{w.key}” is above {score_max}; use 0 to {score_max}.")
        total += w.weight * score
    return Fraction(total * 100, total_weight * score_max)


def disagree(scores: Sequence[Fraction], threshold: int) -> bool:
    """Do the reviewers' scores (0..100) lie further apart than `threshold` points?"""
    if threshold < 0:
        raise ValueError("The disagreement threshold is below zero; use 0 to 100.")
    if len(scores) < 2:
        return False
    return max(scores) - min(scores) > threshold


def final_score(scores: Sequence[Fraction]) -> Fraction:
    """The mean of all reviewers' scores, exactly."""
    if not scores:
        raise ValueError("There are no scores yet; an application needs its reviews first.")
    return Fraction(sum(scores, Fraction(0)), len(scores))


@dataclass(frozen=True)
class Candidate:
    """One application as the awards see it: reference, final score, what was asked, when."""

    reference: str
    score: Fraction
    scholarship: str  # '', 'full' or 'partial'
    submitted_at: datetime

    def __post_init__(self) -> None:
        if self.scholarship not in SCHOLARSHIPS:
            raise ValueError(
                f"{self.reference} asks for an unknown kind of scholarship; "
                "use full, partial or none."
            )


@dataclass(frozen=True)
class Places:
    """How many people a cohort takes, and how many of them on a full or partial scholarship."""

    capacity: int
    full: int
    partial: int

    def __post_init__(self) -> None:
        for name, value in (
            ("capacity", self.capacity),
            ("full", self.full),
            ("partial", self.partial),
        ):
            if value < 0:
                what = "places" if name == "capacity" else f"{name} scholarship places"
                raise ValueError(f"The number of {what} is below zero; use zero or more.")


@dataclass(frozen=True)
class Awards:
    """References per award, each tuple in rank order (best first)."""

    full: tuple[str, ...]
    partial: tuple[str, ...]
    paid: tuple[str, ...]
    waitlist: tuple[str, ...]

    def award_of(self, reference: str) -> Award:
        for award in AWARD_ORDER:
            if reference in getattr(self, award):
                return award
        raise ValueError(f"{reference} was not among the applications decided.")


def _rank_key(candidate: Candidate) -> tuple[Fraction, datetime, str]:
    return (-candidate.score, candidate.submitted_at, candidate.reference)


def rank(candidates: Iterable[Candidate]) -> list[Candidate]:
    """THE TIE RULE: higher score first; equal scores: submitted earlier first; still equal: the
    reference in ascending order. The order the candidates are given in never matters."""
    pool = list(candidates)
    references = [c.reference for c in pool]
    if len(set(references)) != len(references):
        doubled = sorted({r for r in references if references.count(r) > 1})
        raise ValueError(
            f"Each application may be decided once; listed twice: {', '.join(doubled)}."
        )
    zoned = {c.submitted_at.utcoffset() is not None for c in pool}
    if len(zoned) > 1:
        raise ValueError("Submission times must all carry a time zone, or none of them.")
    return sorted(pool, key=_rank_key)


def decide(candidates: Iterable[Candidate], places: Places) -> Awards:
    """Who gets a full scholarship, a partial one, a paid place, or a place on the waitlist.

    Walk the rank order: someone who asked for a full scholarship gets a full place while one is
    left, else a partial place while one is left; someone who asked for a partial scholarship gets
    a partial place while one is left. Each award uses one place of the capacity. Then everyone
    without a scholarship, in rank order, gets a paid place while capacity is left; the rest are
    waitlisted in rank order.

    Removing a candidate never worsens anyone else's award (full > partial > paid > waitlist), so
    an offer that expires or is declined is passed on by deciding again without that candidate.
    """
    ranked = rank(candidates)
    left: dict[Award, int] = {"full": places.full, "partial": places.partial}
    capacity = places.capacity
    given: dict[str, Award] = {}
    for candidate in ranked:
        if capacity == 0:
            break
        for kind in ACCEPTS.get(candidate.scholarship, ()):
            if left[kind] > 0:
                left[kind] -= 1
                capacity -= 1
                given[candidate.reference] = kind
                break
    for candidate in ranked:
        if candidate.reference not in given:
            if capacity > 0:
                capacity -= 1
                given[candidate.reference] = "paid"
            else:
                given[candidate.reference] = "waitlist"
    by_award: dict[Award, tuple[str, ...]] = {
        award: tuple(c.reference for c in ranked if given[c.reference] == award)
        for award in AWARD_ORDER
    }
    return Awards(
        full=by_award["full"],
        partial=by_award["partial"],
        paid=by_award["paid"],
        waitlist=by_award["waitlist"],
    )
