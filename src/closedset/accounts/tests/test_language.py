"""Each page in the person's language: their own choice when signed in, else the browser's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from closedset.accounts import services


def _page(response: Any) -> str:
    return response.content.decode()


def test_a_signed_in_person_gets_the_language_they_chose(world: Any, client_as: Any) -> None:
    world.mara.language = "cs"
    world.mara.save(update_fields=["language"])
    # Their choice wins over what this browser asks for.
    page = client_as("mara").get("/account/", HTTP_ACCEPT_LANGUAGE="hu")
    html = _page(page)
    assert page.status_code == 200
    assert '<html lang="cs">' in html
    assert "Odhlásit se" in html and "Log out" not in html
    assert "o hranicích se nevyjednává" in html
    assert page["Content-Language"] == "cs"


def test_the_error_pages_speak_the_persons_language(world: Any, client_as: Any) -> None:
    world.mara.language = "cs"
    world.mara.save(update_fields=["language"])
    page = client_as("mara").get("/no-such-page/")
    assert page.status_code == 404
    assert "Nenalezeno" in _page(page) and "Zpět na tvoje produkce" in _page(page)


def test_without_a_choice_the_browser_decides(world: Any) -> None:
    page = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="hu-HU,hu;q=0.9,en;q=0.5")
    html = _page(page)
    assert '<html lang="hu">' in html
    assert "Bejelentkezés" in html and "Elfelejtetted a jelszavad?" in html
    assert "Forgot your password?" not in html
    # Django's own text on the same form (the password field) comes in Hungarian too.
    assert "Jelszó" in html


def test_english_stays_the_default(world: Any) -> None:
    html = _page(Client().get("/login/"))
    assert '<html lang="en">' in html and "Forgot your password?" in html


def test_the_footer_offers_every_language_in_its_own_name(world: Any, client_as: Any) -> None:
    # Asked for in Spanish: English is still "English", not "Inglés".
    html = _page(client_as("mara").get("/account/", HTTP_ACCEPT_LANGUAGE="es"))
    assert 'action="/language/"' in html and "Inglés" not in html
    for code, name in [("en", "English"), ("es", "Español"), ("cs", "Čeština"), ("hu", "Magyar")]:
        assert f'<option value="{code}" lang="{code}"' in html and name in html
    # The page does not carry its own address: the picker goes back by the browser's Referer,
    # so a page's bytes never tell which address it was opened at.
    assert 'name="next"' not in html


def test_the_picker_goes_back_to_the_page_it_was_on(world: Any, client_as: Any) -> None:
    response = client_as("mara").post(
        "/language/", {"language": "hu"}, HTTP_REFERER="http://testserver/account/?a=1#top"
    )
    assert response.status_code == 302 and response["Location"] == "/account/?a=1"


def test_the_picker_keeps_the_choice_on_the_account(world: Any, client_as: Any) -> None:
    mara = client_as("mara")
    response = mara.post("/language/", {"language": "es", "next": "/account/?tab=1"})
    assert response.status_code == 302 and response["Location"] == "/account/?tab=1"
    world.mara.refresh_from_db()
    assert world.mara.language == "es"
    # In the browser too, so the login page after signing out speaks it as well.
    assert response.cookies["django_language"].value == "es"
    assert "Cerrar sesión" in _page(mara.get("/account/", HTTP_ACCEPT_LANGUAGE="hu"))
    # The choice follows the person to another browser.
    assert "Cerrar sesión" in _page(client_as("mara").get("/account/"))


def test_a_visitor_choice_stays_in_the_browser(world: Any) -> None:
    visitor = Client()
    response = visitor.post("/language/", {"language": "cs", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "Přihlásit se" in _page(visitor.get("/login/", HTTP_ACCEPT_LANGUAGE="hu"))


def test_a_language_picked_before_signing_in_becomes_the_accounts(
    world: Any, persona_password: str
) -> None:
    visitor = Client()
    visitor.post("/language/", {"language": "hu", "next": "/login/"})
    response = visitor.post("/login/", {"username": world.mara.email, "password": persona_password})
    assert response.status_code == 302
    world.mara.refresh_from_db()
    assert world.mara.language == "hu"


def test_signing_in_never_overrides_a_choice_already_made(
    world: Any, persona_password: str
) -> None:
    world.mara.language = "cs"
    world.mara.save(update_fields=["language"])
    visitor = Client()
    visitor.post("/language/", {"language": "hu", "next": "/login/"})
    visitor.post("/login/", {"username": world.mara.email, "password": persona_password})
    world.mara.refresh_from_db()
    assert world.mara.language == "cs"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/account/",
        "/\\evil.example/",
        "http://testserver/account/",
        "javascript:alert(1)",
        "",
    ],
)
def test_the_picker_only_goes_back_to_a_page_of_this_site(
    world: Any, client_as: Any, target: str
) -> None:
    response = client_as("mara").post("/language/", {"language": "cs", "next": target})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize(
    "referer",
    [
        "https://evil.example/account/",
        "http://testserver.evil.example/",
        "http://testserver//evil.example/",
        "nonsense",
    ],
)
def test_the_picker_never_follows_a_referer_from_elsewhere(
    world: Any, client_as: Any, referer: str
) -> None:
    response = client_as("mara").post("/language/", {"language": "cs"}, HTTP_REFERER=referer)
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_language_not_offered_is_refused_in_plain_words(world: Any, client_as: Any) -> None:
    response = client_as("mara").post("/language/", {"language": "xx-<b>", "next": "/"})
    assert response.status_code == 422
    assert "Choose one of the languages in the list." in _page(response)
    assert "xx-" not in _page(response)
    world.mara.refresh_from_db()
    assert world.mara.language == ""


def test_the_picker_takes_no_get(world: Any, client_as: Any) -> None:
    assert client_as("mara").get("/language/?language=cs").status_code == 405


def test_the_chosen_language_is_in_the_persons_export(world: Any) -> None:
    world.mara.language = "hu"
    world.mara.save(update_fields=["language"])
    assert services.export_data(world.mara)["account"]["language"] == "hu"


def test_an_account_can_start_in_the_language_chosen_at_sign_up(db: Any) -> None:
    from closedset.lib.errors import InvalidInput

    new = services.create_user(
        email="ana@example.org", display_name="Ana", handle="ana", language="cs"
    )
    assert new.language == "cs"
    with pytest.raises(InvalidInput) as refused:
        services.create_user(
            email="bo@example.org", display_name="Bo", handle="bo", language="klingon"
        )
    assert refused.value.fields == {"language": "Choose one of the languages in the list."}


def test_a_sign_up_form_offers_the_language_the_page_is_in() -> None:
    from django import forms

    from closedset.accounts.forms import language_field

    class SignUp(forms.Form):
        language = language_field()

    with translation.override("hu"):
        html = str(SignUp()["language"])
    assert '<option value="hu" selected>Magyar</option>' in html
    assert '<option value="es">Español</option>' in html


# --- the account pages themselves (more in test_translated_pages.py) ---


def test_the_account_page_speaks_hungarian_too(world: Any, client_as: Any) -> None:
    import datetime

    world.mara.email_verified_at = datetime.datetime(2026, 3, 5, 12, tzinfo=datetime.UTC)
    world.mara.language = "hu"
    world.mara.save(update_fields=["email_verified_at", "language"])
    html = _page(client_as("mara").get("/account/"))
    assert "A fiókod" in html and "Your account" not in html
    # A date the Hungarian way, and no sentence dot doubled after it.
    assert "Megerősítve: 2026. március 5." in html and "5.." not in html
    assert "Töltsd le az adataidat" in html and "Download your data" not in html


def test_dates_on_the_account_page_are_written_the_czech_way(world: Any, client_as: Any) -> None:
    import datetime

    world.mara.email_verified_at = datetime.datetime(2026, 3, 5, 12, tzinfo=datetime.UTC)
    world.mara.language = "cs"
    world.mara.save(update_fields=["email_verified_at", "language"])
    assert "Potvrzená 5. března 2026." in _page(client_as("mara").get("/account/"))
    world.mara.language = ""
    world.mara.save(update_fields=["language"])
    assert "Confirmed on 5 March 2026." in _page(client_as("mara").get("/account/"))


@pytest.mark.parametrize(
    ("language", "text"),
    [("cs", "Přidat přístupový klíč"), ("hu", "Azonosítókulcs hozzáadása"), ("es", "Añadiendo…")],
)
def test_the_passkey_scripts_speak_the_persons_language(
    world: Any, client_as: Any, language: str, text: str
) -> None:
    world.mara.language = language
    world.mara.save(update_fields=["language"])
    import json
    import re

    script = _page(client_as("mara").get("/account/passkeys/webauthn/jsi18n/"))
    found = re.search(r"const newcatalog = (\{.*?\});", script, re.S)
    assert found is not None
    catalog = json.loads(found.group(1))
    assert text in (catalog["Register a Passkey"], catalog["Registering..."])


def test_an_expired_token_says_when_in_the_readers_language(world: Any) -> None:
    import datetime

    from closedset.accounts.models import ApiToken

    token, secret = services.create_api_token(world.mara, "laptop")
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=datetime.datetime(2026, 3, 5, 12, tzinfo=datetime.UTC)
    )
    from closedset.lib.errors import DomainError

    with translation.override("cs"), pytest.raises(DomainError) as expired:
        services.check_api_token(secret)
    assert expired.value.message == (
        "Platnost tohoto tokenu skončila 5. března 2026. Vytvoř si nový na stránce API tokenů."
    )
    with pytest.raises(DomainError) as in_english:
        services.check_api_token(secret)
    assert in_english.value.message == (
        "This token expired on 5 March 2026. Create a new one on your API tokens page."
    )
