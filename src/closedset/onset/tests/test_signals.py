"""PAUSE and STOP are stored first, numbered without gaps, replay-safe, acknowledged by the
coordinator, escalated when she does not, and caught up by sequence number when the channel
layer drops them (docs/shootday.md)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from channels.layers import get_channel_layer
from django.utils import timezone

from closedset.compliance import services as compliance
from closedset.compliance.services import GateClosed
from closedset.compliance.tests.helpers import ready_scene
from closedset.lib.errors import InvalidInput, NotFound
from closedset.onset import services
from closedset.onset.models import Run, Signal
from closedset.onset.tests.helpers import run_async

pytestmark = pytest.mark.django_db

KEY = "k-0001-pause"


@pytest.fixture
def run(world: Any) -> Run:
    """Scene 12B, consented, cleared, scheduled and started today by Ines."""
    ready_scene(world)
    compliance.schedule(world.ines, world.scene, timezone.now() + timedelta(hours=1))
    return services.start(world.ines, world.scene)


def test_a_scene_whose_gate_fails_cannot_start(world):
    with pytest.raises(GateClosed) as refused:
        services.start(world.ines, world.scene)
    assert "cannot start yet" in refused.value.message
    assert not Run.objects.exists()


def test_only_the_coordinator_starts_a_scene(world, run):
    for who in ("dario", "petra", "mara"):
        with pytest.raises(Exception) as refused:
            services.start(world.users[who], world.scene)
        assert refused.type.__name__ in ("Forbidden", "NotFound")
    # Starting again the same day is the same run.
    assert services.start(world.ines, world.scene) == run


def test_a_pause_is_stored_numbered_and_puts_the_run_on_hold(world, run):
    first = services.send(world.mara, run.pk, "pause", KEY)
    second = services.send(world.jonas, run.pk, "stop", "k-0002-stop")
    assert (first.seq, second.seq) == (1, 2)
    run.refresh_from_db()
    assert run.last_seq == 2 and run.state == Run.State.STOPPED
    assert first.acknowledged_at is None and first.sender == world.mara


def test_a_replayed_signal_is_the_first_one(world, run):
    first = services.send(world.mara, run.pk, "pause", KEY)
    again = services.send(world.mara, run.pk, "pause", KEY)
    assert again.pk == first.pk and Signal.objects.count() == 1
    run.refresh_from_db()
    assert run.last_seq == 1
    # The same key from someone else is their own signal.
    assert services.send(world.jonas, run.pk, "pause", KEY).seq == 2


@pytest.mark.parametrize("who", ["dario", "petra", "cora", "oscar", "ines"])
def test_only_performers_in_the_scene_send(world, run, who):
    with pytest.raises(NotFound) as refused:
        services.send(world.users[who], run.pk, "pause", KEY)
    assert refused.value.message == services.NO_RUN
    assert not Signal.objects.exists()


def test_a_missing_run_and_a_foreign_one_read_the_same(world, run):
    with pytest.raises(NotFound) as missing:
        services.send(world.mara, run.pk + 999, "pause", KEY)
    with pytest.raises(NotFound) as foreign:
        services.send(world.oscar, run.pk, "pause", KEY)
    assert missing.value.message == foreign.value.message


@pytest.mark.parametrize("kind,key", [("dance", KEY), ("pause", "short"), ("pause", "a b c d e f")])
def test_bad_signals_are_refused_in_words(world, run, kind, key):
    with pytest.raises(InvalidInput) as refused:
        services.send(world.mara, run.pk, kind, key)
    assert "{" not in refused.value.message and "[" not in refused.value.message


def test_the_coordinator_acknowledges_and_only_she(world, run):
    signal = services.send(world.mara, run.pk, "pause", KEY)
    for who in ("mara", "jonas", "dario", "petra"):
        with pytest.raises(NotFound):
            services.acknowledge(world.users[who], signal.pk)
    seen = services.acknowledge(world.ines, signal.pk)
    assert seen.acknowledged_by == world.ines and seen.acknowledged_at is not None
    when = seen.acknowledged_at
    assert services.acknowledge(world.ines, signal.pk).acknowledged_at == when  # idempotent


def test_catching_up_by_sequence(world, run):
    services.send(world.mara, run.pk, "pause", KEY)
    services.send(world.jonas, run.pk, "pause", "k-0002-jonas")
    services.send(world.mara, run.pk, "stop", "k-0003-stop")
    console = services.signals_after(world.ines, run.pk, 1)
    assert [s.seq for s in console] == [2, 3]
    # A performer's phone catches up on her own signals only.
    assert [s.seq for s in services.signals_after(world.mara, run.pk, 0)] == [1, 3]
    assert [s.seq for s in services.signals_after(world.jonas, run.pk, 0)] == [2]
    with pytest.raises(NotFound):
        services.signals_after(world.dario, run.pk, 0)
    with pytest.raises(InvalidInput):
        services.signals_after(world.ines, run.pk, -1)


def test_an_unacknowledged_signal_escalates_once_after_the_setting(world, run, settings):
    settings.CLOSEDSET_SIGNAL_ESCALATE_SECONDS = 15
    waiting = services.send(world.mara, run.pk, "pause", KEY)
    seen = services.send(world.jonas, run.pk, "pause", "k-0002-jonas")
    services.acknowledge(world.ines, seen.pk)
    soon = waiting.stored_at + timedelta(seconds=14)
    assert services.escalate_due(soon) == []
    later = waiting.stored_at + timedelta(seconds=15)
    assert [s.pk for s in services.escalate_due(later)] == [waiting.pk]
    assert services.escalate_due(later + timedelta(seconds=30)) == []  # once
    waiting.refresh_from_db()
    assert waiting.escalated_at == later
    # The producer is told, once, which scene; never who pressed it.
    from closedset.notices.models import Notice

    [told] = Notice.objects.filter(kind="signal_escalated")
    assert told.recipient == world.petra
    assert "scene 12B" in told.subject and "PAUSE" in told.subject
    assert "Mara" not in told.subject + told.body


def test_a_stored_signal_reaches_the_consoles_and_the_senders_phones_after_commit(
    world, run, django_capture_on_commit_callbacks
):
    layer = get_channel_layer()
    console, mara, jonas = (run_async(layer.new_channel) for _ in range(3))
    run_async(layer.group_add, services.console_group(run.pk), console)
    run_async(layer.group_add, services.person_group(run.pk, world.mara.pk), mara)
    run_async(layer.group_add, services.person_group(run.pk, world.jonas.pk), jonas)
    with django_capture_on_commit_callbacks(execute=True):
        signal = services.send(world.mara, run.pk, "pause", KEY)
    base = {
        "type": "onset.signal",
        "seq": signal.seq,
        "kind": "pause",
        "acknowledged": False,
        "escalated": False,
    }
    # The console's message is ready to show (no database read on the way out).
    assert run_async(layer.receive, console) == {
        **base,
        "mine": False,
        "id": signal.pk,
        "sender_name": "Mara",
    }
    # Her own phone learns it is hers, and nothing about anyone.
    assert run_async(layer.receive, mara) == {**base, "mine": True}

    # Jonas's phone is not sent Mara's signal at all.
    async def nothing_for_jonas() -> bool:
        try:
            await asyncio.wait_for(layer.receive(jonas), timeout=0.2)
        except TimeoutError:
            return True
        return False

    assert run_async(nothing_for_jonas)


def test_a_broadcast_that_fails_loses_nothing(
    world, run, monkeypatch, django_capture_on_commit_callbacks
):
    layer = get_channel_layer()

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the channel layer is down")

    monkeypatch.setattr(layer, "group_send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        signal = services.send(world.mara, run.pk, "stop", KEY)
    assert Signal.objects.get(pk=signal.pk).kind == "stop"
    # The console still sees it by catching up.
    assert [s.pk for s in services.signals_after(world.ines, run.pk, 0)] == [signal.pk]


def test_any_screens_catch_up_escalates_what_waited_too_long(world, run, settings):
    # Nobody has the console open: Mara's own phone, polling for the acknowledgement, is
    # enough for the producer's screen to hear of it.
    settings.CLOSEDSET_SIGNAL_ESCALATE_SECONDS = 0
    waiting = services.send(world.mara, run.pk, "pause", KEY)
    services.signals_after(world.mara, run.pk, 0)
    waiting.refresh_from_db()
    assert waiting.escalated_at is not None
