"""Harbour Lights' scene 12B called in three days, Mara cast (Jonas is not), its final version's
answers due in two; Quiet Water's scene 7 called too, for Oscar. What every calendar test
starts from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

PLAN = {
    "scene": "12B",
    "cast": {"A": "mara", "B": None},
    "beats": [
        {"id": "b1", "act": "slap", "by": "B", "to": "A", "zone": "buttocks"},
        {"id": "b2", "act": "kiss", "by": "A", "to": "B", "zone": "mouth"},
    ],
}


@dataclass
class Shoot:
    call: datetime
    deadline: datetime
    other_call: datetime
    scene: Any
    other_scene: Any
    request: Any


@pytest.fixture
def shoot(world: Any) -> Shoot:
    from closedset.compliance.models import Schedule
    from closedset.consent.models import ConsentRequest, FinalVersion
    from closedset.plans.models import PlanVersion, RoleSlot, ScenePlan
    from closedset.productions.models import Scene

    now = timezone.now().replace(microsecond=0)
    call = now + timedelta(days=3)
    deadline = now + timedelta(days=2)
    other_call = now + timedelta(days=4)
    plan = ScenePlan.objects.create(scene=world.scene)
    RoleSlot.objects.create(plan=plan, name="A", position=0, performer=world.mara)
    RoleSlot.objects.create(plan=plan, name="B", position=1)
    version = PlanVersion.objects.create(plan=plan, number=1, data=PLAN, created_by=world.ines)
    final = FinalVersion.objects.create(
        plan_version=version, marked_by=world.ines, deadline=deadline, plan_sha256="0" * 64
    )
    request = ConsentRequest.objects.create(final=final, performer=world.mara, role="A")
    Schedule.objects.create(scene=world.scene, call_at=call, scheduled_by=world.ines)
    other_scene = Scene.objects.create(
        production=world.other_production, number="7", title="The lake"
    )
    Schedule.objects.create(scene=other_scene, call_at=other_call)
    return Shoot(call, deadline, other_call, world.scene, other_scene, request)
