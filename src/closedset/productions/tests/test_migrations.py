"""The productions migrations run down to nothing and up again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_productions_migrations_round_trip():
    executor = MigrationExecutor(connection)
    leaf = executor.loader.graph.leaf_nodes("productions")
    dependants = [
        node
        for node in executor.loader.graph.leaf_nodes()
        if node[0] not in ("productions",)
        and ("productions", "0001_initial") in executor.loader.graph.forwards_plan(node)
    ]
    assert leaf
    # Migrate what depends on productions back out, then productions, then forwards again.
    executor.migrate([("productions", None)] + [(app, None) for app, _ in dependants])
    assert "productions_production" not in connection.introspection.table_names()
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert "productions_production" in connection.introspection.table_names()
