"""The public receipt check in the visitor's language (issue 11): anyone may open it, signed
in or not, so the browser's Accept-Language or the picker decides. The CLI, the API and
check_receipt itself keep their English messages."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client

from closedset.record import services
from closedset.record.tests.helpers import consent, receipt

pytestmark = pytest.mark.django_db
URL = "/verify/"

PAGE = [
    ("Check a consent receipt", "Ověřit potvrzení souhlasu"),
    ("Or paste the receipt here", "Nebo sem vlož potvrzení"),
    ("Check this file", "Ověřit tento soubor"),
]
VALID = [
    ("closedset's signed record holds exactly this consent, made on", "přesně tento souhlas"),
    ("What the receipt says about itself", "Co potvrzení říká samo o sobě"),
    ("Beat b2 of the signed plan version", "Moment b2 podepsané verze plánu"),
    ("valid: consent by the holder of this receipt, entry 0 of 1", "platné: souhlas držitele"),
]
TAMPERED = [
    ("Do not rely on this receipt.", "Na toto potvrzení se nespoléhej."),
    ("not valid: the readable decision (decline)", "neplatné: čitelné rozhodnutí (decline)"),
]


def assert_in(page: str, pairs: list[tuple[str, str]], *, czech: bool) -> None:
    for english, cs in pairs:
        shown, hidden = (cs, english) if czech else (english, cs)
        assert shown in page, shown
        assert hidden not in page, hidden


def visitor(language: str) -> Client:
    """Nobody signed in; the browser asks for `language`."""
    return Client(HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_page_follows_the_browser(world, language):
    czech = language == "cs"
    client = visitor(language)
    assert_in(client.get(URL).content.decode(), PAGE, czech=czech)
    data = receipt(world, consent(world))
    valid = client.post(URL, {"text": json.dumps(data)}).content.decode()
    assert_in(valid, VALID, czech=czech)
    data["readable"]["decision"] = "decline"
    tampered = client.post(URL, {"text": json.dumps(data)}).content.decode()
    assert_in(tampered, TAMPERED, czech=czech)


def test_the_picker_wins_over_the_browser(world):
    client = visitor("en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cs"
    assert_in(client.get(URL).content.decode(), PAGE, czech=True)


@pytest.mark.parametrize("language", ["cs", "en"])
def test_what_is_refused_is_said_in_her_language(world, language):
    czech = language == "cs"
    client = visitor(language)
    empty = client.post(URL, {"text": "  "})
    assert empty.status_code == 422
    said = "Vyber soubor s potvrzením nebo vlož jeho text" if czech else "Choose a receipt file"
    assert said in empty.content.decode()
    junk = client.post(URL, {"text": "[1, 2]"})
    said = (
        "Tohle není potvrzení souhlasu: potvrzení je objekt JSON."
        if czech
        else ("This is not a consent receipt: a receipt is a JSON object.")
    )
    assert said in junk.content.decode()
    big = client.post(URL, {"text": " " * (65 * 1024)})
    assert big.status_code == 413


def test_the_check_itself_stays_in_english(world):
    """check_receipt's message is the machine's (the CLI and API print it): never translated,
    whatever language is active."""
    from django.utils import translation

    data = receipt(world, consent(world))
    data["readable"]["decision"] = "decline"
    with translation.override("cs"):
        verdict = services.check_receipt(json.dumps(data))
    assert verdict.message.startswith("not valid: the readable decision")
