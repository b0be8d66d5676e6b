"""The socket keeps its database connection between messages (CLOSEDSET_SOCKET_DB_SECONDS):
opening one costs more than a PAUSE's own queries. Django's own check (close_old_connections,
run by Channels around every trip to the database thread) still closes it once it is due."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from closedset.onset import consumers

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened() -> Iterator[Any]:
    """This thread's connection, opened, its due time put back afterwards."""
    connection.ensure_connection()
    was = connection.close_at
    yield connection
    connection.close_at = was
    vars(connection).pop("_socket_kept", None)


def test_a_kept_connection_is_due_the_setting_after_it_was_opened(settings, opened) -> None:
    settings.CLOSEDSET_SOCKET_DB_SECONDS = 60
    consumers._keep_connections()
    due = opened.close_at
    assert due is not None and due > time.monotonic() + 50
    # Its age counts from when it was first kept: later messages do not push it back.
    consumers._keep_connections()
    assert opened.close_at == due


def test_a_new_connection_is_kept_afresh(settings, opened) -> None:
    settings.CLOSEDSET_SOCKET_DB_SECONDS = 60
    consumers._keep_connections()
    opened.close_at = time.monotonic()  # as Django sets it when it opens one
    opened._socket_kept = object()  # another (earlier) connection was the one kept
    consumers._keep_connections()
    assert opened.close_at > time.monotonic() + 50


def test_with_no_time_set_nothing_is_kept(settings, opened) -> None:
    settings.CLOSEDSET_SOCKET_DB_SECONDS = 0
    before = opened.close_at
    consumers._keep_connections()
    assert opened.close_at == before  # due at once: closed after each message, as pages do
