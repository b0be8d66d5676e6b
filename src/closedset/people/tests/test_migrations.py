"""The people migrations run down to nothing and up again (later migrations add data checks)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_people_migrations_round_trip():
    executor = MigrationExecutor(connection)
    leaf = executor.loader.graph.leaf_nodes("people")
    dependants = [
        node
        for node in executor.loader.graph.leaf_nodes()
        if node[0] not in ("people",)
        and ("people", "0001_initial") in executor.loader.graph.forwards_plan(node)
    ]
    assert leaf
    # Migrate everything that depends on people back out, then people, then forwards again.
    executor.migrate([("people", None)] + [(app, None) for app, _ in dependants])
    assert "people_user" not in connection.introspection.table_names()
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert "people_user" in connection.introspection.table_names()
