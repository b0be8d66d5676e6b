"""Migration 0003 copies each existing entry's refers_to out of the entry's own bytes."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("record", "0002_fewer_indexes")
AFTER = ("record", "0003_entry_refers_to")


def _migrate(target: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor


@pytest.mark.django_db(transaction=True)
def test_0003_backfills_refers_to_from_the_entry_bytes():
    executor = MigrationExecutor(connection)
    # Whatever was built on 0003 goes back out with it, and returns below.
    leaves = executor.loader.graph.leaf_nodes()
    executor = _migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    organisation = old.get_model("productions", "Organisation").objects.create(name="Harbour")
    log = old.get_model("record", "Log").objects.create(
        organisation=organisation, origin="example.test/org/harbour", slug="harbour"
    )
    entries = old.get_model("record", "LogEntry")
    for index, fields in enumerate(
        [{"type": "consent"}, {"type": "withdrawal", "refers_to": 0}, {"type": "gate"}]
    ):
        entries.objects.create(
            log=log, index=index, data=json.dumps(fields).encode(), leaf_hash=b"\0" * 32
        )

    executor = _migrate([AFTER])
    new = executor.loader.project_state([AFTER]).apps.get_model("record", "LogEntry")
    found = dict(new.objects.filter(log_id=log.pk).values_list("index", "refers_to"))
    assert found == {0: None, 1: 0, 2: None}
    _migrate(leaves)


@pytest.mark.django_db(transaction=True)
def test_0003_unapplies_cleanly():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate([BEFORE])
    columns = [
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), "record_logentry"
        )
    ]
    assert "refers_to" not in columns
    _migrate(leaves)
    columns = [
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), "record_logentry"
        )
    ]
    assert "refers_to" in columns
