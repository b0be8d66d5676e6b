"""Closing a scene: the checklist, debrief and aftercare notes, anonymous feedback shown only
in aggregate, the coordinator's report as a PDF, and the producer's screen of the day."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from closedset.compliance import services as compliance
from closedset.compliance.tests.helpers import ready_scene
from closedset.lib import crypto
from closedset.lib.errors import Conflict, InvalidInput, NotFound
from closedset.onset import closure, services
from closedset.onset.models import (
    AftercareNote,
    Closure,
    Feedback,
    FeedbackGiven,
    Incident,
    Run,
    Signal,
    TimelineEntry,
)
from closedset.record.models import LogEntry

pytestmark = pytest.mark.django_db

ALL_DONE = [key for key, _ in closure.CHECKLIST]
AFTERCARE = "Drink water, and call me tonight if anything comes back."
DEBRIEF = "Mara asked for a longer break after beat two; the robe came late."


@pytest.fixture
def run(world: Any) -> Run:
    """Scene 12B, consented, cleared, scheduled and started today by Ines."""
    ready_scene(world)
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
    return services.start(world.ines, world.scene)


def close_run(world: Any, run: Run, **notes: str) -> Run:
    closure.save(world.ines, run.pk, done=ALL_DONE, debrief=DEBRIEF, aftercare=notes)
    closure.close(world.ines, run.pk)
    run.refresh_from_db()
    return run


def answer(world: Any, run: Run, who: str, score: int = 4, comment: str = "", now: Any = None):
    closure.give_feedback(
        world.users[who],
        run.pk,
        safety=score,
        respect=score,
        comfort=score,
        comment=comment,
        now=now,
    )


def pdf_text(pdf: bytes) -> str:
    """The text of a WeasyPrint PDF: each font's ToUnicode map applied to the hex strings
    its pages show (enough for our own documents; no PDF library is needed)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    lines = []
    for page_number in range(len(reader.root["/Pages"]["/Kids"])):
        page, _ = reader.find_page_for_modification(page_number)
        page = page.get_object()
        fonts = page["/Resources"].get_object()["/Font"].get_object()
        maps = {str(name): _to_unicode(fonts[name]) for name in fonts}
        contents = page.raw_get("/Contents").get_object()
        streams = contents if isinstance(contents, list) else [contents]
        for stream in streams:
            data = stream.get_object().data.decode("latin-1")
            font: dict[int, str] = {}
            for token in re.finditer(
                r"/(\S+)\s+[\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj", data, re.S
            ):
                if token.group(1):
                    font = maps.get("/" + token.group(1), {})
                    continue
                hexes = re.findall(r"<([0-9a-fA-F]*)>", token.group(2) or "") or [token.group(3)]
                text = ""
                for h in hexes:
                    text += "".join(
                        font.get(int(h[i : i + 4], 16), "") for i in range(0, len(h), 4)
                    )
                lines.append(text)
    return " ".join(" ".join(lines).split())


def _to_unicode(font: Any) -> dict[int, str]:
    font = font.get_object()
    if "/ToUnicode" not in font:
        return {}
    cmap = font["/ToUnicode"].get_object().data.decode("latin-1")
    found: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            found[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                found[code] = chr(start + offset)
    return found


# --- the closing checklist, debrief and aftercare --------------------------------------------


def test_notes_are_sealed_for_their_readers(world, run):
    closure.save(
        world.ines, run.pk, done=["dressed"], debrief=DEBRIEF, aftercare={"mara": AFTERCARE}
    )
    row = Closure.objects.get(run=run)
    assert DEBRIEF.encode() not in bytes(row.debrief)
    page = closure.closure_page(world.ines, run.pk)
    assert page.debrief == DEBRIEF
    assert [i.key for i in page.items if i.done] == ["dressed"]
    note = AftercareNote.objects.get(run=run)
    assert AFTERCARE.encode() not in bytes(note.note)
    # The note is Mara's: it opens for her alone, not for the coordinator who wrote it.
    with pytest.raises(crypto.CryptoError):
        crypto.unseal_text(world.ines, bytes(note.note), f"onset.aftercare:{run.pk}")
    assert closure.my_aftercare(world.mara, run) == AFTERCARE
    assert closure.my_aftercare(world.jonas, run) == ""
    mara_line = next(line for line in page.aftercare if line.handle == "mara")
    assert mara_line.exists and mara_line.written_by == "Ines"


def test_writing_an_aftercare_note_again_replaces_it(world, run):
    closure.save(world.ines, run.pk, done=[], aftercare={"mara": "First note."})
    closure.save(world.ines, run.pk, done=[], aftercare={"mara": AFTERCARE, "jonas": ""})
    assert AftercareNote.objects.filter(run=run).count() == 1
    assert closure.my_aftercare(world.mara, run) == AFTERCARE
    # An empty box keeps what there is; the debrief stays unless it is cleared.
    closure.save(world.ines, run.pk, done=[], debrief=DEBRIEF, aftercare={"mara": ""})
    closure.save(world.ines, run.pk, done=[], debrief=None)
    assert closure.my_aftercare(world.mara, run) == AFTERCARE
    assert closure.closure_page(world.ines, run.pk).debrief == DEBRIEF
    closure.save(world.ines, run.pk, done=[], debrief="")
    assert closure.closure_page(world.ines, run.pk).debrief == ""


def test_bad_input_is_refused_in_words(world, run):
    with pytest.raises(InvalidInput, match="reload the page"):
        closure.save(world.ines, run.pk, done=["dancing"])
    with pytest.raises(InvalidInput, match="too long"):
        closure.save(world.ines, run.pk, done=[], debrief="x" * (closure.DEBRIEF_MAX + 1))
    with pytest.raises(InvalidInput, match="cast changed"):
        closure.save(world.ines, run.pk, done=[], aftercare={"oscar": "hello"})


@pytest.mark.parametrize("who", ["mara", "dario", "petra", "cora", "oscar"])
def test_only_the_coordinator_closes(world, run, who):
    user = world.users[who]
    with pytest.raises(NotFound):
        closure.save(user, run.pk, done=ALL_DONE)
    with pytest.raises(NotFound):
        closure.close(user, run.pk)
    with pytest.raises(NotFound):
        closure.report_pdf(user, run.pk)


def test_closing_needs_the_checklist_and_every_signal_seen(world, run):
    closure.save(world.ines, run.pk, done=["dressed", "collected"])
    with pytest.raises(Conflict, match="tick every line") as refused:
        closure.close(world.ines, run.pk)
    assert "set is reopened" in refused.value.message
    closure.save(world.ines, run.pk, done=ALL_DONE)
    signal = services.send(world.mara, run.pk, "pause", "k-closing-pause")
    with pytest.raises(Conflict, match="not been acknowledged"):
        closure.close(world.ines, run.pk)
    services.acknowledge(world.ines, signal.pk)
    closed = closure.close(world.ines, run.pk)
    assert closed.state == Run.State.CLOSED


def test_closing_is_on_the_timeline_and_the_record(world, run):
    entries = LogEntry.objects.count()
    close_run(world, run)
    run.refresh_from_db()
    assert run.state == Run.State.CLOSED
    assert TimelineEntry.objects.filter(run=run, kind="closure").exists()
    import json

    entry = LogEntry.objects.order_by("-index").first()
    assert LogEntry.objects.count() == entries + 1
    data = json.loads(bytes(entry.data))
    assert data["type"] == "closure"
    assert (data["production"], data["scene"], data["run"]) == (
        world.production.pk,
        world.scene.pk,
        run.pk,
    )
    assert data["people"] == []


def test_a_closed_run_takes_no_more_changes(world, run):
    close_run(world, run)
    with pytest.raises(Conflict, match="closed: nothing more can be changed"):
        closure.save(world.ines, run.pk, done=ALL_DONE, aftercare={"mara": "late"})
    with pytest.raises(Conflict):
        closure.close(world.ines, run.pk)
    with pytest.raises(Conflict):
        closure.refuse_if_closed(Run.objects.get(pk=run.pk))
    assert AftercareNote.objects.count() == 0


# --- anonymous feedback ---------------------------------------------------------------------


def test_feedback_opens_when_the_scene_closes_and_is_given_once(world, run):
    with pytest.raises(Conflict, match="opens once"):
        answer(world, run, "mara")
    close_run(world, run)
    answer(world, run, "mara", comment="Felt looked after.")
    with pytest.raises(Conflict, match="already answered"):
        answer(world, run, "mara")
    assert Feedback.objects.count() == 1 and FeedbackGiven.objects.count() == 1


def test_feedback_keeps_no_link_to_the_person(world, run):
    fields = {f.name for f in Feedback._meta.get_fields()}
    assert fields == {"id", "run", "safety", "respect", "comfort", "comment"}
    close_run(world, run)
    answer(world, run, "jonas", comment="ok")
    row = Feedback.objects.get()
    # A random key (version 4), not a time-ordered one that would follow who answered when.
    assert row.id.version == 4


@pytest.mark.parametrize("who", ["petra", "cora", "oscar"])
def test_those_not_on_the_set_are_not_asked(world, run, who):
    close_run(world, run)
    with pytest.raises(NotFound):
        answer(world, run, who)


@pytest.mark.parametrize(
    "field,value,words",
    [("safety", "6", "1 to 5 for safety"), ("comfort", "", "1 to 5 for comfort")],
)
def test_bad_feedback_is_refused_in_words(world, run, field, value, words):
    close_run(world, run)
    scores = {"safety": "3", "respect": "3", "comfort": "3", field: value}
    with pytest.raises(InvalidInput, match=words):
        closure.give_feedback(world.mara, run.pk, **scores)
    with pytest.raises(InvalidInput, match="too long"):
        closure.give_feedback(
            world.mara, run.pk, safety=3, respect=3, comfort=3, comment="x" * 2001
        )
    assert not FeedbackGiven.objects.exists()


def test_the_aggregate_waits_for_three_and_for_feedback_to_be_over(world, run):
    close_run(world, run)
    closed_at = Closure.objects.get(run=run).closed_at
    answer(world, run, "mara", 5, "Clear and calm.")
    answer(world, run, "jonas", 2, "The robe came late.")
    summary = closure.feedback_summary(run, world.ines)
    assert not summary.shown and summary.message.startswith("2 answers so far")
    answer(world, run, "dario", 5)
    # Three answered, but Ines has not: showing now would let the next answer be subtracted.
    assert not closure.feedback_summary(run, world.ines).shown
    later = closed_at + closure.FEEDBACK_OPEN
    summary = closure.feedback_summary(run, world.ines, later)
    assert summary.shown and summary.count == 3
    assert (summary.safety, summary.respect, summary.comfort) == (4.0, 4.0, 4.0)
    assert sorted(summary.comments) == ["Clear and calm.", "The robe came late."]
    # Once shown it never changes: no answer is taken after feedback is over.
    with pytest.raises(Conflict, match="over"):
        answer(world, run, "ines", now=later)


def test_everyone_answering_ends_feedback_but_a_viewer_never_counts_herself(world, run):
    close_run(world, run)
    answer(world, run, "ines", 1)
    answer(world, run, "mara", 3)
    answer(world, run, "jonas", 3)
    # Over for Ines only at the end of the window, and she answered: 2 others are too few.
    later = Closure.objects.get(run=run).closed_at + closure.FEEDBACK_OPEN
    summary = closure.feedback_summary(run, world.ines, later)
    assert not summary.shown and "3 others than you" in summary.message
    answer(world, run, "dario", 5)
    summary = closure.feedback_summary(run, world.ines)
    assert summary.shown and summary.count == 4 and summary.safety == 3.0


def test_comments_come_in_the_order_of_their_random_keys(world, run):
    close_run(world, run)
    for who, text in (("mara", "a"), ("jonas", "b"), ("dario", "c"), ("ines", "d")):
        answer(world, run, who, comment=text)
    summary = closure.feedback_summary(run, world.ines)
    by_key = [f.comment for f in Feedback.objects.order_by("id")]
    assert summary.comments == by_key


# --- the report -----------------------------------------------------------------------------


def test_the_report_is_a_pdf_with_the_day_and_nothing_private(world, run):
    signal = services.send(world.mara, run.pk, "pause", "k-report-pause")
    services.acknowledge(world.ines, signal.pk)
    Incident.objects.create(
        production=world.production,
        scene=world.scene,
        run=run,
        kind=Incident.Kind.DEVIATION,
        act="slap",
        zone="face",
        by_person=world.jonas,
        to_person=world.mara,
    )
    close_run(world, run, mara=AFTERCARE)
    for who in ("mara", "jonas", "dario", "ines"):
        answer(world, run, who, 4, comment=f"Comment {who}-x.")
    pdf = closure.report_pdf(world.ines, run.pk)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for words in (
        "Report of the day: scene 12B",
        "Harbour Lights",
        "Mara kisses Jonas",
        "PAUSE",
        "0 check-ins asked",
        "1 incident: 1 open",
        "Slap",
        "Face",
        "Barriers and modesty garments are collected done",
        "safety 4.0",
        "Comment mara-x.",
    ):
        assert words in text, (words, text)
    for private in (AFTERCARE, DEBRIEF, "green", "yellow"):
        assert private not in text
    # Never who pressed: the only names are in the beats.
    assert text.count("Mara") == text.count("Mara kisses") + text.count("Mara's")


# --- pages ----------------------------------------------------------------------------------


def test_the_console_offers_to_close_the_scene(world, run, client_as):
    page = client_as("ines").get(f"/onset/runs/{run.pk}/console/").content.decode()
    assert "Close the scene" in page and f"/onset/runs/{run.pk}/closure/" in page
    part = client_as("ines").get(f"/onset/runs/{run.pk}/closure/console/").content.decode()
    assert 'id="closure-console"' in part and "every 3s" in part


def test_closing_on_the_page(world, run, client_as):
    ines = client_as("ines")
    url = f"/onset/runs/{run.pk}/closure/"
    assert b"Aftercare note for Mara" in ines.get(url).content
    # Not every line ticked: saved, not closed, and what she typed is all still there.
    response = ines.post(
        url,
        {"done": ["dressed"], "debrief": DEBRIEF, "aftercare-mara": AFTERCARE, "action": "close"},
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "Saved. Not closed yet" in text and DEBRIEF in text
    assert closure.my_aftercare(world.mara, run) == AFTERCARE
    response = ines.post(url, {"done": ALL_DONE, "debrief": DEBRIEF, "action": "close"})
    assert response.status_code == 302 and response["Location"] == url
    page = ines.get(url).content.decode()
    assert "The scene is closed" in page and AFTERCARE not in page
    assert "a note from Ines" in page
    # A closed scene: the form is refused in words, with what was sent kept.
    response = ines.post(url, {"done": ALL_DONE, "debrief": "more", "action": "save"})
    assert (
        response.status_code == 409 and "nothing more can be changed" in response.content.decode()
    )


def test_a_refused_aftercare_note_is_not_lost(world, run, client_as):
    long_note = "y" * (closure.AFTERCARE_MAX + 1)
    response = client_as("ines").post(
        f"/onset/runs/{run.pk}/closure/", {"aftercare-mara": long_note, "action": "save"}
    )
    assert response.status_code == 422
    assert long_note in response.content.decode()


def test_the_phone_waits_then_shows_aftercare_and_the_form(world, run, client_as):
    mara = client_as("mara")
    phone = mara.get(f"/onset/runs/{run.pk}/").content.decode()
    assert f'hx-get="/onset/runs/{run.pk}/closure/phone/"' in phone
    assert "After the scene" not in phone
    close_run(world, run, mara=AFTERCARE)
    part = mara.get(f"/onset/runs/{run.pk}/closure/phone/").content.decode()
    assert AFTERCARE in part and "Did you feel safe?" in part and "hx-get" not in part
    # Jonas sees no note of Mara's.
    assert AFTERCARE not in client_as("jonas").get(f"/onset/runs/{run.pk}/").content.decode()
    response = mara.post(
        f"/onset/runs/{run.pk}/feedback/",
        {"safety": "5", "respect": "4", "comfort": "4", "comment": "Thanks", "from": "phone"},
    )
    assert response["Location"] == f"/onset/runs/{run.pk}/"
    assert "Your answer is in" in mara.get(f"/onset/runs/{run.pk}/").content.decode()


def test_the_feedback_page_keeps_a_refused_answer(world, run, client_as):
    close_run(world, run)
    dario = client_as("dario")
    url = f"/onset/runs/{run.pk}/feedback/"
    assert "Did you feel safe?" in dario.get(url).content.decode()
    response = dario.post(url, {"safety": "4", "respect": "9", "comment": "Kept words"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "1 to 5 for respect" in text and "Kept words" in text
    assert 'value="4" required checked' in text
    assert dario.post(url, {"safety": "4", "respect": "4", "comfort": "4"})["Location"] == url
    assert "Your answer is in" in dario.get(url).content.decode()


def test_the_report_page_is_a_pdf_for_the_coordinator(world, run, client_as):
    response = client_as("ines").get(f"/onset/runs/{run.pk}/report/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    assert "Not closed yet" in pdf_text(response.content)


# --- the producer's screen -------------------------------------------------------------------


def test_the_producer_sees_states_escalations_and_counts_never_who(world, run, client_as):
    signal = services.send(world.mara, run.pk, "pause", "k-producer-pause")
    Signal.objects.filter(pk=signal.pk).update(stored_at=timezone.now() - timedelta(minutes=1))
    signal.refresh_from_db()
    Incident.objects.create(
        production=world.production,
        run=run,
        kind=Incident.Kind.REPORT,
        reporter=world.jonas,
    )
    petra = client_as("petra")
    page = petra.get(f"/onset/{world.production.pk}/today/").content.decode()
    when = timezone.localtime(signal.stored_at).strftime("%H:%M:%S")
    assert f"PAUSE in scene 12B at {when} not yet seen" in page, page
    assert "on hold" in page and "1 open" in page
    for name in ("Mara", "Jonas", "Ines", "Dario"):
        assert name not in page
    services.acknowledge(world.ines, signal.pk)
    close_run(world, run)
    live = petra.get(f"/onset/{world.production.pk}/today/live/").content.decode()
    assert "closed" in live and "seen by the coordinator at" in live
    assert 'hx-trigger="every 3s"' in live and 'role="alert"' not in live


@pytest.mark.parametrize(
    "who,status", [("ines", 403), ("dario", 403), ("mara", 403), ("oscar", 404)]
)
def test_only_producers_see_the_day(world, run, client_as, who, status):
    assert client_as(who).get(f"/onset/{world.production.pk}/today/").status_code == status


def test_once_closed_no_part_of_the_day_changes_it_and_a_late_stop_is_still_stored(world, run):
    from closedset.onset import checkins, day, incidents
    from closedset.onset.models import CheckIn, Incident, Signal

    close_run(world, run)
    words = "closed: nothing more can be changed"
    with pytest.raises(Conflict, match=words):
        day.set_beat(world.ines, run.pk, "b1", "in_progress")
    with pytest.raises(Conflict, match=words):
        checkins.ask(world.ines, run.pk)
    slap = incidents.Unplanned(
        act="slap", zone="buttocks", intensity="hard", by="mara", to="jonas", beat="b1"
    )
    with pytest.raises(Conflict, match=words):
        incidents.record_unplanned(world.ines, run.pk, slap)
    assert not CheckIn.objects.exists() and not Incident.objects.exists()
    # A STOP after the scene closed still reaches the coordinator; the scene stays closed.
    services.send(world.mara, run.pk, "stop", "after-closing-stop")
    run.refresh_from_db()
    assert run.state == Run.State.CLOSED
    assert Signal.objects.filter(run=run, key="after-closing-stop").exists()


def test_the_closing_page_says_what_is_still_open_but_lets_her_close(world, run, client_as):
    from closedset.onset import checkins

    checkins.ask(world.ines, run.pk)
    text = client_as("ines").get(f"/onset/runs/{run.pk}/closure/").content.decode()
    assert "Not finished on the console:" in text
    assert "neither done nor skipped" in text and "a check-in still open" in text
    close_run(world, run)
    text = client_as("ines").get(f"/onset/runs/{run.pk}/closure/").content.decode()
    assert "Not finished on the console" not in text and "Scene 12B: closed" in text
