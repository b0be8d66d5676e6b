"""A consent racing a new final version, and two tabs signing at once.

On PostgreSQL the row locks order them; on SQLite the writers queue or are turned away as
busy. Either way nothing is corrupted: a consent lands on the old version (and is voided when
its beat changed) or is refused; it never survives on a beat that changed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connections

from closedset.consent import services
from closedset.consent.models import BeatDecision, ConsentRequest, FinalVersion
from closedset.consent.tests.conftest import CONSENT_PLAN, request_of, save_version
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
def test_a_consent_racing_a_new_final_is_voided_or_refused(world, persona_password):
    first = services.mark_final(world.ines, save_version(world, CONSENT_PLAN))
    old_request = request_of(world.mara)
    changed = dict(
        CONSENT_PLAN,
        beats=[dict(b, intensity="medium") for b in CONSENT_PLAN["beats"]],
    )
    newer = save_version(world, changed)

    signed, marked = _race(
        lambda: services.decide(
            world.mara,
            old_request.pk,
            {"b1": "consent", "b2": "consent"},
            {},
            password_or_code=persona_password,
        ),
        lambda: services.mark_final(world.ines, newer),
    )
    assert isinstance(marked, FinalVersion), marked
    assert isinstance(signed, list | Conflict), signed
    first.refresh_from_db()
    assert first.superseded_at is not None
    assert FinalVersion.objects.filter(superseded_at__isnull=True).get() == marked
    # Whatever landed on the old version no longer counts: both beats changed.
    assert not BeatDecision.objects.filter(
        request=old_request, voided_at__isnull=True, withdrawn_at__isnull=True
    ).exists()
    mine = ConsentRequest.objects.get(final=marked, performer=world.mara)
    assert not mine.decisions.exists()
    assert not services.all_consented(world.scene)
    from closedset.record.services import audit_verify

    assert audit_verify() == []


@pytest.mark.django_db(transaction=True)
def test_two_tabs_signing_at_once_record_once(world, persona_password):
    services.mark_final(world.ines, save_version(world, CONSENT_PLAN))
    mine = request_of(world.mara)

    def tab() -> Any:
        return services.decide(
            world.mara, mine.pk, {"b1": "consent"}, {}, password_or_code=persona_password
        )

    results = _race(tab, tab)
    assert all(isinstance(r, list) for r in results), results
    assert sorted(len(r) for r in results) == [0, 1]  # type: ignore[arg-type]
    assert BeatDecision.objects.filter(request=mine).count() == 1
    from closedset.record.models import LogEntry

    # The plan-final entry and one consent.
    assert LogEntry.objects.count() == 2
