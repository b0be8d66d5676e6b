"""The rider in the performer's language (issue 11): on the page and in the sealed PDF, beside
the production's language when that is another one, with every letter of Czech and
Hungarian drawn from an embedded font."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from closedset.rider import pdf, services
from closedset.rider.models import RiderTerms

# Coordinator's own words with the letters a fallback font drops first.
OTHER_TERMS = "Víz és pihenő minden jelenet után; řekni STOP kdykoli; ű ő ě ř ñ."
# Headings of the fragment in each language: the page and the PDF text must carry them.
HEADING = {
    "en": "What you do in this scene",
    "es": "Lo que haces en esta escena",
    "cs": "Co v této scéně děláš",
    "hu": "Mit csinálsz ebben a jelenetben",
}
# A translated line with the language's own letters (ě ř š / ő).
LETTERS = {
    "en": "Barriers and modesty garments",
    "es": "Dónde se pueden usar las imágenes",
    "cs": "Předpokládaná délka:",
    "hu": "Védőeszközök és szeméremtakarók",
}
POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts")


def _speaks(user: Any, language: str) -> Any:
    user.language = language
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def terms(world: Any, version: Any) -> RiderTerms:
    found, _ = RiderTerms.objects.update_or_create(
        scene=world.scene, performer=world.mara, defaults={"other_terms": OTHER_TERMS}
    )
    return found


def test_a_czech_performer_reads_her_rider_in_czech_beside_english(
    world: Any, version: Any, client_as: Any
) -> None:
    _speaks(world.mara, "cs")
    url = f"/rider/{world.production.pk}/{world.scene.pk}/mara/"
    page = client_as(world.mara).get(url).content.decode()
    assert "Tvoje dohoda o intimních scénách" in page
    assert "Stáhnout jako podepsané PDF" in page
    assert "Download as a signed PDF" not in page and "Your rider" not in page
    # Both languages, paired section by section.
    assert '<div class="rider-lang" lang="cs"><h2>Co v této scéně děláš</h2>' in page
    assert (
        '<div class="rider-lang rider-other" lang="en"><h2>What you do in this scene</h2>' in page
    )


def test_the_bilingual_fingerprint_covers_both_languages(world: Any, version: Any) -> None:
    rider = services.rider_for(version, world.mara, lang="cs")
    assert rider.languages == ("cs", "en") and rider.languages_shown == "cs+en"
    assert rider.sha256 == hashlib.sha256(rider.html.encode("utf-8")).hexdigest()
    assert HEADING["cs"] in rider.html and HEADING["en"] in rider.html
    english = services.rider_for(version, world.mara, lang="en")
    assert english.languages == ("en",) and english.sha256 != rider.sha256
    assert HEADING["cs"] not in english.html
    # The same language pair gives the same bytes: the hash is reproducible.
    assert services.rider_for(version, world.mara, lang="cs").sha256 == rider.sha256


def test_a_production_in_czech_gives_a_czech_performer_one_language(
    world: Any, version: Any
) -> None:
    world.production.language = "cs"
    world.production.save(update_fields=["language"])
    rider = services.rider_for(version, world.mara, lang="cs")
    assert rider.languages == ("cs",)
    assert HEADING["cs"] in rider.html and HEADING["en"] not in rider.html
    # An English reader of that production gets English with the Czech beside it.
    assert services.rider_for(version, world.mara, lang="en").languages == ("en", "cs")


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _unembedded_fonts(path: Path) -> list[str]:
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    # Columns: name type encoding emb sub uni object ID; "emb" is the third from the right
    # of the fixed "yes/no yes/no yes/no" trio.
    return [line for line in lines if line.split()[-5] != "yes"]


@pytest.mark.parametrize("language", ["en", "es", "cs", "hu"])
def test_the_rider_pdf_keeps_every_letter_with_embedded_fonts(
    world: Any, version: Any, terms: RiderTerms, language: str, tmp_path: Path
) -> None:
    # `make test` and CI install poppler-utils; without it this fails rather than passes unseen.
    assert POPPLER, "pdftotext and pdffonts are needed: apt-get install poppler-utils"
    rider = services.rider_for(version, world.mara, lang=language)
    path = tmp_path / f"rider-{language}.pdf"
    path.write_bytes(pdf.rider_pdf(rider))
    text = " ".join(_pdf_text(path).split())
    assert HEADING[language] in text
    assert LETTERS[language] in text
    # The coordinator's free text comes through letter for letter: ő ű ě ř ñ.
    for word in ("pihenő", "řekni", "ű", "ě", "ñ"):
        assert word in text
    if language != "en":
        assert HEADING["en"] in text  # the production's language beside hers
    # Translated page numbers, too.
    footer = {"en": "Page 1 of", "es": "Página 1 de", "cs": "Strana 1 z", "hu": "Oldal 1 /"}
    assert footer[language] in text
    assert _unembedded_fonts(path) == []
    # Look at the pages: CLOSEDSET_RIDER_PNG=/some/dir keeps a 60 dpi picture of each.
    keep = os.environ.get("CLOSEDSET_RIDER_PNG")
    if keep and shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(path), str(Path(keep) / f"rider-{language}")],
            check=True,
        )


def test_the_sealed_download_is_in_her_language(
    world: Any, version: Any, client_as: Any, tmp_path: Path
) -> None:
    _speaks(world.mara, "hu")
    url = f"/rider/{world.production.pk}/{world.scene.pk}/mara/pdf/"
    response = client_as(world.mara).get(url)
    assert response.status_code == 200
    assert pdf.verify_sealed_pdf(response.content)
    expected = services.rider_for(version, world.mara, lang="hu")
    assert response["X-Rider-SHA256"] == expected.sha256
    if POPPLER:
        path = tmp_path / "sealed.pdf"
        path.write_bytes(response.content)
        assert HEADING["hu"] in " ".join(_pdf_text(path).split())
