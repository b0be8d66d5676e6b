"""Dates on the plan pages in the reader's language (issue 11): the order and month names her
language writes ("2031. márc. 14.", "14. bře 2031"), the production's kind and the overview's
consent state in her words; in English the pages read exactly as before."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse

from closedset.conftest import speaks
from closedset.plans import services
from closedset.plans.models import BeatEdit, PlanVersion
from closedset.plans.tests.test_performer_scenes import visible_text
from closedset.plans.tests.test_views import url

pytestmark = pytest.mark.django_db

AT = datetime(2031, 3, 14, 18, 30, tzinfo=UTC)
# "j M Y, H:i" as each language writes it.
SHORT = {
    "en": "14 Mar 2031, 18:30",
    "es": "14 mar 2031, 18:30",
    "cs": "14. bře 2031, 18:30",
    "hu": "2031. márc. 14., 18:30",
}


def text_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(visible_text(response.content.decode()).split())


@pytest.fixture
def saved(slap_plan: Any) -> Any:
    world = slap_plan
    services.save_version(world.ines, world.production.pk, world.scene.pk)
    PlanVersion.objects.filter(plan__scene=world.scene).update(created_at=AT)
    BeatEdit.objects.filter(beat__plan__scene=world.scene).update(at=AT)
    return world


@pytest.mark.parametrize("language", ["en", "es", "cs", "hu"])
def test_versions_changes_and_the_editor_write_dates_in_her_language(saved, client_as, language):
    ines = client_as(speaks(saved.ines, language))
    for page in ("plans:versions", "plans:changes", "plans:plan"):
        text = text_of(ines.get(url(saved, page)))
        assert SHORT[language] in text, (page, text)
        for other, shown in SHORT.items():
            if other != language:
                assert shown not in text, (page, shown)


@pytest.mark.parametrize(
    ("language", "kind"),
    [("en", "(Adult;"), ("es", "(Para adultos;"), ("cs", "(Pro dospělé;"), ("hu", "(Felnőttfilm;")],
)
def test_the_plan_names_the_productions_kind_in_her_language(saved, client_as, language, kind):
    text = text_of(client_as(speaks(saved.ines, language)).get(url(saved)))
    assert kind in text
    if language != "en":
        assert "(Adult" not in text


@pytest.mark.parametrize(
    ("language", "state"),
    [
        ("en", "not agreed"),
        ("es", "no acordado"),
        ("cs", "neodsouhlaseno"),
        ("hu", "nincs elfogadva"),
    ],
)
def test_the_overviews_consent_column_in_her_language(slap_plan, client_as, language, state):
    address = reverse("productions:production", args=[slap_plan.production.pk])
    html = client_as(speaks(slap_plan.petra, language)).get(address).content.decode()
    assert re.search(rf'<td><span class="cell-label">[^<]*</span>{state}</td>', html), state
    text = " ".join(visible_text(html).split())
    if language != "en":
        assert "not agreed" not in text
