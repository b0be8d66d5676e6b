"""JSON API for plans, mounted at /api/v1/plans/ by closedset.api."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["plans"])
