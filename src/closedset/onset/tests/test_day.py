"""The day and the closed set (issue 10, item 1) and the console's beats and timeline (item 2):
call time, roster and checklists per scene and day; beat statuses that only the coordinator
moves, never into a beat someone withdrew from; Resume; the record entries of starting and
stopping; the performer's own beats and checklist on her phone; the shoot-day settings."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from closedset.compliance import services as compliance
from closedset.compliance.tests.helpers import (
    clear,
    consent_all,
    mark_final,
    plan_scene,
    verified_record,
    withdraw_one,
)
from closedset.lib.errors import Conflict, Forbidden, InvalidInput, NotFound
from closedset.onset import day, services
from closedset.onset.models import BeatState, CheckItem, DaySettings, RosterEntry, Run
from closedset.record.models import LogEntry

pytestmark = pytest.mark.django_db

# Three beats: both performers in the first two, only Jonas in the third.
PLAN = {
    "scene": "12B",
    "cast": {"A": "mara", "B": "jonas"},
    "beats": [
        {"id": "b1", "act": "kiss", "by": "A", "to": "B", "zone": "mouth"},
        {"id": "b2", "act": "caress", "by": "B", "to": "A", "zone": "back"},
        {"id": "b3", "act": "nudity-topless", "by": "B"},
    ],
}
ID_LIKE = re.compile(r"\b(run|signal|seq|key|id|pk|beat_id)\b\s*[:=#]", re.IGNORECASE)


def ready(world: Any) -> None:
    """Scene 12B with the three-beat plan: consented, records verified, cleared, called."""
    mark_final(world, plan_scene(world, PLAN))
    consent_all(world)
    for handle in ("mara", "jonas"):
        verified_record(world, handle, date(1995, 5, 17))
        clear(world, handle, timezone.localdate())
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))


@pytest.fixture
def run(world: Any) -> Run:
    ready(world)
    return services.start(world.ines, world.scene)


def entries(kind: str) -> list[dict[str, Any]]:
    found = [json.loads(bytes(e.data)) for e in LogEntry.objects.order_by("index")]
    return [e for e in found if e["type"] == kind]


def day_url(world: Any, suffix: str = "") -> str:
    return f"/onset/{world.production.pk}/scenes/{world.scene.pk}/day/{suffix}"


def today() -> str:
    return timezone.localdate().isoformat()


# --- starting and stopping are on the record -----------------------------------------------


def test_starting_writes_a_record_entry_and_a_timeline_line(world, run):
    started = entries("run-start")
    assert len(started) == 1
    entry = started[0]
    assert entry["run"] == run.pk and entry["scene"] == world.scene.pk
    assert entry["production"] == world.production.pk
    assert entry["plan_sha256"] == run.final.plan_sha256 and entry["people"] == []
    assert [line.text for line in run.timeline.all()] == ["Scene started by Ines."]
    # Starting again the same day is the same run, and nothing more is written.
    services.start(world.ines, world.scene)
    assert len(entries("run-start")) == 1 and run.timeline.count() == 1


def test_a_stop_is_on_the_record_a_pause_is_not(world, run):
    services.send(world.mara, run.pk, "pause", "k-pause-0001")
    assert entries("run-stop") == []
    services.send(world.jonas, run.pk, "stop", "k-stop-00001")
    services.send(world.jonas, run.pk, "stop", "k-stop-00001")  # a replay
    stopped = entries("run-stop")
    assert len(stopped) == 1
    assert stopped[0]["run"] == run.pk and len(stopped[0]["people"]) == 1


def test_a_stop_and_its_entry_stand_or_fall_together(world, run, monkeypatch):
    from closedset.onset.models import Signal
    from closedset.record import services as record

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the log is unavailable")

    monkeypatch.setattr(record, "append", broken)
    with pytest.raises(RuntimeError):
        services.send(world.jonas, run.pk, "stop", "k-stop-00001")
    run.refresh_from_db()
    assert run.state == Run.State.RUNNING and not Signal.objects.exists()


# --- resume ---------------------------------------------------------------------------------


def test_resume_waits_until_every_signal_is_seen(world, run):
    signal = services.send(world.mara, run.pk, "stop", "k-stop-00001")
    with pytest.raises(Conflict) as refused:
        services.resume(world.ines, run.pk)
    assert "acknowledge the STOP from Mara" in refused.value.message
    services.acknowledge(world.ines, signal.pk)
    resumed = services.resume(world.ines, run.pk)
    assert resumed.state == Run.State.RUNNING
    assert run.timeline.last().text == "Resumed by Ines (was stopped)."
    # Resuming a running scene changes nothing.
    services.resume(world.ines, run.pk)
    assert run.timeline.filter(kind="resume").count() == 1


@pytest.mark.parametrize("who", ["mara", "dario", "petra", "oscar"])
def test_only_the_coordinator_resumes(world, run, who):
    services.send(world.mara, run.pk, "pause", "k-pause-0001")
    with pytest.raises(NotFound):
        services.resume(world.users[who], run.pk)
    run.refresh_from_db()
    assert run.state == Run.State.ON_HOLD


def test_a_closed_scene_is_not_resumed(world, run):
    Run.objects.filter(pk=run.pk).update(state=Run.State.CLOSED)
    with pytest.raises(Conflict):
        services.resume(world.ines, run.pk)


# --- the roster and the checklists --------------------------------------------------------


def test_the_roster_is_per_scene_and_day(world):
    on = timezone.localdate()
    ids = (world.production.pk, world.scene.pk)
    entry = day.add_to_roster(world.ines, *ids, on, "  Kim   Laurent ", "camera operator")
    assert (entry.name, entry.job, entry.added_by) == ("Kim Laurent", "camera operator", world.ines)
    day.add_to_roster(world.ines, *ids, on + timedelta(days=1), "Kim Laurent")
    with pytest.raises(InvalidInput) as twice:
        day.add_to_roster(world.ines, *ids, on, "kim laurent")
    assert "on the roster already" in twice.value.message
    with pytest.raises(InvalidInput) as empty:
        day.add_to_roster(world.ines, *ids, on, "   ")
    assert empty.value.fields == {"name": "Write the person's name."}
    with pytest.raises(InvalidInput):
        day.add_to_roster(world.ines, *ids, on, "x" * 121)
    assert [e.name for e in day.day_view(world.ines, *ids, on).roster] == ["Kim Laurent"]
    day.remove_from_roster(world.ines, *ids, entry.pk)
    day.remove_from_roster(world.ines, *ids, entry.pk)  # twice: nothing more happens
    assert RosterEntry.objects.filter(day=on).count() == 0


def test_the_producer_reads_the_roster_but_not_the_checklists(world):
    ready(world)
    ids = (world.production.pk, world.scene.pk)
    on = day.call_day(world.scene)
    day.add_to_roster(world.ines, *ids, on, "Kim Laurent", "camera operator")
    day.add_check(world.ines, *ids, on, "mara", "robe", "")
    view = day.day_view(world.petra, *ids)
    assert [e.name for e in view.roster] == ["Kim Laurent"]
    assert view.checklists == () and not view.coordinator and view.may_schedule
    with pytest.raises(Forbidden):
        day.add_to_roster(world.petra, *ids, on, "Someone")
    for who, error in (("dario", Forbidden), ("mara", Forbidden), ("oscar", NotFound)):
        with pytest.raises(error):
            day.day_view(world.users[who], *ids)


def test_the_call_time_sets_the_page_s_day(world):
    ids = (world.production.pk, world.scene.pk)
    assert day.day_view(world.ines, *ids).call_at is None
    assert day.day_view(world.ines, *ids).day == timezone.localdate()
    ready(world)
    view = day.day_view(world.ines, *ids)
    assert view.call_at is not None and view.day == timezone.localdate(view.call_at)


def test_checklists_are_for_the_cast_ticked_with_who_and_when(world):
    ready(world)
    ids = (world.production.pk, world.scene.pk)
    on = day.call_day(world.scene)
    robe = day.add_check(world.ines, *ids, on, "mara", "robe", "")
    assert robe.label == "robe" and robe.performer == world.mara
    barrier = day.add_check(world.ines, *ids, on, "jonas", "barrier", "pouch, flesh tone")
    for handle, kind, field in (("dario", "robe", "performer"), ("mara", "cape", "kind")):
        with pytest.raises(InvalidInput) as refused:
            day.add_check(world.ines, *ids, on, handle, kind, "")
        assert set(refused.value.fields) == {field}
    moment = timezone.now()
    ticked = day.tick(world.ines, *ids, robe.pk, True, now=moment)
    assert (ticked.done_by, ticked.done_at) == (world.ines, moment)
    # Ticking again keeps the first who and when; unticking clears both.
    assert day.tick(world.ines, *ids, robe.pk, True).done_at == moment
    assert day.tick(world.ines, *ids, robe.pk, False).done_by is None
    view = day.day_view(world.ines, *ids)
    assert [(c.performer, [i.label for i in c.items]) for c in view.checklists] == [
        ("Mara", ["robe"]),
        ("Jonas", ["pouch, flesh tone"]),
    ]
    day.remove_check(world.ines, *ids, barrier.pk)
    with pytest.raises(Conflict):
        day.tick(world.ines, *ids, barrier.pk, True)


def test_a_performer_ticks_her_own_checklist_only(world, run):
    ids = (world.production.pk, world.scene.pk)
    hers = day.add_check(world.ines, *ids, run.day, "mara", "water", "")
    his = day.add_check(world.ines, *ids, run.day, "jonas", "robe", "")
    assert day.tick_mine(world.mara, run.pk, hers.pk, True).done_by == world.mara
    with pytest.raises(Conflict):
        day.tick_mine(world.mara, run.pk, his.pk, True)
    for who in ("ines", "dario", "oscar"):
        with pytest.raises(NotFound):
            day.tick_mine(world.users[who], run.pk, hers.pk, False)
    assert [i.label for i in day.my_checklist(world.mara, run)] == ["water"]


# --- the settings ---------------------------------------------------------------------------


def test_settings_are_checked_before_anything_is_saved(world):
    pid = world.production.pk
    assert day.settings_for(world.petra, pid).escalate_seconds == DaySettings.ESCALATE_DEFAULT
    with pytest.raises(InvalidInput) as refused:
        day.save_settings(world.ines, pid, "4", "121")
    assert refused.value.fields == {
        "escalate_seconds": "Write a whole number of seconds between 5 and 300.",
        "reflection_minutes": "Write a whole number of minutes between 5 and 120.",
    }
    for bad in ("", "ten", "-5", "5.5", "１０", "9" * 20, None):
        with pytest.raises(InvalidInput):
            day.save_settings(world.ines, pid, bad, "10")
    assert not DaySettings.objects.exists()
    day.save_settings(world.petra, pid, " 30 ", "20")
    assert services.escalate_after(world.production) == timedelta(seconds=30)
    assert services.reflection_period(world.production) == timedelta(minutes=20)
    with pytest.raises(Forbidden):
        day.save_settings(world.dario, pid, "30", "20")
    with pytest.raises(NotFound):
        day.settings_for(world.oscar, pid)


# --- beats on the console -------------------------------------------------------------------


def test_beats_show_their_people_and_consent(world, run):
    rows = day.beat_rows(run)
    assert [(r.place, r.status) for r in rows] == [(1, "planned"), (2, "planned"), (3, "planned")]
    assert [(p.name, p.state) for p in rows[0].participants] == [
        ("Mara", "consented"),
        ("Jonas", "consented"),
    ]
    assert [p.name for p in rows[2].participants] == ["Jonas"]
    assert rows[0].sentence.startswith("Mara kisses Jonas")
    assert rows[0].moves == (("in_progress", "Start"), ("skipped", "Skip"))


def test_the_coordinator_moves_beats_and_the_timeline_says_so(world, run):
    moment = timezone.now()
    state = day.set_beat(world.ines, run.pk, "b1", "in_progress", now=moment)
    assert (state.status, state.changed_by, state.changed_at) == ("in_progress", world.ines, moment)
    day.set_beat(world.ines, run.pk, "b1", "done")
    day.set_beat(world.ines, run.pk, "b1", "done")  # where it is: nothing more happens
    day.set_beat(world.ines, run.pk, "b3", "skipped")
    assert [r.status for r in day.beat_rows(run)] == ["done", "planned", "skipped"]
    lines = [line.text for line in day.timeline(run)]
    assert lines[:3] == [
        "Beat 3: skipped (Ines).",
        "Beat 1: done (Ines).",
        "Beat 1: in progress (Ines).",
    ]


@pytest.mark.parametrize("who", ["mara", "jonas", "dario", "petra", "cora", "oscar"])
def test_only_the_coordinator_moves_beats(world, run, who):
    with pytest.raises(NotFound):
        day.set_beat(world.users[who], run.pk, "b1", "in_progress")
    assert not BeatState.objects.exists()


@pytest.mark.parametrize(
    "beat,status,error",
    [("b9", "done", Conflict), ("b1", "finished", InvalidInput), (None, "done", Conflict)],
)
def test_a_damaged_move_is_refused_in_words(world, run, beat, status, error):
    with pytest.raises(error) as refused:
        day.set_beat(world.ines, run.pk, beat, status)
    assert refused.value.message.endswith(".") and not ID_LIKE.search(refused.value.message)


def test_a_beat_someone_withdrew_from_cannot_start(world, run):
    assert withdraw_one(world, "mara")  # her consent to beat 1 (kiss)
    rows = day.beat_rows(run)
    assert [(p.name, p.state) for p in rows[0].participants][0] == ("Mara", "withdrawn")
    assert rows[0].withdrawn and rows[0].moves == (("skipped", "Skip"),)
    with pytest.raises(Conflict) as refused:
        day.set_beat(world.ines, run.pk, "b1", "in_progress")
    assert refused.value.message.startswith("Mara withdrew consent to beat 1, so it cannot")
    assert not BeatState.objects.filter(beat_id="b1").exists()
    # Skipping it is the way on; the beats she is still in are unaffected.
    day.set_beat(world.ines, run.pk, "b1", "skipped")
    day.set_beat(world.ines, run.pk, "b3", "in_progress")


def test_no_beat_starts_while_the_scene_is_held(world, run):
    services.send(world.mara, run.pk, "pause", "k-pause-0001")
    with pytest.raises(Conflict) as refused:
        day.set_beat(world.ines, run.pk, "b1", "in_progress")
    assert "on hold" in refused.value.message and "Resume" in refused.value.message
    day.set_beat(world.ines, run.pk, "b1", "skipped")  # other moves are fine
    Run.objects.filter(pk=run.pk).update(state=Run.State.CLOSED)
    with pytest.raises(Conflict):
        day.set_beat(world.ines, run.pk, "b2", "done")


def test_the_timeline_has_signals_and_who_saw_them(world, run):
    signal = services.send(world.mara, run.pk, "pause", "k-pause-0001")
    services.acknowledge(world.ines, signal.pk)
    texts = [line.text for line in day.timeline(run)]
    assert "PAUSE from Mara." in texts and "Ines saw the PAUSE from Mara." in texts
    assert texts[-1] == "Scene started by Ines."


# --- the phone ------------------------------------------------------------------------------


def test_her_beats_in_her_words_with_their_status(world, run):
    day.set_beat(world.ines, run.pk, "b1", "in_progress")
    mine = day.my_beats(world.mara, run)
    assert [(b.place, b.status_label) for b in mine] == [(1, "in progress"), (2, "planned")]
    assert mine[0].sentence.startswith("You kiss Jonas")
    assert "your back" in mine[1].sentence
    assert [b.place for b in day.my_beats(world.jonas, run)] == [1, 2, 3]


# --- pages ----------------------------------------------------------------------------------


def test_the_day_page_for_the_coordinator(world, client_as):
    ready(world)
    response = client_as("ines").get(day_url(world))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Called for" in text and f"/compliance/{world.production.pk}/scenes/" in text
    assert "Add to the closed set" in text and "Add to the checklist" in text
    assert f'href="/onset/{world.production.pk}/scenes/{world.scene.pk}/"' in text
    assert "<script>" not in text and "style=" not in text


def test_the_producer_sees_the_roster_and_nothing_of_the_checklists(world, client_as):
    ready(world)
    on = day.call_day(world.scene)
    ids = (world.production.pk, world.scene.pk)
    day.add_to_roster(world.ines, *ids, on, "Kim Laurent", "camera operator")
    day.add_check(world.ines, *ids, on, "mara", "garment", "nude thong")
    text = client_as("petra").get(day_url(world)).content.decode()
    assert "Kim Laurent" in text and "camera operator" in text
    assert "thong" not in text and "Checklists" not in text
    # Logging out and the language picker, every page's own; nothing of the day's.
    assert text.count("<form") == 2 and text.count('action="/onset/') == 0


@pytest.mark.parametrize("who,status", [("dario", 403), ("mara", 403), ("oscar", 404)])
def test_others_may_not_see_the_day(world, client_as, who, status):
    assert client_as(who).get(day_url(world)).status_code == status


def test_adding_to_the_roster_and_a_refusal_that_keeps_what_was_typed(world, client_as):
    ines = client_as("ines")
    response = ines.post(
        day_url(world, "roster/"), {"day": today(), "name": "Kim", "job": "boom operator"}
    )
    assert response.status_code == 302
    assert "Kim is on the closed set." in ines.get(response["Location"]).content.decode()
    again = ines.post(
        day_url(world, "roster/"), {"day": today(), "name": "kim", "job": "grip, second unit"}
    )
    text = again.content.decode()
    assert again.status_code == 422 and "kim is on the roster already." in text
    assert 'value="grip, second unit"' in text
    damaged = ines.post(day_url(world, "roster/"), {"day": "someday", "name": "Lee"})
    assert damaged.status_code == 422 and "Reload the day page" in damaged.content.decode()
    assert RosterEntry.objects.count() == 1


def test_ticking_from_the_day_page(world, client_as):
    ready(world)
    on = day.call_day(world.scene).isoformat()
    ines = client_as("ines")
    ines.post(day_url(world, "checks/"), {"day": on, "performer": "mara", "kind": "robe"})
    item = CheckItem.objects.get()
    response = ines.post(day_url(world, f"checks/{item.pk}/"), {"day": on, "done": "1"})
    assert response.status_code == 302
    text = ines.get(response["Location"]).content.decode()
    assert "Ticked by Ines at" in text and "(1 of 1 ready)" in text
    refused = ines.post(day_url(world, "checks/"), {"day": on, "performer": "oscar", "kind": "x"})
    assert refused.status_code == 422
    assert "Choose a performer cast in this scene" in refused.content.decode()


def test_the_settings_page_says_what_is_wrong_and_keeps_it(world, client_as):
    url = f"/onset/{world.production.pk}/day-settings/"
    petra = client_as("petra")
    assert 'value="15"' in petra.get(url).content.decode()
    response = petra.post(url, {"escalate_seconds": "2", "reflection_minutes": "10"})
    text = response.content.decode()
    assert response.status_code == 422 and "between 5 and 300" in text
    assert 'value="2"' in text and "Nothing was saved" in text
    assert (
        petra.post(url, {"escalate_seconds": "20", "reflection_minutes": "10"}).status_code == 302
    )
    assert DaySettings.objects.get().escalate_seconds == 20
    assert client_as("dario").get(url).status_code == 403
    assert client_as("oscar").post(url, {"escalate_seconds": "20"}).status_code == 404


def test_only_the_coordinator_shortens_the_time_to_think(world):
    pid = world.production.pk
    day.save_settings(world.petra, pid, "15", "20")  # the producer may give more time
    with pytest.raises(InvalidInput, match="Only the intimacy coordinator can shorten"):
        day.save_settings(world.petra, pid, "15", "5")
    assert DaySettings.objects.get().reflection_minutes == 20
    day.save_settings(world.ines, pid, "15", "5")
    assert DaySettings.objects.get().reflection_minutes == 5


def test_the_console_shows_beats_moves_and_the_timeline(world, run, client_as):
    ines = client_as("ines")
    text = ines.get(f"/onset/runs/{run.pk}/console/").content.decode()
    assert f'hx-get="/onset/runs/{run.pk}/day/"' in text and 'hx-trigger="every 3s"' in text
    assert "Beat 1: planned" in text and "Scene started by Ines." in text
    assert "<script>" not in text and "style=" not in text
    response = ines.post(f"/onset/runs/{run.pk}/beats/", {"beat": "b1", "status": "in_progress"})
    assert response["Location"] == f"/onset/runs/{run.pk}/console/"
    part = ines.get(f"/onset/runs/{run.pk}/day/").content.decode()
    assert part.lstrip().startswith('<section id="day-console"')
    assert "Beat 1: in progress" in part and "set by Ines" in part


def test_a_refused_move_is_said_on_the_console(world, run, client_as):
    withdraw_one(world, "mara")
    ines = client_as("ines")
    response = ines.post(f"/onset/runs/{run.pk}/beats/", {"beat": "b1", "status": "in_progress"})
    text = ines.get(response["Location"]).content.decode()
    assert "Mara withdrew consent to beat 1" in text and "withdrew consent</strong>" in text


def test_resume_on_the_console(world, run, client_as):
    signal = services.send(world.mara, run.pk, "pause", "k-pause-0001")
    ines = client_as("ines")
    console = ines.get(f"/onset/runs/{run.pk}/console/").content.decode()
    assert "Resume the scene" in console
    refused = ines.post(f"/onset/runs/{run.pk}/resume/")
    assert "First acknowledge the PAUSE from Mara" in ines.get(refused["Location"]).content.decode()
    services.acknowledge(world.ines, signal.pk)
    ines.post(f"/onset/runs/{run.pk}/resume/")
    run.refresh_from_db()
    assert run.state == Run.State.RUNNING
    assert "Resume the scene" not in ines.get(f"/onset/runs/{run.pk}/day/").content.decode()


def test_the_phone_shows_her_beats_and_lets_her_tick_her_own(world, run, client_as):
    item = day.add_check(world.ines, world.production.pk, world.scene.pk, run.day, "mara", "robe")
    day.set_beat(world.ines, run.pk, "b2", "done")
    mara = client_as("mara")
    text = mara.get(f"/onset/runs/{run.pk}/").content.decode()
    assert "Your beats" in text and "You kiss Jonas" in text and "Beat 2: done" in text
    assert "Beat 3" not in text  # Jonas's alone
    assert "I have it" in text and "robe" in text
    response = mara.post(f"/onset/runs/{run.pk}/my-checks/{item.pk}/", {"done": "1"})
    assert response["Location"] == f"/onset/runs/{run.pk}/"
    part = mara.get(f"/onset/runs/{run.pk}/my-day/").content.decode()
    assert "Ticked by Mara at" in part and "Not ready after all" in part
    visible = re.sub(r"<[^>]+>", " ", part)
    assert not ID_LIKE.search(visible) and "b1" not in visible


@pytest.mark.parametrize("who", ["ines", "dario", "petra", "cora", "oscar"])
def test_the_phone_part_is_the_casts(world, run, client_as, who):
    assert client_as(who).get(f"/onset/runs/{run.pk}/my-day/").status_code == 404


@pytest.mark.parametrize("who", ["mara", "dario", "petra", "cora", "oscar"])
def test_the_console_part_is_the_coordinators(world, run, client_as, who):
    client = client_as(who)
    assert client.get(f"/onset/runs/{run.pk}/day/").status_code == 404
    assert (
        client.post(f"/onset/runs/{run.pk}/beats/", {"beat": "b1", "status": "done"}).status_code
        == 404
    )
    assert not BeatState.objects.exists()


def test_a_beat_is_shot_once_it_is_done(world, run):
    assert not day.beat_was_shot(run.final, "b1")
    day.set_beat(world.ines, run.pk, "b1", "in_progress")
    assert not day.beat_was_shot(run.final, "b1")
    day.set_beat(world.ines, run.pk, "b1", "done")
    assert day.beat_was_shot(run.final, "b1") and not day.beat_was_shot(run.final, "b2")


def test_the_day_page_for_another_day(world, client_as):
    ids = (world.production.pk, world.scene.pk)
    tomorrow = timezone.localdate() + timedelta(days=1)
    day.add_to_roster(world.ines, *ids, tomorrow, "Kim Laurent")
    ines = client_as("ines")
    assert "Kim Laurent" not in ines.get(day_url(world)).content.decode()
    text = ines.get(day_url(world) + f"?day={tomorrow.isoformat()}").content.decode()
    assert "Kim Laurent" in text and f'value="{tomorrow.isoformat()}"' in text
    damaged = ines.get(day_url(world) + "?day=yesterday-ish")
    assert damaged.status_code == 422 and "Reload the day page" in damaged.content.decode()


def test_a_beat_done_on_set_can_no_longer_be_withdrawn(world, run):
    from closedset.consent import services as consent
    from closedset.consent.models import BeatDecision

    answer = BeatDecision.objects.get(
        request__performer=world.mara,
        request__final=run.final,
        beat_id="b1",
        withdrawn_at__isnull=True,
        voided_at__isnull=True,
    )
    day.set_beat(world.ines, run.pk, "b1", "in_progress")
    assert not consent.beat_shot(answer)  # in progress: she may still withdraw
    day.set_beat(world.ines, run.pk, "b1", "done")
    assert consent.beat_shot(answer)
    with pytest.raises(Conflict, match="shot already"):
        consent.withdraw(world.mara, answer.pk)
    answer.refresh_from_db()
    assert answer.withdrawn_at is None


# --- the shoot day across midnight --------------------------------------------------------------


def _ready_and_called_at(world: Any, call: datetime) -> None:
    """Scene 12B ready, its call moved straight to `call`."""
    from closedset.compliance.models import Schedule

    ready(world)
    Schedule.objects.filter(scene=world.scene).update(call_at=call)


def _called_just_after_midnight(world: Any) -> datetime:
    """Scene 12B ready, its call at 00:30 tomorrow; returns 23:40 today, the start."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    call = timezone.make_aware(datetime.combine(tomorrow, time(0, 30)))
    _ready_and_called_at(world, call)
    return call - timedelta(minutes=50)


def test_a_start_the_evening_before_an_early_call_is_the_call_days_run(world):
    start = _called_just_after_midnight(world)
    ids = (world.production.pk, world.scene.pk)
    on = day.call_day(world.scene)
    day.add_check(world.ines, *ids, on, "mara", "robe", "")
    run = services.start(world.ines, world.scene, now=start)
    # The checklist Ines prepared on the day page is the one on Mara's phone.
    assert run.day == on == timezone.localdate(start) + timedelta(days=1)
    assert [i.label for i in day.my_checklist(world.mara, run)] == ["robe"]
    assert day.day_view(world.ines, *ids).run == run
    assert services.start(world.ines, world.scene, now=start + timedelta(hours=1)) == run


def test_a_night_shoot_keeps_its_doors_past_midnight_until_it_is_closed(world, run):
    from closedset.onset import links
    from closedset.onset.closure import today

    def offered() -> bool:
        return f"/onset/runs/{run.pk}/" in {
            d.url for d in links.doors(world.mara, world.production)
        }

    assert offered()
    # After midnight the run is yesterday's, and still open: PAUSE must stay in reach.
    yesterday = timezone.localdate() - timedelta(days=1)
    evening = timezone.make_aware(datetime.combine(yesterday, time(22, 0)))
    Run.objects.filter(pk=run.pk).update(day=yesterday, started_at=evening)
    assert offered()
    assert [line.run.pk for line in today(world.petra, world.production.pk)["runs"]] == [run.pk]
    Run.objects.filter(pk=run.pk).update(state=Run.State.CLOSED)
    assert not offered()
    # An open run from longer ago is not offered as if it were today's.
    Run.objects.filter(pk=run.pk).update(
        state=Run.State.RUNNING,
        day=yesterday - timedelta(days=1),
        started_at=evening - timedelta(days=1),
    )
    assert not offered()


def test_a_start_far_from_the_call_is_filed_under_its_own_day(world):
    _ready_and_called_at(world, timezone.now() + timedelta(days=3))
    run = services.start(world.ines, world.scene)
    assert run.day == timezone.localdate()


def test_after_the_call_days_run_is_closed_the_next_day_starts_a_new_run(world):
    start = _called_just_after_midnight(world)
    first = services.start(world.ines, world.scene, now=start)
    Run.objects.filter(pk=first.pk).update(state=Run.State.CLOSED)
    # 00:40 the next night, a day after the call: a new day's run, not the closed one.
    again = start + timedelta(days=1, hours=1)
    second = services.start(world.ines, world.scene, now=again)
    assert second.pk != first.pk
    assert second.day == timezone.localdate(again) == first.day + timedelta(days=1)


def test_an_open_run_keeps_its_day_until_it_is_closed(world, run, client_as):
    from closedset.compliance.models import Schedule

    called = Schedule.objects.get(scene=world.scene).call_at
    later = timezone.now() + timedelta(days=2)
    with pytest.raises(Conflict, match="still being shot") as refused:
        compliance.schedule(world.petra, world.scene, later)
    assert "Close the scene" in refused.value.message
    assert Schedule.objects.get(scene=world.scene).call_at == called
    # The producer's page says so in the field, and nothing is lost.
    page = client_as("petra").post(
        f"/compliance/{world.production.pk}/scenes/{world.scene.pk}/",
        {"call_at": timezone.localtime(later).strftime("%Y-%m-%dT%H:%M")},
    )
    assert page.status_code == 409
    typed = timezone.localtime(later).strftime("%Y-%m-%dT%H:%M")
    assert "still being shot" in page.content.decode()
    assert f'value="{typed}"' in page.content.decode()  # what was typed is kept
    # A start after the refused move still finds the one open run.
    assert services.start(world.ines, world.scene) == run
    # The same day may move (a delay); once the run is closed, any day may.
    same_day = timezone.localtime(called).replace(hour=23, minute=59)
    if same_day > timezone.now():
        compliance.schedule(world.ines, world.scene, same_day)
    Run.objects.filter(pk=run.pk).update(state=Run.State.CLOSED)
    compliance.schedule(world.ines, world.scene, later)
    assert Schedule.objects.get(scene=world.scene).call_at == later


def test_a_run_left_open_days_ago_does_not_hold_the_call(world, run):
    # Only a run the set may still be living (today's, or a night shoot from yesterday)
    # holds the day; one forgotten for days does not lock the scene's schedule.
    from closedset.compliance.models import Schedule

    Run.objects.filter(pk=run.pk).update(
        day=timezone.localdate() - timedelta(days=2),
        started_at=timezone.now() - timedelta(days=2),
    )
    later = timezone.now() + timedelta(days=2)
    compliance.schedule(world.ines, world.scene, later)
    assert Schedule.objects.get(scene=world.scene).call_at == later


def test_a_call_moved_while_the_start_is_checked_is_the_one_the_run_follows(world, monkeypatch):
    # The start checks the gate before it files the run; a schedule committing in between
    # (it takes the production's lock, as the start's filing does) must be read, not the
    # day the call just left, or an open run would sit on a day the call no longer has.
    from closedset.compliance.models import Schedule

    far = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=2), time(10)))
    _ready_and_called_at(world, far)
    tomorrow = far - timedelta(days=1)
    checked = compliance.may_start

    def moved_meanwhile(scene: Any, now: Any = None) -> Any:
        result = checked(scene, now)
        Schedule.objects.filter(scene=scene).update(call_at=tomorrow)
        return result

    monkeypatch.setattr(compliance, "may_start", moved_meanwhile)
    run = services.start(world.ines, world.scene)
    assert run.day == timezone.localdate(tomorrow)
