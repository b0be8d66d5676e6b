"""The crash test, small: consent decisions sent at once to a real `closedset serve`, which is
killed with SIGKILL midway and started again. Every decision the client saw acknowledged is in
the database with its log entry, nothing is there twice, and `closedset audit verify` passes.

The machinery is bench/crash.py's (the full run sends 1,000); this runs it on a SQLite file of
its own, whatever database the suite uses, and resends what was cut off.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[4] / "bench" / "crash.py"
WRITES = 60
KILL_AFTER = 20


def _bench():
    spec = importlib.util.spec_from_file_location("closedset_bench_crash", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def crash(tmp_path, request):
    bench = _bench()
    world = bench.prepare(
        tmp_path,
        writes=WRITES,
        beats=2,
        # As the suite builds its own tables: from the migrations, or from the models.
        migrations=not request.config.getoption("nomigrations"),
    )
    return bench, world


def test_every_acknowledged_consent_survives_a_sigkill(crash):
    bench, world = crash
    outcome = bench.crash(world, concurrency=8, kill_after=KILL_AFTER)

    # The server really died midway: some writes were acknowledged, some never answered.
    assert outcome.sent == WRITES
    assert outcome.acked_before_kill >= KILL_AFTER
    assert outcome.acked < WRITES, "the server was not killed before the last write"
    assert outcome.cut > 0
    # Writers queue on SQLite's lock; a refusal would be a bug, not a crash effect.
    assert not outcome.refused, outcome.refused

    after = outcome.after_restart
    assert outcome.present_after_restart == outcome.acked, after["missing"]
    assert after["duplicates"] == 0
    assert after["without_entry"] == 0  # no decision without its log entry ...
    assert after["orphan_entries"] == 0  # ... and no entry without its decision
    assert after["events"] == after["decisions"]
    assert after["decisions"] == outcome.acked + outcome.unacked_landed
    assert outcome.audit_code == 0, outcome.audit_line

    # Resending what was cut off lands each decision exactly once.
    assert outcome.resent == WRITES - outcome.acked
    assert set(outcome.resent_statuses) == {200}, outcome.resent_statuses
    final = outcome.after_resend
    assert final["present"] == WRITES
    assert final["decisions"] == WRITES
    assert final["duplicates"] == 0
    assert final["orphan_entries"] == 0
    assert outcome.final_audit_code == 0, outcome.final_audit_line
    assert outcome.still_failing == 0
    assert not outcome.server_errors, outcome.server_errors
    assert outcome.problems() == []
