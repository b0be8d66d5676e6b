"""The console in the coordinator's language (issue 11): the words console.js builds a signal
line from come from the page, and the stored timeline lines with a name or a number in them
are said again in her language when shown (stored text unchanged, English as before)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation

from closedset.conftest import speaks
from closedset.onset import checkins, day, services, timeline_words
from closedset.onset.models import Run, TimelineEntry
from closedset.onset.tests.helpers import started_with_profiles

BASE = Path(__file__).resolve().parents[1]

# --- console.js's words ------------------------------------------------------------------------

CONSOLE_WORDS = [
    ('data-t-from="from {name} at {time}"', 'data-t-from="od: {name} v {time}"'),
    ('data-t-seen="seen by {by} at {at}"', 'data-t-seen="viděno: {by} v {at}"'),
    ('data-t-unseen="not yet seen"', 'data-t-unseen="zatím neviděno"'),
    ('data-t-escalated="sent on to the producer"', 'data-t-escalated="předáno produkci"'),
    ('data-t-ack="I have seen it"', 'data-t-ack="Vidím to"'),
    (
        'data-t-waiting="{kind} from {name} at {time} — not yet seen."',
        'data-t-waiting="{kind} od: {name} v {time} — zatím neviděno."',
    ),
]


def assert_in(page: str, pairs: list[tuple[str, str]], *, czech: bool) -> None:
    for english, cs in pairs:
        shown, hidden = (cs, english) if czech else (english, cs)
        assert shown in page, shown
        assert hidden not in page, hidden


@pytest.fixture
def run(world: Any) -> Run:
    return started_with_profiles(world)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_console_gives_console_js_its_words(world, run, client_as, language):
    ines = client_as(speaks(world.ines, language))
    page = ines.get(f"/onset/runs/{run.pk}/console/").content.decode()
    assert_in(page, CONSOLE_WORDS, czech=language == "cs")


def test_every_word_console_js_reads_is_on_the_page():
    """console.js's English is only a fallback: each data-t-* it reads is on the console."""
    script = (BASE / "static/onset/console.js").read_text()
    page = (BASE / "templates/onset/console.html").read_text()
    wanted = set(re.findall(r'say\(\s*"(t[A-Z]\w+)"', script))
    given = {
        "t" + "".join(part.title() for part in name.split("-"))
        for name in re.findall(r"data-t-([a-z-]+)=", page)
    }
    assert len(wanted) == 6 and wanted <= given, wanted - given


def test_console_js_builds_no_english_sentence_of_its_own():
    script = (BASE / "static/onset/console.js").read_text()
    # The English left is in say(…)'s fallbacks only.
    outside = re.sub(r'say\(\s*"t[A-Z]\w+",\s*"[^"]*"', "", script)
    for words in (" from ", "seen by", "not yet seen", "sent on to the producer", "I have seen it"):
        assert f'"{words}' not in outside and f'{words}"' not in outside, words


# --- the stored timeline, said again ---------------------------------------------------------

# Per kind: the line as stored (English), and in Czech.
PATTERNS = [
    ("start", "Scene started by Ines.", "Spuštění scény: Ines."),
    (
        "resume",
        "Resumed by Ines (was on hold).",
        "Pokračování ve scéně: Ines (scéna byla pozastavená).",
    ),
    (
        "resume",
        "Resumed by Ines (was stopped).",
        "Pokračování ve scéně: Ines (scéna byla zastavená).",
    ),
    ("beat", "Beat 2: done (Ines).", "Moment 2: hotovo (Ines)."),
    ("beat", "Beat 1: in progress (Ines).", "Moment 1: probíhá (Ines)."),
    ("beat", "Beat 3: skipped (Ines).", "Moment 3: vynecháno (Ines)."),
    ("beat", "Beat 1: planned (Ines).", "Moment 1: naplánováno (Ines)."),
    ("checkin", "Check-in asked after beat 3", "Ověření, jak se máš, spuštěno po momentu 3"),
    ("checkin", "Check-in asked", "Ověření, jak se máš, spuštěno"),
    ("checkin", "Scene stopped after a check-in", "Scéna zastavena po ověření, jak se máš"),
    ("closure", "Scene closed by Ines.", "Uzavření scény: Ines."),
    (
        "plan",
        "Everyone agreed to version 3 of the plan; it is the one being shot now.",
        "Všichni souhlasí s verzí 3 plánu; natáčí se teď podle ní.",
    ),
]


@pytest.mark.parametrize(("kind", "stored", "czech"), PATTERNS)
def test_each_stored_pattern_in_english_and_czech(kind, stored, czech):
    with translation.override("en"):
        assert timeline_words.said(kind, stored) == stored
    with translation.override("cs"):
        assert timeline_words.said(kind, stored) == czech


@pytest.mark.parametrize(
    ("name"),
    ["Anne-Marie O'Neil", "Dr. Who (the 2nd)", "J. R.", "Ines (was on hold)", "Beat 2: done"],
)
def test_any_name_is_kept_as_written(name):
    with translation.override("cs"):
        assert timeline_words.said("start", f"Scene started by {name}.") == (
            f"Spuštění scény: {name}."
        )
        assert timeline_words.said("beat", f"Beat 4: done ({name}).") == (
            f"Moment 4: hotovo ({name})."
        )
        assert timeline_words.said("resume", f"Resumed by {name} (was stopped).") == (
            f"Pokračování ve scéně: {name} (scéna byla zastavená)."
        )


@pytest.mark.parametrize(
    ("kind", "stored"),
    [
        # Lines that quote a beat or a deviation in English words stay as stored.
        ("change", "Change asked for: Jonas kisses Mara's neck, lightly."),
        ("change-end-7", "Change not approved: Jonas kisses Mara's neck, lightly."),
        ("deviation", "Something unplanned during beat 2: Jonas kisses Mara's neck."),
        # A kind that does not match its pattern, and a line cut short when stored.
        ("closure", "Scene started by Ines."),
        ("start", "Scene started by " + "x" * 283),
        ("beat", "Beat 2: finished (Ines)."),
        ("resume", "Resumed by Ines (was sleeping)."),
        ("", ""),
    ],
)
def test_anything_else_is_shown_as_stored(kind, stored):
    with translation.override("cs"):
        assert timeline_words.said(kind, stored) == stored


@pytest.mark.django_db
def test_what_the_services_store_matches_the_patterns(world, run):
    """The stored lines come from services.note's callers: each one is recognised."""
    day.set_beat(world.ines, run.pk, "b1", "skipped")
    checkins.ask(world.ines, run.pk, "b1")
    stored = {t.kind: t.text for t in TimelineEntry.objects.filter(run=run)}
    assert stored["start"] == "Scene started by Ines."
    assert stored["beat"] == "Beat 1: skipped (Ines)."
    assert stored["checkin"] == "Check-in asked after beat 1"
    with translation.override("cs"):
        for kind in ("start", "beat", "checkin"):
            assert timeline_words.said(kind, stored[kind]) != stored[kind], kind
    lines = [line.text for line in day.timeline(run)]
    with translation.override("cs"):
        czech = [line.text for line in day.timeline(run)]
    assert "Scene started by Ines." in lines and "Spuštění scény: Ines." in czech
    assert "Moment 1: vynecháno (Ines)." in czech
    # Stored as it was.
    assert TimelineEntry.objects.get(run=run, kind="start").text == "Scene started by Ines."


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_console_timeline_in_her_language(world, run, client_as, language):
    day.set_beat(world.ines, run.pk, "b1", "in_progress")
    ines = client_as(speaks(world.ines, language))
    page = ines.get(f"/onset/runs/{run.pk}/console/").content.decode()
    pairs = [
        ("Scene started by Ines.", "Spuštění scény: Ines."),
        ("Beat 1: in progress (Ines).", "Moment 1: probíhá (Ines)."),
    ]
    assert_in(page, pairs, czech=language == "cs")


@pytest.mark.django_db
def test_a_resumed_run_in_czech(world, run):
    services.send(world.mara, run.pk, "pause", "k-0102-pause")
    run.refresh_from_db()
    assert run.state == Run.State.ON_HOLD
    from closedset.onset.models import Signal

    Signal.objects.filter(run=run).update(
        acknowledged_at=timezone.now() - timedelta(seconds=1), acknowledged_by=world.ines
    )
    services.resume(world.ines, run.pk)
    stored = TimelineEntry.objects.get(run=run, kind="resume").text
    assert stored == "Resumed by Ines (was on hold)."
    with translation.override("cs"):
        assert timeline_words.said("resume", stored) == (
            "Pokračování ve scéně: Ines (scéna byla pozastavená)."
        )
