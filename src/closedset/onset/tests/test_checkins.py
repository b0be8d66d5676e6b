"""Check-ins between beats: the coordinator asks, each performer answers privately; red stops
the run, yellow asks for a talk, the director learns only "continue" or "on hold"."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from closedset.compliance import services as compliance
from closedset.compliance.tests.helpers import ready_scene
from closedset.conftest import without_tokens
from closedset.lib.errors import Conflict, InvalidInput, NotFound
from closedset.onset import checkins, services
from closedset.onset.models import CheckInAnswer, Run, TimelineEntry
from closedset.record.models import LogEntry

pytestmark = pytest.mark.django_db

COLOURS = re.compile(r"\b(green|yellow|red)\b", re.IGNORECASE)


@pytest.fixture
def run(world: Any) -> Run:
    """Scene 12B, consented, cleared, scheduled and started today by Ines."""
    ready_scene(world)
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
    return services.start(world.ines, world.scene)


def fresh(run: Run) -> Run:
    run.refresh_from_db()
    return run


# --- services -------------------------------------------------------------------------------


def test_the_coordinator_asks_and_the_timeline_says_so_without_colours(world, run):
    checkin = checkins.ask(world.ines, run.pk, "b1")
    assert checkin.after_beat == "b1" and checkin.closed_at is None
    checkins.answer(world.mara, run.pk, "yellow")
    checkins.answer(world.jonas, run.pk, "red")
    mine = TimelineEntry.objects.filter(run=run, kind="checkin")
    assert list(mine.values_list("text", flat=True)) == [
        "Check-in asked after beat 1",
        "Scene stopped after a check-in",
    ]
    lines = TimelineEntry.objects.filter(run=run).values_list("text", flat=True)
    assert not any(COLOURS.search(line) for line in lines)
    # Colours never go into the record either.
    for entry in LogEntry.objects.all():
        assert not COLOURS.search(bytes(entry.data).decode())


def test_asking_again_closes_the_earlier_check_in(world, run):
    first = checkins.ask(world.ines, run.pk)
    second = checkins.ask(world.ines, run.pk)
    first.refresh_from_db()
    assert first.closed_at is not None and second.closed_at is None
    assert checkins.open_checkin(run) == second


def test_an_unknown_beat_is_refused_in_plain_words(world, run):
    with pytest.raises(InvalidInput, match="Choose one of the scene's beats"):
        checkins.ask(world.ines, run.pk, "b99")


@pytest.mark.parametrize("who", ["mara", "dario", "petra", "cora", "oscar"])
def test_only_the_coordinator_asks(world, run, who):
    with pytest.raises(NotFound):
        checkins.ask(world.users[who], run.pk)


def test_red_stops_the_run_at_once_and_the_director_sees_on_hold(world, run):
    checkins.ask(world.ines, run.pk)
    assert checkins.director_word(fresh(run)) == "continue"
    checkins.answer(world.mara, run.pk, "green")
    assert fresh(run).state == Run.State.RUNNING
    checkins.answer(world.jonas, run.pk, "red")
    assert fresh(run).state == Run.State.STOPPED
    assert checkins.director_word(run) == "on hold"


def test_the_director_word_is_on_hold_for_every_state_but_running(world, run):
    for state in (Run.State.ON_HOLD, Run.State.STOPPED, Run.State.CLOSED):
        run.state = state
        assert checkins.director_word(run) == "on hold"


def test_an_answer_may_change_until_the_check_in_closes(world, run):
    checkin = checkins.ask(world.ines, run.pk)
    checkins.answer(world.mara, run.pk, "green")
    checkins.answer(world.mara, run.pk, "red")
    assert CheckInAnswer.objects.get(checkin=checkin, performer=world.mara).colour == "red"
    # A later green does not restart a stopped scene: only the coordinator moves it on.
    checkins.answer(world.mara, run.pk, "green")
    assert fresh(run).state == Run.State.STOPPED
    assert CheckInAnswer.objects.filter(checkin=checkin).count() == 1
    checkins.close(world.ines, run.pk, checkin.pk)
    with pytest.raises(InvalidInput, match="no check-in to answer"):
        checkins.answer(world.mara, run.pk, "yellow")


def test_yellow_asks_for_a_talk_until_the_coordinator_marks_it(world, run):
    checkins.ask(world.ines, run.pk)
    given = checkins.answer(world.mara, run.pk, "yellow")
    view = checkins.console_view(run)
    assert [line.performer_name for line in view.to_talk] == ["Mara"]
    assert fresh(run).state == Run.State.RUNNING
    now = timezone.now()
    checkins.talked(world.ines, run.pk, given.pk, now=now)
    given.refresh_from_db()
    assert given.talked_at == now
    assert checkins.console_view(run).to_talk == []


def test_talked_is_the_coordinators_and_of_her_run_only(world, run):
    checkins.ask(world.ines, run.pk)
    given = checkins.answer(world.mara, run.pk, "yellow")
    for who in ("mara", "dario", "oscar"):
        with pytest.raises(NotFound):
            checkins.talked(world.users[who], run.pk, given.pk)
    with pytest.raises(NotFound):
        checkins.talked(world.ines, run.pk, given.pk + 1000)


@pytest.mark.parametrize("who", ["ines", "dario", "petra", "oscar"])
def test_only_performers_cast_answer(world, run, who):
    checkins.ask(world.ines, run.pk)
    with pytest.raises(NotFound):
        checkins.answer(world.users[who], run.pk, "green")


@pytest.mark.parametrize("colour", ["", "blue", "RED", "stop"])
def test_a_colour_outside_the_three_is_refused(world, run, colour):
    checkins.ask(world.ines, run.pk)
    with pytest.raises(InvalidInput, match="green, yellow or red"):
        checkins.answer(world.mara, run.pk, colour)


def test_a_closed_scene_is_not_asked(world, run):
    Run.objects.filter(pk=run.pk).update(state=Run.State.CLOSED)
    with pytest.raises(Conflict, match="closed"):
        checkins.ask(world.ines, run.pk)


# --- pages ----------------------------------------------------------------------------------


def console(client: Any, run: Run) -> str:
    return client.get(f"/onset/runs/{run.pk}/console/").content.decode()


def test_the_console_shows_who_answered_what(world, run, client_as):
    ines = client_as("ines")
    response = ines.post(f"/onset/runs/{run.pk}/checkins/", {"after_beat": "b1"})
    assert response["Location"] == f"/onset/runs/{run.pk}/console/"
    text = console(ines, run)
    assert "Check-in asked at" in text and "after beat 1" in text
    assert text.count("no answer yet") == 2
    checkins.answer(world.mara, run.pk, "yellow")
    checkins.answer(world.jonas, run.pk, "red")
    text = console(ines, run)
    assert "Talk to Mara" in text and ">Talked<" in text
    assert "Jonas answered red: the scene is stopped" in text
    assert re.search(r"Mara: <strong[^>]*>yellow</strong>", text)
    # Once the coordinator moves the scene on, the red stays shown, the "stopped" does not.
    Run.objects.filter(pk=run.pk).update(state=Run.State.ON_HOLD)
    text = console(ines, run)
    assert "Jonas answered red." in text and "the scene is stopped" not in text


def test_the_talked_button_clears_the_talk(world, run, client_as):
    checkins.ask(world.ines, run.pk)
    given = checkins.answer(world.mara, run.pk, "yellow")
    ines = client_as("ines")
    url = f"/onset/runs/{run.pk}/checkins/answers/{given.pk}/talked/"
    assert ines.post(url)["Location"] == f"/onset/runs/{run.pk}/console/"
    text = console(ines, run)
    assert "Talk to Mara" not in text and "talked at" in text


def test_the_live_part_answers_204_until_something_changes(world, run, client_as):
    checkins.ask(world.ines, run.pk)
    ines = client_as("ines")
    url = f"/onset/runs/{run.pk}/checkins/"
    first = ines.get(url)
    assert first.status_code == 200
    digest = checkins.console_view(run).digest()
    assert ines.get(url, {"v": digest}).status_code == 204
    checkins.answer(world.mara, run.pk, "green")
    changed = ines.get(url, {"v": digest})
    assert changed.status_code == 200 and b"green" in changed.content


def test_a_bad_beat_on_the_console_is_a_plain_400(world, run, client_as):
    response = client_as("ines").post(f"/onset/runs/{run.pk}/checkins/", {"after_beat": "zz"})
    assert response.status_code == 400
    assert b"Choose one of the scene&#x27;s beats" in response.content


def test_the_phone_shows_the_prompt_and_her_own_answer_only(world, run, client_as):
    mara = client_as("mara")
    phone = mara.get(f"/onset/runs/{run.pk}/").content.decode()
    assert "Check-in: how are you?" not in phone
    checkins.ask(world.ines, run.pk)
    checkins.answer(world.jonas, run.pk, "red")
    phone = mara.get(f"/onset/runs/{run.pk}/").content.decode()
    assert "Check-in: how are you?" in phone and "Green: I am fine" in phone
    # Jonas's red is his own: Mara's phone does not say it.
    assert "You answered" not in phone and "answered red" not in phone
    response = mara.post(f"/onset/runs/{run.pk}/checkin/", {"colour": "yellow"})
    assert response["Location"] == f"/onset/runs/{run.pk}/"
    phone = mara.get(f"/onset/runs/{run.pk}/").content.decode()
    assert "You answered <strong>yellow</strong>" in phone


def test_an_answer_with_nothing_asked_keeps_her_on_the_phone_page(world, run, client_as):
    response = client_as("mara").post(f"/onset/runs/{run.pk}/checkin/", {"colour": "red"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "no check-in to answer" in text and "STOP" in text
    assert fresh(run).state == Run.State.RUNNING


def test_the_phone_live_part_is_hers_alone(world, run, client_as):
    checkins.ask(world.ines, run.pk)
    mara = client_as("mara")
    before = mara.get(f"/onset/runs/{run.pk}/checkin/").content.decode()
    checkins.answer(world.jonas, run.pk, "yellow")
    after = mara.get(f"/onset/runs/{run.pk}/checkin/").content.decode()
    # Jonas's answer changes nothing on Mara's phone, not a byte.
    assert without_tokens(before) == without_tokens(after)
    for who in ("ines", "dario", "petra", "oscar"):
        assert client_as(who).get(f"/onset/runs/{run.pk}/checkin/").status_code == 404
