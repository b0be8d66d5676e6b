"""The pages the director, the producers and the coordinator read about a scene, in their own
language (issue 11): the director's change page, the producer's screen of the day, the
incidents pages, "Something unplanned" and the coordinator's reports (the PDFs are made in the
coordinator's language). In English they read exactly as before."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from closedset.conftest import speaks
from closedset.onset import changes, closure, incidents
from closedset.onset.incidents import Unplanned
from closedset.onset.models import Closure, Run
from closedset.onset.tests.helpers import started_with_profiles
from closedset.onset.tests.test_changes import ALONE, beat
from closedset.onset.tests.test_closure import answer, close_run, pdf_text

pytestmark = pytest.mark.django_db

LANGUAGES = pytest.mark.parametrize("language", ["cs", "en"])
SLAP = Unplanned(act="slap", zone="buttocks", intensity="hard", by="mara", to="jonas", beat="b1")

# (English source, Czech) pairs: headings, labels and buttons of each page.
DIRECTOR = [
    ("Director: scene 12B", "Režie: scéna 12B"),
    ("Your change requests", "Tvoje žádosti o změnu"),
    ("Feedback on the scene", "Zpětná vazba ke scéně"),
    ("Ask for a change", "Požádat o změnu"),
    ("You will see only", "Uvidíš jen"),
    ("Nothing: a new beat", "nic (nový moment)"),
    ("Done to (none for acts done alone)", "Komu (u úkonů o samotě nikomu)"),
    (">Body zone<", ">Část těla<"),
    (">light</option>", ">lehká</option>"),
    (">condom</option>", ">kondom</option>"),
    ("Ask the performers", "Zeptat se účinkujících"),
]
PRODUCER = [
    ("Today on set", "Dnes na placu"),
    ("Updates by itself every few seconds", "Obnovuje se sama každých pár sekund"),
    ("Scenes shot today", "Scény natáčené dnes"),
    ("PAUSE and STOP not seen in time", "PAUZA a STOP neviděné včas"),
    ("Incidents not yet resolved in the production:", "Dosud nevyřešené incidenty v produkci:"),
    ("Reload the page to see what changed.", "Načti stránku znovu a uvidíš, co se změnilo."),
    ("Back to Harbour Lights", "Zpět na Harbour Lights"),
]
INCIDENTS = [
    ("Incidents: Harbour Lights", "Incidenty: Harbour Lights"),
    ("Anyone in the production can report", "Nahlásit může kdokoli z produkce"),
    ("By state", "Podle stavu"),
    ("All incidents", "Všechny incidenty"),
    ("Reported by Mara", "Hlášení od: Mara"),
    ("Recorded by Ines", "Záznam od: Ines"),
    ("scene 12B", "scéna 12B"),
]
INCIDENT = [
    ("Incident: Harbour Lights", "Incident: Harbour Lights"),
    ("all incidents", "všechny incidenty"),
    (">What happened<", ">Co se stalo<"),
    (">Recorded by<", ">Záznam od<"),
    ("(needed to resolve)", "(nutné k vyřešení)"),
    (">Acknowledge<", ">Potvrdit, že o tom vím<"),
    (">Mark resolved<", ">Označit jako vyřešené<"),
]
UNPLANNED = [
    ("Something unplanned in scene 12B", "Něco neplánovaného ve scéně 12B"),
    ("back to the console", "zpět na konzoli"),
    ("Record what happened.", "Zaznamenej, co se stalo."),
    ("Record it and hold the scene", "Zaznamenat a pozastavit scénu"),
]
REPORT = [
    ("Report of the day: scene 12B", "Zpráva o dni: scéna 12B"),
    ("Page 1 of", "Strana 1 z"),
    ("Times", "Časy"),
    ("Change requests", "Žádosti o změnu"),
    ("0 check-ins asked.", "Ověření, jak se máš: 0."),
    ("1 incident", "1 incident"),
    ("Deviation from the plan", "Odchylka od plánu"),
    ("Closing checklist", "Kontrolní seznam k uzavření"),
    ("are not part of this report", "nejsou součástí této zprávy"),
]
DAY_REPORT = [
    ("Report of the day: Harbour Lights", "Zpráva o dni: Harbour Lights"),
    ("The day at a glance", "Den v kostce"),
    ("Scenes started", "Zahájené scény"),
    ("The scenes follow in the order they were called.", "Scény následují v pořadí"),
    ("Scene 12B, The boathouse", "Scéna 12B, The boathouse"),
    ("Plan version", "Verze plánu"),
]
FEEDBACK = [
    ("Averages from 1 (poor) to 5 (very good):", "Průměry od 1 (špatně) do 5 (velmi dobře):"),
    ("Safety: 4", "Bezpečí: 4"),
    ("Comments, in no particular order:", "Komentáře, v náhodném pořadí:"),
]


@pytest.fixture
def run(world: Any) -> Run:
    return started_with_profiles(world)


def assert_in(page: str, pairs: list[tuple[str, str]], language: str) -> None:
    """Czech text and no English source on a Czech page; the English as before otherwise.
    (Pairs whose two texts are the same only check that the text is there.)"""
    for english, czech in pairs:
        shown, hidden = (czech, english) if language == "cs" else (english, czech)
        assert shown in page, shown
        if shown != hidden:
            assert hidden not in page, hidden


@LANGUAGES
def test_the_directors_page(world, run, client_as, language):
    changes.propose(world.dario, run.pk, beat(ALONE))
    dario = client_as(speaks(world.dario, language))
    page = dario.get(f"/onset/runs/{run.pk}/director/").content.decode()
    assert_in(page, DIRECTOR, language)
    part = dario.get(f"/onset/runs/{run.pk}/director/changes/").content.decode()
    assert_in(part, [("Your change requests", "Tvoje žádosti o změnu")], language)


@LANGUAGES
def test_the_producers_screen_of_the_day(world, run, client_as, language):
    incidents.report(world.mara, world.production.pk, "The door was open.")
    petra = client_as(speaks(world.petra, language))
    page = petra.get(f"/onset/{world.production.pk}/today/").content.decode()
    assert_in(page, PRODUCER, language)
    live = petra.get(f"/onset/{world.production.pk}/today/live/").content.decode()
    assert_in(live, PRODUCER[2:5], language)


@LANGUAGES
def test_the_coordinators_incident_pages(world, run, client_as, language):
    incidents.report(world.mara, world.production.pk, "The door was open.", scene_id=run.scene_id)
    deviation = incidents.record_unplanned(world.ines, run.pk, SLAP)
    ines = client_as(speaks(world.ines, language))
    listed = ines.get(f"/onset/{world.production.pk}/incidents/").content.decode()
    assert_in(listed, INCIDENTS, language)
    url = f"/onset/{world.production.pk}/incidents/{deviation.pk}/"
    detail = ines.get(url).content.decode()
    assert_in(detail, INCIDENT, language)
    # What happened, in the glossary's sentence form (docs/translation.md).
    assert ("Mara → Jonas:" in detail) is (language == "cs")
    assert ("Mara slaps Jonas" in detail) is (language == "en")
    refused = ines.post(url, {"step": "resolve", "actions": ""}).content.decode()
    assert_in(
        refused,
        [("Say what was done before marking it resolved.", "Než ho označíš jako vyřešený")],
        language,
    )


@LANGUAGES
def test_something_unplanned_and_its_refusals(world, run, client_as, language):
    ines = client_as(speaks(world.ines, language))
    page = ines.get(f"/onset/runs/{run.pk}/unplanned/").content.decode()
    assert_in(page, UNPLANNED, language)
    chosen = {"act": "slap", "zone": "anus", "intensity": "hard", "by": "mara", "to": "jonas"}
    refused = ines.post(f"/onset/runs/{run.pk}/unplanned/", {**chosen, "beat": "b1"})
    assert refused.status_code == 400
    assert_in(refused.content.decode(), [("Choose where: for", "Vyber kde: u úkonu")], language)


@LANGUAGES
def test_the_report_of_a_scene_is_in_the_coordinators_language(world, run, client_as, language):
    incidents.record_unplanned(world.ines, run.pk, SLAP)
    ines = client_as(speaks(world.ines, language))
    response = ines.get(f"/onset/runs/{run.pk}/report/")
    assert response.status_code == 200
    assert_in(pdf_text(response.content), REPORT, language)
    with translation.override(language):
        html = render_to_string("onset/report_pdf.html", closure.report_context(world.ines, run.pk))
    assert f'<html lang="{language}">' in html


@LANGUAGES
def test_the_report_of_the_day_is_in_the_coordinators_language(world, run, client_as, language):
    ines = client_as(speaks(world.ines, language))
    response = ines.get(f"/onset/{world.production.pk}/days/{run.day.isoformat()}/report/")
    assert response.status_code == 200
    assert_in(pdf_text(response.content), DAY_REPORT + REPORT[2:5], language)


@LANGUAGES
def test_the_feedback_summary(world, run, language):
    close_run(world, run)
    for who, comment in (("mara", "Clear and calm."), ("jonas", ""), ("dario", "")):
        answer(world, run, who, 4, comment)
    later = Closure.objects.get(run=run).closed_at + closure.FEEDBACK_OPEN + timedelta(minutes=1)
    summary = closure.feedback_summary(run, world.ines, later)
    assert summary.shown
    with translation.override(language):
        page = render_to_string("onset/feedback_summary.html", {"summary": summary})
        pdf = pdf_text(closure.report_pdf(world.ines, run.pk, now=later))
    assert_in(page, FEEDBACK, language)
    assert "Clear and calm." in page
    assert_in(pdf, [("Averages from 1 (poor) to 5 (very good): safety", "bezpečí")], language)


@LANGUAGES
def test_the_incident_notice_is_in_the_coordinators_language(
    world, language, django_capture_on_commit_callbacks
):
    from closedset.notices.models import Notice

    speaks(world.ines, language)
    speaks(world.mara, "en" if language == "cs" else "cs")  # the reporter's language is not it
    with django_capture_on_commit_callbacks(execute=True):
        incidents.report(world.mara, world.production.pk, "The door was open.")
    notice = Notice.objects.get(recipient=world.ines)
    pairs = [
        (
            "A new incident report in Harbour Lights",
            "Nové hlášení incidentu v produkci Harbour Lights",
        ),
        ("Read it on the incidents page", "Přečti si ho na stránce incidentů"),
    ]
    assert_in(f"{notice.subject}\n{notice.body}", pairs, language)
