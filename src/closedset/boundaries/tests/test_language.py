"""The performer's boundary pages in her language: headings, buttons, the acts' labels and
glosses, the answers in sentences, the history, the PDF and the e-mail; in English as before."""

from __future__ import annotations

import re
import zlib
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from closedset.boundaries import services
from closedset.boundaries.tests.test_pages import MARA, read
from closedset.boundaries.tests.test_services import end_sitting
from closedset.core.taxonomy import load_taxonomy

pytestmark = pytest.mark.django_db


def speaking(user: Any, lang: str) -> Any:
    # update(), not save(): the fixture's copy of the user predates the data key the
    # profile's sealing stored on the row.
    type(user).objects.filter(pk=user.pk).update(language=lang)
    user.refresh_from_db()
    return user


def text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(" ".join(read(response.content.decode()).parts).split())


def absent(page: str, english: list[str], where: str) -> None:
    found = [phrase for phrase in english if phrase in page]
    assert not found, f"{where}: English left in the Czech page: {found}"


def embedded_fonts(pdf: bytes) -> set[str]:
    """The fonts a PDF embeds, without the subset tag ("ABCDEF+DejaVu-Sans")."""
    chunks = [pdf]
    for found in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(found.group(1)))
        except zlib.error:
            continue  # an image or a font file, not an object stream
    names = {n for c in chunks for n in re.findall(rb"/BaseFont\s*/([\w+-]+)", c)}
    return {n.decode().split("+")[-1] for n in names}


@pytest.fixture
def answered(world: Any) -> Any:
    """Mara's profile (test_pages.MARA) in two versions, so history has changes to tell."""
    services.replace_profile(world.mara, MARA)
    end_sitting(world.mara)
    services.set_answer(world.mara, "hair-pull", "receive", "no")
    return world


def test_the_profile_page_is_in_czech_acts_and_glosses_included(answered, client_as):
    client = client_as(speaking(answered.mara, "cs"))
    page = text(client.get(reverse("boundaries:mine") + "?open=impact"))
    absent(
        page,
        [
            "My boundaries",
            "Private until you share it",
            "What partners must use",
            "Save what partners must use",
            "Open a group, then choose",
            "Next: review your answers",
            "answered",
            "Zones, intensity, partners, note",
            "A partner does it to you",
            "Nothing required",
            "Not discussed",
            "Impact (slaps, spanks)",
        ],
        "profile",
    )
    slap = load_taxonomy("cs").acts["slap"]
    assert "Moje hranice" in page
    assert "Soukromý" in page or "soukromý" in page
    assert slap.label in page and slap.gloss in page
    assert "Partner/ka → ty" in page
    assert "Neprobráno" in page and "Možná" in page
    assert "Údery" in page  # the group, named by the taxonomy
    # The row's summary: the zone by the taxonomy, the answer and the level in Czech.
    assert "obličej: ne" in page and "intenzita nejvýš: lehká" in page


def test_the_act_detail_page_is_in_czech(answered, client_as):
    client = client_as(speaking(answered.mara, "cs"))
    page = text(client.get(reverse("boundaries:detail", args=["slap", "receive"])))
    absent(
        page,
        [
            "Back to my boundaries",
            "Your answer",
            "By body zone",
            "Same as your answer",
            "Most intense I accept",
            "No limit given",
            "A hard limit",
            "Only with these people",
            "Note for the coordinator",
            "Light",
        ],
        "detail",
    )
    taxonomy = load_taxonomy("cs")
    assert taxonomy.zones["face"].label in page
    assert "Tvoje odpověď" in page and "Pevná hranice" in page and "Lehká" in page


def test_a_bad_answer_is_refused_in_czech(answered, client_as):
    client = client_as(speaking(answered.mara, "cs"))
    url = reverse("boundaries:detail", args=["slap", "receive"])
    response = client.post(url, {"answer": "yes", "max_intensity": "brutal"})
    assert response.status_code == 422
    page = " ".join(read(response.content.decode()).parts)
    assert "Neuloženo" in page and "Vyber lehká, střední, nebo silná" in page
    assert "Not saved" not in page and "Choose light" not in page


def test_review_history_and_sharing_are_in_czech(answered, client_as):
    client = client_as(speaking(answered.mara, "cs"))
    review = text(client.get(reverse("boundaries:review")))
    absent(
        review,
        ["Review your answers", "Your noes", "You say", "Partners must use", "Download"],
        "review",
    )
    kiss = load_taxonomy("cs").acts["kiss"].label.lower()
    # Names stay in the nominative, the act quoted: no declension guessed.
    assert f"Tvoje odpověď na „ty → partner/ka: {kiss}“: ano." in review
    assert "Jen s: Jonas." in review
    assert "Partneři a partnerky musí" in review

    history = text(client.get(reverse("boundaries:history")))
    absent(history, ["History", "Compare two versions", "You now say", "Bring back"], "history")
    assert "je teď: ne" in history and "Vrátit verzi 1" in history

    sharing = text(client.get(reverse("boundaries:sharing")))
    absent(sharing, ["Sharing", "Share with", "Who has looked", "Not shared"], "sharing")
    assert "Sdílet s produkcí" in sharing and "Kdo se díval" in sharing


def test_the_pdf_is_czech_and_embeds_a_font_with_czech_letters(answered, client_as):
    from closedset.boundaries.views import pdf_html

    client = client_as(speaking(answered.mara, "cs"))
    response = client.get(reverse("boundaries:pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # WeasyPrint embeds the fonts it uses: DejaVu Sans, which has ř, ů and ő, for all of it
    # (the page number in the margin too).
    assert embedded_fonts(response.content) == {"DejaVu-Sans", "DejaVu-Sans-Bold"}

    request = response.wsgi_request
    with translation.override("cs"):
        html = pdf_html(request)
    assert '<html lang="cs">' in html
    assert '"DejaVu Sans"' in html
    assert 'content: "Strana " counter(page) " z " counter(pages) ""' in html
    assert "Profil hranic" in html and "Boundary profile of" not in html
    assert re.search(r"Vytištěno \d{1,2}\. \w+ \d{4}", html)  # "26. listopadu 2026"


def test_the_new_coordinator_email_is_in_the_performers_language(world, client_as):
    from closedset.productions.models import Membership, Role

    speaking(world.mara, "cs")
    services.share(world.mara, world.production.pk)
    mail.outbox.clear()
    joined = Membership.objects.create(
        production=world.production, user=world.oscar, role=Role.COORDINATOR
    )
    assert services.tell_sharing_performers(joined) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("K jedné z tvých produkcí")
    assert message.body.startswith("Ahoj, ")
    assert "Hello" not in message.body and "Sign in" not in message.body


@pytest.mark.parametrize("lang", ["es", "hu"])
def test_the_pages_speak_spanish_and_hungarian_too(answered, client_as, lang):
    client = client_as(speaking(answered.mara, lang))
    mine = text(client.get(reverse("boundaries:mine")))
    review = text(client.get(reverse("boundaries:review")))
    expected = {"es": ("Mis límites", "Tu respuesta a «"), "hu": ("Határaim", "A válaszod erre: „")}
    assert expected[lang][0] in mine and "My boundaries" not in mine
    assert expected[lang][1] in review and "You say" not in review


def test_the_pages_read_as_before_in_english(answered, client_as):
    client = client_as(answered.mara)
    mine = text(client.get(reverse("boundaries:mine") + "?open=impact"))
    assert "My boundaries" in mine and "Impact (slaps, spanks)" in mine
    assert "face: no · at most light" in mine
    review = text(client.get(reverse("boundaries:review")))
    assert "You say yes to kiss, done by you to a partner. Only with Jonas." in review
    history = text(client.get(reverse("boundaries:history")))
    assert "You now say no to hair pull, done to you." in history or re.search(
        r"You now say no to .+, done to you\.", history
    )
