"""JSON API for the shoot day, mounted at /api/v1/onset/ by closedset.api.

The same services as the pages. Every route names its production in the path, as the plans
and consent APIs do: a token scoped to another production finds nothing there.
"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["shoot day"])
