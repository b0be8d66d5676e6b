"""Development secrets are made once, even when several processes start together."""

from __future__ import annotations

import json
import os
import stat
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from closedset.lib.env import json_created_once


def _make_in_another_process(path: str) -> dict[str, str]:
    return json_created_once(Path(path), lambda: {"key": os.urandom(16).hex()})


def test_processes_starting_together_share_one_file(tmp_path):
    path = tmp_path / "data" / "dev-secrets.json"
    with ProcessPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(_make_in_another_process, [str(path)] * 12))
    # Every process reads the one that won, and nothing else is left behind.
    assert all(result == results[0] for result in results)
    assert json.loads(path.read_text()) == results[0]
    assert sorted(p.name for p in path.parent.iterdir()) == ["dev-secrets.json"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_existing_file_is_read_not_remade(tmp_path):
    path = tmp_path / "dev-secrets.json"
    path.write_text(json.dumps({"key": "kept"}))
    assert json_created_once(path, lambda: {"key": "new"}) == {"key": "kept"}
