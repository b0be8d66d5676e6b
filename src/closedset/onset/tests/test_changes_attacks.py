"""Attacks on the blind no and the shoot day's JSON API (docs/shootday.md, "The blind no").

A director who wants to learn who declined, or that someone's hard limit refused his beat; a
performer elsewhere; tokens that may not; odd and huge input; double submits and two tabs; a
late answer and a closed scene. Each test names the attack it repels."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError, connections, transaction
from django.utils import timezone

from closedset.boundaries import services as boundaries
from closedset.lib.errors import Conflict, NotFound, database_busy
from closedset.onset import changes
from closedset.onset.models import ChangeAnswer, ChangeRequest, Run, TimelineEntry
from closedset.onset.tests.helpers import started_with_profiles
from closedset.onset.tests.test_changes import ALONE, FACE, SLAP, beat, change_entries
from closedset.plans.tests.scenario import MARA
from closedset.record.models import LogEntry

pytestmark = pytest.mark.django_db

# Mara's profile with a hard limit on a slap to her buttocks too: the check refuses SLAP.
MARA_NO_BUTTOCKS = {
    **MARA,
    "boundaries": [dict(MARA["boundaries"][0], zones={"face": "no", "buttocks": "no"})],
}


@pytest.fixture
def run(world: Any) -> Run:
    return started_with_profiles(world)


def api(world: Any, run: Run) -> str:
    return f"/api/v1/onset/{world.production.pk}/runs/{run.pk}"


def post(client: Any, url: str, body: Any) -> Any:
    text = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, text, content_type="application/json")


# --- a director who polls the public log --------------------------------------------------


def test_the_public_log_does_not_grow_at_once_when_the_check_refuses(world, run):
    """The log's checkpoint is public (its size over time). A refusal logged at the moment of
    the proposal, while a decline is logged when the period ends, told the director at once
    that somebody in the beat has a hard limit on it."""
    now = timezone.now()
    sizes = []
    for data in (FACE, SLAP):  # refused by the check; asked
        before = LogEntry.objects.count()
        change = changes.propose(world.dario, run.pk, beat(data), now=now)
        sizes.append(LogEntry.objects.count() - before)
    assert sizes == [0, 0]
    assert change_entries() == []
    ended = change.reflect_until
    changes.changes_of(run, ended)
    # Both are logged when the period ends: the record still says which the check refused.
    assert sorted(e["outcome"] for e in change_entries()) == ["not-approved", "refused"]
    # And the console's timeline reads the same for both.
    lines = list(
        TimelineEntry.objects.filter(kind__startswith="change-end-").values_list("at", "text")
    )
    assert sorted(lines) == sorted(
        [
            (ended, "Change not approved: Jonas slaps Mara's face, lightly."),
            (ended, "Change not approved: Jonas slaps Mara's buttocks, lightly."),
        ]
    )


def _way(
    world: Any, run: Run, client: Any, proposed: Any, refused_by_check: bool, answers: list
) -> tuple:
    """In a rolled-back transaction: propose SLAP, play the answers, and return what the
    director can observe: the log's growth at the proposal and at the period's end, and his
    page, list and API list (per-request tokens blanked)."""
    from closedset.onset.tests.test_changes import _director_reads

    with transaction.atomic():
        if refused_by_check:
            boundaries.replace_profile(world.mara, MARA_NO_BUTTOCKS)
        start = LogEntry.objects.count()
        change = changes.propose(world.dario, run.pk, beat(SLAP), now=proposed)
        grew_at_once = LogEntry.objects.count() - start
        for name, said, after in answers:
            changes.answer(
                world.users[name], run.pk, change.pk, said, now=proposed + timedelta(seconds=after)
            )
        reads = _director_reads(client, world, run)
        grew_in_all = LogEntry.objects.count() - start
        checked = change.checked
        transaction.set_rollback(True)
    return checked, grew_at_once, grew_in_all, reads


def _console(client: Any, run: Run) -> list[bytes]:
    from closedset.conftest import without_tokens

    # The changes' partial first: reading it settles the period's end, which the console's
    # timeline then shows.
    reads = [
        client.get(f"/onset/runs/{run.pk}/changes/console/").content,
        client.get(f"/onset/runs/{run.pk}/console/").content,
    ]
    return [without_tokens(body.decode()).encode() for body in reads]


def test_a_director_who_is_also_coordinator_reads_the_same_console(world, run, client_as):
    """Holding both roles he reads the console and its timeline too: the same bytes whoever
    declined, or when the check refused."""
    from closedset.productions.models import Membership, OnePersonCrewAgreement

    # A one-person crew: the producer allows it and every performer agreed.
    world.production.allow_one_person_crew = True
    world.production.save(update_fields=["allow_one_person_crew"])
    for performer in Membership.objects.filter(production=world.production, role="performer"):
        OnePersonCrewAgreement.objects.create(production=world.production, performer=performer.user)
    Membership.objects.create(user=world.dario, production=world.production, role="coordinator")
    dario = client_as("dario")
    proposed = timezone.now().replace(microsecond=0) - timedelta(minutes=10, seconds=1)
    seen = []
    for refused_by_check, answers in (
        (False, [("mara", "no", 30), ("jonas", "yes", 40)]),
        (False, [("jonas", "no", 2)]),
        (False, []),
        (True, []),
    ):
        with transaction.atomic():
            if refused_by_check:
                boundaries.replace_profile(world.mara, MARA_NO_BUTTOCKS)
            change = changes.propose(world.dario, run.pk, beat(SLAP), now=proposed)
            for name, said, after in answers:
                changes.answer(
                    world.users[name],
                    run.pk,
                    change.pk,
                    said,
                    now=proposed + timedelta(seconds=after),
                )
            seen.append(_console(dario, run))
            transaction.set_rollback(True)
    assert b"not approved" in seen[0][0]
    assert b"Change not approved" in seen[0][1]
    for reads in seen[1:]:
        assert reads == seen[0]


def test_a_refusal_by_the_check_reads_exactly_as_a_decline(world, run, client_as):
    """Every way of saying no, and the check's refusal: the same page, list, API list,
    headers, and the same growth of the public log at the proposal and by the period's end."""
    from closedset.onset.tests.test_changes import WAYS_OF_SAYING_NO

    dario = client_as("dario")
    # Proposed 10 minutes and 1 second ago: the period is over when he reads.
    proposed = timezone.now().replace(microsecond=0) - timedelta(minutes=10, seconds=1)
    refused = _way(world, run, dario, proposed, True, [])
    assert refused[0] == "refused" and refused[1:3] == (0, 1)
    assert b"not approved" in refused[3][0]
    for way, answers in WAYS_OF_SAYING_NO.items():
        declined = _way(world, run, dario, proposed, False, answers)
        assert declined[0] == "asked", way
        assert declined[1:] == refused[1:], way


# --- double submits and two tabs -------------------------------------------------------------


def test_the_same_beat_asked_again_while_it_waits_is_the_same_request(world, run, client_as):
    """A double tap, a second tab, or asking again to press: one request, one prompt each."""
    now = timezone.now()
    first = changes.propose(world.dario, run.pk, beat(SLAP), now=now)
    again = changes.propose(world.dario, run.pk, beat(SLAP), now=now + timedelta(minutes=1))
    assert again.pk == first.pk
    assert ChangeAnswer.objects.filter(performer=world.mara).count() == 1
    dario = client_as("dario")
    post(dario, f"{api(world, run)}/changes", SLAP)
    dario.post(
        f"/onset/runs/{run.pk}/director/", {"act": "slap", "by": "B", "to": "A", "zone": "buttocks"}
    )
    assert ChangeRequest.objects.count() == 1
    # Instead of a beat is another request; after the period, a new one (and the rule on a
    # no that day decides who is asked).
    assert changes.propose(world.dario, run.pk, beat(SLAP), replaces="b1", now=now).pk != first.pk
    later = changes.propose(world.dario, run.pk, beat(SLAP), now=first.reflect_until)
    assert later.pk != first.pk and later.answers.count() == 2


def _race(*jobs: Callable[[], Any]) -> list[object]:
    """Run the jobs at once; each result is its return value or the refusal it met (a busy
    SQLite database is retried, as a person would tap again)."""
    start = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def work(i: int, job: Callable[[], Any]) -> None:
        try:
            start.wait()
            for _attempt in range(300):
                try:
                    results[i] = job()
                    break
                except OperationalError as error:
                    if not database_busy(error):
                        raise
                    time.sleep(0.01)
        except BaseException as error:  # noqa: BLE001 - reported to the test
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_tabs_saying_yes_and_no_at_once_leave_one_answer(world, run):
    change = changes.propose(world.dario, run.pk, beat(ALONE))
    results = _race(
        lambda: changes.answer(world.mara, run.pk, change.pk, "yes"),
        lambda: changes.answer(world.mara, run.pk, change.pk, "no"),
    )
    stood = ChangeAnswer.objects.get(change=change).answer
    assert stood in ("yes", "no")
    kinds = sorted(type(r).__name__ for r in results)
    assert kinds == ["ChangeAnswer", "Conflict"], results
    refusal = next(r for r in results if isinstance(r, Conflict))
    assert f"You already said {stood}" in refusal.message
    change.refresh_from_db()
    assert (change.approved_at is not None) == (stood == "yes")
    assert len(change_entries()) == (1 if stood == "yes" else 0)


@pytest.mark.django_db(transaction=True)
def test_the_last_two_yeses_at_once_approve_once(world, run):
    change = changes.propose(world.dario, run.pk, beat(SLAP))
    results = _race(
        lambda: changes.answer(world.mara, run.pk, change.pk, "yes"),
        lambda: changes.answer(world.jonas, run.pk, change.pk, "yes"),
    )
    assert all(isinstance(r, ChangeAnswer) for r in results), results
    change.refresh_from_db()
    assert change.approved_at is not None
    assert [e["outcome"] for e in change_entries()] == ["approved"]
    lines = TimelineEntry.objects.filter(text__startswith="Change approved")
    assert lines.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_tabs_proposing_at_once_make_one_request(world, run):
    results = _race(
        lambda: changes.propose(world.dario, run.pk, beat(SLAP)),
        lambda: changes.propose(world.dario, run.pk, beat(SLAP)),
    )
    assert all(isinstance(r, ChangeRequest) for r in results), results
    assert ChangeRequest.objects.count() == 1
    assert ChangeAnswer.objects.count() == 2


# --- late answers, closed scenes --------------------------------------------------------------


def test_an_answer_after_the_period_is_refused_in_words_everywhere(world, run, client_as):
    long_ago = timezone.now() - timedelta(minutes=30)
    change = changes.propose(world.dario, run.pk, beat(ALONE), now=long_ago)
    mara = client_as("mara")
    for said in ("yes", "no"):
        answered = post(mara, f"{api(world, run)}/prompts/{change.pk}", {"answer": said})
        assert answered.status_code == 409
        assert answered.json()["detail"] == changes.TOO_LATE
    assert ChangeAnswer.objects.get(change=change).answer == ""
    [prompt] = mara.get(f"{api(world, run)}/prompts").json()
    assert prompt["open"] is False and prompt["answer"] == ""


def test_a_closed_scene_takes_no_answer_and_no_proposal(world, run, client_as):
    change = changes.propose(world.dario, run.pk, beat(ALONE))
    Run.objects.filter(pk=run.pk).update(state=Run.State.CLOSED)
    mara, dario = client_as("mara"), client_as("dario")
    page = mara.post(f"/onset/runs/{run.pk}/changes/{change.pk}/answer/", {"answer": "yes"})
    assert page.status_code == 400 and "is closed" in page.content.decode()
    answered = post(mara, f"{api(world, run)}/prompts/{change.pk}", {"answer": "yes"})
    assert answered.status_code == 409 and "is closed" in answered.json()["detail"]
    proposed = post(dario, f"{api(world, run)}/changes", SLAP)
    assert proposed.status_code == 409 and proposed.json()["detail"] == changes.CLOSED
    form = dario.post(f"/onset/runs/{run.pk}/director/", {"act": "slap", "by": "B", "to": "A"})
    assert form.status_code == 400 and changes.CLOSED in form.content.decode().replace(
        "&#x27;", "'"
    )
    assert ChangeAnswer.objects.get(change=change).answer == ""
    assert ChangeRequest.objects.count() == 1


# --- outsiders ----------------------------------------------------------------------------------


def test_no_one_outside_the_prompt_answers_or_learns_of_it(world, run, client_as):
    change = changes.propose(world.dario, run.pk, beat(ALONE))  # Mara alone is asked
    missing = post(
        client_as("mara"), f"{api(world, run)}/prompts/{change.pk + 1000}", {"answer": "no"}
    )
    for name in ("jonas", "oscar", "ines", "dario", "petra", "cora"):
        refused = post(client_as(name), f"{api(world, run)}/prompts/{change.pk}", {"answer": "no"})
        assert refused.status_code == 404, name
        # Jonas is in the run: "no such change", the same as for one that does not exist.
        if name == "jonas":
            assert refused.json() == missing.json()
        page = client_as(name).post(
            f"/onset/runs/{run.pk}/changes/{change.pk}/answer/", {"answer": "no"}
        )
        assert page.status_code == 404, name
    # Another production's path finds nothing, even for Mara.
    other = f"/api/v1/onset/{world.other_production.pk}/runs/{run.pk}"
    assert (
        post(client_as("mara"), f"{other}/prompts/{change.pk}", {"answer": "no"}).status_code == 404
    )
    assert ChangeAnswer.objects.get(change=change).answer == ""
    for pk in (0, -1, 2**63, 10**30):
        with pytest.raises(NotFound):
            changes.answer(world.mara, run.pk, pk, "no")


# --- odd and huge input -------------------------------------------------------------------------

ODD_CHANGES = {
    "a megabyte of act": {**SLAP, "act": "x" * 1_000_000},
    "a long beat id": {**SLAP, "beat_id": "b" * 500_000},
    "a role named a hundred thousand times": {**SLAP, "to": ["A"] * 100_000},
    "a NUL in the zone": {**SLAP, "zone": "butt\u0000ocks"},
    "a NUL in instead of": {**SLAP, "replaces": "b1\u0000"},
    "a right-to-left mark": {**SLAP, "act": "slap\u202e"},
    "a full-width role": {**SLAP, "by": "\uff22"},
    "to as one string": {**SLAP, "to": "A"},
    "to as numbers": {**SLAP, "to": [1]},
    "to nested": {**SLAP, "to": [["A"]]},
    "a null act": {**SLAP, "act": None},
    "a list of changes": [SLAP],
    "herself": {**SLAP, "by": "A", "to": ["A"]},
    "a role twice": {**SLAP, "to": ["A", "A"]},
    "not JSON": "act=slap",
    "JSON nested a hundred thousand deep": '{"act": "slap", "by": "B", "to": '
    + "[" * 100_000
    + "]" * 100_000
    + "}",
}


@pytest.mark.parametrize("body", list(ODD_CHANGES.values()), ids=list(ODD_CHANGES))
def test_odd_proposals_are_refused_in_words_and_store_nothing(world, run, client_as, body):
    response = post(client_as("dario"), f"{api(world, run)}/changes", body)
    assert response.status_code in (400, 422)
    data = response.json()
    assert data["detail"] and len(response.content) < 2_000
    assert not ChangeRequest.objects.exists()


ODD_ANSWERS = {
    "a number": {"answer": 1},
    "a list": {"answer": ["yes"]},
    "shouted": {"answer": "YES"},
    "a NUL": {"answer": "yes\u0000"},
    "nothing": {},
    "a megabyte": {"answer": "y" * 1_000_000},
    "nested deep": '{"answer": ' + "[" * 200_000 + "]" * 200_000 + "}",
}


@pytest.mark.parametrize("body", list(ODD_ANSWERS.values()), ids=list(ODD_ANSWERS))
def test_odd_answers_are_refused_in_words(world, run, client_as, body):
    change = changes.propose(world.dario, run.pk, beat(ALONE))
    response = post(client_as("mara"), f"{api(world, run)}/prompts/{change.pk}", body)
    assert response.status_code in (400, 413, 422)
    assert response.json()["detail"] and len(response.content) < 2_000
    assert ChangeAnswer.objects.get(change=change).answer == ""


def test_an_ambiguous_form_answer_is_refused_not_guessed(world, run, client_as):
    """Two values for one answer (a tampered form): neither yes nor no is taken for her."""
    change = changes.propose(world.dario, run.pk, beat(ALONE))
    mara = client_as("mara")
    for body in (
        {"answer": ["yes", "no"]},
        {"answer": ["no", "yes"]},
        {},
        {"answer": "y" * 100_000},
    ):
        response = mara.post(f"/onset/runs/{run.pk}/changes/{change.pk}/answer/", body)
        assert response.status_code == 400
        assert "Answer yes or no." in response.content.decode()
    assert ChangeAnswer.objects.get(change=change).answer == ""


def test_odd_director_forms_are_refused_in_words(world, run, client_as):
    dario = client_as("dario")
    url = f"/onset/runs/{run.pk}/director/"
    for body in (
        {"act": "x" * 900_000, "by": "B", "to": "A"},
        {"act": "slap", "by": "B\x00", "to": "A"},
        {"act": "slap", "by": "B", "to": ["A", "A"], "zone": "buttocks"},
        {"act": "slap", "by": "B", "to": "A", "zone": "buttocks", "replaces": "b1" * 1000},
        {"act": "slap", "by": "B", "to": "A", "zone": "buttocks", "beat_id": "b1"},
    ):
        response = dario.post(url, body)
        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()
        assert len(response.content) < 40_000
    assert not ChangeRequest.objects.exists()


# --- bisecting by variants -----------------------------------------------------------------


def test_a_flood_of_variants_waits_for_answers(world, run, client_as):
    """Variants asked one after another (each intensity, each zone) to corner a performer, or
    to narrow down who says no: only a few wait at once; what waits is all he reads anyway."""
    now = timezone.now()
    variants = [
        {**SLAP, "intensity": intensity, "zone": zone}
        for zone in ("buttocks", "thighs")
        for intensity in ("light", "medium", "hard")
    ]
    made = []
    with pytest.raises(Conflict, match="waiting for answers") as refused:
        for data in variants:
            made.append(changes.propose(world.dario, run.pk, beat(data), now=now))
    assert len(made) == changes.MAX_WAITING
    assert ChangeRequest.objects.count() == changes.MAX_WAITING
    # The same beat again is still the one waiting, not a refusal.
    assert changes.propose(world.dario, run.pk, beat(variants[0]), now=now).pk == made[0].pk
    # Once the periods are over he may ask again.
    later = made[0].reflect_until
    assert changes.propose(world.dario, run.pk, beat(variants[-1]), now=later).pk
    # On his page and through the API, in words.
    assert refused.value.message == changes.TOO_MANY
    dario = client_as("dario")
    response = post(dario, f"{api(world, run)}/changes", ALONE)
    assert response.status_code == 409 and response.json()["detail"] == changes.TOO_MANY
    form = {"act": "nudity-implied", "by": "A"}
    page = dario.post(f"/onset/runs/{run.pk}/director/", form)
    assert page.status_code == 400
    assert "changes are waiting for answers in this scene" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_screens_settling_at_once_log_the_end_once(world, run):
    change = changes.propose(world.dario, run.pk, beat(SLAP))
    changes.answer(world.mara, run.pk, change.pk, "no")
    ended = change.reflect_until
    results = _race(
        lambda: changes.changes_of(run, ended),
        lambda: changes.changes_of(run, ended),
    )
    assert all(isinstance(r, list) for r in results), results
    assert [e["outcome"] for e in change_entries()] == ["not-approved"]
    assert TimelineEntry.objects.filter(kind=f"change-end-{change.pk}").count() == 1


# --- the id sequence ------------------------------------------------------------------------


def test_the_director_reads_no_database_id(world, run, client_as):
    """Change ids are counted across every production: reading his own change's id between
    two proposals told the director how many were asked elsewhere meanwhile. He gets each
    change's number in the scene instead (he acts on none of them by id)."""
    elsewhere = changes.propose(world.dario, run.pk, beat(ALONE))
    ChangeRequest.objects.filter(pk=elsewhere.pk).delete()  # as if asked in another production
    dario = client_as("dario")
    made = post(dario, f"{api(world, run)}/changes", SLAP).json()
    assert "id" not in made and made["number"] == 1
    listed = dario.get(f"{api(world, run)}/changes").json()["changes"]
    assert [c["number"] for c in listed] == [1]


def test_a_closed_scene_offers_no_yes_or_no_buttons(world, run, client_as):
    """Buttons that can only answer "closed" would tell her that her answer still counts."""
    change = changes.propose(world.dario, run.pk, beat(ALONE))
    Run.objects.filter(pk=run.pk).update(state=Run.State.CLOSED)
    run.refresh_from_db()
    [prompt] = changes.prompts_for(world.mara, run)
    assert prompt.open is False
    mara = client_as("mara")
    partial = mara.get(f"/onset/runs/{run.pk}/changes/phone/").content.decode()
    assert f"/changes/{change.pk}/answer/" not in partial
    assert "The scene was closed, so this was not done" in partial
    [listed] = mara.get(f"{api(world, run)}/prompts").json()
    assert listed["open"] is False


def test_a_refused_tap_from_the_phone_page_shows_its_words(world, run, client_as):
    """The phone answers through HTMX, which swaps nothing on a 4xx: a late or second answer
    left her tapping a button that did nothing. The partial comes back as a page part."""
    long_ago = timezone.now() - timedelta(minutes=30)
    change = changes.propose(world.dario, run.pk, beat(ALONE), now=long_ago)
    response = client_as("mara").post(
        f"/onset/runs/{run.pk}/changes/{change.pk}/answer/",
        {"answer": "yes"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode().replace("&#x27;", "'")
    assert 'id="phone-changes"' in body and changes.TOO_LATE in body


def test_a_refused_answer_without_javascript_gets_her_whole_phone_page(world, run, client_as):
    """A plain form post lands on a page, not on a bare fragment without PAUSE and STOP."""
    long_ago = timezone.now() - timedelta(minutes=30)
    change = changes.propose(world.dario, run.pk, beat(ALONE), now=long_ago)
    response = client_as("mara").post(
        f"/onset/runs/{run.pk}/changes/{change.pk}/answer/", {"answer": "yes"}
    )
    assert response.status_code == 400
    body = response.content.decode().replace("&#x27;", "'")
    assert '<main id="main"' in body and changes.TOO_LATE in body
    assert 'id="phone-changes"' in body
