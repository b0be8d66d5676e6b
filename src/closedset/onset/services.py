"""The shoot day's rules: starting a run, and PAUSE and STOP that are never lost.

A signal is stored first and broadcast after its transaction commits; the broadcast is only a
shortcut. Every screen catches up from the database by sequence number (`signals_after`), so a
message the channel layer drops (channels_redis drops them when a channel is full, and forgets
groups when Redis restarts) is still seen. See docs/shootday.md.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop, pgettext_lazy

from closedset.lib.errors import MAX_ID, Conflict, InvalidInput, NotFound
from closedset.lib.i18n import interpolate_lazy
from closedset.onset.models import DaySettings, Run, Signal, TimelineEntry
from closedset.productions.models import Production, Role, Scene
from closedset.productions.services import require_role, role_in

logger = logging.getLogger(__name__)

# A key the phone makes before its first try (a UUID, say): letters, digits, '-' and '_'.
_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
# Marked here, translated where raised: callers and tests compare the English text.
NO_RUN = gettext_noop("There is no such scene running. Check the address, or ask the coordinator.")

# The run's state and the signal's kind in the reader's language; the models' labels stay
# the English ones (the record and the stored timeline use them).
STATE_LABELS: dict[str, Any] = {
    Run.State.RUNNING: pgettext_lazy("scene state", "running"),
    Run.State.ON_HOLD: pgettext_lazy("scene state", "on hold"),
    Run.State.STOPPED: pgettext_lazy("scene state", "stopped"),
    Run.State.CLOSED: pgettext_lazy("scene state", "closed"),
}
KIND_LABELS: dict[str, Any] = {
    Signal.Kind.PAUSE: gettext_lazy("PAUSE"),
    Signal.Kind.STOP: gettext_lazy("STOP"),
}


def state_label(state: str) -> str:
    """A run's state ("on hold") in the language active now."""
    return str(STATE_LABELS.get(state, state))


def kind_label(kind: str) -> str:
    """PAUSE or STOP in the language active now (PAUSA; STOP stays STOP)."""
    return str(KIND_LABELS.get(kind, kind))


def day_settings(production: Any) -> DaySettings:
    """The production's shoot-day settings (the defaults until someone changes them)."""
    found = DaySettings.objects.filter(production=production).first()
    return found or DaySettings(production=production)


def escalate_after(production: Any = None) -> timedelta:
    """How long a signal may wait for the coordinator before the producer's screen shows it:
    the production's setting, or the site's default (CLOSEDSET_SIGNAL_ESCALATE_SECONDS)."""
    default = getattr(settings, "CLOSEDSET_SIGNAL_ESCALATE_SECONDS", DaySettings.ESCALATE_DEFAULT)
    if production is None:
        return timedelta(seconds=default)
    row = DaySettings.objects.filter(production=production).only("escalate_seconds").first()
    if row is None:
        return timedelta(seconds=default)
    return timedelta(seconds=max(row.escalate_seconds, DaySettings.ESCALATE_MIN))


def reflection_period(production: Any) -> timedelta:
    """How long a performer has to think over a change request."""
    return timedelta(minutes=day_settings(production).reflection_minutes)


def console_group(run_id: int) -> str:
    """The channel group of a run's consoles: every signal goes here."""
    return f"onset-run-{run_id}-console"


def person_group(run_id: int, user_id: int) -> str:
    """The channel group of one person's phones in a run: only her own signals go here. A
    PAUSE is sent to two groups, never to every socket of the set, so its cost does not grow
    with the number of phones connected."""
    return f"onset-run-{run_id}-person-{user_id}"


# --- starting -------------------------------------------------------------------------------


def current_runs(production: Any, now: datetime | None = None) -> Any:
    """The runs a set is living now: today's and those started today, and any not yet
    closed from the day before or started ahead of a later call. A night shoot past midnight
    keeps its PAUSE, its console and its place on the producer's screen."""
    today = timezone.localdate(now or timezone.now())
    midnight = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    return Run.objects.filter(scene__production=production).filter(
        Q(day=today)
        | Q(started_at__gte=midnight)
        | (Q(day__gte=today - timedelta(days=1)) & ~Q(state=Run.State.CLOSED))
    )


def shoot_day(scene: Scene, now: datetime | None = None) -> date:
    """The day a start at `now` is filed under. Within a day of the scene's call (the evening
    before an early call, or a night shoot past midnight) it is the call day, where the day
    page keeps the closed set and the checklists; unless that day's run is already closed,
    when a new day's run begins. Otherwise it is the day the scene starts."""
    from closedset.onset.day import call_day

    moment = now or timezone.now()
    started_on = timezone.localdate(moment)
    called = call_day(scene, moment)
    if called == started_on or abs((called - started_on).days) > 1:
        return started_on
    if Run.objects.filter(scene=scene, day=called, state=Run.State.CLOSED).exists():
        return started_on
    return called


def start(user: Any, scene: Scene, now: datetime | None = None) -> Run:
    """The coordinator starts the scene, only if its gate passes now (logged by compliance).
    The run is filed under its shoot day (see shoot_day). Starting again returns that day's
    run."""
    from closedset.compliance.services import GateClosed, may_start, words_for
    from closedset.consent.services import current_final

    require_role(user, scene.production, Role.COORDINATOR)
    moment = now or timezone.now()
    day = shoot_day(scene, moment)
    existing = Run.objects.filter(scene=scene, day=day).first()
    if existing is not None:
        return existing
    result = may_start(scene, moment)
    final = current_final(scene)
    if not result.passed or final is None:
        reasons = " ".join(words_for(user, scene.production, result))
        refused = gettext("Scene %(number)s cannot start yet.") % {"number": scene.number}
        raise GateClosed(f"{refused} {reasons}".strip())
    with transaction.atomic():
        # Under the production's lock, as scheduling takes it: a call moved meanwhile is
        # read here, never a run filed under the day the call just left.
        Production.objects.select_for_update().filter(pk=scene.production_id).first()
        day = shoot_day(scene, moment)
        run, created = Run.objects.get_or_create(
            scene=scene,
            day=day,
            defaults={"final": final, "started_by": user, "started_at": moment},
        )
        if created:
            # On the record with the start itself: ids and the plan's hash, nobody named.
            _append(run, "run-start")
            note(run, "start", f"Scene started by {_name(user)}.", at=moment)
    return run


def _name(user: Any) -> str:
    return str(getattr(user, "display_name", "") or getattr(user, "handle", "") or "Someone")


def _append(run: Run, kind: str, people: Any = ()) -> Any:
    """A record entry for the run (inside the caller's transaction): ids and hashes only."""
    from closedset.record import services as record

    scene = run.scene
    fields: dict[str, object] = {
        "type": kind,
        "production": int(scene.production_id),
        "scene": int(scene.pk),
        "run": int(run.pk),
    }
    sha256 = getattr(run.final, "plan_sha256", "")
    if sha256:
        fields["plan_sha256"] = sha256
    return record.append(scene.production.organisation, fields, people=list(people))


# --- who is in a run ------------------------------------------------------------------------


def cast_handles(data: Any) -> list[str]:
    """The handles cast in a plan version's data, in role order, once each: no query, so
    every signal can check its sender with it."""
    cast = (data or {}).get("cast") or {}
    return list(dict.fromkeys(h for h in cast.values() if isinstance(h, str) and h))


def cast_people(production: Any, data: Any) -> list[Any]:
    """The production's active performers cast in a plan version's data, in role order, once
    each: the one reader of who is in a scene on the day (the day page, check-ins,
    deviations, closure)."""
    from closedset.accounts.models import User

    handles = cast_handles(data)
    members = {
        user.handle: user
        for user in User.objects.filter(
            handle__in=handles,
            memberships__production=production,
            memberships__role=Role.PERFORMER,
            is_active=True,
        ).distinct()
    }
    return [members[handle] for handle in handles if handle in members]


def _in_run(user: Any, run: Run) -> set[str]:
    """What `user` is in this run: "coordinator", "performer" (cast in the version being
    shot), both or neither."""
    roles = role_in(user, run.scene.production)
    found = set()
    if Role.COORDINATOR in roles:
        found.add("coordinator")
    if Role.PERFORMER in roles and getattr(user, "handle", None) in cast_handles(
        run.final.plan_version.data
    ):
        found.add("performer")
    return found


def run_for(user: Any, run_id: int) -> tuple[Run, set[str]]:
    """The run and what `user` is in it ("coordinator", "performer"); for anyone else, and
    for a run that does not exist, the same NotFound."""
    return _run(user, run_id)


def run_seen_by(user: Any, run_id: int, *roles: str) -> Run:
    """The run for someone holding one of `roles` in its production (the director's and the
    producer's narrow views); anyone else, and a run that does not exist, get NotFound."""
    rows = Run.objects.select_related("scene__production", "final__plan_version")
    run = rows.filter(pk=run_id).first() if _known(run_id) else None
    if run is None or not set(roles) & set(role_in(user, run.scene.production)):
        raise NotFound(gettext(NO_RUN))
    return run


def _one(rows: Any) -> Any:
    """The one row a query by key finds, or None. Cheaper than `.first()`, which sorts and
    slices: these queries run on every PAUSE."""
    found = list(rows)
    return found[0] if found else None


def _known(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _run(user: Any, run_id: int, *, lock: bool = False) -> tuple[Run, set[str]]:
    """The run, for someone in it; for anyone else the same answer as for no run at all."""
    rows = Run.objects.select_related("scene__production", "final__plan_version")
    if lock:
        rows = rows.select_for_update(of=("self",))
    run = _one(rows.filter(pk=run_id)) if _known(run_id) else None
    if run is None:
        raise NotFound(gettext(NO_RUN))
    what = _in_run(user, run)
    if not what:
        raise NotFound(gettext(NO_RUN))
    return run, what


def shoot_newest(run: Run) -> Run:
    """Move a run onto the scene's newest final version once everyone in it has consented (an
    approved change on the day, added to the plan and signed): until then the version being
    shot stays the one everyone agreed to. Cheap when nothing changed: one read."""
    from closedset.compliance.services import gate
    from closedset.consent.services import current_final

    newest = current_final(run.scene)
    if newest is None or newest.pk == run.final_id or run.state == Run.State.CLOSED:
        return run
    # The gate of the day it is shot (a run filed under tomorrow's call is shot today).
    if not gate(run.scene, timezone.localdate()).passed:
        return run
    with transaction.atomic():
        locked = Run.objects.select_for_update().get(pk=run.pk)
        if locked.final_id != newest.pk:
            locked.final = newest
            locked.save(update_fields=["final"])
            note(
                locked,
                "plan",
                f"Everyone agreed to version {newest.plan_version.number} of the plan; "
                "it is the one being shot now.",
            )
    run.refresh_from_db()
    return run


# --- the run's state and timeline ----------------------------------------------------------


def note(run: Run, kind: str, text: str, at: datetime | None = None) -> TimelineEntry:
    """One line on the console's timeline, in the coordinator's words. Never a check-in
    colour or who answered a change request what."""
    return TimelineEntry.objects.create(
        run=run, kind=kind[:20], text=text[:300], at=at or timezone.now()
    )


def hold(run: Run, *, stop: bool = False) -> bool:
    """Put a run on hold (or stop it); True if its state changed. A stopped or closed run
    stays as it is: only the coordinator moves it on (`resume`). Call inside the caller's
    transaction, with the run row locked (`_run(..., lock=True)`)."""
    if run.state in (Run.State.STOPPED, Run.State.CLOSED):
        return False
    target = Run.State.STOPPED if stop else Run.State.ON_HOLD
    if run.state == target:
        return False
    run.state = target
    run.save(update_fields=["state"])
    return True


def resume(user: Any, run_id: int, now: datetime | None = None) -> Run:
    """The coordinator resumes a run on hold or stopped, once she has seen every PAUSE and
    STOP (a signal nobody acknowledged must not be talked over). Resuming a running run
    changes nothing; a closed one stays closed."""
    moment = now or timezone.now()
    with transaction.atomic():
        run, what = _run(user, run_id, lock=True)
        if "coordinator" not in what:
            raise NotFound(gettext(NO_RUN))
        if run.state == Run.State.RUNNING:
            return run
        if run.state == Run.State.CLOSED:
            raise Conflict(gettext("The scene is closed; it cannot be resumed."))
        waiting = (
            Signal.objects.filter(run=run, acknowledged_at__isnull=True)
            .select_related("sender")
            .order_by("seq")
            .first()
        )
        if waiting is not None:
            raise Conflict(
                gettext(
                    "First acknowledge the %(kind)s from %(name)s, and talk with them; then resume."
                )
                % {"kind": kind_label(waiting.kind), "name": _name(waiting.sender)}
            )
        was = run.get_state_display()
        run.state = Run.State.RUNNING
        run.save(update_fields=["state"])
        note(run, "resume", f"Resumed by {_name(user)} (was {was}).", at=moment)
    return run


def open_run(user: Any, run_id: int) -> tuple[Run, set[str]]:
    """As `locked_run`, for a change to the run: a closed run takes no more (beats, check-ins,
    deviations, change requests), in plain words."""
    run, what = _run(user, run_id, lock=True)
    if run.state == Run.State.CLOSED:
        raise Conflict(
            gettext("Scene %(number)s is closed: nothing more can be changed in it today.")
            % {"number": run.scene.number}
        )
    return run, what


def locked_run(user: Any, run_id: int) -> tuple[Run, set[str]]:
    """The run locked for an update in the caller's transaction, for someone in it; the same
    NotFound as `run_for` for anyone else."""
    return _run(user, run_id, lock=True)


# --- signals --------------------------------------------------------------------------------


def send(user: Any, run_id: int, kind: str, key: str) -> Signal:
    """PAUSE or STOP from a performer cast in the run: stored, numbered, then broadcast once
    the transaction commits.

    Sending the same key again returns the stored signal and changes nothing, so the phone
    can replay its outbox as often as the network makes it.
    """
    signal, new = store(user, run_id, kind, key)
    if new:
        transaction.on_commit(lambda: broadcast(signal))
    return signal


def store(user: Any, run_id: int, kind: str, key: str) -> tuple[Signal, bool]:
    """`send` without the broadcast: the signal, and whether it is new (False for a replay).
    The socket broadcasts from its own event loop (`abroadcast`) rather than from the
    database thread: one trip between threads fewer on the way to the console."""
    if kind not in Signal.Kind.values:
        raise InvalidInput(gettext("Send PAUSE or STOP."), {"kind": gettext("PAUSE or STOP")})
    if not isinstance(key, str) or _KEY.fullmatch(key) is None:
        raise InvalidInput(
            gettext("The signal's key is missing or damaged; reload the page and press again."),
            {"key": "8 to 64 letters, digits, '-' or '_'"},
        )
    with transaction.atomic():
        run, what = _run(user, run_id, lock=True)
        if "performer" not in what:
            raise NotFound(gettext(NO_RUN))
        stored = _one(Signal.objects.filter(run=run, sender=user, key=key))
        if stored is not None:
            return stored, False  # a replay: the first one counts
        run.last_seq += 1
        # Stored whatever the state; a closed scene stays closed (the press still reaches
        # the coordinator, and is on the day's report).
        if run.state == Run.State.CLOSED:
            pass
        elif kind == Signal.Kind.STOP:
            run.state = Run.State.STOPPED
        elif run.state == Run.State.RUNNING:
            run.state = Run.State.ON_HOLD
        run.save(update_fields=["last_seq", "state"])
        signal = Signal.objects.create(run=run, seq=run.last_seq, sender=user, kind=kind, key=key)
        if kind == Signal.Kind.STOP:
            # Stored with the signal or not at all; her commitment, as for a withdrawal.
            _append(run, "run-stop", people=[user])
    return signal, True


def acknowledge(user: Any, signal_id: int) -> Signal:
    """The coordinator has seen it; the performer's phone shows when. Idempotent."""
    with transaction.atomic():
        signal = (
            Signal.objects.select_for_update(of=("self",))
            .select_related("run", "sender")
            .filter(pk=signal_id)
            .first()
            if _known(signal_id)
            else None
        )
        if signal is None:
            raise NotFound(gettext(NO_RUN))
        _, what = _run(user, signal.run_id)
        if "coordinator" not in what:
            raise NotFound(gettext(NO_RUN))
        if signal.acknowledged_at is None:
            signal.acknowledged_at = timezone.now()
            signal.acknowledged_by = user
            signal.save(update_fields=["acknowledged_at", "acknowledged_by"])
            transaction.on_commit(lambda: broadcast(signal))
    return signal


def signals_after(user: Any, run_id: int, seq: int) -> list[Signal]:
    """What a screen missed after `seq`: every signal for the coordinator, a performer's own
    for her phone (with whether and when each was acknowledged)."""
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise InvalidInput(
            gettext("Ask from a sequence number of 0 or more."), {"after": gettext("0 or more")}
        )
    run, what = _run(user, run_id)
    # Every screen of the run polls, phones included: escalation needs nobody's console open.
    escalate_due(run_id=run.pk)
    rows = Signal.objects.filter(run=run, seq__gt=seq).order_by("seq")
    if "coordinator" not in what:
        rows = rows.filter(sender=user)
    return list(rows)


def escalate_due(now: datetime | None = None, run_id: int | None = None) -> list[Signal]:
    """Signals the coordinator has not acknowledged in time go to the producers: a notice
    (their screen and, if they chose, an e-mail) naming the scene, never who sent it. Run by
    every screen's catch-up (one run) and by `closedset remind` (all), so no timer held in a
    process is relied on."""
    moment = now or timezone.now()
    # The shortest wait any production may set; each production's own is applied below.
    shortest = min(escalate_after(), timedelta(seconds=DaySettings.ESCALATE_MIN))
    overdue = Signal.objects.filter(
        acknowledged_at__isnull=True,
        escalated_at__isnull=True,
        stored_at__lte=moment - shortest,
    )
    if run_id is not None:
        overdue = overdue.filter(run_id=run_id)
    if not overdue.exists():  # the common case, on every poll: one cheap read
        return []
    due: list[Signal] = []
    waits: dict[int, timedelta] = {}
    with transaction.atomic():
        for signal in overdue.select_for_update(skip_locked=True, of=("self",)).select_related(
            "run__scene__production", "sender"
        ):
            production = signal.run.scene.production
            if production.pk not in waits:
                waits[production.pk] = escalate_after(production)
            if signal.stored_at > moment - waits[production.pk]:
                continue
            signal.escalated_at = moment
            signal.save(update_fields=["escalated_at"])
            due.append(signal)
            _tell_producers(signal)
        # Screens hear of it once it is stored, as with sending and acknowledging.
        transaction.on_commit(lambda: [broadcast(signal) for signal in due])
    return due


def _tell_producers(signal: Signal) -> None:
    from closedset.notices.services import notify
    from closedset.productions.services import acting_members

    scene = signal.run.scene
    when = timezone.localtime(signal.stored_at).strftime("%H:%M:%S")
    for producer in acting_members(scene.production, Role.PRODUCER):
        notify(
            producer,
            "signal_escalated",
            production=scene.production,
            subject=interpolate_lazy(
                gettext_lazy("%(kind)s in scene %(number)s not yet seen"),
                kind=KIND_LABELS.get(signal.kind, signal.kind),
                number=scene.number,
            ),
            body=interpolate_lazy(
                gettext_lazy(
                    "A performer in scene %(number)s pressed %(kind)s at %(time)s, and the "
                    "coordinator has not acknowledged it. Go to the set, or reach the "
                    "coordinator at once."
                ),
                kind=KIND_LABELS.get(signal.kind, signal.kind),
                number=scene.number,
                time=when,
            ),
        )


# --- the shortcut -----------------------------------------------------------------------------


def message(signal: Signal, *, console: bool) -> dict[str, Any]:
    """What a group is sent, ready to show: the consoles get the signal's id (to acknowledge
    it) and who pressed; the sender's own phones get neither, only that it is theirs. Nothing
    is read from the database on the way out, so delivery does not queue behind it."""
    out: dict[str, Any] = {
        "type": "onset.signal",
        "seq": signal.seq,
        "kind": signal.kind,
        "acknowledged": signal.acknowledged_at is not None,
        "escalated": signal.escalated_at is not None,
        "mine": not console,
    }
    if console:
        out["id"] = signal.pk
        out["sender_name"] = getattr(signal.sender, "display_name", "") or ""
    return out


def broadcast(signal: Signal) -> bool:
    """Tell the run's consoles and the sender's phones at once, from synchronous code. Best
    effort, as `abroadcast`: a thread that cannot wait for the channel layer (one running an
    event loop of its own) leaves it to the screens' catch-up."""
    try:
        return bool(async_to_sync(abroadcast)(signal))
    except RuntimeError:
        logger.warning("a shoot-day signal was stored but not broadcast", exc_info=True)
        return False


async def abroadcast(signal: Signal) -> bool:
    """Tell the run's consoles and the sender's phones at once. Best effort: a failure is
    logged and changes nothing, because every screen also catches up from the database."""
    from channels.layers import get_channel_layer

    try:
        layer = get_channel_layer()
        if layer is None:
            return False
        await layer.group_send(console_group(signal.run_id), message(signal, console=True))
        if signal.sender_id is not None:
            await layer.group_send(
                person_group(signal.run_id, signal.sender_id), message(signal, console=False)
            )
    except Exception:  # noqa: BLE001 - the row is stored; a lost shortcut is caught up
        logger.warning("a shoot-day signal was stored but not broadcast", exc_info=True)
        return False
    return True


# --- the person's own data ------------------------------------------------------------------


def export_onset_data(user: Any) -> dict[str, Any]:
    """The signals the person sent on shoot days, for their data export."""
    rows = Signal.objects.filter(sender=user).select_related("run__scene__production")
    return {
        "shoot_day_signals": [
            {
                "production": s.run.scene.production.name,
                "scene": s.run.scene.number,
                "day": s.run.day,
                "signal": s.get_kind_display(),
                "stored_at": s.stored_at,
                "acknowledged_at": s.acknowledged_at,
                "escalated_at": s.escalated_at,
            }
            for s in rows.order_by("stored_at", "pk")
        ]
    }
