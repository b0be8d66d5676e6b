"""Authorization-matrix entries (see closedset/api/tests/authz_matrix.py)."""

from __future__ import annotations

EXPECTED: dict = {}
PARAMS: dict = {}
ROUTE_PARAMS: dict = {}
BODIES: dict = {}
