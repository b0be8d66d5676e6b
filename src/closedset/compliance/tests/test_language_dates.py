"""The call time on the compliance overview in the reader's language (issue 11): the order
and month names her language writes; in English exactly as before."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from closedset.compliance.models import Schedule
from closedset.compliance.tests.helpers import call_on, ready_scene
from closedset.conftest import speaks

pytestmark = pytest.mark.django_db

CALLED = {
    "en": "14 March 2031, 09:00",
    "es": "14 de marzo de 2031, 09:00",
    "cs": "14. března 2031, 09:00",
    "hu": "2031. március 14., 09:00",
}


@pytest.mark.parametrize("language", ["en", "es", "cs", "hu"])
def test_the_call_time_in_her_language(world, client_as, language):
    ready_scene(world)
    # Set straight in (the gate would want test results valid on that far day).
    Schedule.objects.update_or_create(
        scene=world.scene,
        defaults={
            "call_at": call_on(date(2031, 3, 14)),
            "scheduled_by": world.ines,
            "scheduled_at": timezone.now(),
        },
    )
    page = client_as(speaks(world.petra, language)).get(f"/compliance/{world.production.pk}/")
    text = page.content.decode()
    assert CALLED[language] in text
    for other, shown in CALLED.items():
        if other != language:
            assert shown not in text, shown
