"""Appends from several requests at once: the Log row lock keeps the log one straight line."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connections, transaction

from closedset.core import record as core
from closedset.lib.errors import database_busy
from closedset.record import services
from closedset.record.models import Checkpoint, Log, LogEntry

THREADS = 4
EACH = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_indexes_gap_free_and_the_root_right(world):
    # No log yet: the threads also race to create it.
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            for _ in range(EACH):
                # A busy database turns a request away to be retried (a 503 in the app);
                # the in-memory test database does that where PostgreSQL would wait.
                for _attempt in range(200):
                    try:
                        with transaction.atomic():
                            services.append(
                                world.organisation, {"type": "gate"}, people=[world.ines]
                            )
                        break
                    except OperationalError as error:
                        if not database_busy(error):
                            raise
                        time.sleep(0.01)
                else:
                    raise AssertionError("the database stayed busy")
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures

    log = Log.objects.get()
    total = THREADS * EACH
    indexes = list(LogEntry.objects.filter(log=log).values_list("index", flat=True))
    assert sorted(indexes) == list(range(total))
    assert log.size == total
    hashes = LogEntry.objects.filter(log=log).order_by("index").values_list("leaf_hash", flat=True)
    tree = core.Tree([bytes(h) for h in hashes])
    assert bytes(log.root) == tree.root()
    sizes = sorted(Checkpoint.objects.filter(log=log).values_list("size", flat=True))
    assert sizes == list(range(1, total + 1))
    assert services.audit_verify() == []
