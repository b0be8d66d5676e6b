"""The coordinator's report of a production's whole day: every scene started that day in call
order, each as the per-run report shows it, after a summary; never anything private; only the
production's coordinators get it, everyone else the same "not found"."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from closedset.api.tests.authz_matrix import (
    PERSONAS,
    Registry,
    Route,
    observe,
    request,
    routes,
    url_and_body,
)
from closedset.compliance import services as compliance
from closedset.compliance.tests.helpers import (
    call_on,
    consent_all,
    future_day,
    mark_final,
    plan_scene,
    ready_scene,
)
from closedset.lib.errors import InvalidInput, NotFound
from closedset.onset import changes, checkins, closure, incidents, links, services
from closedset.onset.models import Incident, Run
from closedset.onset.tests import authz_report
from closedset.onset.tests.test_closure import pdf_text
from closedset.plans.services import BeatInput
from closedset.productions.models import Scene

pytestmark = pytest.mark.django_db

AFTERCARE = "Warm tea and a quiet corner; text me when you are home."
DEBRIEF = "Jonas hesitated before the kiss; talk about the second take tomorrow."
NAMED_REPORT = "The boom operator walked in during the kiss."
ANONYMOUS_REPORT = "Someone filmed the rehearsal on a phone."
COLOURS = re.compile(r"\b(green|yellow|red)\b", re.IGNORECASE)
SLAP = BeatInput(act="slap", by="B", to=["A"], zone="buttocks", intensity="light", barrier="none")
PIER_PLAN = {
    "scene": "14",
    "cast": {"A": "mara", "B": "jonas"},
    "beats": [{"id": "b1", "act": "kiss", "by": "B", "to": "A", "zone": "mouth"}],
}


def url(production_id: int, day: str) -> str:
    return f"/onset/{production_id}/days/{day}/report/"


def start(world: Any, scene: Any, hours: int) -> Run:
    """Called tomorrow at 9:00 + `hours`, started now: whatever the hour of the run, both
    scenes' runs are filed under the same call day (a call at now + N hours could fall on
    either side of midnight)."""
    compliance.schedule(world.ines, scene, call_on(future_day(1), 9 + hours))
    return services.start(world.ines, scene)


@pytest.fixture
def day(world: Any) -> dict[str, Run]:
    """One day: scene 12B started first but called at 11:00; scene 14, The pier, at 10:00."""
    ready_scene(world)
    boathouse = start(world, world.scene, 2)
    pier_scene = Scene.objects.create(production=world.production, number="14", title="The pier")
    # The helpers work on world.scene: a copy of the world whose scene is the pier.
    pier_world = dataclasses.replace(world, scene=pier_scene)
    mark_final(pier_world, plan_scene(pier_world, PIER_PLAN))
    consent_all(pier_world)
    pier = start(world, pier_scene, 1)
    Run.objects.filter(pk=pier.pk).update(started_at=boathouse.started_at + timedelta(minutes=5))
    return {"boathouse": boathouse, "pier": pier}


@pytest.fixture
def busy_day(world: Any, day: dict[str, Run]) -> dict[str, Run]:
    """Everything the report must never show, on both scenes: a declined change, a yellow and
    a red check-in, a named and an anonymous report, aftercare and debrief notes."""
    boathouse, pier = day["boathouse"], day["pier"]
    # 12B: Mara says no to the slap, Jonas yes; a PAUSE, seen; closed with notes.
    declined = changes.propose(world.dario, boathouse.pk, SLAP)
    changes.answer(world.mara, boathouse.pk, declined.pk, "no")
    changes.answer(world.jonas, boathouse.pk, declined.pk, "yes")
    pause = services.send(world.mara, boathouse.pk, "pause", "k-day-pause")
    services.acknowledge(world.ines, pause.pk)
    anonymous = incidents.report(
        world.jonas, world.production.pk, ANONYMOUS_REPORT, anonymous=True, scene_id=world.scene.pk
    )
    Incident.objects.filter(pk=anonymous.pk).update(run=boathouse)
    done = [key for key, _ in closure.CHECKLIST]
    closure.save(
        world.ines, boathouse.pk, done=done, debrief=DEBRIEF, aftercare={"mara": AFTERCARE}
    )
    closure.close(world.ines, boathouse.pk)
    # 14: both say yes to the slap; a STOP nobody has seen yet; a named report, acknowledged;
    # then a check-in, Mara yellow and Jonas red (which stops the scene).
    approved = changes.propose(world.dario, pier.pk, SLAP)
    changes.answer(world.mara, pier.pk, approved.pk, "yes")
    changes.answer(world.jonas, pier.pk, approved.pk, "yes")
    services.send(world.jonas, pier.pk, "stop", "k-day-stop")
    named = incidents.report(world.mara, world.production.pk, NAMED_REPORT, scene_id=pier.scene_id)
    Incident.objects.filter(pk=named.pk).update(run=pier, state=Incident.State.ACKNOWLEDGED)
    checkins.ask(world.ines, pier.pk)
    checkins.answer(world.mara, pier.pk, "yellow")
    checkins.answer(world.jonas, pier.pk, "red")
    return day


def later() -> Any:
    """After every reflection period: the declined change reads "not approved"."""
    return timezone.now() + timedelta(hours=1)


# --- what it shows --------------------------------------------------------------------------


def test_the_day_shows_every_scene_in_call_order_after_a_summary(world, busy_day):
    today = busy_day["pier"].day.isoformat()
    report = closure.report_day_pdf(world.ines, world.production.pk, today, now=later())
    assert report.pdf.startswith(b"%PDF")
    assert report.name == f"report-harbour-lights-{today}.pdf"
    text = pdf_text(report.pdf)
    for words in (
        "Report of the day: Harbour Lights",
        "Scenes started 2 (14, 12B)",
        "Scenes closed 1 (12B)",
        "PAUSE and STOP 1 PAUSE, 1 STOP; 1 not acknowledged",
        "Incidents 2: 1 open, 1 acknowledged",
        "Change requests 1 approved, 1 not approved",
        "Scene 14, The pier",
        "Scene 12B, The boathouse",
        "Jonas kisses Mara",
        "Mara kisses Jonas",
        "1 check-in asked",
        "0 check-ins asked",
        "Not closed yet (stopped)",
        "Barriers and modesty garments are collected done",
    ):
        assert words in text, (words, text)
    # Called first, shown first, although started second.
    assert text.index("Scene 14, The pier") < text.index("Scene 12B, The boathouse")


def test_nothing_private_is_in_the_day_report(world, busy_day):
    today = busy_day["pier"].day.isoformat()
    context = closure.report_day_context(world.ines, world.production.pk, today, now=later())
    html = render_to_string("onset/report_day_pdf.html", context)
    text = pdf_text(closure.report_day_pdf(world.ines, world.production.pk, today, later()).pdf)
    for shown in (html, text):
        for private in (AFTERCARE, DEBRIEF, NAMED_REPORT, ANONYMOUS_REPORT):
            assert private not in shown
        assert not COLOURS.search(shown), COLOURS.search(shown)
        # Nobody is named: not who declined, pressed, answered, reported, closed or proposed.
        rest = shown.replace("Mara kisses Jonas", "").replace("Jonas kisses Mara", "")
        for name in ("Mara", "Jonas", "Ines", "Dario", "Petra", "Cora"):
            assert name not in rest, name


def test_the_per_run_report_shows_the_same_section(world, busy_day):
    boathouse = busy_day["boathouse"]
    alone = closure.report_context(world.ines, boathouse.pk, now=later())["section"]
    day = closure.report_day_context(
        world.ines, world.production.pk, boathouse.day.isoformat(), now=later()
    )
    [same] = [s for s in day["sections"] if s["run"] == boathouse]
    assert same.keys() == alone.keys()
    assert {k: v for k, v in same.items() if k != "feedback"} == {
        k: v for k, v in alone.items() if k != "feedback"
    }
    text = pdf_text(closure.report_pdf(world.ines, boathouse.pk, now=later()))
    assert "Report of the day: scene 12B, The boathouse" in text
    assert "1 incident: 1 open" in text and "not approved" in text
    assert (
        AFTERCARE not in text
        and DEBRIEF not in text
        and "Mara" not in text.replace("Mara kisses Jonas", "")
    )


# --- the page -------------------------------------------------------------------------------


def test_the_coordinator_downloads_it_never_cached(world, day, client_as):
    today = day["pier"].day.isoformat()
    response = client_as("ines").get(url(world.production.pk, today))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="report-harbour-lights-{today}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert "Scene 14, The pier" in pdf_text(response.content)


def test_the_matrix_entries_name_the_route_as_the_site_has_it():
    keys = {route.key for route in routes()}
    assert set(authz_report.EXPECTED) <= keys


@pytest.mark.parametrize("key", sorted(authz_report.EXPECTED))
def test_access_for_every_persona_as_the_matrix_asks(world, client_as, key):
    method, path = key.split(" ", 1)
    route = Route(method, path)
    entries = Registry(authz_report.EXPECTED, {}, authz_report.ROUTE_PARAMS, {}, {})
    address, body = url_and_body(route, entries, world)
    seen = {p: observe(request(client_as(p), route, address, body)) for p in PERSONAS}
    assert seen == authz_report.EXPECTED[key]


BAD_DAYS = [
    "2026-02-30",
    "26-11-2026",
    "20261126",
    "2026-W48-4",
    "yesterday",
    "2026-1-5",
    "0000-01-01",
]


@pytest.mark.parametrize("bad", BAD_DAYS)
def test_a_badly_written_date_is_explained_to_the_coordinator(world, day, client_as, bad):
    response = client_as("ines").get(url(world.production.pk, bad))
    assert response.status_code == 422
    assert "write it as year-month-day" in response.content.decode()
    with pytest.raises(InvalidInput, match="not a date"):
        closure.report_day_context(world.ines, world.production.pk, bad)


@pytest.mark.parametrize("who", ["mara", "jonas", "dario", "petra", "cora", "oscar"])
@pytest.mark.parametrize("when", ["today", "2026-02-30", "1999-01-01"])
def test_everyone_else_finds_nothing_whatever_the_date(world, day, client_as, who, when):
    today = day["pier"].day.isoformat() if when == "today" else when
    response = client_as(who).get(url(world.production.pk, today))
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is nothing here" in page and closure.BAD_DAY not in page
    with pytest.raises(NotFound) as refused:
        closure.report_day_context(world.users[who], world.production.pk, today)
    assert refused.value.message == closure.NO_REPORT


def test_a_day_without_scenes_another_production_or_none_is_not_found(world, day, client_as):
    ines = client_as("ines")
    today = day["pier"].day
    quiet = today - timedelta(days=1)
    for production_id, when in (
        (world.production.pk, quiet.isoformat()),
        (world.other_production.pk, today.isoformat()),
        (987654, today.isoformat()),
        (10**30, today.isoformat()),
    ):
        assert ines.get(url(production_id, when)).status_code == 404, (production_id, when)
    with pytest.raises(NotFound, match="was started on"):
        closure.report_day_context(world.ines, world.production.pk, quiet.isoformat())


# --- the door -------------------------------------------------------------------------------


def test_the_coordinator_finds_the_day_among_the_doors(world, day):
    today = day["pier"].day
    wanted = url(world.production.pk, today.isoformat())
    labels = {door.url: door.label for door in links.doors(world.ines, world.production)}
    assert labels[wanted] == f"Report of the day, {today:%A} {today.day} {today:%B %Y} (PDF)"
    for who in ("mara", "dario", "petra", "cora", "oscar"):
        assert wanted not in {d.url for d in links.doors(world.users[who], world.production)}


def test_no_door_before_any_scene_is_started(world):
    assert not [d for d in links.doors(world.ines, world.production) if "Report" in d.label]


def test_the_doors_offer_the_newest_days_only(world, day):
    newest = day["pier"].day
    for back in range(1, links.REPORT_DAYS + 3):
        Run.objects.create(
            scene=world.scene,
            day=newest - timedelta(days=back),
            final=day["boathouse"].final,
        )
    reports = [d for d in links.doors(world.ines, world.production) if "Report" in d.label]
    assert len(reports) == links.REPORT_DAYS
    assert reports[0].url == url(world.production.pk, newest.isoformat())
