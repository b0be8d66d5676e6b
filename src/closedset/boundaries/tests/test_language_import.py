"""The import page says what is wrong with a profile file in the performer's language, also
where the core's own words (core/yamlio.py, core/profile.py) would be English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from closedset.boundaries import errors_text
from closedset.core.errors import BadInput
from closedset.core.yamlio import load

pytestmark = pytest.mark.django_db

TWICE = "performer: mara\nboundaries:\n  - act: kiss-lips\n    act: kiss-lips\n"
DEEP = "performer: mara\nboundaries: " + "[" * 70 + "]" * 70 + "\n"
ALIASES = "performer: mara\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} " + "[" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n"
    for i in range(6)
)


def speaking(user: Any, lang: str) -> Any:
    type(user).objects.filter(pk=user.pk).update(language=lang)
    user.refresh_from_db()
    return user


def _import(client: Any, text: str) -> str:
    response = client.post(reverse("boundaries:import"), {"text": text})
    assert response.status_code == 422
    body = response.content.decode()
    found = re.search(r'<div class="form-error".*?</div>', body, re.S)
    assert found, body
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


@pytest.mark.parametrize(
    ("text", "lang", "said", "english"),
    [
        (TWICE, "cs", "Na řádku 4: „act“ je tu napsané dvakrát", "is given twice"),
        (TWICE, "es", "«act» está escrito dos veces aquí", "is given twice"),
        (TWICE, "hu", "„act” itt kétszer szerepel", "is given twice"),
        (DEEP, "cs", "hlouběji než do 64 úrovní", "levels deep"),
        (ALIASES, "cs", "opakuje své části příliš mnohokrát (aliasy YAML)", "too many times"),
        (ALIASES, "es", "demasiadas veces (alias de YAML)", "too many times"),
    ],
)
def test_the_cores_complaint_about_the_file_is_in_her_language(
    world, client_as, text, lang, said, english
):
    mara = speaking(world.users["mara"], lang)
    page = _import(client_as(mara), text)
    assert said in page
    assert english not in page


def test_in_english_the_page_says_it_plainly_and_the_core_is_unchanged(world, client_as):
    mara = speaking(world.users["mara"], "en")
    page = _import(client_as(mara), TWICE)
    assert "On line 4: &#x27;act&#x27; is written twice here; keep one of the two lines." in page
    with pytest.raises(BadInput) as caught:
        load(TWICE, "profile")
    # The command and the core's tests read the same English as before.
    assert str(caught.value) == "profile:4: key 'act' is given twice"
    assert caught.value.values == {"key": "act"}


def test_a_pasted_text_too_large_is_said_in_czech(world, client_as):
    mara = speaking(world.users["mara"], "cs")
    page = _import(client_as(mara), "#" * (257 * 1024))
    assert "profile is much smaller" not in page and "256" in page


def test_errors_without_a_known_code_keep_their_english():
    assert errors_text.core_text(BadInput("something new")) == "something new"
    assert errors_text.core_text(BadInput("odd", code="no.such.code")) == "odd"
    # Values that do not fit the sentence: the English again, never a crash.
    assert errors_text.core_text(BadInput("twice", code="yaml.key_twice")) == "twice"


def test_every_code_the_core_gives_reads_in_czech():
    with pytest.raises(BadInput) as caught:
        load(TWICE)
    with translation.override("cs"):
        assert errors_text.located_text(caught.value) == (
            "Na řádku 4: „act“ je tu napsané dvakrát; nech jen jeden z těch dvou řádků."
        )
    with translation.override("en"):
        assert errors_text.located_text(caught.value) == (
            "On line 4: 'act' is written twice here; keep one of the two lines."
        )


def test_the_core_error_is_found_behind_the_services_error():
    try:
        try:
            load(TWICE)
        except BadInput:
            raise ValueError("page error") from None
    except ValueError as error:
        found = errors_text.core_error_of(error)
    assert found is not None and found.code == "yaml.key_twice"
