"""Change requests on the day, the blind no (docs/shootday.md): the rules, the director's page,
the console and the phone, and the byte-identity of everything the director reads."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from closedset.conftest import without_tokens
from closedset.lib.errors import Conflict, InvalidInput, NotFound
from closedset.onset import changes, services
from closedset.onset.models import ChangeAnswer, ChangeRequest, Run, TimelineEntry
from closedset.onset.tests.helpers import started_with_profiles
from closedset.plans.services import BeatInput
from closedset.record.models import LogEntry

pytestmark = pytest.mark.django_db

# Jonas (B) slaps Mara's (A) buttocks: both are in it, and nobody's profile forbids it.
SLAP = {"act": "slap", "by": "B", "to": ["A"], "zone": "buttocks"}
# The unplanned slap: Mara's hard limit.
FACE = {"act": "slap", "by": "B", "to": ["A"], "zone": "face"}
# Mara alone: implied nudity.
ALONE = {"act": "nudity-implied", "by": "A"}


@pytest.fixture
def run(world: Any) -> Run:
    return started_with_profiles(world)


def beat(data: dict[str, Any]) -> BeatInput:
    return BeatInput(
        act=data["act"],
        by=data["by"],
        to=list(data.get("to", [])),
        zone=data.get("zone", ""),
        intensity=data.get("intensity", "light"),
        barrier=data.get("barrier", "none"),
    )


def change_entries() -> list[dict[str, Any]]:
    found = [json.loads(bytes(e.data)) for e in LogEntry.objects.order_by("index")]
    return [e for e in found if e["type"] == "change"]


def period(run: Run) -> timedelta:
    return services.reflection_period(run.scene.production)


# --- the rules ------------------------------------------------------------------------------


def test_everyone_in_the_beat_is_asked_and_all_yes_approves(world, run):
    now = timezone.now()
    change = changes.propose(world.dario, run.pk, beat(SLAP), now=now)
    assert change.checked == ChangeRequest.Check.ASKED
    assert change.reflect_until == now + timedelta(minutes=10)
    assert {a.performer for a in change.answers.all()} == {world.mara, world.jonas}
    assert changes.outcome(change, now) == "waiting"

    changes.answer(world.mara, run.pk, change.pk, "yes", now=now + timedelta(minutes=1))
    change.refresh_from_db()
    assert changes.outcome(change, now + timedelta(minutes=1)) == "waiting"
    changes.answer(world.jonas, run.pk, change.pk, "yes", now=now + timedelta(minutes=2))
    change.refresh_from_db()
    # Approved shows at once, before the period ends.
    assert changes.outcome(change, now + timedelta(minutes=2)) == "approved"
    [entry] = change_entries()
    assert entry["outcome"] == "approved" and entry["change"] == change.pk
    assert entry["run"] == run.pk and entry["scene"] == world.scene.pk
    assert len(entry["people"]) == 2


def test_a_no_shows_only_when_the_period_ends(world, run):
    now = timezone.now()
    change = changes.propose(world.dario, run.pk, beat(SLAP), now=now)
    changes.answer(world.mara, run.pk, change.pk, "no", now=now + timedelta(seconds=5))
    changes.answer(world.jonas, run.pk, change.pk, "yes", now=now + timedelta(seconds=6))
    change.refresh_from_db()
    just_before = change.reflect_until - timedelta(seconds=1)
    assert [c.outcome for c in changes.changes_of(run, just_before)] == ["waiting"]
    assert change_entries() == []
    assert [c.outcome for c in changes.changes_of(run, change.reflect_until)] == ["not approved"]
    [entry] = change_entries()
    assert entry["outcome"] == "not-approved"
    # Written once, however many screens read it afterwards.
    changes.changes_of(run, change.reflect_until + timedelta(minutes=1))
    assert len(change_entries()) == 1


def test_a_beat_over_a_hard_limit_is_refused_without_asking_anyone(world, run):
    now = timezone.now()
    change = changes.propose(world.dario, run.pk, beat(FACE), now=now)
    assert change.checked == ChangeRequest.Check.REFUSED
    assert not change.answers.exists()
    assert changes.prompts_for(world.mara, run, now) == []
    # It reads exactly as a decline does: "waiting", then "not approved" when the period ends.
    assert changes.outcome(change, now) == "waiting"
    assert changes.outcome(change, change.reflect_until) == "not approved"
    # Recorded when the period ends, as a decline is: the public log's size tells nothing.
    assert change_entries() == []
    changes.changes_of(run, change.reflect_until)
    [entry] = change_entries()
    assert entry["outcome"] == "refused"


def test_someone_who_said_no_is_not_asked_the_same_again_that_day(world, run):
    now = timezone.now()
    first = changes.propose(world.dario, run.pk, beat(SLAP), now=now)
    changes.answer(world.jonas, run.pk, first.pk, "no", now=now)
    # Asked again once the first is over (while it waits, asking again is the same request).
    again = changes.propose(world.dario, run.pk, beat(SLAP), now=first.reflect_until)
    assert again.fingerprint == first.fingerprint
    assert not again.answers.exists()
    assert [p.open for p in changes.prompts_for(world.mara, run, now)] == [True]
    assert changes.outcome(again, again.reflect_until) == "not approved"
    # Something else is asked as usual.
    other = changes.propose(world.dario, run.pk, beat(ALONE), now=now)
    assert other.answers.count() == 1


def test_the_prompt_is_in_her_words_and_warns_when_she_is_alone(world, run):
    now = timezone.now()
    changes.propose(world.dario, run.pk, beat(SLAP), now=now)
    changes.propose(world.dario, run.pk, beat(ALONE), now=now)
    both, alone = changes.prompts_for(world.mara, run, now)
    assert both.words == "Jonas slaps your buttocks, lightly"
    assert (both.alone, alone.alone) == (False, True)
    assert both.minutes == 10 and both.open
    [jonas] = changes.prompts_for(world.jonas, run, now)
    assert jonas.words == "You slap Mara's buttocks, lightly"


def test_answers_are_checked(world, run):
    now = timezone.now()
    change = changes.propose(world.dario, run.pk, beat(ALONE), now=now)
    with pytest.raises(InvalidInput):
        changes.answer(world.mara, run.pk, change.pk, "maybe", now=now)
    # Jonas was not asked: the same "not found" as a change that does not exist.
    for who, pk in ((world.jonas, change.pk), (world.mara, change.pk + 99)):
        with pytest.raises(NotFound):
            changes.answer(who, run.pk, pk, "yes", now=now)
    changes.answer(world.mara, run.pk, change.pk, "no", now=now)
    changes.answer(world.mara, run.pk, change.pk, "no", now=now)  # a double tap: nothing new
    with pytest.raises(Conflict, match="already said no"):
        changes.answer(world.mara, run.pk, change.pk, "yes", now=now)
    late = changes.propose(world.dario, run.pk, beat(SLAP), now=now)
    with pytest.raises(Conflict, match="time to answer"):
        changes.answer(world.mara, run.pk, late.pk, "yes", now=late.reflect_until)


def test_a_proposal_is_validated_as_a_plan_beat(world, run):
    for data, field in (
        ({"act": "", "by": "B", "to": ["A"]}, "act"),
        ({"act": "slap", "by": "B", "to": ["A"], "zone": "mouth"}, "zone"),
        ({"act": "slap", "by": "C", "to": ["A"], "zone": "face"}, "by"),
    ):
        with pytest.raises(InvalidInput) as refused:
            changes.propose(world.dario, run.pk, beat(data))
        assert field in refused.value.fields
    with pytest.raises(InvalidInput, match="not in the plan"):
        changes.propose(world.dario, run.pk, beat(SLAP), replaces="b9")
    assert not ChangeRequest.objects.exists()
    changed = changes.propose(world.dario, run.pk, beat(SLAP), replaces="b1")
    assert changed.beat["id"] == "b1" and changed.replaces == "b1"


def test_only_a_director_proposes(world, run):
    for name in ("ines", "mara", "petra", "cora", "oscar"):
        with pytest.raises(NotFound):
            changes.propose(world.users[name], run.pk, beat(SLAP))


def test_the_director_word_is_continue_or_on_hold(world, run):
    assert changes.director_word(run) == "continue"
    services.send(world.mara, run.pk, "pause", "k-change-pause")
    run.refresh_from_db()
    assert changes.director_word(run) == "on hold"


# --- the pages ------------------------------------------------------------------------------


def director_url(run: Run) -> str:
    return f"/onset/runs/{run.pk}/director/"


def test_the_director_proposes_on_his_page(world, run, client_as):
    dario = client_as("dario")
    page = dario.get(director_url(run)).content.decode()
    assert "continue" in page and "Ask the performers" in page
    response = dario.post(
        director_url(run),
        {"act": "slap", "by": "B", "to": "A", "zone": "buttocks", "intensity": "light"},
    )
    assert response.status_code == 302
    page = dario.get(director_url(run)).content.decode()
    assert "Jonas slaps Mara&#x27;s buttocks, lightly" in page
    assert '<strong class="onset-outcome">waiting</strong>' in page
    bad = dario.post(director_url(run), {"act": "slap", "by": "B", "to": "A", "zone": "mouth"})
    assert bad.status_code == 400
    assert "does not apply to slap" in bad.content.decode()
    assert ChangeRequest.objects.count() == 1


def test_others_get_the_same_not_found_as_no_run(world, run, client_as):
    missing = client_as("dario").get(f"/onset/runs/{run.pk + 99}/director/")
    assert missing.status_code == 404
    for name in ("ines", "mara", "petra", "oscar"):
        response = client_as(name).get(director_url(run))
        assert response.status_code == 404
        # The page around it names who is logged in; what it says is the same.
        assert main(response.content) == main(missing.content)


def main(page: bytes) -> bytes:
    return page.split(b'<main id="main"')[1].split(b"</main>")[0]


def test_her_phone_asks_and_her_answer_lands_back_there(world, run, client_as):
    change = changes.propose(world.dario, run.pk, beat(ALONE))
    mara = client_as("mara")
    phone = mara.get(f"/onset/runs/{run.pk}/").content.decode()
    assert "The director asks for a change" in phone
    assert "the director may guess that a no came from you" in phone
    assert f"/changes/{change.pk}/answer/" in phone
    response = mara.post(f"/onset/runs/{run.pk}/changes/{change.pk}/answer/", {"answer": "no"})
    assert response["Location"] == f"/onset/runs/{run.pk}/"
    assert ChangeAnswer.objects.get(performer=world.mara).answer == "no"
    partial = mara.get(f"/onset/runs/{run.pk}/changes/phone/").content.decode()
    assert "You said <strong>no</strong>" in partial
    # Jonas is not asked, and sees nothing of it.
    jonas = client_as("jonas").get(f"/onset/runs/{run.pk}/changes/phone/").content.decode()
    assert "<article" not in jonas


def test_a_late_answer_is_refused_in_plain_words(world, run, client_as):
    now = timezone.now() - timedelta(minutes=20)
    change = changes.propose(world.dario, run.pk, beat(ALONE), now=now)
    response = client_as("mara").post(
        f"/onset/runs/{run.pk}/changes/{change.pk}/answer/", {"answer": "yes"}
    )
    assert response.status_code == 400
    assert "The time to answer this change has passed" in response.content.decode()


def test_the_console_shows_three_words_and_never_who(world, run, client_as):
    now = timezone.now()
    asked = changes.propose(world.dario, run.pk, beat(SLAP), now=now)
    changes.answer(world.mara, run.pk, asked.pk, "yes", now=now)
    changes.answer(world.jonas, run.pk, asked.pk, "yes", now=now)
    declined = changes.propose(world.dario, run.pk, beat(ALONE), now=now - timedelta(minutes=11))
    changes.answer(
        world.mara, run.pk, declined.pk, "no", now=now - timedelta(minutes=10, seconds=30)
    )
    console = client_as("ines").get(f"/onset/runs/{run.pk}/console/").content.decode()
    section = console.split('id="console-changes"')[1].split("</section>")[0]
    assert "approved — add it to the plan" in section
    assert "not approved" in section
    assert "said" not in section and "declined" not in section
    timeline = " ".join(TimelineEntry.objects.values_list("text", flat=True))
    assert "Change not approved" in timeline and "said no" not in timeline


# --- byte-identity --------------------------------------------------------------------------

# Every way of saying no: (who says what, seconds after the proposal); absent = no answer.
WAYS_OF_SAYING_NO = {
    "mara no": [("mara", "no", 30), ("jonas", "yes", 40)],
    "jonas no": [("jonas", "no", 30), ("mara", "yes", 40)],
    "both no": [("mara", "no", 30), ("jonas", "no", 31)],
    "no at once": [("jonas", "no", 0)],
    "no at the last minute": [("mara", "yes", 5), ("jonas", "no", 599)],
    "no answer at all": [],
}


def _director_reads(client: Any, world: Any, run: Run) -> list[bytes]:
    """His page, its list and the API's list; then each one's status and headers (an ETag or
    Last-Modified would tell as much as the body; the length follows the body, whose one id
    may differ by a digit on a database whose sequences survive a rollback)."""
    api = f"/api/v1/onset/{world.production.pk}/runs/{run.pk}/changes"
    responses = [
        client.get(director_url(run)),
        client.get(f"/onset/runs/{run.pk}/director/changes/"),
        client.get(api),
    ]
    heads = [
        json.dumps(
            [r.status_code, sorted((k, v) for k, v in r.headers.items() if k != "Content-Length")]
        ).encode()
        for r in responses
    ]
    return [without_tokens(r.content.decode()).encode() for r in responses] + heads


def test_the_director_reads_the_same_bytes_whoever_declined_and_when(world, run, client_as):
    dario = client_as("dario")
    # The proposal is made 10 minutes and 1 second ago: its period is over now.
    proposed = timezone.now().replace(microsecond=0) - period(run) - timedelta(seconds=1)
    seen: dict[str, list[bytes]] = {}
    for way, answers in WAYS_OF_SAYING_NO.items():
        with transaction.atomic():
            change = changes.propose(world.dario, run.pk, beat(SLAP), now=proposed)
            for name, said, after in answers:
                changes.answer(
                    world.users[name],
                    run.pk,
                    change.pk,
                    said,
                    now=proposed + timedelta(seconds=after),
                )
            # No database id reaches him (a database whose sequences survive a rollback would
            # give each way its own): the API numbers his changes within the scene.
            seen[way] = _director_reads(dario, world, run)
            transaction.set_rollback(True)
    first = seen["mara no"]
    assert b"not approved" in first[0] and b"not approved" in first[2]
    assert b'"number": 1,' in first[2]
    for way, reads in seen.items():
        assert reads == first, way


def test_before_the_period_ends_a_no_and_no_answer_read_the_same(world, run, client_as):
    dario = client_as("dario")
    proposed = timezone.now().replace(microsecond=0)
    seen = []
    for answers in ([("mara", "no", 0)], [], [("jonas", "no", 1), ("mara", "no", 2)]):
        with transaction.atomic():
            change = changes.propose(world.dario, run.pk, beat(SLAP), now=proposed)
            for name, said, after in answers:
                changes.answer(
                    world.users[name],
                    run.pk,
                    change.pk,
                    said,
                    now=proposed + timedelta(seconds=after),
                )
            seen.append(_director_reads(dario, world, run))
            transaction.set_rollback(True)
    assert b"waiting" in seen[0][0]
    assert seen[0] == seen[1] == seen[2]


# --- into the plan --------------------------------------------------------------------------


def approved(world: Any, run: Run, data: dict[str, Any] = SLAP) -> ChangeRequest:
    change = changes.propose(world.dario, run.pk, beat(data))
    for who in (world.mara, world.jonas):
        if change.answers.filter(performer=who).exists():
            changes.answer(who, run.pk, change.pk, "yes")
    change.refresh_from_db()
    return change


def test_an_approved_change_becomes_a_late_final_version(world, run, client_as):
    from closedset.consent.models import ConsentRequest

    change = approved(world, run)
    ines = client_as("ines")
    console = ines.get(f"/onset/runs/{run.pk}/console/").content.decode()
    assert "approved — add it to the plan" in console and "Add it to the plan" in console
    response = ines.post(f"/onset/runs/{run.pk}/changes/{change.pk}/plan/")
    assert response["Location"] == f"/onset/runs/{run.pk}/console/"
    change.refresh_from_db()
    final = change.applied_final
    assert final is not None and final.late
    assert final.plan_version.number == 2
    assert [b["id"] for b in final.plan_version.data["beats"]] == ["b1", "b2"]
    assert final.plan_version.data["beats"][1]["zone"] == "buttocks"
    # Each performer is asked to sign the new beat; the kiss they consented to carries over.
    for who in (world.mara, world.jonas):
        request = ConsentRequest.objects.get(final=final, performer=who)
        assert set(request.decisions.values_list("beat_id", flat=True)) == {"b1"}
    kinds = [json.loads(bytes(e.data))["type"] for e in LogEntry.objects.order_by("index")]
    assert kinds[-1] == "plan-final"
    # Again: nothing new.
    ines.post(f"/onset/runs/{run.pk}/changes/{change.pk}/plan/")
    assert ConsentRequest.objects.filter(final=final).count() == 2
    console = ines.get(f"/onset/runs/{run.pk}/console/").content.decode()
    assert "in the plan as version 2" in console


def test_only_an_approved_change_goes_into_the_plan(world, run, client_as):
    change = changes.propose(world.dario, run.pk, beat(SLAP))
    with pytest.raises(Conflict, match="said yes"):
        changes.add_to_plan(world.ines, run.pk, change.pk)
    for name in ("dario", "mara", "petra"):
        with pytest.raises(NotFound):
            changes.add_to_plan(world.users[name], run.pk, change.pk)
    response = client_as("ines").post(
        f"/onset/runs/{run.pk}/changes/{change.pk}/plan/", follow=True
    )
    assert "Only a change every performer in it said yes to" in response.content.decode()


def test_a_plan_that_moved_on_is_left_to_the_coordinator(world, run):
    from closedset.plans import services as plans

    change = approved(world, run)
    ids = (world.production.pk, world.scene.pk)
    plans.add_beat(world.ines, *ids, beat({"act": "kiss", "by": "B", "to": ["A"], "zone": "mouth"}))
    with pytest.raises(Conflict, match="plan editor"):
        changes.add_to_plan(world.ines, run.pk, change.pk)
    change.refresh_from_db()
    assert change.applied_final is None
