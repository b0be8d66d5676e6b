"""Academy scores and awards (docs/academy.md, "How scores and awards are decided")."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from closedset.core.awards import (
    ACCEPTS,
    AWARD_ORDER,
    Awards,
    Candidate,
    Places,
    Weight,
    decide,
    disagree,
    final_score,
    rank,
    weighted_score,
)

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
# The academy fixture's rubric: three criteria weighing 3, 2 and 2, scored 0..5.
RUBRIC = [Weight("experience", 3), Weight("motivation", 2), Weight("fit", 2)]
BETTER = {award: len(AWARD_ORDER) - i for i, award in enumerate(AWARD_ORDER)}


def candidate(ref, score, scholarship="", hours=0):
    return Candidate(ref, Fraction(score), scholarship, START + timedelta(hours=hours))


@st.composite
def candidates(draw, max_size=8):
    size = draw(st.integers(0, max_size))
    # Few distinct scores and times, so ties on both happen often.
    return [
        Candidate(
            reference=f"A-{index:06d}",
            score=Fraction(draw(st.integers(0, 6)) * 10, draw(st.sampled_from([1, 3]))),
            scholarship=draw(st.sampled_from(["", "full", "partial"])),
            submitted_at=START + timedelta(hours=draw(st.integers(0, 2))),
        )
        for index in draw(st.permutations(range(size)))
    ]


places = st.builds(Places, st.integers(0, 8), st.integers(0, 3), st.integers(0, 3))


def position(ranked):
    return {c.reference: i for i, c in enumerate(ranked)}


# Scores


def test_weighted_score_follows_the_formula():
    scores = {"experience": 5, "motivation": 3, "fit": 0}
    # (3×5 + 2×3 + 2×0) / (7 × 5) × 100 = 21/35 × 100 = 60
    assert weighted_score(scores, RUBRIC, 5) == 60
    assert weighted_score({"experience": 1, "motivation": 0, "fit": 0}, RUBRIC, 5) == Fraction(
        60, 7
    )


def test_weighted_score_ignores_scores_for_other_criteria():
    scores = {"experience": 5, "motivation": 5, "fit": 5, "retired": 0}
    assert weighted_score(scores, RUBRIC, 5) == 100


def test_a_criterion_weighing_zero_does_not_count():
    weights = [Weight("experience", 1), Weight("fit", 0)]
    assert weighted_score({"experience": 4, "fit": 0}, weights, 4) == 100


@given(st.integers(1, 10), st.data())
@settings(max_examples=150, deadline=None)
def test_weighted_score_stays_within_0_and_100(score_max, data):
    weights = [
        Weight(f"c{i}", w)
        for i, w in enumerate(data.draw(st.lists(st.integers(0, 5), min_size=1, max_size=4)))
    ]
    if all(w.weight == 0 for w in weights):
        weights.append(Weight("last", 1))
    scores = {w.key: data.draw(st.integers(0, score_max)) for w in weights}
    assert 0 <= weighted_score(scores, weights, score_max) <= 100
    assert weighted_score({w.key: score_max for w in weights}, weights, score_max) == 100
    assert weighted_score({w.key: 0 for w in weights}, weights, score_max) == 0


@given(st.integers(1, 10), st.data())
@settings(max_examples=150, deadline=None)
def test_weighted_score_rises_with_each_score(score_max, data):
    weights = [
        Weight(f"c{i}", w)
        for i, w in enumerate(data.draw(st.lists(st.integers(0, 5), min_size=1, max_size=4)))
    ]
    if all(w.weight == 0 for w in weights):
        weights.append(Weight("last", 1))
    scores = {w.key: data.draw(st.integers(0, score_max - 1)) for w in weights}
    before = weighted_score(scores, weights, score_max)
    for w in weights:
        after = weighted_score({**scores, w.key: scores[w.key] + 1}, weights, score_max)
        assert after > before if w.weight > 0 else after == before


@pytest.mark.parametrize(
    "scores, weights, score_max, words",
    [
        ({"experience": 5, "motivation": 3}, RUBRIC, 5, "no score for “fit” yet"),
        ({"experience": 6, "motivation": 3, "fit": 1}, RUBRIC, 5, "above 5"),
        ({"experience": -1, "motivation": 3, "fit": 1}, RUBRIC, 5, "below zero"),
        ({"a": 1, "b": 1}, [Weight("a", 2), Weight("b", -1)], 5, "weight of “b” is below zero"),
        ({"a": 1}, [Weight("a", 0)], 5, "All criteria weigh zero"),
        ({}, [], 5, "All criteria weigh zero"),
        ({"a": 1}, [Weight("a", 1), Weight("a", 2)], 5, "listed twice"),
        ({"a": 0}, [Weight("a", 1)], 0, "at least 1"),
    ],
)
def test_weighted_score_refuses_bad_input_in_plain_words(scores, weights, score_max, words):
    with pytest.raises(ValueError, match=words):
        weighted_score(scores, weights, score_max)


def test_disagreement_is_a_gap_beyond_the_threshold():
    assert not disagree([Fraction(60), Fraction(80)], 20)  # exactly the threshold is agreement
    assert disagree([Fraction(60), Fraction(80) + Fraction(1, 3)], 20)
    assert disagree([Fraction(70), Fraction(40), Fraction(61)], 25)
    assert not disagree([Fraction(90)], 0)
    assert not disagree([], 0)
    with pytest.raises(ValueError, match="below zero"):
        disagree([Fraction(1), Fraction(2)], -1)


def test_final_score_is_the_exact_mean():
    assert final_score([Fraction(60), Fraction(80)]) == 70
    assert final_score([Fraction(100), Fraction(0), Fraction(0)]) == Fraction(100, 3)
    assert final_score([Fraction(55)]) == 55
    with pytest.raises(ValueError, match="no scores yet"):
        final_score([])


# The tie rule


def test_a_higher_score_ranks_first():
    ranked = rank([candidate("A-000001", 70), candidate("A-000002", 71, hours=5)])
    assert [c.reference for c in ranked] == ["A-000002", "A-000001"]


def test_equal_scores_the_earlier_application_ranks_first():
    ranked = rank([candidate("A-000001", 70, hours=2), candidate("A-000002", 70, hours=1)])
    assert [c.reference for c in ranked] == ["A-000002", "A-000001"]


def test_equal_scores_and_times_the_reference_decides():
    ranked = rank([candidate("A-00000B", 70), candidate("A-00000A", 70)])
    assert [c.reference for c in ranked] == ["A-00000A", "A-00000B"]


def test_ties_decide_who_gets_the_last_scholarship():
    early = candidate("A-000009", 80, "full", hours=0)
    late = candidate("A-000001", 80, "full", hours=1)
    awards = decide([late, early], Places(capacity=1, full=1, partial=0))
    assert awards == Awards(full=("A-000009",), partial=(), paid=(), waitlist=("A-000001",))


@given(candidates())
@settings(max_examples=150, deadline=None)
def test_rank_follows_the_tie_rule(pool):
    ranked = rank(pool)
    assert sorted(c.reference for c in ranked) == sorted(c.reference for c in pool)
    for a, b in zip(ranked, ranked[1:], strict=False):
        assert (a.score > b.score) or (
            a.score == b.score
            and (
                a.submitted_at < b.submitted_at
                or (a.submitted_at == b.submitted_at and a.reference < b.reference)
            )
        )


def test_rank_refuses_mixed_time_zones():
    naive = Candidate("A-000002", Fraction(1), "", datetime(2026, 3, 1))
    with pytest.raises(ValueError, match="time zone"):
        rank([candidate("A-000001", 1), naive])


# Awards


def test_the_academy_fixture_cohort():
    # Capacity 3, one full and one partial scholarship; ana asks full, chen partial.
    pool = [
        candidate("A-ANA001", 60, "full"),
        candidate("A-BEN001", 90),
        candidate("A-CHE001", 50, "partial"),
        candidate("A-DAN001", 70),
    ]
    awards = decide(pool, Places(capacity=3, full=1, partial=1))
    assert awards == Awards(
        full=("A-ANA001",), partial=("A-CHE001",), paid=("A-BEN001",), waitlist=("A-DAN001",)
    )
    assert awards.award_of("A-DAN001") == "waitlist"
    with pytest.raises(ValueError, match="not among"):
        awards.award_of("A-ZZZZZZ")


def test_a_full_asker_falls_back_to_a_partial_place():
    pool = [candidate("A-000001", 90, "full"), candidate("A-000002", 80, "full")]
    awards = decide(pool, Places(capacity=5, full=1, partial=1))
    assert (awards.full, awards.partial) == (("A-000001",), ("A-000002",))


def test_a_partial_asker_is_never_moved_onto_a_full_place():
    # Were the second partial asker given the unused full place, deciding again without the
    # first (an offer declined) would hand them the partial place instead: a worse award.
    pool = [candidate("A-000001", 90, "partial"), candidate("A-000002", 80, "partial")]
    awards = decide(pool, Places(capacity=5, full=1, partial=1))
    assert awards == Awards(full=(), partial=("A-000001",), paid=("A-000002",), waitlist=())
    again = decide(pool[1:], Places(capacity=5, full=1, partial=1))
    assert again.award_of("A-000002") == "partial"


def test_scholarships_come_first_then_paid_places_in_rank_order():
    pool = [
        candidate("A-000001", 95),
        candidate("A-000002", 90),
        candidate("A-000003", 40, "full"),
        candidate("A-000004", 30, "partial"),
    ]
    awards = decide(pool, Places(capacity=3, full=1, partial=1))
    assert awards == Awards(
        full=("A-000003",), partial=("A-000004",), paid=("A-000001",), waitlist=("A-000002",)
    )


def test_capacity_limits_scholarships_too():
    pool = [candidate("A-000001", 90, "full"), candidate("A-000002", 80, "partial")]
    awards = decide(pool, Places(capacity=1, full=1, partial=1))
    assert awards == Awards(full=("A-000001",), partial=(), paid=(), waitlist=("A-000002",))


def test_an_offer_declined_passes_to_the_next_in_line():
    pool = [
        candidate("A-000001", 90, "full"),
        candidate("A-000002", 80, "full"),
        candidate("A-000003", 70),
        candidate("A-000004", 60),
    ]
    first = decide(pool, Places(capacity=2, full=1, partial=0))
    assert first.full == ("A-000001",) and first.paid == ("A-000002",)
    again = decide([c for c in pool if c.reference != "A-000001"], Places(2, 1, 0))
    assert again.full == ("A-000002",) and again.paid == ("A-000003",)


def test_nobody_gets_decided_twice():
    pool = [candidate("A-000001", 90), candidate("A-000001", 80, "full")]
    with pytest.raises(ValueError, match="listed twice: A-000001"):
        decide(pool, Places(3, 1, 1))


@pytest.mark.parametrize(
    "capacity, full, partial, words",
    [(-1, 0, 0, "number of places"), (3, -1, 0, "full scholarship"), (3, 0, -2, "partial")],
)
def test_places_below_zero_are_refused(capacity, full, partial, words):
    with pytest.raises(ValueError, match=words):
        Places(capacity, full, partial)


def test_an_unknown_scholarship_is_refused():
    with pytest.raises(ValueError, match="full, partial or none"):
        candidate("A-000001", 50, "half")


@given(candidates(), places)
@settings(max_examples=200, deadline=None)
def test_awards_never_exceed_places(pool, where):
    awards = decide(pool, where)
    assert len(awards.full) <= where.full
    assert len(awards.partial) <= where.partial
    assert len(awards.full) + len(awards.partial) + len(awards.paid) <= where.capacity
    everyone = awards.full + awards.partial + awards.paid + awards.waitlist
    assert sorted(everyone) == sorted(c.reference for c in pool)
    # Nobody is waitlisted while a place is free.
    if awards.waitlist:
        assert len(awards.full) + len(awards.partial) + len(awards.paid) == where.capacity


@given(candidates(), places)
@settings(max_examples=200, deadline=None)
def test_awards_always_prefer_higher_scores(pool, where):
    awards = decide(pool, where)
    at = position(rank(pool))
    asked = {c.reference: c.scholarship for c in pool}
    for award in AWARD_ORDER:
        refs = getattr(awards, award)
        assert list(refs) == sorted(refs, key=at.__getitem__)  # each list in rank order
    for ref in awards.full:
        assert asked[ref] == "full"
    for ref in awards.partial:
        assert asked[ref] in ("full", "partial")
    for x, kind in asked.items():
        if kind and awards.award_of(x) in ("paid", "waitlist"):
            # Everyone holding a scholarship X would take ranks above X ...
            for held in ACCEPTS[kind]:
                assert all(at[ref] < at[x] for ref in getattr(awards, held))
                # ... and those places were all given, or the capacity was.
                assert (
                    len(getattr(awards, held)) == getattr(where, held)
                    or len(awards.full + awards.partial) == where.capacity
                )
        if kind == "full" and awards.award_of(x) == "partial":
            assert all(at[ref] < at[x] for ref in awards.full)
            assert len(awards.full) == where.full
    for paid in awards.paid:
        assert all(at[paid] < at[w] for w in awards.waitlist)


@given(candidates(), places, st.randoms(use_true_random=False))
@settings(max_examples=150, deadline=None)
def test_awards_are_the_same_in_any_order(pool, where, random):
    shuffled = list(pool)
    random.shuffle(shuffled)
    assert decide(shuffled, where) == decide(pool, where)
    assert rank(shuffled) == rank(pool)


@given(candidates(max_size=7), places)
@settings(max_examples=150, deadline=None)
def test_removing_a_candidate_never_worsens_anyone_else(pool, where):
    before = decide(pool, where)
    for gone in pool:
        after = decide([c for c in pool if c is not gone], where)
        for c in pool:
            if c is not gone:
                assert BETTER[after.award_of(c.reference)] >= BETTER[before.award_of(c.reference)]


@given(candidates(), places)
@settings(max_examples=100, deadline=None)
def test_a_better_score_never_worsens_ones_own_award(pool, where):
    before = decide(pool, where)
    for c in pool:
        raised = [replace(o, score=o.score + 100) if o is c else o for o in pool]
        after = decide(raised, where)
        assert BETTER[after.award_of(c.reference)] >= BETTER[before.award_of(c.reference)]
