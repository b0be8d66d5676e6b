"""Deviations ("Something unplanned") and incident reports: tied to act, zone, intensity,
beat and people; the run on hold; anonymous reports that keep no reporter; states on the
record; each role seeing only what it needs."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from closedset.compliance import services as compliance
from closedset.compliance.tests.helpers import ready_scene
from closedset.conftest import without_tokens
from closedset.lib.errors import InvalidInput, NotFound
from closedset.notices.models import Notice
from closedset.onset import incidents, services
from closedset.onset.incidents import Unplanned
from closedset.onset.models import Incident, Run, TimelineEntry
from closedset.record.models import Commitment, LogEntry

pytestmark = pytest.mark.django_db

SLAP = Unplanned(act="slap", zone="buttocks", intensity="hard", by="mara", to="jonas", beat="b1")
SECRET = "He grabbed my wrist after the cut and would not let go"


@pytest.fixture
def run(world: Any) -> Run:
    ready_scene(world)
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
    return services.start(world.ines, world.scene)


def entry_of(incident: Incident) -> dict[str, Any]:
    return json.loads(bytes(LogEntry.objects.get(pk=incident.log_entry_id).data))


def all_log_text() -> str:
    return " ".join(bytes(e.data).decode() for e in LogEntry.objects.all())


# --- deviations -------------------------------------------------------------------------------


def test_a_slap_becomes_an_incident_tied_to_beat_act_zone_and_people(world, run):
    incident = incidents.record_unplanned(world.ines, run.pk, SLAP)
    assert incident.kind == Incident.Kind.DEVIATION and incident.state == Incident.State.OPEN
    assert (incident.beat_id, incident.act, incident.zone, incident.intensity) == (
        "b1",
        "slap",
        "buttocks",
        "hard",
    )
    assert (incident.by_person, incident.to_person) == (world.mara, world.jonas)
    assert (incident.run, incident.scene) == (run, world.scene)
    run.refresh_from_db()
    assert run.state == Run.State.ON_HOLD
    line = TimelineEntry.objects.get(run=run, kind="deviation").text
    assert line == "Something unplanned during beat 1: Mara slaps Jonas's buttocks, hard."
    content = entry_of(incident)
    assert {k: content[k] for k in ("type", "run", "incident", "beats", "outcome")} == {
        "type": "incident",
        "run": run.pk,
        "incident": incident.pk,
        "beats": ["b1"],
        "outcome": "open",
    }
    assert content["production"] == world.production.pk and content["scene"] == world.scene.pk
    committed = set(
        Commitment.objects.filter(entry_id=incident.log_entry_id).values_list(
            "user__handle", flat=True
        )
    )
    assert committed == {"mara", "jonas"}
    # No act, zone or name in the record.
    assert not re.search(r"slap|buttocks|Mara|Jonas", all_log_text())


def test_a_stopped_run_stays_stopped_after_a_deviation(world, run):
    Run.objects.filter(pk=run.pk).update(state=Run.State.STOPPED)
    incidents.record_unplanned(world.ines, run.pk, SLAP)
    run.refresh_from_db()
    assert run.state == Run.State.STOPPED


@pytest.mark.parametrize(
    "change,field,words",
    [
        ({"act": "nonsense"}, "act", "Choose what happened"),
        ({"zone": "anus"}, "zone", "for slap, one of face, chest"),
        ({"zone": ""}, "zone", "Choose where"),
        ({"intensity": "brutal"}, "intensity", "light, medium or hard"),
        ({"by": "dario"}, "by", "from the scene's cast"),
        ({"to": "oscar"}, "to", "from the scene's cast"),
        ({"to": "mara"}, "to", "two different people"),
        ({"beat": "b9"}, "beat", "one of the scene's beats"),
        ({"act": "nudity-topless", "zone": "face"}, "zone", "has no body zone"),
    ],
)
def test_choices_outside_the_lists_are_refused_and_nothing_is_recorded(
    world, run, change, field, words
):
    seen = Unplanned(**{**SLAP.__dict__, **change})
    with pytest.raises(InvalidInput, match=words) as refused:
        incidents.record_unplanned(world.ines, run.pk, seen)
    assert field in refused.value.fields
    assert not Incident.objects.exists()
    run.refresh_from_db()
    assert run.state == Run.State.RUNNING


@pytest.mark.parametrize("who", ["mara", "dario", "petra", "cora", "oscar"])
def test_only_the_coordinator_records_a_deviation(world, run, who):
    with pytest.raises(NotFound):
        incidents.record_unplanned(world.users[who], run.pk, SLAP)


def test_the_console_form_records_it_in_a_few_taps(world, run, client_as):
    ines = client_as("ines")
    page = ines.get(f"/onset/runs/{run.pk}/console/").content.decode()
    assert "Something unplanned" in page
    # Prefilled from the run: Mara did it, to Jonas, during b1.
    assert re.search(r'<option value="mara" selected>Mara</option>', page)
    assert re.search(
        r'<select name="to"[^>]*>\s*<option value="mara">Mara</option>\s*'
        r'<option value="jonas" selected>',
        page,
    )
    assert '<option value="b1" selected>' in page
    response = ines.post(
        f"/onset/runs/{run.pk}/unplanned/",
        {
            "act": "slap",
            "zone": "face",
            "intensity": "medium",
            "by": "mara",
            "to": "jonas",
            "beat": "b1",
        },
    )
    assert response["Location"] == f"/onset/runs/{run.pk}/console/"
    page = ines.get(f"/onset/runs/{run.pk}/console/").content.decode()
    assert "Recorded: Mara slaps Jonas&#x27;s face, moderately. The scene is on hold." in page
    assert "Recorded today" in page


def test_a_bad_choice_on_the_form_keeps_what_was_chosen(world, run, client_as):
    response = client_as("ines").post(
        f"/onset/runs/{run.pk}/unplanned/",
        {
            "act": "slap",
            "zone": "anus",
            "intensity": "hard",
            "by": "mara",
            "to": "jonas",
            "beat": "b1",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose where: for slap, one of face" in text
    assert '<option value="slap" selected>' in text and '<option value="hard" selected>' in text
    assert not Incident.objects.exists()


# --- reports ----------------------------------------------------------------------------------


def test_an_anonymous_report_keeps_no_reporter_anywhere(
    world, run, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = incidents.report(world.mara, world.production.pk, SECRET, anonymous=True)
    incident.refresh_from_db()
    assert incident.reporter is None and incident.anonymous
    assert incident.sealed_for == world.ines
    assert incident.reported_at.minute == 0 and incident.reported_at.second == 0
    assert not Commitment.objects.filter(entry_id=incident.log_entry_id).exists()
    assert entry_of(incident)["people"] == []
    notice = Notice.objects.get(recipient=world.ines)
    assert "Mara" not in notice.subject + notice.body
    assert SECRET.encode() not in bytes(incident.description)
    assert SECRET not in all_log_text()


def test_the_notice_is_the_same_named_or_not(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incidents.report(world.mara, world.production.pk, SECRET, anonymous=True)
        incidents.report(world.jonas, world.production.pk, SECRET)
    first, second = Notice.objects.filter(recipient=world.ines).order_by("pk")
    assert (first.kind, first.subject, first.body, first.url) == (
        second.kind,
        second.subject,
        second.body,
        second.url,
    )


def test_the_text_opens_only_for_the_coordinator_it_is_sealed_for(world):
    incident = incidents.report(world.dario, world.production.pk, SECRET)
    assert incidents.read_text(incident, "description", world.ines) == SECRET
    assert incidents.read_text(incident, "description", world.petra) == ""


def test_anyone_in_the_production_reports_and_outsiders_find_nothing(world):
    for who in ("mara", "jonas", "ines", "dario", "petra", "cora"):
        incidents.report(world.users[who], world.production.pk, SECRET)
    assert Incident.objects.count() == 6
    with pytest.raises(NotFound):
        incidents.report(world.oscar, world.production.pk, SECRET)


def test_an_empty_report_and_a_foreign_scene_are_refused(world):
    with pytest.raises(InvalidInput, match="Say what happened"):
        incidents.report(world.mara, world.production.pk, "   ")
    with pytest.raises(InvalidInput, match="Choose a scene"):
        incidents.report(world.mara, world.production.pk, SECRET, scene_id=10**6)
    assert not Incident.objects.exists()


def test_states_move_on_with_actions_and_each_is_on_the_record(world):
    incident = incidents.report(world.mara, world.production.pk, SECRET)
    with pytest.raises(InvalidInput, match="Say what was done"):
        incidents.move(world.ines, world.production.pk, incident.pk, "resolve")
    incidents.move(world.ines, world.production.pk, incident.pk, "acknowledge")
    done = incidents.move(
        world.ines, world.production.pk, incident.pk, "resolve", "Talked to both; new rule."
    )
    assert done.state == Incident.State.RESOLVED and done.acknowledged_at and done.resolved_at
    assert "Talked to both; new rule." in incidents.read_text(done, "actions", world.ines)
    outcomes = [
        json.loads(bytes(e.data)).get("outcome")
        for e in LogEntry.objects.order_by("index")
        if json.loads(bytes(e.data)).get("incident") == incident.pk
    ]
    assert outcomes == ["open", "acknowledged", "resolved"]
    first = LogEntry.objects.get(pk=incident.log_entry_id)
    last = LogEntry.objects.order_by("-index").first()
    assert json.loads(bytes(last.data))["refers_to"] == first.index
    assert "new rule" not in all_log_text()
    with pytest.raises(InvalidInput, match="already resolved"):
        incidents.move(world.ines, world.production.pk, incident.pk, "acknowledge")


@pytest.mark.parametrize("who", ["mara", "dario", "petra", "cora", "oscar"])
def test_only_the_coordinator_moves_an_incident(world, who):
    incident = incidents.report(world.mara, world.production.pk, SECRET)
    with pytest.raises(NotFound):
        incidents.move(world.users[who], world.production.pk, incident.pk, "acknowledge")


# --- pages ------------------------------------------------------------------------------------


def url(world: Any, tail: str = "") -> str:
    return f"/onset/{world.production.pk}/incidents/{tail}"


def test_reporting_anonymously_from_the_page(world, client_as):
    mara = client_as("mara")
    assert b"Send it without my name" in mara.get(url(world, "new/")).content
    response = mara.post(url(world, "new/"), {"description": SECRET, "anonymous": "on"})
    assert response["Location"] == url(world)
    page = mara.get(url(world)).content.decode()
    assert "Sent to the coordinator without your name." in page
    assert "Your reports" not in page  # nothing links it to her
    ines_page = client_as("ines").get(url(world)).content.decode()
    assert "Reported without a name" in ines_page and "Mara" not in ines_page
    incident = Incident.objects.get()
    detail = client_as("ines").get(url(world, f"{incident.pk}/")).content.decode()
    assert SECRET in detail and "sent without a name" in detail
    assert "Mara" not in detail.split("</header>", 1)[1]


def test_a_named_reporter_follows_the_state_of_her_own_reports(world, client_as):
    incident = incidents.report(world.mara, world.production.pk, SECRET)
    incidents.move(world.ines, world.production.pk, incident.pk, "acknowledge")
    page = client_as("mara").get(url(world)).content.decode()
    assert "Your reports" in page and "acknowledged" in page
    assert SECRET not in page
    assert "Your reports" not in client_as("jonas").get(url(world)).content.decode()


def test_the_producer_sees_counts_and_states_only(world, run, client_as):
    incidents.report(world.mara, world.production.pk, SECRET)
    incidents.record_unplanned(world.ines, run.pk, SLAP)
    page = client_as("petra").get(url(world)).content.decode()
    assert "Open: 2" in page and "Resolved: 0" in page
    assert "All incidents" not in page
    main = without_tokens(page.split("</header>", 1)[1])
    for private in (SECRET, "Mara", "Jonas", "slap", "buttocks", "b1"):
        assert private not in main


def test_the_coordinator_sees_everything_and_moves_it_on(world, run, client_as):
    incident = incidents.report(world.mara, world.production.pk, SECRET, scene_id=world.scene.pk)
    incidents.record_unplanned(world.ines, run.pk, SLAP)
    ines = client_as("ines")
    page = ines.get(url(world)).content.decode()
    assert "Reported by Mara" in page and "Mara slaps Jonas&#x27;s buttocks, hard" in page
    detail = ines.get(url(world, f"{incident.pk}/")).content.decode()
    assert SECRET in detail
    response = ines.post(url(world, f"{incident.pk}/"), {"step": "resolve", "actions": ""})
    assert response.status_code == 400 and b"Say what was done" in response.content
    response = ines.post(url(world, f"{incident.pk}/"), {"step": "resolve", "actions": "Done."})
    assert response["Location"] == url(world, f"{incident.pk}/")
    incident.refresh_from_db()
    assert incident.state == Incident.State.RESOLVED


@pytest.mark.parametrize("who", ["mara", "dario", "petra", "cora", "oscar"])
def test_an_incident_page_is_nobody_elses(world, client_as, who):
    incident = incidents.report(world.mara, world.production.pk, SECRET)
    assert client_as(who).get(url(world, f"{incident.pk}/")).status_code == 404


def test_an_empty_report_page_keeps_the_choice_and_says_what_to_do(world, client_as):
    response = client_as("jonas").post(url(world, "new/"), {"description": "", "anonymous": "on"})
    assert response.status_code == 400
    assert b"Say what happened, in your own words." in response.content
    assert re.search(rb'<input type="checkbox" name="anonymous"[^>]* checked>', response.content)
    assert not Incident.objects.exists()


def test_a_report_stays_made_when_telling_the_coordinator_fails(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    # Telling runs after the report commits; if it fails then, the reporter is not shown an
    # error for a report that was made (and would only report it twice).
    from django.db import OperationalError

    def busy(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr("closedset.notices.services.notify", busy)
    with django_capture_on_commit_callbacks(execute=True) as ran:
        incident = incidents.report(world.mara, world.production.pk, SECRET, anonymous=True)
    assert len(ran) == 1
    assert Incident.objects.filter(pk=incident.pk).exists()
