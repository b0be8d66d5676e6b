"""Scores sent at the same moment: two tabs of one reviewer count once; the two reviewers of
one application finishing together call exactly one third reviewer. On PostgreSQL the row locks
order them; on SQLite writers take turns (or are told the database is busy and try again)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connections

from closedset.academy import review
from closedset.academy.models import ReviewAssignment, Score
from closedset.academy.tests.test_review_helpers import assignments, score_all
from closedset.lib.errors import Conflict, database_busy


def _race(*jobs: Callable[[], Any]) -> list[object]:
    """Run the jobs at once; each result is its return value or the refusal it met."""
    start = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int, job: Callable[[], Any]) -> None:
        try:
            start.wait()
            for _attempt in range(300):
                try:
                    results[i] = job()
                    break
                except OperationalError as error:
                    if not database_busy(error):
                        raise
                    time.sleep(0.01)
            else:
                results[i] = AssertionError("the database stayed busy")
        except BaseException as error:  # noqa: BLE001 - reported to the test
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_tabs_submitting_at_once_count_once(academy):
    review.start_review(academy.cohort)
    first = assignments(academy.applications["ben"])[0]
    results = _race(lambda: score_all(first, 4), lambda: score_all(first, 1))
    kinds = sorted(type(r).__name__ for r in results)
    assert kinds == ["Conflict", "ReviewAssignment"], results
    assert Score.objects.filter(assignment=first).count() == len(academy.criteria)
    kept = set(Score.objects.filter(assignment=first).values_list("value", flat=True))
    assert kept in ({4}, {1})


@pytest.mark.django_db(transaction=True)
def test_both_reviewers_finishing_together_call_one_third(academy):
    review.start_review(academy.cohort)
    ana = academy.applications["ana"]
    first, second = assignments(ana)
    results = _race(lambda: score_all(first, 5), lambda: score_all(second, 0))
    assert not any(isinstance(r, BaseException) for r in results), results
    assert ReviewAssignment.objects.filter(application=ana, round=3).count() == 1
    assert not any(isinstance(r, Conflict) for r in results)
