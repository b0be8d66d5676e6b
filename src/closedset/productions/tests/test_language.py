"""A performer's productions pages in her language: the invitation she follows, the welcome,
the production page, the one-person-crew question and the invitation e-mail; in English they
read as before."""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

import pytest
from django.urls import reverse

from closedset.productions import services

pytestmark = pytest.mark.django_db


def text_of(response: Any) -> str:
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def speaks(world: Any, who: str, lang: str) -> None:
    user = world.users[who]
    user.language = lang
    user.save(update_fields=["language"])


def invitation_url(world: Any, email: str = "nell@example.org") -> str:
    _, key = services.invite(world.petra, world.production, email=email, role="performer")
    return reverse("productions:invitation", args=[key])


def test_the_invitation_page_in_the_browsers_language(world, client):
    response = client.get(invitation_url(world), HTTP_ACCEPT_LANGUAGE="cs")
    text = text_of(response)
    for english in ("Join Harbour Lights", "You are invited as", "Your name", "Password"):
        assert english not in text, english
    assert "Připoj se k produkci Harbour Lights" in text
    assert "Pozvánka pro tebe, role: Účinkující (nell@example.org)." in text
    assert "Tvoje jméno" in text and "Heslo" in text and "Přijmout" in text


def test_a_performer_joins_and_is_welcomed_in_her_language(world, client_as):
    speaks(world, "jonas", "cs")
    _, key = services.invite(
        world.petra, world.production, email="jonas@example.org", role="director"
    )
    response = client_as("jonas").post(reverse("productions:invitation", args=[key]), follow=True)
    text = text_of(response)
    assert "Teď patříš do produkce Harbour Lights." in text
    assert "You joined" not in text


def test_the_language_chosen_at_sign_up_is_the_accounts(world, client, persona_password):
    from closedset.accounts.models import User

    url = invitation_url(world)
    page = text_of(client.get(url, HTTP_ACCEPT_LANGUAGE="cs"))
    assert "Jazyk" in page and "Čeština" in page  # offered, the browser's already chosen
    fields = {"display_name": "Nell", "handle": "nell", "password": persona_password}
    client.post(url, {**fields, "language": "cs"}, HTTP_ACCEPT_LANGUAGE="en")
    assert User.objects.get(handle="nell").language == "cs"
    # A language nobody offers is refused in plain words, and nothing is made.
    other = invitation_url(world, "olga@example.org")
    refused = type(client)().post(other, {**fields, "handle": "olga", "language": "xx"})
    assert not User.objects.filter(handle="olga").exists()
    assert "Select a valid choice" in text_of(refused)


def test_an_expired_or_used_link_says_so_in_her_language(world, client, persona_password):
    url = invitation_url(world)
    client.post(url, {"display_name": "Nell", "handle": "nell", "password": persona_password})
    again = type(client)().get(url, HTTP_ACCEPT_LANGUAGE="hu")
    assert again.status_code == 410
    assert "Ezt a meghívót már felhasználták." in text_of(again)


def test_the_production_page_as_a_performer_sees_it_in_czech(world, client_as):
    speaks(world, "mara", "cs")
    response = client_as("mara").get(reverse("productions:production", args=[world.production.pk]))
    text = text_of(response)
    for english in (
        "Your next steps",
        "Fill in your boundary profile",
        "your role:",
        "Share or stop sharing",
        "Shoot dates, clearances and records",
    ):
        assert english not in text, english
    assert "Tvoje další kroky" in text
    assert "Vyplň svůj profil hranic" in text
    assert "Nasdílej ho s produkcí Harbour Lights" in text
    assert "tvoje role: účinkující" in text


def test_the_home_page_in_czech(world, client_as):
    speaks(world, "mara", "cs")
    text = text_of(client_as("mara").get(reverse("productions:home")))
    assert "Your productions" not in text and "Tvoje produkce" in text
    assert "účinkující" in text


def test_the_one_person_crew_question_in_czech(world, client_as):
    services.set_one_person_crew(world.petra, world.production, allow=True)
    speaks(world, "mara", "cs")
    url = reverse("productions:one_person_crew", args=[world.production.pk])
    text = text_of(client_as("mara").get(url))
    assert "Your agreement" not in text and "I agree" not in text
    assert "Tvůj souhlas" in text and "Souhlasím" in text


def test_the_invitation_mail_is_in_the_invited_persons_language(world, client_as, mailoutbox):
    speaks(world, "jonas", "hu")
    url = reverse("productions:invitations", args=[world.production.pk])
    response = client_as("petra").post(url, {"email": "jonas@example.org", "role": "director"})
    assert response.status_code == 302
    [mail] = mailoutbox
    assert mail.subject == "Meghívó: Harbour Lights"
    assert "Az elfogadáshoz nyisd meg ezt a linket:" in mail.body
    assert "Szerep: Rendező." in mail.body
    assert "To accept" not in mail.body


def test_a_new_address_gets_the_mail_in_the_inviters_language(world, client_as, mailoutbox):
    speaks(world, "petra", "es")
    url = reverse("productions:invitations", args=[world.production.pk])
    client_as("petra").post(url, {"email": "nell@example.org", "role": "performer"})
    [mail] = mailoutbox
    assert mail.subject == "Invitación a Harbour Lights"
    assert "Para aceptar, abre este enlace:" in mail.body


def test_the_same_pages_in_english_read_as_before(world, client, client_as, mailoutbox):
    text = text_of(client.get(invitation_url(world)))
    assert "Join Harbour Lights" in text and "You are invited as Performer" in text
    production = reverse("productions:production", args=[world.production.pk])
    text = text_of(client_as("mara").get(production))
    assert "Your next steps" in text and "your role: performer" in text
    client_as("petra").post(
        reverse("productions:invitations", args=[world.production.pk]),
        {"email": "nell2@example.org", "role": "performer"},
    )
    [mail] = mailoutbox
    assert mail.subject == "Invitation to Harbour Lights"
    assert mail.body.startswith("Hello,\n\nPetra")
    assert "as Performer." in mail.body
