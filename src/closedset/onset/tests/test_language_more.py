"""The last English on a performer's phone (issue 11): her checklist's kinds, her beats in
the page's language, and an error raised with an untranslated constant (services.NO_RUN)
reaching the API and the pages in her language."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import translation

from closedset.conftest import speaks
from closedset.lib.errors import Conflict
from closedset.lib.middleware import DomainErrorMiddleware
from closedset.onset import day, services
from closedset.onset.models import Run
from closedset.onset.tests.helpers import started_with_profiles

pytestmark = pytest.mark.django_db

NO_RUN_CS = "Taková scéna teď neprobíhá."


@pytest.fixture
def run(world: Any) -> Run:
    return started_with_profiles(world)


def checklist(world: Any, run: Run) -> None:
    ids = (world.production.pk, world.scene.pk)
    day.add_check(world.ines, *ids, run.day, "mara", "robe", "")
    day.add_check(world.ines, *ids, run.day, "mara", "garment", "")
    # Her coordinator's own words stay as written, in any language.
    day.add_check(world.ines, *ids, run.day, "mara", "barrier", "pouch, flesh tone")


def test_her_checklist_names_the_kinds_in_czech(world, run, client_as):
    checklist(world, run)
    page = client_as(speaks(world.mara, "cs")).get(f"/onset/runs/{run.pk}/").content.decode()
    assert "župan" in page and "krycí prádlo" in page
    assert "pouch, flesh tone" in page
    assert "robe" not in page and "modesty garment" not in page


def test_her_checklist_reads_as_before_in_english(world, run, client_as):
    checklist(world, run)
    page = client_as(speaks(world.mara, "en")).get(f"/onset/runs/{run.pk}/").content.decode()
    assert "robe" in page and "modesty garment" in page and "pouch, flesh tone" in page
    assert "župan" not in page


def test_her_beats_are_in_the_language_active_for_the_page(world, run):
    with translation.override("cs"):
        czech = [b.sentence for b in day.my_beats(world.mara, run)]
    with translation.override("en"):
        english = [b.sentence for b in day.my_beats(world.mara, run)]
    assert czech and len(czech) == len(english)
    assert all(sentence.startswith("Ty") for sentence in czech)
    assert czech != english and not any(s.startswith("Ty") for s in english)


def test_a_missing_run_answers_the_api_in_her_language(world, run, client_as):
    """Raised as NotFound(services.NO_RUN), with no gettext at the raise."""
    url = f"/api/v1/onset/{world.production.pk}/runs/{run.pk}/signals/1/acknowledge"
    czech = client_as(speaks(world.mara, "cs")).post(url, "{}", content_type="application/json")
    assert czech.status_code == 404
    assert NO_RUN_CS in json.loads(czech.content)["detail"]
    english = client_as(speaks(world.jonas, "en")).post(url, "{}", content_type="application/json")
    assert json.loads(english.content)["detail"] == services.NO_RUN


def test_a_page_shows_an_untranslated_constant_in_the_page_language(world):
    request = RequestFactory().post("/onset/runs/1/")
    request.user = world.mara
    middleware = DomainErrorMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    error = Conflict(services.NO_RUN, {"run": services.NO_RUN})
    with translation.override("cs"):
        page = middleware.process_exception(request, error)
    assert page is not None and page.status_code == 409
    text = page.content.decode()
    assert NO_RUN_CS in text and services.NO_RUN not in text
    with translation.override("en"):
        page = middleware.process_exception(request, error)
    assert page is not None and services.NO_RUN in page.content.decode()
