"""The performer's scene pages in her language: every heading, button and sentence, the beats
in plain words included; the same pages in English read as before."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from closedset.consent import services as consent
from closedset.consent.tests.conftest import CONSENT_PLAN, save_version
from closedset.core.words import words_in
from closedset.plans.tests.test_performer_scenes import assert_no_internals, visible_text
from closedset.plans.tests.test_scene_answers import sign
from closedset.rider.tests.terms import seed_rider_terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def final(shared: Any) -> Any:
    """As in test_scene_answers: CONSENT_PLAN marked final, nobody has answered yet."""
    seed_rider_terms(shared)
    return consent.mark_final(shared.ines, save_version(shared, CONSENT_PLAN))


def scene_url(world: Any) -> str:
    return reverse("scenes:scene", args=[world.production.pk, world.scene.pk])


def read(client_as: Any, world: Any, who: str, lang: str, url: str) -> str:
    user = world.users[who]
    user.language = lang
    user.save(update_fields=["language"])
    response = client_as(who).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    # Hungarian's article "A" ("A mozzanataid") is not a role letter; one before an arrow is.
    assert_no_internals(re.sub(r"\bA (?=[a-záéíóöőúüű])", "", page) if lang == "hu" else page)
    return " ".join(visible_text(page).split())


# What each page says in English (its headings, buttons and fixed sentences): none of it may
# be left on the Czech page.
SCENE_ENGLISH = (
    "All my scenes",
    "Where you stand",
    "Your beats",
    "People",
    "What you agree to",
    "Fits the boundaries you set.",
    "Outside the boundaries you set",
    "Your partners in this scene",
    "Your intimacy coordinator",
    "Nothing is shot until",
    "Your intimacy rider",
    "plan of",
    "You have not been asked for your consent yet",
    "Jonas slaps your",
    "You said no",
)


def test_the_scene_page_in_czech(slap_plan, client_as):
    text = read(client_as, slap_plan, "mara", "cs", scene_url(slap_plan))
    for english in SCENE_ENGLISH:
        assert english not in text, english
    assert "Scéna 12B: The boathouse" in text
    assert "plán ze dne" in text
    for czech in (
        "Všechny moje scény",
        "Jak to u tebe vypadá",
        "Tvoje momenty",
        "S čím souhlasíš",
        # The beats themselves, from the taxonomy's Czech catalog.
        "Jonas → ty: plácnutí (zadek), lehce",
        "Odpovídá hranicím, které máš nastavené.",
        "Mimo hranice, které máš nastavené: Ines to s tebou probere:",
        "Tvoje odpověď na „partner/ka → ty: plácnutí (obličej)“ je ne: pevná hranice.",
        "Tvoji partneři a partnerky v této scéně: Jonas.",
        "Koordinace intimity: Ines.",
        "O souhlas tě zatím nikdo nežádá",
    ):
        assert czech in text, czech


def test_my_scenes_in_czech_counts_in_czech(slap_plan, client_as):
    text = read(client_as, slap_plan, "mara", "cs", reverse("scenes:mine"))
    for english in ("Every scene you are cast in", "Not everything here fits", "Open Scene"):
        assert english not in text, english
    assert "Všechny scény, ve kterých máš roli" in text
    assert "Ines s tebou probere 1 věc." in text
    assert "Otevřít: Scéna 12B: The boathouse" in text


def test_someone_cast_in_nothing_reads_it_in_czech(world, client_as):
    text = read(client_as, world, "mara", "cs", reverse("scenes:mine"))
    assert "You are cast in no scene yet" not in text
    assert "Zatím nemáš roli v žádné scéně." in text
    assert "tvoje ano / ne / možná, soukromé" in text


def test_her_answers_in_czech(shared, final, client_as, persona_password):
    sign(shared.mara, {"b1": "consent", "b2": "decline"}, persona_password)
    text = read(client_as, shared, "mara", "cs", scene_url(shared))
    assert "You consented." not in text and "You declined." not in text
    assert words_in("cs")("answer:consented") in text
    assert words_in("cs")("answer:declined") in text


@pytest.mark.parametrize(
    ("lang", "heading", "beat"),
    [
        ("es", "Tus momentos", "Jonas → tú"),
        ("hu", "A mozzanataid", "Jonas → te"),
    ],
)
def test_spanish_and_hungarian_too(slap_plan, client_as, lang, heading, beat):
    text = read(client_as, slap_plan, "mara", lang, scene_url(slap_plan))
    assert heading in text and beat in text
    for english in ("Where you stand", "Your beats", "Jonas slaps your"):
        assert english not in text, english


def test_the_same_page_in_english_reads_as_before(slap_plan, client_as):
    text = read(client_as, slap_plan, "mara", "en", scene_url(slap_plan))
    assert "Where you stand" in text and "Your beats" in text
    assert "Jonas slaps your buttocks, lightly" in text
    assert "Outside the boundaries you set: Ines will go through this with you:" in text
    assert "Scene 12B: The boathouse" in text
    assert "Jak to u tebe vypadá" not in text


def test_the_plan_index_a_performer_can_open_in_czech(slap_plan, client_as):
    url = reverse("plans:index", args=[slap_plan.production.pk])
    text = read(client_as, slap_plan, "mara", "cs", url)
    assert "Scene plans" not in text and "Scene 12B" not in text
    assert "Plány scén: Harbour Lights" in text
    assert "Scéna 12B: The boathouse" in text
