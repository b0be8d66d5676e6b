"""Shared helpers for the record's tests."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction

from closedset.record import services

BEATS = ["b1", "b2"]


def consent(world: Any, who: Any = None, beats: list[str] | None = None, **extra: Any) -> Any:
    """Mara (by default) consents to beats of scene 12B; one entry, in its own transaction."""
    with transaction.atomic():
        return services.append(
            world.organisation,
            {
                "type": "consent",
                "production": world.production.pk,
                "scene": world.scene.pk,
                "plan_version": 3,
                "plan_sha256": "ab" * 32,
                "beats": list(BEATS if beats is None else beats),
                **extra,
            },
            people=[who or world.mara],
        )


def readable(world: Any, beats: list[str] | None = None) -> dict[str, object]:
    return {
        "production": world.production.name,
        "scene": world.scene.number,
        "performer": "Mara",
        "decision": "consent",
        "beats": [{"id": b, "label": f"beat {b}"} for b in (BEATS if beats is None else beats)],
    }


def receipt(world: Any, entry: Any, who: Any = None) -> dict[str, object]:
    return services.receipt_for(entry, who or world.mara, readable(world))


def receipt_bytes(world: Any, entry: Any) -> bytes:
    return json.dumps(receipt(world, entry)).encode()
