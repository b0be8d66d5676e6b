"""Every account page, form, message and mail in the performer's own language.

Each page is read three times: by someone who chose Czech, by someone who chose Spanish (or,
signed out, whose browser asks for it), and in English, which stays exactly as before.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from closedset.accounts import services
from closedset.accounts.models import User
from closedset.conftest import speaks
from closedset.lib.errors import InvalidInput

# page -> (who reads it, {language: texts that must be there}); the English texts must be
# there in English and gone in every other language.
SIGNED_IN_PAGES: dict[str, tuple[str, dict[str, list[str]]]] = {
    "accounts:account": (
        "mara",
        {
            "en": [
                "Your account",
                "Change your password",
                "Add a second factor</a>: a code from an authenticator app",
                "Download your data",
                "Erase your account",
            ],
            "cs": [
                "Tvůj účet",
                "Změň si heslo",
                "Zapni si dvoufázové ověření</a>",
                "Stáhni si svoje data",
                "Smaž svůj účet",
            ],
            "es": [
                "Tu cuenta",
                "Cambia tu contraseña",
                "Activa la verificación en dos pasos</a>",
                "Descarga tus datos",
                "Borra tu cuenta",
            ],
        },
    ),
    "accounts:sessions": (
        "ines",
        {
            "en": ["Where you are signed in", "Make or revoke API tokens", "Sign out everywhere"],
            "cs": ["Kde máš otevřené přihlášení", "Vytvořit nebo zrušit API tokeny"],
            "es": ["Dónde tienes la sesión iniciada", "Crear o revocar tokens de API"],
        },
    ),
    "accounts:tokens": (
        "ines",
        {
            "en": ["A token lets a program", "Token name", "Read and change", "Create token"],
            "cs": ["Token umožní programu", "Název tokenu", "Číst i měnit", "Vytvořit token"],
            "es": ["Un token permite", "Nombre del token", "Leer y cambiar", "Crear token"],
        },
    ),
    "accounts:sign_out_everywhere": (
        "ines",
        {
            "en": ["Sign out everywhere?", "Yes, sign out everywhere", "No, go back"],
            "cs": ["Odhlásit se všude?", "Ano, odhlásit se všude", "Ne, zpět"],
            "es": ["¿Cerrar sesión en todas partes?", "Sí, cerrar sesión en todas partes"],
        },
    ),
    "accounts:export": (
        "mara",
        {
            "en": ["One file with everything closedset holds", "Your password", "Download my data"],
            "cs": ["Jeden soubor se vším", "Tvoje heslo", "Stáhnout moje data"],
            "es": ["Un archivo con todo", "Tu contraseña", "Descargar mis datos"],
        },
    ),
    "accounts:erase": (
        "mara",
        {
            "en": ["This cannot be undone.", "Type ERASE to confirm", "Erase my account"],
            "cs": ["Tohle nejde vrátit.", "Pro potvrzení napiš ERASE", "Smazat můj účet"],
            "es": ["No se puede deshacer.", "Escribe ERASE para confirmar", "Borrar mi cuenta"],
        },
    ),
    "accounts:password_change": (
        "mara",
        {
            "en": ["Change your password", "Change password", "Back to your account"],
            "cs": ["Změň si heslo", "Změnit heslo", "Zpět na tvůj účet"],
            "es": ["Cambia tu contraseña", "Cambiar contraseña", "Volver a tu cuenta"],
        },
    ),
    "accounts:recovery_codes": (
        "ines",
        {
            "en": ["unused recovery codes.", "Make new recovery codes"],
            "cs": ["nepoužitých záložních kódů.", "Vytvořit nové záložní kódy"],
            "es": ["códigos de recuperación sin usar.", "Crear nuevos códigos de recuperación"],
        },
    ),
    "accounts:otp_setup": (
        "mara",
        {
            "en": ["Set up your second factor", "It is your choice.", "6-digit code"],
            "cs": ["Nastav si dvoufázové ověření", "Je to na tobě.", "Šestimístný kód"],
            "es": ["Configura la verificación en dos pasos", "Tú decides.", "Código de 6 dígitos"],
        },
    ),
    "accounts:otp_verify": (
        "ines",
        {
            "en": ["Enter your code", "Type the current 6-digit code"],
            "cs": ["Zadej svůj kód", "Napiš aktuální šestimístný kód"],
            "es": ["Escribe tu código", "Escribe el código de 6 dígitos"],
        },
    ),
}

# Pages read signed out: the browser's language decides.
SIGNED_OUT_PAGES: dict[str, dict[str, list[str]]] = {
    "accounts:password_reset": {
        "en": ["Forgot your password?", "Send the link", "Back to log in"],
        "cs": ["Nepamatuješ si heslo?", "Poslat odkaz", "Zpět na přihlášení"],
        "es": ["¿Has olvidado tu contraseña?", "Enviar el enlace", "Volver a iniciar sesión"],
    },
    "accounts:password_reset_done": {
        "en": ["Check your e-mail", "a link to choose a new password is on its way"],
        "cs": ["Podívej se do e-mailu", "je na cestě odkaz"],
        "es": ["Revisa tu correo", "va de camino un enlace"],
    },
    "accounts:password_reset_complete": {
        "en": ["Your password is changed", "Log in with the new password."],
        "cs": ["Tvoje heslo je změněné", "Přihlas se novým heslem."],
        "es": ["Tu contraseña se ha cambiado", "Inicia sesión con la contraseña nueva."],
    },
}


def _html(response: Any) -> str:
    return response.content.decode()


def _assert_speaks(html: str, language: str, texts: dict[str, list[str]]) -> None:
    for text in texts[language]:
        assert text in html, f"{text!r} missing in {language}"
    if language != "en":
        for text in texts["en"]:
            assert text not in html, f"English {text!r} left in {language}"


@pytest.mark.parametrize("language", ["cs", "es", "en"])
@pytest.mark.parametrize("page", list(SIGNED_IN_PAGES))
def test_each_account_page_speaks_the_readers_language(
    world: Any, client_as: Any, page: str, language: str
) -> None:
    who, texts = SIGNED_IN_PAGES[page]
    reader = world.users[who]
    if language != "en":
        speaks(reader, language)
    response = client_as(reader).get(reverse(page))
    assert response.status_code == 200
    assert f'<html lang="{language}">' in _html(response)
    _assert_speaks(_html(response), language, texts)


@pytest.mark.parametrize("language", ["cs", "es", "en"])
@pytest.mark.parametrize("page", list(SIGNED_OUT_PAGES))
def test_signed_out_pages_speak_the_browsers_language(db: Any, page: str, language: str) -> None:
    response = Client().get(reverse(page), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    _assert_speaks(_html(response), language, SIGNED_OUT_PAGES[page])


def test_a_second_factor_account_page_in_czech(world: Any, client_as: Any) -> None:
    services.new_recovery_codes(world.ines)
    html = _html(client_as(speaks(world.ines, "cs")).get(reverse("accounts:account")))
    assert "Zapnuté: při každém přihlášení se ptáme na kód z tvé ověřovací aplikace." in html
    assert "Záložní kódy</a>: 10 nepoužitých." in html
    assert "Nastavit novou ověřovací aplikaci" in html
    assert "each login asks for" not in html and "unused" not in html
    # In English, as before.
    speaks(world.ines, "")
    html = _html(client_as(world.ines).get(reverse("accounts:account")))
    assert "On: each login asks for a code from your authenticator app." in html
    assert "Recovery codes</a>: 10 unused." in html


def test_the_count_of_recovery_codes_takes_the_right_czech_form(world: Any, client_as: Any) -> None:
    services.new_recovery_codes(world.ines)
    ines = client_as(speaks(world.ines, "cs"))
    assert "Máš <strong>10</strong> nepoužitých záložních kódů." in _html(
        ines.get(reverse("accounts:recovery_codes"))
    )
    codes = ines.post(reverse("accounts:recovery_codes"))
    assert "Ulož si tyto kódy hned teď" in _html(codes)
    assert "Save these codes now" not in _html(codes)


def test_recovery_code_sign_in_in_czech(world: Any) -> None:
    speaks(world.ines, "cs")
    TOTPDevice.objects.create(user=world.ines, name="app", confirmed=True)
    codes = services.new_recovery_codes(world.ines)
    client = Client()
    client.force_login(world.ines, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("accounts:otp_recovery"))
    assert "Použij záložní kód" in _html(page) and "Use a recovery code" not in _html(page)
    done = client.post(reverse("accounts:otp_recovery"), {"code": codes[0]}, follow=True)
    assert "Přihlášení proběhlo záložním kódem; znovu ho použít nejde (zbývá 9)." in _html(done)
    other = Client()
    other.force_login(world.ines, backend="django.contrib.auth.backends.ModelBackend")
    wrong = other.post(reverse("accounts:otp_recovery"), {"code": "aaaa-bbbb-cccc-dddd"})
    assert "Tohle není žádný z tvých nepoužitých záložních kódů." in _html(wrong)
    assert "not one of your unused" not in _html(wrong)


def test_sessions_and_tokens_in_czech(world: Any, client_as: Any, settings: Any) -> None:
    settings.CLOSEDSET_TOKEN_DAYS = 90
    ines = client_as(speaks(world.ines, "cs"))
    refused = ines.post(reverse("accounts:tokens"), {"name": "Tabulka", "days": "9999"})
    assert refused.status_code == 422
    assert "Vyber jednu z nabízených dob platnosti." in _html(refused)
    with translation.override("cs"), pytest.raises(InvalidInput) as wrong:
        services.create_api_token(world.ines, " ", days=5, session_verified=True)
    assert wrong.value.fields["name"] == "Povinné, např. notebook, pro který je."
    assert wrong.value.fields["days"] == "Vyber 7, 30 nebo 90 dní."
    made = ines.post(reverse("accounts:tokens"), {"name": "Tabulka", "access": "write"})
    html = _html(made)
    assert "Zkopíruj si nový token hned teď." in html and "Copy your new token" not in html
    assert "Číst i měnit · všechny tvoje produkce" in html and "zatím nepoužitý" in html
    assert "platí do" in html and "Zrušit „Tabulka“" in html
    sessions = _html(ines.get(reverse("accounts:sessions")))
    assert "Číst i měnit · všechny tvoje produkce" in sessions
    assert "Read and change" not in sessions and "all your productions" not in sessions
    token = services.my_api_tokens(world.ines)[0]
    revoked = ines.post(reverse("accounts:token_delete", args=[token.pk]), follow=True)
    assert "Token je zrušený." in _html(revoked)


def test_signing_out_everywhere_says_so_in_spanish(world: Any, client_as: Any) -> None:
    ines = client_as(speaks(world.ines, "es"))
    services.create_api_token(world.ines, "portátil", session_verified=True)
    ask = _html(ines.get(reverse("accounts:sign_out_everywhere")))
    assert "Tu 1 token de API dejará de funcionar para siempre." in ask
    done = ines.post(reverse("accounts:sign_out_everywhere"), follow=True)
    html = _html(done)
    assert "Sesión cerrada en todas partes:" in html and "1 token de API revocado" in html
    assert "Signed out everywhere" not in html


def test_a_wrong_password_before_export_is_said_in_czech(world: Any, client_as: Any) -> None:
    mara = client_as(speaks(world.mara, "cs"))
    response = mara.post(reverse("accounts:export"), {"password": "not it"})
    assert response.status_code == 422
    assert "To není tvoje heslo. Napiš heslo, kterým se přihlašuješ." in _html(response)
    assert "That is not your password" not in _html(response)
    erase = mara.post(reverse("accounts:erase"), {"password": "", "confirm": ""})
    assert "Napiš ERASE velkými písmeny, nebo svou e-mailovou adresu." in _html(erase)


def test_erasing_says_goodbye_in_czech(world: Any, client_as: Any, persona_password: str) -> None:
    petra = client_as(speaks(world.petra, "cs"))
    warning = _html(petra.get(reverse("accounts:erase")))
    assert "Produkce Harbour Lights nemá kromě tebe žádného producenta ani producentku." in warning
    assert "only producer" not in warning
    done = petra.post(
        reverse("accounts:erase"),
        {"password": persona_password, "confirm": "ERASE"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="cs",
    )
    html = _html(done)
    assert "Tvůj účet je smazaný. Bez producenta nebo producentky teď zůstává: Harbour Lights." in (
        html
    )


def test_the_address_to_confirm_in_czech(db: Any, settings: Any) -> None:
    settings.CLOSEDSET_EMAIL_LINK_HOURS = 48
    nell = services.create_user(
        email="nell@example.org",
        display_name="Nell",
        handle="nell",
        password="a long enough passphrase",
        language="cs",
    )
    client = Client()
    client.force_login(nell, backend="django.contrib.auth.backends.ModelBackend")
    pending = _html(client.get(reverse("accounts:email_pending")))
    assert "Podívej se do e-mailu" in pending and "Odkaz funguje 48 hodin." in pending
    assert "Check your e-mail" not in pending
    # The mail is in Czech too.
    message = mail.outbox[-1]
    assert message.subject.startswith("Potvrď svou e-mailovou adresu pro ")
    assert "Ahoj, Nell," in message.body and "Hello" not in message.body
    key = services.email_verification_key(nell)
    confirm = Client().get(reverse("accounts:email_confirm", args=[key]), HTTP_ACCEPT_LANGUAGE="cs")
    assert "Stiskni tlačítko a potvrď tím, že <strong>nell@example.org</strong>" in _html(confirm)
    assert ">Potvrdit</button>" in _html(confirm)
    broken = Client().get(
        reverse("accounts:email_confirm", args=["nonsense"]), HTTP_ACCEPT_LANGUAGE="cs"
    )
    assert "Tento odkaz neplatí." in _html(broken) and "not valid" not in _html(broken)


def test_a_reset_mail_speaks_the_accounts_language(world: Any) -> None:
    speaks(world.mara, "cs")
    # Asked for from a browser in English: the mail is for Mara, who chose Czech.
    Client().post(reverse("accounts:password_reset"), {"email": "mara@example.org"})
    message = mail.outbox[-1]
    assert message.subject.startswith("Zvol si nové heslo na ")
    assert "někdo (doufáme, že ty) požádal o nové heslo" in message.body
    assert "Choose a new password" not in message.body


def test_a_reset_link_that_no_longer_works_in_spanish(db: Any) -> None:
    url = reverse("accounts:password_reset_confirm", args=["MQ", "set-password"])
    html = _html(Client().get(url, HTTP_ACCEPT_LANGUAGE="es", follow=True))
    assert "Este enlace ya no funciona" in html and "Pedir un enlace nuevo" in html
    assert "does not work any more" not in html


def test_a_locked_login_says_so_in_czech(world: Any, settings: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="cs")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post(
            reverse("accounts:login"), {"username": "mara@example.org", "password": "wrong"}
        )
    assert locked.status_code == 429
    assert "Příliš mnoho pokusů" in _html(locked) and "Too many attempts" not in _html(locked)


def test_english_mails_are_unchanged(db: Any, settings: Any) -> None:
    settings.CLOSEDSET_EMAIL_LINK_HOURS = 48
    nell = User.objects.create_user(
        email="nell@example.org",
        password="a long enough passphrase",
        display_name="Nell",
        handle="nell",
    )
    services.send_verification_mail(nell, base_url="https://x.example/", ip=None)
    message = mail.outbox[-1]
    assert message.subject.startswith("Confirm your e-mail address for ")
    assert message.body.startswith("Hello Nell,\n\nplease confirm that this is your e-mail")
    assert "The link works for 48 hours." in message.body
    nell.email_verified_at = timezone.now()
    services.password_changed(nell)
    assert mail.outbox[-1].body.startswith(
        "Hello Nell,\n\nthe password of your closedset account was just changed."
    )
