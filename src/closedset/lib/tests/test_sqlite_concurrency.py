"""Several people saving at once on SQLite: each request succeeds or is told to try again
(409/503), never a 500 ("database is locked").

Runs the real server on a SQLite file of its own, whatever database the suite uses: the
settings under test are the SQLite ones, and the test database of the suite is in memory.
"""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from closedset.lib.tests.served import migrate_and_seed, serve

THREADS = 4
REQUESTS_EACH = 25


def test_concurrent_plan_version_saves_never_fail_with_500(served_env, tmp_path):
    env = served_env
    seeded = migrate_and_seed(env)
    url = f"/api/v1/plans/{seeded.production_id}/scenes/{seeded.scene_id}/versions"

    with serve(env, tmp_path / "server.log") as server:

        def save(_: int) -> tuple[int, object]:
            request = urllib.request.Request(  # noqa: S310 - our own server
                server.base + url,
                method="POST",
                headers={"Authorization": f"Bearer {seeded.token}"},
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    return response.status, json.loads(response.read())
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode(errors="replace")

        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(save, range(THREADS * REQUESTS_EACH)))

    statuses = Counter(status for status, _ in results)
    assert set(statuses) <= {200, 409, 503}, (statuses, [r for r in results if r[0] >= 500][:3])
    for status, body in results:
        if status != 200:
            # A refusal in the usual shape, saying what to do.
            assert set(json.loads(str(body))) == {"detail", "fields"}
    # Writers queue for the lock (IMMEDIATE transactions, a busy timeout) instead of failing:
    # without that, about two in three of these requests found the database locked.
    assert statuses[200] == THREADS * REQUESTS_EACH, statuses
    # Every saved version got its own number: none lost, none twice.
    saved = sorted(body["number"] for status, body in results if status == 200)
    assert saved == list(range(1, len(saved) + 1))
    with sqlite3.connect(tmp_path / "closedset.sqlite3") as db:
        assert db.execute("select count(*) from plans_planversion").fetchone() == (len(saved),)
        # The database file is in write-ahead-log mode (readers never wait for a writer).
        assert db.execute("pragma journal_mode").fetchone() == ("wal",)
