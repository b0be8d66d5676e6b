"""The listing form's languages: tick boxes, the common ones first and the rest folded away,
every language named the same way on the form, the search filter and a listing's card."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from closedset.conftest import verified_client
from closedset.registry import services
from closedset.registry.forms import ListingForm, SearchForm

FORM = {
    "display_name": "Ana Lima",
    "region": "Porto",
    "specialities": ["adult"],
    "experience": "",
    "availability": "available",
    "availability_note": "",
}


def test_a_language_reads_in_its_own_name_then_the_readers():
    with translation.override("en"):
        assert services.language_name("cs") == "Čeština (Czech)"
        assert services.language_name("en") == "English"
        assert services.language_name("es") == "Español (Spanish)"
        assert services.language_name("de") == "Deutsch (German)"
        assert services.language_name("nb") == "Norsk bokmål (Norwegian Bokmal)"
    with translation.override("cs"):
        assert services.language_name("cs") == "Čeština"
        assert services.language_name("en") == "English (Anglicky)"
    with translation.override("es"):
        assert services.language_name("es") == "Español"
        assert services.language_name("no") == "Norsk (Noruego)"
    with translation.override("hu"):
        assert services.language_name("eu") == "Euskara (Baszk)"


@pytest.mark.parametrize("reader", ["en", "es", "cs", "hu"])
def test_every_name_starts_with_a_capital_and_has_no_stray_space(reader):
    with translation.override(reader):
        for _code, name in services.language_choices():
            assert name == name.strip() and "  " not in name and " )" not in name
            assert not name[0].islower(), name
            bracket = re.search(r"\((.)", name)
            assert not bracket or not bracket.group(1).islower(), name


def test_the_common_languages_come_first_and_every_language_once():
    common, more = services.language_groups()
    common_codes = [code for code, _name in common[1]]
    assert {"en", "es", "cs", "hu", "de", "fr", "it", "pt", "pl", "uk", "ja"} <= set(common_codes)
    assert 25 <= len(common_codes) <= 35
    more_codes = [code for code, _name in more[1]]
    assert sorted(common_codes + more_codes) == sorted(services.LANGUAGE_CODES)
    names = [name for _code, name in common[1]]
    assert names.index("Čeština (Czech)") < names.index("Deutsch (German)")


def test_the_form_offers_tick_boxes_named_languages_with_the_rest_folded():
    html = str(ListingForm()["languages"])
    assert "<select" not in html
    assert html.count('type="checkbox" name="languages"') == len(services.LANGUAGE_CODES)
    assert '<details class="registry-more-languages">' in html
    assert html.index('value="de"') < html.index("<details") < html.index('value="sw"')
    assert "Tick every one you can work in, at most 12." in str(
        ListingForm()["languages"].help_text
    )


def test_the_search_filter_names_languages_as_the_form_does():
    html = str(SearchForm()["language"])
    assert '<optgroup label="Common languages">' in html
    assert '<option value="cs">Čeština (Czech)</option>' in html
    assert '<optgroup label="More languages">' in html


def test_ticked_languages_stay_ticked_when_the_form_comes_back(ana):
    client = verified_client(ana)
    body = {**FORM, "display_name": "", "languages": ["pt", "sw"]}
    response = client.post("/registry/listing/", body)
    assert response.status_code == 422
    text = response.content.decode()
    assert re.search(r'value="pt"[^>]*checked', text)
    assert re.search(r'value="sw"[^>]*checked', text)
    assert not re.search(r'value="en"[^>]*checked', text)
    assert '<details class="registry-more-languages" open>' in text
    assert "More languages (1 ticked)" in text


def test_too_many_languages_is_refused_in_words_and_all_stay_ticked(ana):
    client = verified_client(ana)
    codes = services.LANGUAGE_CODES[: services.LANGUAGES_MAX + 1]
    response = client.post("/registry/listing/", {**FORM, "languages": codes})
    assert response.status_code == 422
    text = response.content.decode()
    assert "Choose at most 12 languages." in text
    assert all(re.search(rf'value="{code}"[^>]*checked', text) for code in codes)


def test_an_edited_listing_shows_its_languages_ticked_and_its_card_names_them(ana, ana_listed):
    client = verified_client(ana)
    text = client.get("/registry/listing/").content.decode()
    assert re.search(r'value="pt"[^>]*checked', text)
    assert re.search(r'value="en"[^>]*checked', text)
    with translation.override("en"):
        card = services.listing_json(ana_listed)
    assert card["language_names"] == ["Português (Portuguese)", "English"]
