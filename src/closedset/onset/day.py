"""The day and the closed set: call time, roster and pre-scene checklists per scene and day;
beat statuses and the timeline on the console; a performer's own beats on her phone; the
production's shoot-day settings. See docs/shootday.md.

Who may do what: the coordinator everything; the producer reads the roster (never the
checklists: what a performer wears or needs is not the producer's) and edits the settings;
a performer reads her own beats and ticks her own checklist. Everyone else in the production
is refused (403), outsiders find nothing (404), as for starting a scene.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, pgettext, pgettext_lazy

from closedset.lib.errors import MAX_ID, Conflict, InvalidInput, NotFound
from closedset.lib.i18n import current_language
from closedset.onset import services, timeline_words
from closedset.onset.models import (
    BeatState,
    CheckItem,
    DaySettings,
    RosterEntry,
    Run,
    Signal,
    TimelineEntry,
)
from closedset.productions.models import Production, Role, Scene
from closedset.productions.services import get_production, get_scene, role_in

NAME_MAX = RosterEntry._meta.get_field("name").max_length or 120
JOB_MAX = RosterEntry._meta.get_field("job").max_length or 80
LABEL_MAX = CheckItem._meta.get_field("label").max_length or 120
ESCALATE_MAX = 300
# Less than five minutes is no time to think a new act over.
REFLECTION_MIN, REFLECTION_MAX = 5, 120
# Marked here, translated where raised (callers and tests compare the English text).
STALE = gettext_noop("This line is no longer on the list. Reload the page to see it as it is now.")
RUN_CLOSED = gettext_noop("The scene is closed: its beats no longer change.")


def _person(user: Any) -> str:
    name = getattr(user, "display_name", "") or getattr(user, "handle", "")
    return str(name or gettext("Someone"))


def _known(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


# --- which day --------------------------------------------------------------------------------


def call_day(scene: Scene, now: datetime | None = None) -> date:
    """The day the page is about: the scene's call day once it is scheduled, else today."""
    from closedset.compliance.services import call_time

    called = call_time(scene)
    return timezone.localdate(called) if called else timezone.localdate(now or timezone.now())


def parse_day(raw: object) -> date:
    """A day from a form ("2026-11-26"), within ten years of today."""
    message = gettext("The page's day is missing or damaged. Reload the day page and try again.")
    try:
        day = date.fromisoformat(str(raw or "").strip())
    except ValueError:
        raise InvalidInput(message, {"day": message}) from None
    if abs((day - timezone.localdate()).days) > 3660:
        raise InvalidInput(message, {"day": message})
    return day


# --- cast ---------------------------------------------------------------------------------------


def cast_of(scene: Scene) -> list[Any]:
    """The performers cast in the scene, in role order: from its final version once there is
    one (that is what is shot), else from the working plan."""
    from closedset.consent.services import current_final
    from closedset.plans.models import RoleSlot

    final = current_final(scene)
    if final is not None:
        return services.cast_people(scene.production, final.plan_version.data)
    slots = RoleSlot.objects.filter(plan__scene=scene, performer__isnull=False)
    ordered = [s.performer for s in slots.select_related("performer").order_by("position")]
    return list({u.pk: u for u in ordered if u is not None and u.is_active}.values())


# --- the day page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckLine:
    pk: int
    kind: str
    label: str
    done: bool
    done_by: str
    done_at: datetime | None


@dataclass(frozen=True)
class Checklist:
    performer: str
    handle: str
    items: tuple[CheckLine, ...]

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.done)


@dataclass(frozen=True)
class DayView:
    scene: Scene
    day: date
    call_at: datetime | None
    coordinator: bool  # may change the roster and read and change the checklists
    may_schedule: bool
    roster: tuple[RosterEntry, ...]
    checklists: tuple[Checklist, ...] = ()
    run: Run | None = None


# The kinds' names in the reader's language; the model's labels stay the English ones, which
# is also what a line's label is saved as when the coordinator writes none of her own.
KIND_LABELS: dict[str, Any] = {
    CheckItem.Kind.BARRIER: pgettext_lazy("checklist item", "barrier"),
    CheckItem.Kind.GARMENT: pgettext_lazy("checklist item", "modesty garment"),
    CheckItem.Kind.ROBE: pgettext_lazy("checklist item", "robe"),
    CheckItem.Kind.WATER: pgettext_lazy("checklist item", "water"),
    CheckItem.Kind.BREAKS: pgettext_lazy("checklist item", "breaks"),
    CheckItem.Kind.OTHER: pgettext_lazy("checklist item", "other"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def line_label(item: CheckItem) -> str:
    """The line as the reader sees it: the kind's name in her language where the label is
    only that name, else the coordinator's own words as written."""
    if item.kind in CheckItem.Kind.values and item.label == CheckItem.Kind(item.kind).label:
        return kind_label(item.kind)
    return item.label


def _lines(items: Any) -> tuple[CheckLine, ...]:
    return tuple(
        CheckLine(
            pk=item.pk,
            kind=kind_label(item.kind),
            label=line_label(item),
            done=item.done_at is not None,
            done_by=_person(item.done_by) if item.done_at else "",
            done_at=item.done_at,
        )
        for item in items
    )


def day_view(user: Any, production_id: int, scene_id: int, day: date | None = None) -> DayView:
    """The day page: the coordinator's whole, the producer's roster only."""
    from closedset.compliance.services import SCHEDULERS, call_time

    scene = get_scene(user, production_id, scene_id, Role.COORDINATOR, Role.PRODUCER)
    roles = role_in(user, scene.production)
    day = day or call_day(scene)
    roster = tuple(RosterEntry.objects.filter(scene=scene, day=day))
    coordinator = Role.COORDINATOR in roles
    checklists: tuple[Checklist, ...] = ()
    run = None
    if coordinator:
        items = list(CheckItem.objects.filter(scene=scene, day=day).select_related("done_by"))
        checklists = tuple(
            Checklist(
                performer=_person(person),
                handle=person.handle,
                items=_lines(i for i in items if i.performer_id == person.pk),
            )
            for person in cast_of(scene)
        )
        run = Run.objects.filter(scene=scene, day=day).first()
    return DayView(
        scene=scene,
        day=day,
        call_at=call_time(scene),
        coordinator=coordinator,
        may_schedule=bool(roles & set(SCHEDULERS)),
        roster=roster,
        checklists=checklists,
        run=run,
    )


def _coordinated(user: Any, production_id: int, scene_id: int) -> Scene:
    return get_scene(user, production_id, scene_id, Role.COORDINATOR)


# What each text field asks for: (when it is empty, when it is too long, with %(limit)s).
_ASKS = {
    "name": (
        gettext_noop("Write the person's name."),
        gettext_noop("Write the person's name in %(limit)s characters or fewer."),
    ),
    "job": (
        gettext_noop("Write the job."),
        gettext_noop("Write the job in %(limit)s characters or fewer."),
    ),
    "label": (
        gettext_noop("Write what it is."),
        gettext_noop("Write what it is in %(limit)s characters or fewer."),
    ),
}


def _text(raw: object, limit: int, *, required: bool, field_name: str) -> str:
    # Control characters (NUL among them, which PostgreSQL refuses) are dropped, words kept.
    text = " ".join(
        "".join(ch for ch in str(raw or "") if ord(ch) >= 32 and ord(ch) != 127).split()
    )
    empty, too_long = _ASKS[field_name]
    if required and not text:
        message = gettext(empty)
        raise InvalidInput(message, {field_name: message})
    if len(text) > limit:
        message = gettext(too_long) % {"limit": limit}
        raise InvalidInput(message, {field_name: message})
    return text


def add_to_roster(
    user: Any, production_id: int, scene_id: int, day: date, name: object, job: object = ""
) -> RosterEntry:
    """A named person who may be on the closed set that day."""
    scene = _coordinated(user, production_id, scene_id)
    name_text = _text(name, NAME_MAX, required=True, field_name="name")
    job_text = _text(job, JOB_MAX, required=False, field_name="job")
    if RosterEntry.objects.filter(scene=scene, day=day, name__iexact=name_text).exists():
        message = gettext("%(name)s is on the roster already.") % {"name": name_text}
        raise InvalidInput(message, {"name": message})
    try:
        with transaction.atomic():
            return RosterEntry.objects.create(
                scene=scene, day=day, name=name_text, job=job_text, added_by=user
            )
    except IntegrityError:  # added by someone else a moment ago
        message = gettext("%(name)s is on the roster already.") % {"name": name_text}
        raise InvalidInput(message, {"name": message}) from None


def remove_from_roster(user: Any, production_id: int, scene_id: int, entry_id: int) -> None:
    """Off the closed set. Removing twice changes nothing."""
    scene = _coordinated(user, production_id, scene_id)
    if _known(entry_id):
        RosterEntry.objects.filter(scene=scene, pk=entry_id).delete()


def add_check(
    user: Any,
    production_id: int,
    scene_id: int,
    day: date,
    handle: object,
    kind: object,
    label: object = "",
) -> CheckItem:
    """One line on a cast performer's checklist; the label defaults to the kind's name."""
    scene = _coordinated(user, production_id, scene_id)
    performer = next((p for p in cast_of(scene) if p.handle == handle), None)
    if performer is None:
        message = gettext("Choose a performer cast in this scene from the list.")
        raise InvalidInput(message, {"performer": message})
    if kind not in CheckItem.Kind.values:
        message = gettext("Choose what it is from the list (barrier, modesty garment, robe, ...).")
        raise InvalidInput(message, {"kind": message})
    text = _text(label, LABEL_MAX, required=False, field_name="label")
    return CheckItem.objects.create(
        scene=scene,
        day=day,
        performer=performer,
        kind=kind,
        label=text or CheckItem.Kind(kind).label,
    )


def _item(scene: Scene, item_id: int) -> CheckItem:
    item = CheckItem.objects.filter(scene=scene, pk=item_id).first() if _known(item_id) else None
    if item is None:
        raise Conflict(gettext(STALE))
    return item


def _tick(item: CheckItem, user: Any, done: bool, now: datetime | None) -> CheckItem:
    if done and item.done_at is None:
        item.done_at, item.done_by = now or timezone.now(), user
    elif not done:
        item.done_at, item.done_by = None, None
    item.save(update_fields=["done_at", "done_by"])
    return item


def tick(
    user: Any,
    production_id: int,
    scene_id: int,
    item_id: int,
    done: bool,
    now: datetime | None = None,
) -> CheckItem:
    """The coordinator ticks (or unticks) a line; who and when are kept."""
    scene = _coordinated(user, production_id, scene_id)
    return _tick(_item(scene, item_id), user, done, now)


def remove_check(user: Any, production_id: int, scene_id: int, item_id: int) -> None:
    scene = _coordinated(user, production_id, scene_id)
    if _known(item_id):
        CheckItem.objects.filter(scene=scene, pk=item_id).delete()


# --- the production's settings ------------------------------------------------------------------


def _settings_production(user: Any, production_id: int) -> Production:
    return get_production(user, production_id, Role.COORDINATOR, Role.PRODUCER)


def settings_for(user: Any, production_id: int) -> DaySettings:
    """The shoot-day settings, for the coordinator and the producer."""
    return services.day_settings(_settings_production(user, production_id))


def _whole(raw: object, low: int, high: int, message: str, field_name: str) -> int:
    text = str(raw if raw is not None else "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 6 and low <= int(text) <= high):
        raise InvalidInput(message, {field_name: message})
    return int(text)


def save_settings(
    user: Any, production_id: int, escalate_seconds: object, reflection_minutes: object
) -> DaySettings:
    """Both numbers are checked before either is saved: nothing half-changed."""
    production = _settings_production(user, production_id)
    errors: dict[str, str] = {}
    values: dict[str, int] = {}
    for name, raw, low, high, words in (
        (
            "escalate_seconds",
            escalate_seconds,
            DaySettings.ESCALATE_MIN,
            ESCALATE_MAX,
            gettext_noop("Write a whole number of seconds between %(low)s and %(high)s."),
        ),
        (
            "reflection_minutes",
            reflection_minutes,
            REFLECTION_MIN,
            REFLECTION_MAX,
            gettext_noop("Write a whole number of minutes between %(low)s and %(high)s."),
        ),
    ):
        message = gettext(words) % {"low": low, "high": high}
        try:
            values[name] = _whole(raw, low, high, message, name)
        except InvalidInput as error:
            errors.update(error.fields)
    current = services.day_settings(production)
    if (
        "reflection_minutes" in values
        and values["reflection_minutes"] < current.reflection_minutes
        and Role.COORDINATOR not in role_in(user, production)
    ):
        # The performers' time to think is theirs to keep: only their coordinator shortens it.
        errors["reflection_minutes"] = gettext(
            "Only the intimacy coordinator can shorten the performers' time to think it over "
            "(now %(minutes)s minutes). Ask them, or leave it as it is."
        ) % {"minutes": current.reflection_minutes}
    if errors:
        raise InvalidInput(" ".join(dict.fromkeys(errors.values())), errors)
    row, _ = DaySettings.objects.update_or_create(production=production, defaults=values)
    return row


# --- beats on the console -----------------------------------------------------------------------

# Where a beat may go from where it is, and the button that moves it there.
_S = BeatState.Status
_START = pgettext_lazy("beat button", "Start")
_SKIP = pgettext_lazy("beat button", "Skip")
_DONE = pgettext_lazy("beat button", "Done")
_AGAIN = pgettext_lazy("beat button", "Shoot again")
_BACK = pgettext_lazy("beat button", "Back to planned")
STATUS_MOVES: dict[str, tuple[tuple[str, Any], ...]] = {
    _S.PLANNED: ((_S.IN_PROGRESS, _START), (_S.SKIPPED, _SKIP)),
    _S.IN_PROGRESS: ((_S.DONE, _DONE), (_S.SKIPPED, _SKIP), (_S.PLANNED, _BACK)),
    _S.DONE: ((_S.IN_PROGRESS, _AGAIN),),
    _S.SKIPPED: ((_S.PLANNED, _BACK),),
}
# A beat's status in the reader's language (the model's labels stay the English ones, which
# the stored timeline uses); the phone's template names the same four with this context.
STATUS_LABELS: dict[str, Any] = {
    _S.PLANNED: pgettext_lazy("beat status", "planned"),
    _S.IN_PROGRESS: pgettext_lazy("beat status", "in progress"),
    _S.DONE: pgettext_lazy("beat status", "done"),
    _S.SKIPPED: pgettext_lazy("beat status", "skipped"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@dataclass(frozen=True)
class Participant:
    name: str
    state: str  # consented | withdrawn | declined | waiting


@dataclass(frozen=True)
class BeatRow:
    place: int
    beat_id: str
    sentence: str
    status: str
    status_label: str
    changed_by: str
    changed_at: datetime | None
    participants: tuple[Participant, ...]
    moves: tuple[tuple[str, str], ...] = field(default=())

    @property
    def withdrawn(self) -> bool:
        return any(p.state == "withdrawn" for p in self.participants)


def _beats(run: Run) -> list[dict[str, Any]]:
    return [dict(b) for b in (run.final.plan_version.data or {}).get("beats") or []]


def _states(run: Run) -> dict[str, BeatState]:
    return {s.beat_id: s for s in run.beat_states.select_related("changed_by")}


def _participants(run: Run) -> dict[str, list[tuple[Any, str]]]:
    """Beat id -> [(performer, her consent state for it)], in role order. Her state is
    consent's own reading of her answers to the run's final version."""
    from closedset.consent.answers import _answers
    from closedset.consent.services import _cast, _cast_performers, _to

    data = run.final.plan_version.data or {}
    cast = _cast(data)
    people = _cast_performers(run.scene.production, data)
    answers = {h: _answers(u, run.final) for h, u in people.items()}
    found: dict[str, list[tuple[Any, str]]] = {}
    for item in _beats(run):
        beat_id = str(item.get("id"))
        rows = []
        for role in dict.fromkeys([str(item.get("by")), *_to(item)]):
            handle = cast.get(role)
            if handle in people:
                rows.append((people[handle], answers[handle].get(beat_id, "waiting")))
        found[beat_id] = rows
    return found


def beat_rows(run: Run) -> list[BeatRow]:
    """Every beat of the run's final version, with where it stands and who is in it."""
    from closedset.consent.services import beat_words

    words = beat_words(run.final, None, lang=current_language())
    states = _states(run)
    people = _participants(run)
    rows = []
    for place, item in enumerate(_beats(run), start=1):
        beat_id = str(item.get("id"))
        state = states.get(beat_id)
        status = state.status if state else BeatState.Status.PLANNED
        rows.append(
            BeatRow(
                place=place,
                beat_id=beat_id,
                sentence=words[beat_id].sentence if beat_id in words else "",
                status=status,
                status_label=status_label(status),
                changed_by=_person(state.changed_by) if state and state.changed_by else "",
                changed_at=state.changed_at if state else None,
                participants=tuple(Participant(_person(u), s) for u, s in people[beat_id]),
                # No button to start what cannot start (set_beat refuses it all the same).
                moves=tuple(
                    (move, label)
                    for move, label in STATUS_MOVES[status]
                    if move != BeatState.Status.IN_PROGRESS
                    or all(s == "consented" for _, s in people[beat_id])
                ),
            )
        )
    return rows


def _refusal(place: int, people: list[tuple[Any, str]]) -> str:
    """Why a beat may not start, in words: who withdrew or has not consented."""
    and_ = pgettext("between two names", " and ")
    withdrew = [_person(u) for u, state in people if state == "withdrawn"]
    if withdrew:
        return gettext(
            "%(names)s withdrew consent to beat %(place)s, so it cannot be shot. Skip it, or "
            "talk with the performers about a change."
        ) % {"names": and_.join(withdrew), "place": place}
    others = [_person(u) for u, state in people if state != "consented"]
    return gettext(
        "Beat %(place)s cannot start: %(names)s has not consented to it. Skip it, or talk "
        "with the performers."
    ) % {"names": and_.join(others), "place": place}


def set_beat(
    user: Any, run_id: int, beat_id: object, status: object, now: datetime | None = None
) -> BeatState:
    """The coordinator moves a beat: planned, in progress, done or skipped. A beat someone
    withdrew from (or never consented to) cannot start, nor any beat while the scene is on
    hold or stopped. Moving it to where it is changes nothing."""
    if status not in BeatState.Status.values:
        raise InvalidInput(
            gettext("Choose planned, in progress, done or skipped."),
            {"status": gettext("one of the four")},
        )
    moment = now or timezone.now()
    with transaction.atomic():
        run, what = services.open_run(user, run_id)
        if "coordinator" not in what:
            raise NotFound(services.NO_RUN)
        places = {str(b.get("id")): n for n, b in enumerate(_beats(run), start=1)}
        if not isinstance(beat_id, str) or beat_id not in places:
            raise Conflict(
                gettext("That beat is not in the version being shot. Reload the console.")
            )
        place = places[beat_id]
        if run.state == Run.State.CLOSED:
            raise Conflict(gettext(RUN_CLOSED))
        state, _ = BeatState.objects.select_for_update().get_or_create(
            run=run, beat_id=beat_id, defaults={"changed_at": moment}
        )
        if state.status == status:
            return state
        if status == BeatState.Status.IN_PROGRESS:
            if run.state != Run.State.RUNNING:
                raise Conflict(
                    gettext(
                        "The scene is %(state)s: beat %(place)s cannot start. "
                        "Press Resume once everyone is ready."
                    )
                    % {"state": services.state_label(run.state), "place": place}
                )
            people = _participants(run)[beat_id]
            if any(s != "consented" for _, s in people):
                raise Conflict(_refusal(place, people))
        state.status, state.changed_at, state.changed_by = status, moment, user
        state.save(update_fields=["status", "changed_at", "changed_by"])
        label = BeatState.Status(status).label
        services.note(run, "beat", f"Beat {place}: {label} ({_person(user)}).", at=moment)
    return state


# --- the timeline -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    at: datetime
    text: str
    kind: str


def timeline(run: Run, limit: int = 40) -> list[Line]:
    """The console's timeline, newest first: its own lines and every PAUSE and STOP (sent,
    seen by whom)."""
    lines = [
        # Stored as written (English); shown in the reader's language where the line is a
        # fixed text or one of timeline_words' patterns, else as it was stored.
        Line(t.at, timeline_words.said(t.kind, t.text), t.kind)
        for t in TimelineEntry.objects.filter(run=run).order_by("-at", "-pk")[:limit]
    ]
    for signal in (
        Signal.objects.filter(run=run)
        .select_related("sender", "acknowledged_by")
        .order_by("-seq")[:limit]
    ):
        # Built as it is read: in the reader's language (the stored lines stay as written).
        words = {"kind": services.kind_label(signal.kind), "sender": _person(signal.sender)}
        sent = gettext("%(kind)s from %(sender)s.") % words
        lines.append(Line(signal.stored_at, sent, "signal"))
        if signal.acknowledged_at:
            seen = gettext("%(by)s saw the %(kind)s from %(sender)s.") % {
                **words,
                "by": _person(signal.acknowledged_by),
            }
            lines.append(Line(signal.acknowledged_at, seen, "seen"))
        if signal.escalated_at:
            late = gettext("%(kind)s not seen in time: sent on to the producer.") % words
            lines.append(Line(signal.escalated_at, late, "escalated"))
    lines.sort(key=lambda line: line.at, reverse=True)
    return lines[:limit]


# --- the performer's phone ----------------------------------------------------------------------


@dataclass(frozen=True)
class MyBeat:
    place: int
    sentence: str
    status: str
    status_label: str
    withdrawn: bool


def _roles_of(run: Run, handle: str) -> list[str]:
    cast = (run.final.plan_version.data or {}).get("cast") or {}
    return [str(role) for role, h in cast.items() if h == handle]


def my_beats(user: Any, run: Run) -> list[MyBeat]:
    """Her beats of the version being shot, in her words ("Jonas kisses your mouth"), with
    where each stands. Only hers: a co-performer's beats are not her business."""
    from closedset.consent.answers import WITHDRAWN, _answers
    from closedset.consent.services import beat_ids_for, beat_words

    roles = _roles_of(run, user.handle)
    if not roles:
        return []
    data = run.final.plan_version.data or {}
    mine = set(beat_ids_for(data, user.handle))
    # In the page's language: her phone speaks hers.
    words = beat_words(run.final, roles[0], lang=current_language())
    answers = _answers(user, run.final)
    states = _states(run)
    found = []
    for place, item in enumerate(_beats(run), start=1):
        beat_id = str(item.get("id"))
        if beat_id not in mine:
            continue
        state = states.get(beat_id)
        status = state.status if state else BeatState.Status.PLANNED
        found.append(
            MyBeat(
                place=place,
                sentence=words[beat_id].sentence if beat_id in words else "",
                status=status,
                status_label=status_label(status),
                withdrawn=answers.get(beat_id) == WITHDRAWN,
            )
        )
    return found


def my_checklist(user: Any, run: Run) -> tuple[CheckLine, ...]:
    """Her own checklist for the run's scene and day."""
    rows = CheckItem.objects.filter(scene=run.scene, day=run.day, performer=user)
    return _lines(rows.select_related("done_by"))


def tick_mine(
    user: Any, run_id: int, item_id: int, done: bool, now: datetime | None = None
) -> CheckItem:
    """A performer ticks (or unticks) a line of her own checklist for the run's day."""
    run, what = services.run_for(user, run_id)
    if "performer" not in what:
        raise NotFound(services.NO_RUN)
    if run.state == Run.State.CLOSED:
        # Ticked after the scene, a line would say she was ready when she was not asked.
        raise Conflict(gettext("The scene is closed: its checklist no longer changes."))
    item = _item(run.scene, item_id)
    if item.performer_id != user.pk or item.day != run.day:
        raise Conflict(gettext(STALE))
    return _tick(item, user, done, now)


def beat_was_shot(final: Any, beat_id: str) -> bool:
    """Whether a beat of this final version is done on some shoot day: then a withdrawal can
    no longer change it (for consent.services.beat_shot)."""
    return BeatState.objects.filter(
        run__final=final, beat_id=beat_id, status=BeatState.Status.DONE
    ).exists()
