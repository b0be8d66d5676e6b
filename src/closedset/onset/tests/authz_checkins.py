"""Authorization-matrix entries for the shoot day's checkins routes (see onset/tests/authz.py)."""

from __future__ import annotations

EXPECTED: dict[str, dict[str, object]] = {}
ROUTE_PARAMS: dict[str, dict[str, object]] = {}
BODIES: dict[str, object] = {}
