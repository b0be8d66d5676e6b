"""Rider terms an adult production must give before a plan is final (domain.md §2.6): the
fixtures that mark a plan of Harbour Lights final seed them first."""

from __future__ import annotations

from typing import Any

EXPECTED_LENGTH = "About two hours on set, half of it rehearsal."
PAY = "The day rate as agreed, plus the nudity supplement."


def seed_rider_terms(world: Any, handles: tuple[str, ...] = ("mara", "jonas")) -> None:
    """Expected length and pay for each performer's rider of the world's scene."""
    from closedset.rider.models import RiderTerms

    for handle in handles:
        RiderTerms.objects.update_or_create(
            scene=world.scene,
            performer=world.users[handle],
            defaults={"expected_length": EXPECTED_LENGTH, "pay": PAY},
        )
