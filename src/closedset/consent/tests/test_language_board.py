"""The coordinator's consent board in her own language (issue 11); in English it reads as
before. The answers' states, the headings, the form and its messages are translated; names,
roles and the reasons a performer typed are shown as they are."""

from __future__ import annotations

import pytest
from django.urls import reverse

from closedset.conftest import speaks
from closedset.consent import services
from closedset.consent.tests.conftest import request_of, save_version

pytestmark = pytest.mark.django_db

# (English source, Czech) pairs on the board.
BOARD = [
    ("Scene 12B: consent", "Scéna 12B: souhlas"),
    ("Back to the plan", "Zpět na plán"),
    ("Final: version 1, marked", "Konečná: verze 1, označená"),
    ("Has not opened the request yet.", "Žádost zatím není otevřená."),
    (">waiting<", ">čeká se<"),
    ("Reason (for you alone): not with", "Důvod (jen pro tebe): not with"),
    (">declined<", ">odmítnuto<"),
    ("Ask for consent", "Požádat o souhlas"),
    ("No saved version newer than the final one.", "Žádná uložená verze není novější"),
]
NOTHING_FINAL = [
    ("Answers due (optional)", "Odpovědi do (nepovinné)"),
    ("No version is final yet.", "Zatím žádná verze není konečná."),
    ("Mark version 1 final and ask for consent", "Označit verzi 1 jako konečnou a požádat"),
    ("Version to mark final", "Verze, kterou označit jako konečnou"),
]


def assert_in(page: str, pairs: list[tuple[str, str]], *, czech: bool) -> None:
    for english, cs in pairs:
        shown, hidden = (cs, english) if czech else (english, cs)
        assert shown in page, shown
        assert hidden not in page, hidden


def _board(world):
    return reverse("consent:scene", args=[world.production.pk, world.scene.pk])


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_board_before_anything_is_final(world, version, client_as, language):
    ines = client_as(speaks(world.ines, language))
    assert_in(ines.get(_board(world)).content.decode(), NOTHING_FINAL, czech=language == "cs")


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_board_with_answers(world, final, client_as, persona_password, language):
    services.decide(
        world.mara,
        request_of(world.mara).pk,
        {"b1": "decline"},
        {"b1": "not with this partner"},
        password_or_code=persona_password,
    )
    ines = client_as(speaks(world.ines, language))
    page = ines.get(_board(world)).content.decode()
    assert_in(page, BOARD, czech=language == "cs")


@pytest.mark.parametrize("language", ["cs", "en"])
def test_marking_final_says_so_in_her_language(world, version, client_as, language):
    ines = client_as(speaks(world.ines, language))
    url = reverse("consent:mark_final", args=[world.production.pk, world.scene.pk])
    done = ines.post(url, {"number": "1"}, follow=True).content.decode()
    said = (
        "Verze 1 je konečná."
        if language == "cs"
        else "Version 1 is final. Each performer cast in it is asked for consent."
    )
    assert said in done
    # A second version, and a deadline she mistyped: the message is hers too.
    save_version(world)
    refused = ines.post(url, {"number": "2", "deadline": "soon"}).content.decode()
    said = (
        "Zadej termín jako datum a čas"
        if language == "cs"
        else "Give the deadline as a date and time, or leave it empty."
    )
    assert said in refused
