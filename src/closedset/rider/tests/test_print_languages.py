"""A production's documents print in any language offered (issue 11): `?lang=` on a document's
address, whatever the reader's own language; links for it beside the coordinator's download."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory

from closedset.boundaries.tests.test_language import answered  # noqa: F401 - a fixture
from closedset.conftest import speaks
from closedset.lib.i18n import document_language
from closedset.rider import services
from closedset.rider.tests.test_language import HEADING

pytestmark = pytest.mark.django_db


def _text(content: bytes, tmp_path: Path) -> str:
    assert shutil.which("pdftotext"), "pdftotext is needed: apt-get install poppler-utils"
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


def _rider_url(world: Any) -> str:
    return f"/rider/{world.production.pk}/{world.scene.pk}/mara/"


@pytest.mark.parametrize("language", ["es", "cs", "hu"])
def test_the_coordinator_prints_a_rider_in_any_language(
    world: Any, version: Any, client_as: Any, tmp_path: Path, language: str
) -> None:
    # Ines reads English; Mara reads English; the copy is for someone who reads `language`.
    response = client_as(world.ines).get(_rider_url(world) + f"pdf/?lang={language}")
    assert response.status_code == 200
    expected = services.rider_for(version, world.mara, lang=language)
    assert response["X-Rider-SHA256"] == expected.sha256
    text = _text(response.content, tmp_path)
    assert HEADING[language] in text
    # The production writes in English: it stands alongside.
    assert HEADING["en"] in text


def test_an_unknown_language_prints_in_the_readers_own(
    world: Any, version: Any, client_as: Any
) -> None:
    speaks(world.ines, "hu")
    response = client_as(world.ines).get(_rider_url(world) + "pdf/?lang=xx")
    assert response.status_code == 200
    expected = services.rider_for(version, world.mara, lang="hu")
    assert response["X-Rider-SHA256"] == expected.sha256


def test_the_links_are_beside_the_coordinators_download_alone(
    world: Any, version: Any, client_as: Any
) -> None:
    page = client_as(world.ines).get(_rider_url(world)).content.decode()
    for code, name in [("en", "English"), ("es", "Español"), ("cs", "Čeština"), ("hu", "Magyar")]:
        assert f'pdf/?lang={code}" hreflang="{code}" lang="{code}">{name}</a>' in page
    # Mara's own page: her language and the production's already; no list to choose from.
    mine = client_as(world.mara).get(_rider_url(world)).content.decode()
    assert "pdf/?lang=" not in mine


def test_a_performer_prints_her_own_profile_in_another_language(
    answered: Any,  # noqa: F811 - the fixture imported above
    client_as: Any,
    tmp_path: Path,
) -> None:
    mara = client_as(answered.mara)
    page = mara.get("/boundaries/review/").content.decode()
    assert 'my-boundaries.pdf?lang=cs" hreflang="cs"' in page
    english = _text(mara.get("/boundaries/my-boundaries.pdf").content, tmp_path)
    czech = _text(mara.get("/boundaries/my-boundaries.pdf?lang=cs").content, tmp_path)
    assert english != czech
    assert "hranice" in czech.lower()


@pytest.mark.parametrize(
    ("asked", "reader", "printed"),
    [("cs", "en", "cs"), (" HU ", "en", "hu"), ("xx", "es", "es"), ("", "cs", "cs")],
)
def test_the_language_asked_for_or_the_readers(asked: str, reader: str, printed: str) -> None:
    from django.utils import translation

    with translation.override(reader):
        assert document_language(RequestFactory().get("/", {"lang": asked})) == printed
