"""The shoot day in the performer's own language (issue 11): her phone, the check-in, the
change prompt, the feedback form, the socket's words and the notice e-mails she gets are in
the language of her account; in English they read exactly as before."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy

from closedset.conftest import speaks
from closedset.notices.models import Kind
from closedset.notices.services import KIND_LABELS, notify
from closedset.onset import changes, checkins, closure
from closedset.onset.models import Run
from closedset.onset.tests.helpers import started_with_profiles
from closedset.onset.tests.test_changes import ALONE, beat
from closedset.onset.tests.test_closure import close_run
from closedset.onset.tests.test_consumer import cookie_for, drive, opened, reply

# (English source, Czech) pairs of each template: the heading and buttons a performer reads.
PHONE = [
    ("Scene 12B", "Scéna 12B"),
    (">PAUSE<", ">PAUZA<"),
    ("Report something that happened, with or without your name", "Nahlásit, co se stalo"),
    ("Press once; the coordinator is told at once", "Stiskni jednou"),
    ("Your beats", "Tvoje momenty"),
    ("Your checklist", "Tvůj kontrolní seznam"),
    # The words phone.js shows come from the page too.
    ('data-t-not-sent="Not sent yet"', 'data-t-not-sent="Zatím neodesláno"'),
    ('data-t-seen="Seen by {by} at {at}"', 'data-t-seen="Viděno: {by} v {at}"'),
]
CHECKIN = [
    ("Check-in: how are you?", "Ověření: jak se máš?"),
    ("Only the coordinator sees your answer.", "Tvoji odpověď vidí jen koordinátor"),
    ("Green: I am fine", "Zelená: jsem v pohodě"),
    ("Yellow: I want to talk", "Žlutá: chci si promluvit"),
    ("Red: stop the scene", "Červená: zastavit scénu"),
]
CHANGE = [
    ("The director asks for a change", "Režie žádá o změnu"),
    ("Say yes only if you want to.", "Řekni ano, jen pokud chceš."),
    ("the director may guess that a no came from you", "režie může uhodnout"),
    ("Yes, I agree", "Ano, souhlasím"),
    ("No, I don't", "Ne, nesouhlasím"),
]
FEEDBACK = [
    ("After scene 12B", "Po scéně 12B"),
    ("How was it? (anonymous)", "Jaké to bylo? (anonymně)"),
    ("Your aftercare note", "Tvoje poznámka k péči po scéně"),
    ("Did you feel safe?", "Bylo to pro tebe bezpečné?"),
    ("(not at all)", "(vůbec ne)"),
    ("Anything else? (optional)", "Ještě něco? (nepovinné)"),
    ("Send my answer", "Odeslat odpověď"),
]


@pytest.fixture
def run(world: Any) -> Run:
    return started_with_profiles(world)


def assert_in(page: str, pairs: list[tuple[str, str]], *, czech: bool) -> None:
    for english, cs in pairs:
        shown, hidden = (cs, english) if czech else (english, cs)
        assert shown in page, shown
        assert hidden not in page, hidden


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_phone_with_a_check_in_and_a_change_prompt(world, run, client_as, language):
    changes.propose(world.dario, run.pk, beat(ALONE))
    checkins.ask(world.ines, run.pk)
    phone = client_as(speaks(world.mara, language)).get(f"/onset/runs/{run.pk}/")
    page = phone.content.decode()
    czech = language == "cs"
    assert_in(page, PHONE + CHECKIN + CHANGE, czech=czech)
    if czech:
        # Her beat in the glossary's sentence form, not the English one.
        assert "Ty:" in page
        assert "You are asked" not in page and "Changes you are asked about" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["cs", "en"])
def test_her_answers_and_refusals_come_back_in_her_language(world, run, client_as, language):
    change = changes.propose(world.dario, run.pk, beat(ALONE))
    checkins.ask(world.ines, run.pk)
    mara = client_as(speaks(world.mara, language))
    mara.post(f"/onset/runs/{run.pk}/checkin/", {"colour": "yellow"})
    part = mara.get(f"/onset/runs/{run.pk}/checkin/").content.decode()
    mara.post(f"/onset/runs/{run.pk}/changes/{change.pk}/answer/", {"answer": "no"})
    prompt = mara.get(f"/onset/runs/{run.pk}/changes/phone/").content.decode()
    again = mara.post(f"/onset/runs/{run.pk}/changes/{change.pk}/answer/", {"answer": "yes"})
    if language == "cs":
        assert "Tvoje odpověď: <strong>žlutá</strong>." in part
        assert "je <strong>ne</strong>. Nikdo jiný se nedozví" in prompt
        assert "Tvoje odpověď na tuto změnu už je ne." in again.content.decode()
    else:
        assert "You answered <strong>yellow</strong>." in part
        assert "You said <strong>no</strong> to:" in prompt
        assert "You already said no to this change." in again.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_feedback_page_and_form(world, run, client_as, language):
    close_run(world, run)
    mara = client_as(speaks(world.mara, language))
    page = mara.get(f"/onset/runs/{run.pk}/feedback/").content.decode()
    czech = language == "cs"
    assert_in(page, FEEDBACK, czech=czech)
    # A refused answer comes back in her words too.
    refused = mara.post(f"/onset/runs/{run.pk}/feedback/", {"safety": "9"}).content.decode()
    assert ("U otázky safety vyber 1 až 5." in refused) is czech
    closure.give_feedback(world.jonas, run.pk, safety=4, respect=4, comfort=4)
    assert (
        "Po scéně" not in client_as("jonas").get(f"/onset/runs/{run.pk}/feedback/").content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_the_socket_answers_in_the_performers_language(world, run):
    """Sent outside any request: the reader's own language, whichever thread made the words."""
    ready = {"mara": cookie_for(speaks(world.mara, "cs")), "jonas": cookie_for(world.jonas)}

    async def body() -> None:
        mara = await opened(ready["mara"], run.pk)
        jonas = await opened(ready["jonas"], run.pk)
        await mara.send_to(text_data="not json")
        assert (await reply(mara))["message"].startswith("Obrazovka poslala něco")
        await jonas.send_to(text_data="not json")
        assert (await reply(jonas))["message"].startswith("The screen sent something")
        # A refusal made by the service on the database thread.
        await mara.send_json_to({"action": "signal", "kind": "dance", "key": "k-0001-dance"})
        assert (await reply(mara))["message"] == "Pošli PAUZA nebo STOP."
        await jonas.send_json_to({"action": "signal", "kind": "dance", "key": "k-0002-dance"})
        assert (await reply(jonas))["message"] == "Send PAUSE or STOP."
        await mara.send_json_to({"action": "after", "seq": "x"})
        assert "pořadového čísla" in (await reply(mara))["message"]
        for socket in (mara, jonas):
            await socket.disconnect()

    drive(body)


@pytest.mark.django_db(transaction=True)
def test_without_a_chosen_language_the_socket_follows_her_browser(world, run):
    """Mara never chose a language; her browser asks for Czech, as her pages show it."""
    from closedset.onset.tests.test_consumer import socket

    ready = {"mara": cookie_for(world.mara)}

    async def body() -> None:
        mara = socket(ready["mara"], run.pk)
        mara.scope["headers"].append((b"accept-language", b"cs-CZ,cs;q=0.9,en;q=0.5"))
        connected, _ = await mara.connect(timeout=10)
        assert connected
        await mara.send_to(text_data="not json")
        assert (await reply(mara))["message"].startswith("Obrazovka poslala něco")
        await mara.disconnect()

    drive(body)


@pytest.mark.django_db
def test_a_notice_mail_is_in_the_recipients_language(world):
    notify(speaks(world.mara, "cs"), Kind.CAST, production=world.production, subject="12B", body="")
    notify(
        speaks(world.jonas, "en"), Kind.CAST, production=world.production, subject="12B", body=""
    )
    czech, english = mail.outbox
    assert czech.to == [world.mara.email] and english.to == [world.jonas.email]
    assert "Ahoj, Mara," in czech.body and "záměrně neobsahuje žádný odkaz" in czech.body
    assert "Hello" not in czech.body and "Sign in to" not in czech.body
    assert "Hello" in english.body and "This e-mail has no link on purpose" in english.body
    assert "Ahoj" not in english.body


@pytest.mark.django_db
def test_a_lazy_subject_is_written_in_the_recipients_language(world):
    notify(speaks(world.mara, "cs"), Kind.CAST, subject=gettext_lazy("Notices"), body="")
    assert mail.outbox[0].subject == "Oznámení"
    assert world.mara.notices.get().subject == "Oznámení"


def test_the_kind_labels_match_the_models_english_ones():
    with translation.override("en"):
        assert {kind: str(label) for kind, label in KIND_LABELS.items()} == dict(Kind.choices)


def test_every_word_phone_js_reads_is_on_the_page():
    """phone.js's English is only a fallback: each data-t-* it reads is on the phone page."""
    base = Path(__file__).resolve().parents[1]
    script = (base / "static/onset/phone.js").read_text()
    page = (base / "templates/onset/phone.html").read_text()
    wanted = set(re.findall(r'text\(\s*"(t[A-Z]\w+)"', script))
    given = {
        "t" + "".join(part.title() for part in name.split("-"))
        for name in re.findall(r"data-t-([a-z-]+)=", page)
    }
    assert len(wanted) == 8 and wanted <= given, wanted - given
