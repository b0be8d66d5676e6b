"""Authorization-matrix entries for this app's routes (see closedset/api/tests/authz_matrix.py)."""

from __future__ import annotations

EXPECTED: dict[str, dict[str, object]] = {}
PARAMS: dict[str, object] = {}
