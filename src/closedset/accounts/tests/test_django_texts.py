"""Django's own texts on our pages (password validators, auth forms) in our informal words.

Django's catalogs say them formally ("Zadejte", "vašem", "usted"), and its Czech has no
"too short" at all; accounts/django_texts.py marks them so our catalogs carry them instead.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from closedset.conftest import speaks
from closedset.productions import services as productions

FORMAL_CZECH = ("Zadejte", "vaše", "Vaše", "vašem", "vaším", "Zkuste")
TOO_SHORT = {
    "en": "This password is too short. It must contain at least 10 characters.",
    "cs": "Heslo je příliš krátké. Musí mít aspoň 10 znaků.",
    "es": "La contraseña es demasiado corta. Debe tener al menos 10 caracteres.",
    "hu": "Ez a jelszó túl rövid. Legalább 10 karakterből kell állnia.",
}


def _text(response) -> str:
    body = response.content.decode()
    main = body.split("<main", 1)[-1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _informal_czech(text: str) -> None:
    for word in FORMAL_CZECH:
        assert word not in text, word


def _change(client, data):
    return _text(client.post(reverse("accounts:password_change"), data))


def test_the_czech_password_change_page_speaks_informally(world, client_as, persona_password):
    client = client_as(speaks(world.users["ines"], "cs"))
    page = _text(client.get(reverse("accounts:password_change")))
    for czech in (
        "Současné heslo",
        "Nové heslo ještě jednou",
        "Heslo musí mít aspoň 10 znaků.",
        "Heslo se nesmí příliš podobat tvým dalším osobním údajům.",
        "Heslo nesmí být jedno z často používaných hesel.",
        "Heslo nesmí mít jen číslice.",
        "Pro kontrolu napiš stejné heslo ještě jednou.",
    ):
        assert czech in page
    _informal_czech(page)
    assert "Old password" not in page and "Your password must contain" not in page

    short = _change(
        client,
        {"old_password": persona_password, "new_password1": "short", "new_password2": "short"},
    )
    assert TOO_SHORT["cs"] in short and TOO_SHORT["en"] not in short
    _informal_czech(short)
    wrong = _change(
        client, {"old_password": "nope", "new_password1": "x" * 12, "new_password2": "y" * 12}
    )
    assert "Současné heslo není správně. Napiš ho prosím znovu." in wrong
    assert "Hesla v obou polích se neshodují." in wrong
    _informal_czech(wrong)
    common = _change(
        client,
        {
            "old_password": persona_password,
            "new_password1": "1234567890123",
            "new_password2": "1234567890123",
        },
    )
    assert "Tohle heslo je příliš běžné." in common and "Tohle heslo má jen číslice." in common
    _informal_czech(common)


def test_the_english_password_change_page_is_unchanged(world, client_as, persona_password):
    client = client_as(speaks(world.users["ines"], "en"))
    page = _text(client.get(reverse("accounts:password_change")))
    assert "Old password" in page and "New password confirmation" in page
    assert "Your password must contain at least 10 characters." in page
    short = _change(
        client,
        {"old_password": persona_password, "new_password1": "short", "new_password2": "short"},
    )
    assert TOO_SHORT["en"] in short


def test_a_wrong_login_is_told_informally_in_czech(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="cs")
    page = _text(
        client.post(reverse("accounts:login"), {"username": "ines@example.org", "password": "x"})
    )
    assert "Napiš správný email a heslo." in page
    _informal_czech(page)


@pytest.mark.parametrize("lang", ["cs", "es", "hu", "en"])
def test_the_invitation_sign_up_says_the_password_rules_in_her_language(world, lang):
    _, key = productions.invite(
        world.users["petra"], world.production, email="new@example.org", role="performer"
    )
    url = reverse("productions:invitation", args=[key])
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    sign_up = {"display_name": "Nova", "handle": "nova", "language": lang}
    short = _text(client.post(url, sign_up | {"password": "short"}))
    assert TOO_SHORT[lang] in short
    if lang != "en":
        assert TOO_SHORT["en"] not in short
    similar = _text(client.post(url, sign_up | {"password": "new@example.org"}))
    expected = {
        "en": "The password is too similar to the email.",
        "cs": "Heslo se příliš podobá tvému údaji „email“.",
        "es": "La contraseña se parece demasiado a tu email.",
        "hu": "A jelszó túlságosan hasonlít erre az adatodra: email.",
    }
    assert expected[lang] in similar
    if lang == "cs":
        _informal_czech(short + similar)
    if lang == "es":
        assert "usted" not in (short + similar).lower()


def test_the_czech_reset_page_says_the_rules_informally(world):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    ines = speaks(world.users["ines"], "cs")
    client = Client(HTTP_ACCEPT_LANGUAGE="cs")
    link = reverse(
        "accounts:password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(ines.pk)),
            default_token_generator.make_token(ines),
        ],
    )
    form = client.get(link, follow=True)
    page = _text(form)
    assert "Nové heslo ještě jednou" in page and "Heslo musí mít aspoň 10 znaků." in page
    _informal_czech(page)
    short = _text(
        client.post(
            form.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"}
        )
    )
    assert TOO_SHORT["cs"] in short
    _informal_czech(short)
