"""The coordinator's shoot-day pages in her own language (issue 11): the day page, the
console and its parts, the check-in console, the closing page, the start page and the
shoot-day settings are in the language of her account; in English they read as before."""

from __future__ import annotations

from typing import Any

import pytest

from closedset.conftest import speaks
from closedset.onset import checkins, day, services
from closedset.onset.models import Run
from closedset.onset.tests.helpers import started_with_profiles

pytestmark = pytest.mark.django_db

# (English source, Czech) pairs of each page: headings, buttons, help and state words.
DAY = [
    ("Call time", "Čas srazu"),
    ("Only the people named here may be present", "Kromě obsazení smí být při natáčení"),
    ("Add to the closed set", "Přidat na uzavřený plac"),
    ("Remove from the closed set", "Odebrat z uzavřeného placu"),
    (">Checklists<", ">Kontrolní seznamy<"),
    ("(0 of 1 ready)", "(připraveno 0 z 1)"),
    ("Add to the checklist", "Přidat na kontrolní seznam"),
    ("Open the console", "Otevřít konzoli"),
    ("The scene is running today.", "Stav scény dnes: probíhá."),
    (">Shoot-day settings<", ">Nastavení natáčecího dne<"),
    # The kinds' names in the form, from the values that stay the ids.
    (">Modesty garment<", ">Krycí prádlo<"),
]
CONSOLE = [
    ("Console: scene 12B", "Konzole: scéna 12B"),
    (">Signals<", ">Signály<"),
    ("The scene is <strong", "Stav scény: <strong"),
    ('id="run-state">on hold<', 'id="run-state">pozastavená<'),
    ("Resume the scene", "Pokračovat ve scéně"),
    (">Beats<", ">Momenty<"),
    (">Timeline<", ">Časová osa<"),
    ("PAUSE from Mara.", "PAUZA od: Mara."),
    ("not yet seen.", "zatím neviděno."),
    ("Closed set today:", "Uzavřený plac dnes:"),
    ("Ask for a check-in", "Spustit ověření, jak se máš"),
    ("Something unplanned", "Něco neplánovaného"),
    ("Closing the scene", "Uzavření scény"),
    ("Close the scene", "Uzavřít scénu"),
]
CHECKINS = [
    ("Talk to Mara: they answered yellow.", "Promluv si s tímto člověkem: Mara (žlutá odpověď)."),
    (">Talked<", ">Promluveno<"),
    ("Check-in asked at", "Ověření, jak se máš, spuštěno v"),
    ("no answer yet", "zatím bez odpovědi"),
    ("Close this check-in", "Uzavřít toto ověření, jak se máš"),
]
CLOSURE = [
    ("Close scene 12B", "Uzavřít scénu 12B"),
    ("back to the console", "zpět na konzoli"),
    ("Not finished on the console:", "Na konzoli není dokončeno:"),
    ("1 beat neither done nor skipped", "1 moment ani hotový, ani vynechaný"),
    ("Closing checklist", "Kontrolní seznam k uzavření"),
    ("Everyone is dressed or in a robe", "Všichni mají oblečení nebo župan"),
    ("Debrief notes", "Poznámky z rozboru"),
    ("Aftercare note for Mara", "Poznámka k péči po scéně pro: Mara"),
    (">Save<", ">Uložit<"),
    ("Feedback opens once the scene is closed.", "Zpětná vazba se otevře, až bude scéna"),
]
START = [
    ("Start scene 12B", "Spustit scénu 12B"),
    ("The day: closed set and checklists", "Den: uzavřený plac a kontrolní seznamy"),
    ("This scene is running today (running)", "Tato scéna se dnes natáčí (probíhá)"),
    ("Open the console", "Otevřít konzoli"),
]
SETTINGS = [
    ("<h1>Shoot-day settings</h1>", "<h1>Nastavení natáčecího dne</h1>"),
    ("Seconds before an unseen PAUSE or STOP", "Sekundy, než neviděná PAUZA nebo STOP"),
    ("Minutes a performer has to think over", "Minuty, které má účinkující na rozmyšlenou"),
    ("Between 5 and 300.", "Od 5 do 300."),
    (">Save<", ">Uložit<"),
]
REFUSED = [
    (
        "Write a whole number of seconds between 5 and 300.",
        "Napiš celý počet sekund od 5 do 300.",
    ),
    ("Nothing was saved.", "Nic se neuložilo."),
]


@pytest.fixture
def run(world: Any) -> Run:
    return started_with_profiles(world)


def assert_in(page: str, pairs: list[tuple[str, str]], *, czech: bool) -> None:
    for english, cs in pairs:
        shown, hidden = (cs, english) if czech else (english, cs)
        assert shown in page, shown
        assert hidden not in page, hidden


def coordinator(world: Any, client_as: Any, language: str) -> Any:
    return client_as(speaks(world.ines, language))


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_day_page(world, run, client_as, language):
    ids = (world.production.pk, world.scene.pk)
    day.add_to_roster(world.ines, *ids, run.day, "Kim Laurent", "camera operator")
    day.add_check(world.ines, *ids, run.day, "mara", "garment", "")
    url = f"/onset/{world.production.pk}/scenes/{world.scene.pk}/day/?day={run.day}"
    page = coordinator(world, client_as, language).get(url).content.decode()
    assert_in(page, DAY, czech=language == "cs")
    # What people typed stays as written.
    assert "Kim Laurent" in page and "camera operator" in page


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_console_with_a_pause_and_a_check_in(world, run, client_as, language):
    services.send(world.mara, run.pk, "pause", "k-0001-pause")
    checkins.ask(world.ines, run.pk)
    page = coordinator(world, client_as, language).get(f"/onset/runs/{run.pk}/console/")
    assert_in(page.content.decode(), CONSOLE, czech=language == "cs")


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_beat_buttons_and_a_refusal_on_the_console(world, run, client_as, language):
    ines = coordinator(world, client_as, language)
    page = ines.get(f"/onset/runs/{run.pk}/console/").content.decode()
    czech = language == "cs"
    assert (">Začít<" in page) is czech and (">Start<" in page) is not czech
    services.send(world.mara, run.pk, "pause", "k-0002-pause")
    refused = ines.post(f"/onset/runs/{run.pk}/resume/", follow=True).content.decode()
    if czech:
        assert "Nejdřív potvrď PAUZA od: Mara" in refused
        assert "First acknowledge" not in refused
    else:
        assert "First acknowledge the PAUSE from Mara" in refused


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_check_in_console(world, run, client_as, language):
    checkins.ask(world.ines, run.pk)
    checkins.answer(world.mara, run.pk, "yellow")
    part = coordinator(world, client_as, language).get(f"/onset/runs/{run.pk}/checkins/")
    assert_in(part.content.decode(), CHECKINS, czech=language == "cs")


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_closing_page(world, run, client_as, language):
    page = coordinator(world, client_as, language).get(f"/onset/runs/{run.pk}/closure/")
    assert_in(page.content.decode(), CLOSURE, czech=language == "cs")


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_start_page(world, run, client_as, language):
    url = f"/onset/{world.production.pk}/scenes/{world.scene.pk}/"
    page = coordinator(world, client_as, language).get(url).content.decode()
    assert_in(page, START, czech=language == "cs")


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_settings_page_and_its_refusal(world, client_as, language):
    url = f"/onset/{world.production.pk}/day-settings/"
    ines = coordinator(world, client_as, language)
    czech = language == "cs"
    assert_in(ines.get(url).content.decode(), SETTINGS, czech=czech)
    refused = ines.post(url, {"escalate_seconds": "2", "reflection_minutes": "10"})
    assert refused.status_code == 422
    assert_in(refused.content.decode(), REFUSED, czech=czech)


@pytest.mark.parametrize("language", ["cs", "en"])
def test_an_unseen_pause_reaches_the_producer_in_her_language(world, run, language):
    """Sent by whoever's screen escalates it: written in the producer's own language."""
    from datetime import timedelta

    from closedset.notices.models import Notice

    speaks(world.petra, language)
    waiting = services.send(world.mara, run.pk, "pause", "k-0003-pause")
    services.escalate_due(waiting.stored_at + timedelta(minutes=10))
    told = Notice.objects.get(kind="signal_escalated")
    if language == "cs":
        assert told.subject == "PAUZA ve scéně 12B zatím nikdo neviděl"
        assert "koordinátor nebo koordinátorka to zatím nepotvrdil" in told.body
    else:
        assert told.subject == "PAUSE in scene 12B not yet seen"
        assert "the coordinator has not acknowledged it" in told.body
    assert "Mara" not in told.subject + told.body
