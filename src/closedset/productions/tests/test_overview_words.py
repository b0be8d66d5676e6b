"""One word, one meaning on the production page: the plan check says whether the plan fits
everyone's boundaries; "cleared" is the schedule gate's alone (could the scene be shot?), shown
to the producer and the coordinator as a yes or no without reasons. The custodian's page leads
to her records and clearances."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from closedset.compliance.tests.helpers import ready_scene
from closedset.plans import services as plans
from closedset.plans.tests.conftest import shared, slap_plan  # noqa: F401  (fixtures)
from closedset.plans.tests.scenario import PLAN

pytestmark = pytest.mark.django_db

FITTING = dict(PLAN, beats=[PLAN["beats"][0]])  # the slap on the buttocks: fits both profiles


def _text(client_as, who, world):
    url = reverse("productions:production", args=[world.production.pk])
    response = client_as(who).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    return page, html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_a_fitting_plan_is_not_called_cleared(shared, client_as):  # noqa: F811
    plans.replace_plan(shared.ines, shared.production.pk, shared.scene.pk, FITTING)
    for who in ("petra", "ines"):
        _, text = _text(client_as, who, shared)
        # The plan fits, nobody has consented: fits, and not cleared to shoot.
        assert (
            "12B The boathouse Plan: fits everyone's boundaries Consent: not agreed "
            "Cleared to shoot: not cleared" in text
        )
        assert "0 of 1 scene cleared to shoot; the plan of 1 fits everyone's boundaries." in text
        assert "Gate: cleared" not in text and "Plan: cleared" not in text


def test_a_scene_ready_to_shoot_is_cleared_without_reasons(world, client_as):
    ready_scene(world)
    for who in ("petra", "ines"):
        _, text = _text(client_as, who, world)
        # No profile is shared, so the plan still needs the coordinator; the gate is its own.
        assert "Cleared to shoot: cleared" in text
        assert "1 of 1 scene cleared to shoot" in text
    _, text = _text(client_as, "petra", world)
    assert "Plan: needs the coordinator" in text
    # The producer reads yes or no, never the gate's reasons or anyone's records.
    for reason in ("record is not verified", "no identity record yet", "valid test", "Marianne"):
        assert reason not in text


def test_a_scene_not_ready_reads_not_cleared_and_never_why(slap_plan, client_as):  # noqa: F811
    _, text = _text(client_as, "petra", slap_plan)
    assert "Cleared to shoot: not cleared" in text
    for reason in ("no identity record yet", "consented to every beat", "no valid test clearance"):
        assert reason not in text


def test_nobody_else_reads_the_shoot_gate_here(slap_plan, client_as):  # noqa: F811
    for who in ("dario", "mara", "jonas", "cora"):
        _, text = _text(client_as, who, slap_plan)
        assert "Cleared to shoot" not in text
        assert "fits everyone's boundaries" not in text


def test_the_custodian_is_led_to_her_records_and_clearances(world, client_as):
    page, text = _text(client_as, "cora", world)
    assert reverse("compliance:records", args=[world.production.pk]) in page
    assert reverse("compliance:clearances", args=[world.production.pk]) in page
    assert "Nothing for you to do yet" not in text
    assert "arrive with the consent part" not in text
    # Her links open for her.
    for name in ("compliance:records", "compliance:clearances"):
        url = reverse(name, args=[world.production.pk])
        assert client_as("cora").get(url).status_code == 200
