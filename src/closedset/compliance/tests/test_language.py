"""A performer's yes / not yet in her own language (issue 11): the scene page and her part of
the overview; in English they read exactly as before. Staff sections may stay English."""

from __future__ import annotations

import json

import pytest

from closedset.compliance import services
from closedset.compliance.tests.helpers import call_on, future_day, ready_scene
from closedset.conftest import speaks

pytestmark = pytest.mark.django_db

# (English source, Czech) pairs a performer reads.
SCENE = [
    ("Scene 12B", "Scéna 12B"),
    ("Everyone you work with is cleared for the shoot date:", "mají na den natáčení platný test"),
    ("You see yes or not yet only", "Vidíš jen ano nebo zatím ne"),
    ("Back to your scene", "Zpět na tvoji scénu"),
]
NOT_SCHEDULED = [
    ("<strong>not yet</strong>", "<strong>zatím ne</strong>"),
    ("The shoot date is not set yet", "Den natáčení zatím není stanovený"),
]
SCHEDULED = [("<strong>yes</strong>", "<strong>ano</strong>")]
OVERVIEW = [
    ("Compliance: ", "Soulad s předpisy: "),
    ("Only the custodian of records can see identity records.", "Doklady totožnosti vidí jen"),
    ("Your scenes", "Tvoje scény"),
    ("everyone you work with is cleared for the shoot date:", "mají na den natáčení platný test"),
    ("<strong>yes</strong>", "<strong>ano</strong>"),
]


def assert_in(page: str, pairs: list[tuple[str, str]], *, czech: bool) -> None:
    for english, cs in pairs:
        shown, hidden = (cs, english) if czech else (english, cs)
        assert shown in page, shown
        assert hidden not in page, hidden


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_performers_pages(world, client_as, language):
    ready_scene(world)
    czech = language == "cs"
    mara = client_as(speaks(world.mara, language))
    scene = f"/compliance/{world.production.pk}/scenes/{world.scene.pk}/"
    assert_in(mara.get(scene).content.decode(), SCENE + NOT_SCHEDULED, czech=czech)
    services.schedule(world.ines, world.scene, call_on(future_day(3)))
    assert_in(mara.get(scene).content.decode(), SCENE + SCHEDULED, czech=czech)
    overview = mara.get(f"/compliance/{world.production.pk}/").content.decode()
    assert_in(overview, OVERVIEW, czech=czech)


def test_not_cast_is_said_in_her_language(world, client_as):
    ready_scene(world)
    from closedset.productions.models import Scene

    other = Scene.objects.create(production=world.production, number="14")
    api = client_as(speaks(world.mara, "cs"))
    answer = api.get(f"/api/v1/compliance/{world.production.pk}/scenes/{other.pk}/co-performers")
    assert answer.status_code == 404
    assert json.loads(answer.content)["detail"] == "V této scéně nemáš roli."
