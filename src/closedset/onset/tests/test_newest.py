"""An approved change on the day, added to the plan, is shot only once everyone signed it."""

from __future__ import annotations

import pytest

from closedset.compliance.tests.helpers import consent_all
from closedset.onset import changes
from closedset.onset.models import Run, TimelineEntry
from closedset.onset.tests.test_changes import approved
from closedset.onset.tests.test_changes import run as run  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_the_run_moves_to_the_new_version_once_everyone_signed_it(world, run, client_as):
    first = run.final_id
    change = approved(world, run)
    changes.add_to_plan(world.ines, run.pk, change.pk)
    change.refresh_from_db()
    ines = client_as("ines")
    # Added to the plan but not yet signed: the version everyone agreed to is still shot.
    assert ines.get(f"/onset/runs/{run.pk}/console/").status_code == 200
    assert Run.objects.get(pk=run.pk).final_id == first
    consent_all(world)
    assert ines.get(f"/onset/runs/{run.pk}/console/").status_code == 200
    assert Run.objects.get(pk=run.pk).final_id == change.applied_final_id
    lines = TimelineEntry.objects.filter(run=run, kind="plan").values_list("text", flat=True)
    assert list(lines) == [
        "Everyone agreed to version 2 of the plan; it is the one being shot now."
    ]
    # Reading again changes nothing more.
    ines.get(f"/onset/runs/{run.pk}/console/")
    assert TimelineEntry.objects.filter(run=run, kind="plan").count() == 1
