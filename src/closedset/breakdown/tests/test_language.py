"""A refused script and the upload form's size limit in the coordinator's language (issue 11):
the parser (closedset.core.script) speaks English only, so each refusal carries a code the
pages translate; in English every message reads exactly as the parser's."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from closedset.breakdown import services
from closedset.breakdown.models import ScriptImport
from closedset.breakdown.refusals import SCRIPT_ERRORS
from closedset.breakdown.tests.scripts import BINARY, NIGHT, XML_BOMB
from closedset.conftest import speaks
from closedset.core import script as core_script

BROKEN_XML = b"<?xml version='1.0'?>\n<FinalDraft>\n<Content>\n"
NO_CONTENT = b"<?xml version='1.0'?>\n<FinalDraft></FinalDraft>\n"
NOT_UTF8 = b"INT. HOUSE - DAY\n\nShe waits.\xe9\xff\n"

# A file, its name, the code the parser gives and words of its Czech message.
REFUSED = [
    (b"", "empty.fountain", "empty", "Tento soubor je prázdný"),
    (BINARY, "x.fountain", "not-text", "není to text"),
    (NOT_UTF8, "x.fountain", "not-utf8", "není to text v UTF-8"),
    (XML_BOMB, "bomb.fdx", "fdx-dtd", "deklaraci typu dokumentu (DTD)"),
    (BROKEN_XML, "broken.fdx", "fdx-broken-at", "poškozené kolem řádku 4"),
    (NO_CONTENT, "empty.fdx", "fdx-no-content", "není v něm žádný text scénáře"),
]


def refusal(data: bytes, name: str) -> core_script.ScriptError:
    with pytest.raises(core_script.ScriptError) as caught:
        core_script.parse(data, name)
    return caught.value


@pytest.mark.parametrize(("data", "name", "code", "czech"), REFUSED)
def test_each_refusal_has_its_code_and_reads_in_czech(data, name, code, czech) -> None:
    error = refusal(data, name)
    assert error.code == code
    with translation.override("en"):
        assert services.script_error_words(error) == error.message
    with translation.override("cs"):
        said = services.script_error_words(error)
    assert czech in said and said != error.message


def test_too_large_says_the_sizes(monkeypatch) -> None:
    monkeypatch.setattr(core_script, "MAX_BYTES", 1_000_000)
    error = refusal(b"x" * 2_600_000, "big.fountain")
    assert error.code == "too-large" and error.values == {"size": "3", "limit": "1"}
    with translation.override("en"):
        assert services.script_error_words(error) == error.message
        assert error.message == (
            "This file is too large to be a screenplay (3 MB; the limit is 1 MB)."
        )
    with translation.override("cs"):
        assert services.script_error_words(error) == (
            "Tento soubor je na scénář příliš velký (3 MB; limit je 1 MB)."
        )


@pytest.mark.parametrize(
    ("code", "values", "english"),
    [
        ("fdx-broken", {}, "This Final Draft file cannot be read: its XML is broken."),
        ("fdx-too-deep", {}, "This Final Draft file is nested too deeply to read."),
        ("fdx-not-script", {}, "This file is not a Final Draft script."),
        (
            "fdx-entities",
            {},
            "This Final Draft file contains entity declarations, which are refused for "
            "safety. Export the script again from Final Draft.",
        ),
        (
            "fdx-external",
            {},
            "This Final Draft file contains a reference to another file or address, which "
            "is refused for safety. Export the script again from Final Draft.",
        ),
    ],
)
def test_the_refusals_no_test_file_reaches(code, values, english) -> None:
    """Refusals the parser keeps as guards: each code's English is the parser's message."""
    error = core_script.ScriptError(english, code=code, values=values)
    with translation.override("en"):
        assert services.script_error_words(error) == english
    with translation.override("cs"):
        assert services.script_error_words(error) != english


def test_every_code_is_translated() -> None:
    assert set(SCRIPT_ERRORS) == set(core_script.ERROR_CODES)
    for code in core_script.ERROR_CODES:
        english = SCRIPT_ERRORS[code]
        with translation.override("cs"):
            assert translation.gettext(english) != english, code


def test_an_unknown_code_falls_back_to_the_message() -> None:
    error = core_script.ScriptError("Something else.", code="new-kind")
    with translation.override("cs"):
        assert services.script_error_words(error) == "Something else."


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["cs", "en"])
def test_a_refused_file_on_the_page(world, client_as, language) -> None:
    client = client_as(speaks(world.ines, language))
    response = client.post(
        f"/breakdown/{world.production.pk}/",
        {"upload": SimpleUploadedFile("x.fountain", BINARY)},
    )
    assert response.status_code == 422
    page = response.content.decode()
    czech = language == "cs"
    assert ("Tento soubor není scénář: není to text." in page) is czech
    assert ("This file is not a screenplay: it is not text." in page) is not czech
    assert not ScriptImport.objects.exists()


@pytest.mark.django_db
def test_the_api_says_the_refusal_in_her_language(world, client_as) -> None:
    client = client_as(speaks(world.ines, "cs"))
    response = client.post(
        f"/api/v1/breakdown/{world.production.pk}/imports",
        {"file": SimpleUploadedFile("bomb.fdx", XML_BOMB)},
    )
    assert response.status_code == 422
    assert "deklaraci typu dokumentu (DTD)" in response.json()["detail"]


# --- the size limit that really applies ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body_limit", "english", "czech"),
    [
        (1024 * 1024, "The file can be at most 1 MB:", "Soubor může mít nejvýš 1 MB:"),
        (512 * 1024, "The file can be at most 512 KB:", "Soubor může mít nejvýš 512 kB:"),
        (1536 * 1024, "The file can be at most 1.5 MB:", "Soubor může mít nejvýš 1,5 MB:"),
        (64 * 1024 * 1024, "The file can be at most 20 MB:", "Soubor může mít nejvýš 20 MB:"),
    ],
)
def test_the_form_says_the_limit_that_applies(
    world, client_as, settings, body_limit, english, czech
) -> None:
    """The site-wide request limit (1 MB by default) is lower than the parser's 20 MB."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = body_limit
    url = f"/breakdown/{world.production.pk}/"
    page = client_as(speaks(world.ines, "en")).get(url).content.decode()
    assert english in page and 'aria-describedby="upload-size"' in page
    page = client_as(speaks(world.ines, "cs")).get(url).content.decode()
    assert czech in page and english not in page


@pytest.mark.django_db
def test_the_default_limit_is_the_request_limit(world) -> None:
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < core_script.MAX_BYTES
    assert services.upload_limit() == settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_night_script_still_reads() -> None:
    assert core_script.parse(NIGHT, "night.fountain").scenes
