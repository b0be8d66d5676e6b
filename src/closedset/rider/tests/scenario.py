"""A saved plan version of scene 12B: Jonas slaps Mara, Mara topless, and a kiss between
Jonas and a role nobody plays yet, which Mara is not in."""

from __future__ import annotations

from typing import Any

from closedset.plans.models import PlanVersion, RoleSlot, ScenePlan

PLAN = {
    "scene": "12B",
    "title": "The boathouse",
    "kind": "adult",
    "cast": {"A": "mara", "B": "jonas", "C": None},
    "beats": [
        {
            "id": "b1",
            "act": "slap",
            "by": "B",
            "to": "A",
            "zone": "buttocks",
            "intensity": "light",
            "barrier": "none",
        },
        {"id": "b2", "act": "nudity-topless", "by": "A", "intensity": "light", "barrier": "none"},
        {
            "id": "b3",
            "act": "kiss",
            "by": "B",
            "to": "C",
            "zone": "mouth",
            "intensity": "medium",
            "barrier": "none",
        },
    ],
}


def saved_version(world: Any) -> PlanVersion:
    """Version 1 of the plan, Mara and Jonas cast (idempotent)."""
    found = PlanVersion.objects.filter(plan__scene=world.scene, number=1).first()
    if found is not None:
        return found
    plan = ScenePlan.objects.create(scene=world.scene)
    for position, (role, who) in enumerate([("A", world.mara), ("B", world.jonas), ("C", None)]):
        RoleSlot.objects.create(plan=plan, name=role, position=position, performer=who)
    return PlanVersion.objects.create(plan=plan, number=1, data=PLAN, created_by=world.ines)
