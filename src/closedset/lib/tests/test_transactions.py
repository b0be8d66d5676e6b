"""What follows a commit: it runs after the commit, and its failure neither undoes nor
reports as failed what was done, and logs no words of the notice."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError, transaction

from closedset.lib.transactions import after_commit

pytestmark = pytest.mark.django_db

SECRET = "Mara declined a beat: Scene 12B"


def test_it_runs_after_the_commit_only(django_capture_on_commit_callbacks):
    told: list[str] = []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        after_commit(lambda: told.append("told"))
        assert told == []
    assert told == ["told"]


def test_a_rolled_back_change_tells_nobody(django_capture_on_commit_callbacks):
    told: list[str] = []
    with (
        django_capture_on_commit_callbacks(execute=True) as ran,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        after_commit(lambda: told.append("told"))
        raise RuntimeError("undone")
    assert told == [] and ran == []


def test_a_failure_is_logged_by_its_kind_alone(django_capture_on_commit_callbacks, caplog):
    def busy() -> None:
        raise OperationalError(f'Failing row contains ("{SECRET}")')

    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        after_commit(busy)  # no exception reaches the caller
    logged = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    assert "OperationalError" in logged
    assert SECRET not in logged and "Mara" not in logged
