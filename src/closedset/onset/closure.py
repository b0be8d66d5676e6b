"""Closing a scene (docs/shootday.md, "Closure"): the closing checklist, debrief and aftercare
notes, anonymous feedback, the coordinator's report of the day, and the producer's screen.

Sealed text: the debrief is sealed for the coordinator who wrote it; an aftercare note for the
performer it is for. A coordinator sees that a note exists (who wrote it, when) and may replace
it until the scene is closed, never read it back: it is the performer's.

Feedback is anonymous: a `Feedback` row has a random key and no person; `FeedbackGiven` only
says who has answered (so nobody answers twice). What could still single someone out, and what
is done about it:
- Order. Rows are read ordered by their random UUID, never in insertion order (SQLite's hidden
  rowid and PostgreSQL's physical order follow it), so comments come in an order that says
  nothing about who answered first. (The database's own physical order is beyond the app: an
  operator with the raw tables could line them up; the app never reads it.)
- Differencing. A screen that showed the aggregate at 3 answers and again at 4 would give the
  fourth person's scores and comment away by subtraction. So the aggregate shows only once
  feedback is over (everyone asked has answered, or FEEDBACK_OPEN has passed since the close),
  and no answer is taken after that: once shown, it never changes.
- The viewer's own answer. A coordinator who answered subtracts her own: the threshold counts
  the others (3 besides her), so what she sees is always the mix of at least three people.
- Who is asked. Fixed at the close (kept with the closure): someone who joins afterwards is
  not asked, and someone who leaves still counts until the window ends. Otherwise adding a
  member would reopen feedback after the aggregate was shown, and their answer would be the
  difference; removing one who had not answered would end it early.
- Timing and counts. The count ("2 answers so far") is shown; it tells that someone answered,
  not what. No time is stored with an answer.
The aggregate is the coordinator's alone (her console, the closure page and her report).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext, pgettext_lazy

from closedset.lib import crypto
from closedset.lib.days import day_of
from closedset.lib.errors import MAX_ID, Conflict, InvalidInput, NotFound
from closedset.lib.i18n import current_language
from closedset.onset import services
from closedset.onset.day import status_label
from closedset.onset.models import (
    INCIDENT_STATE_WORDS,
    AftercareNote,
    BeatState,
    ChangeRequest,
    CheckIn,
    Closure,
    Feedback,
    FeedbackGiven,
    Incident,
    Run,
    Signal,
)
from closedset.productions.models import Production, Role
from closedset.productions.services import acting_members, get_production, role_in

# The closing checklist, in the order it is done on set.
CHECKLIST: tuple[tuple[str, Any], ...] = (
    ("dressed", gettext_lazy("Everyone is dressed or in a robe")),
    ("collected", gettext_lazy("Barriers and modesty garments are collected")),
    ("checked", gettext_lazy("I have checked in with each performer, one to one")),
    ("reopened", gettext_lazy("The set is reopened (closed-set roster released)")),
)
DEBRIEF_MAX = 5000
AFTERCARE_MAX = 2000
COMMENT_MAX = 2000
SCORES = (1, 2, 3, 4, 5)
# Fewer than this many answers (besides the viewer's own) are never shown, even in aggregate.
FEEDBACK_MIN = 3
# How long after the close feedback is taken, unless everyone asked has answered sooner.
FEEDBACK_OPEN = timedelta(hours=24)
FEEDBACK_ROLES = (Role.COORDINATOR, Role.DIRECTOR)


def _context(kind: str, run: Run) -> str:
    return f"onset.{kind}:{run.pk}"


def _clock(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M:%S") if moment else ""


def _name(user: Any) -> str:
    return str(getattr(user, "display_name", "") or gettext("someone"))


def refuse_if_closed(run: Run) -> None:
    """A closed run takes no more changes (for every part of the day: call it on the locked
    run before changing anything)."""
    if run.state == Run.State.CLOSED:
        raise Conflict(
            gettext("Scene %(number)s is closed: nothing more can be changed in it today.")
            % {"number": run.scene.number}
        )


# --- who is in the scene ------------------------------------------------------------------


def cast(run: Run) -> list[Any]:
    """The performers cast in the version being shot, in the plan's order."""
    return services.cast_people(run.scene.production, run.final.plan_version.data)


def asked(run: Run) -> list[Any]:
    """Who is asked for feedback: the cast, the coordinators and the directors (all on the
    closed set). Producers are not: they follow the day from their screen, not the set."""
    people = cast(run)
    for role in FEEDBACK_ROLES:
        for user in acting_members(run.scene.production, role):
            if user not in people:
                people.append(user)
    return people


def asked_at_close(run: Run) -> set[int] | None:
    """The ids of those asked, as kept when the scene was closed; None before the close."""
    kept = (Closure.objects.filter(run=run).values_list("checklist", flat=True).first()) or {}
    ids = kept.get("asked") if isinstance(kept, dict) else None
    if not isinstance(ids, list):
        return None
    return {i for i in ids if isinstance(i, int)}


def _run_for_feedback(user: Any, run_id: int) -> Run:
    """The run for someone asked for feedback on it; for anyone else the same NotFound."""
    try:
        run, _ = services.run_for(user, run_id)
    except NotFound:
        run = services.run_seen_by(user, run_id, Role.DIRECTOR)
    if user not in asked(run):
        raise NotFound(gettext(services.NO_RUN))
    kept = asked_at_close(run)
    if kept is not None and user.pk not in kept:
        # Joined after the close: not asked (their answer could be subtracted).
        raise NotFound(gettext(services.NO_RUN))
    return run


def _coordinator_run(user: Any, run_id: int, *, lock: bool = False) -> Run:
    run, what = (services.locked_run if lock else services.run_for)(user, run_id)
    if "coordinator" not in what:
        raise NotFound(gettext(services.NO_RUN))
    return run


# --- the closing checklist, debrief and aftercare ----------------------------------------


@dataclass
class Item:
    key: str
    label: str
    done: bool


@dataclass
class AftercareLine:
    performer: Any
    name: str
    handle: str
    written_by: str = ""
    written_at: str = ""
    typed: str = ""  # what the coordinator typed, when a refused form comes back

    @property
    def exists(self) -> bool:
        return bool(self.written_at)


@dataclass
class FeedbackSummary:
    count: int
    shown: bool
    message: str
    safety: float = 0.0
    respect: float = 0.0
    comfort: float = 0.0
    comments: list[str] = field(default_factory=list)


@dataclass
class ClosurePage:
    run: Run
    items: list[Item]
    debrief: str
    debrief_note: str
    aftercare: list[AftercareLine]
    closed: bool
    closed_by: str
    closed_at: str
    feedback: FeedbackSummary
    waiting_signals: int
    unfinished: list[str]  # what is still open on the console, in words (closing is allowed)


def _closure(run: Run) -> Closure:
    found = Closure.objects.filter(run=run).first()
    return found or Closure(run=run)


def _ticked(closure: Closure) -> dict[str, str]:
    done = (closure.checklist or {}).get("done") or {}
    return {k: str(v) for k, v in done.items() if k in dict(CHECKLIST)}


def _aftercare_lines(run: Run) -> list[AftercareLine]:
    notes = {
        n.performer_id: n
        for n in AftercareNote.objects.filter(run=run).select_related("written_by")
    }
    lines = []
    for performer in cast(run):
        line = AftercareLine(performer, _name(performer), performer.handle)
        note_row = notes.get(performer.pk)
        if note_row is not None:
            line.written_by = _name(note_row.written_by)
            line.written_at = timezone.localtime(note_row.written_at).strftime("%H:%M")
        lines.append(line)
    return lines


def _waiting(run: Run) -> int:
    return Signal.objects.filter(run=run, acknowledged_at__isnull=True).count()


def _unfinished(run: Run, now: datetime | None) -> list[str]:
    """What the console still shows as open: the coordinator may close anyway, knowingly."""
    from closedset.onset.changes import outcome
    from closedset.onset.models import BeatState, CheckIn

    found = []
    beats = [
        str(b.get("id"))
        for b in (run.final.plan_version.data or {}).get("beats") or []
        if isinstance(b, dict)
    ]
    settled = set(
        BeatState.objects.filter(
            run=run, status__in=[BeatState.Status.DONE, BeatState.Status.SKIPPED]
        ).values_list("beat_id", flat=True)
    )
    left = len([b for b in beats if b not in settled])
    if left:
        found.append(
            ngettext(
                "%(count)s beat neither done nor skipped",
                "%(count)s beats neither done nor skipped",
                left,
            )
            % {"count": left}
        )
    moment = now or timezone.now()
    waiting = sum(outcome(c, moment) == "waiting" for c in ChangeRequest.objects.filter(run=run))
    if waiting:
        found.append(
            ngettext(
                "%(count)s change request still waiting",
                "%(count)s change requests still waiting",
                waiting,
            )
            % {"count": waiting}
        )
    if CheckIn.objects.filter(run=run, closed_at__isnull=True).exists():
        found.append(gettext("a check-in still open"))
    open_incidents = Incident.objects.filter(run=run, state=Incident.State.OPEN).count()
    if open_incidents:
        found.append(
            ngettext(
                "%(count)s incident not yet acknowledged",
                "%(count)s incidents not yet acknowledged",
                open_incidents,
            )
            % {"count": open_incidents}
        )
    return found


def closure_page(user: Any, run_id: int, now: datetime | None = None) -> ClosurePage:
    """What the coordinator's "Close the scene" page shows."""
    run = _coordinator_run(user, run_id)
    closure = _closure(run)
    ticked = _ticked(closure)
    debrief, debrief_note = "", ""
    if closure.debrief:
        author = (closure.checklist or {}).get("debrief_by")
        if author == user.pk:
            try:
                debrief = crypto.unseal_text(user, bytes(closure.debrief), _context("debrief", run))
            except crypto.CryptoError:
                debrief_note = gettext("The debrief notes can no longer be opened.")
        else:
            # Sealed for the coordinator who wrote them: another coordinator sees they exist.
            debrief_note = gettext(
                "Debrief notes were written by another coordinator; only they can read them."
            )
    return ClosurePage(
        run=run,
        items=[Item(key, label, key in ticked) for key, label in CHECKLIST],
        debrief=debrief,
        debrief_note=debrief_note,
        aftercare=_aftercare_lines(run),
        closed=run.state == Run.State.CLOSED,
        closed_by=_name(closure.closed_by) if closure.closed_by_id else "",
        closed_at=_clock(closure.closed_at),
        feedback=feedback_summary(run, user, now),
        waiting_signals=_waiting(run),
        unfinished=[] if run.state == Run.State.CLOSED else _unfinished(run, now),
    )


def save(
    user: Any,
    run_id: int,
    *,
    done: list[str],
    debrief: str | None = None,
    aftercare: dict[str, str] | None = None,
    now: datetime | None = None,
) -> Closure:
    """Save the closing checklist (the items ticked now), the debrief (None: keep it, empty:
    remove it) and aftercare notes by performer handle (empty: keep the note there is)."""
    moment = now or timezone.now()
    unknown = [key for key in done if key not in dict(CHECKLIST)]
    if unknown:
        raise InvalidInput(gettext("The checklist changed; reload the page and tick again."))
    debrief = debrief.strip() if debrief is not None else None
    if debrief and len(debrief) > DEBRIEF_MAX:
        message = gettext("The debrief notes are too long: shorten them to %(max)s characters.") % {
            "max": f"{DEBRIEF_MAX:,}"
        }
        raise InvalidInput(message, {"debrief": message})
    notes = {h: (t or "").strip() for h, t in (aftercare or {}).items()}
    for handle, text in notes.items():
        if len(text) > AFTERCARE_MAX:
            message = gettext(
                "An aftercare note is too long: shorten it to %(max)s characters."
            ) % {"max": f"{AFTERCARE_MAX:,}"}
            raise InvalidInput(message, {f"aftercare-{handle}": message})
    with transaction.atomic():
        run = _coordinator_run(user, run_id, lock=True)
        refuse_if_closed(run)
        performers = {p.handle: p for p in cast(run)}
        if set(notes) - set(performers):
            raise InvalidInput(
                gettext("The cast changed; reload the page and write the note again.")
            )
        closure = _closure(run)
        previous = _ticked(closure)
        checklist = dict(closure.checklist or {})
        checklist["done"] = {
            key: previous.get(key) or moment.isoformat() for key, _ in CHECKLIST if key in done
        }
        if debrief:
            closure.debrief = crypto.seal_text(user, debrief, _context("debrief", run))
            checklist["debrief_by"] = user.pk
        elif debrief is not None:
            closure.debrief = None
            checklist.pop("debrief_by", None)
        closure.checklist = checklist
        closure.save()
        for handle, text in notes.items():
            if not text:
                continue
            performer = performers[handle]
            # One note per performer: writing again replaces it.
            AftercareNote.objects.filter(run=run, performer=performer).delete()
            AftercareNote.objects.create(
                run=run,
                performer=performer,
                note=crypto.seal_text(performer, text, _context("aftercare", run)),
                written_by=user,
                written_at=moment,
            )
    return closure


def close(user: Any, run_id: int, now: datetime | None = None) -> Run:
    """Close the scene: the checklist done and every PAUSE and STOP seen first. The run then
    takes no more changes; feedback opens."""
    from closedset.record.services import append

    moment = now or timezone.now()
    with transaction.atomic():
        run = _coordinator_run(user, run_id, lock=True)
        refuse_if_closed(run)
        if _waiting(run):
            raise Conflict(
                gettext(
                    "A PAUSE or STOP has not been acknowledged yet. Go to it on the console, "
                    "answer it, then close the scene."
                )
            )
        closure = _closure(run)
        ticked = _ticked(closure)
        missing = [label for key, label in CHECKLIST if key not in ticked]
        if missing:
            raise Conflict(
                gettext(
                    "Not closed yet: tick every line of the closing checklist first (%(lines)s)."
                )
                % {"lines": "; ".join(str(label).lower() for label in missing)}
            )
        closure.closed_at = moment
        closure.closed_by = user
        # Who is asked for feedback is fixed now: see the module's docstring.
        closure.checklist = {**(closure.checklist or {}), "asked": [u.pk for u in asked(run)]}
        closure.save()
        run.state = Run.State.CLOSED
        run.save(update_fields=["state"])
        services.note(run, "closure", f"Scene closed by {_name(user)}.", at=moment)
        append(
            run.scene.production.organisation,
            {
                "type": "closure",
                "production": run.scene.production_id,
                "scene": run.scene_id,
                "run": run.pk,
            },
        )
    return run


# --- aftercare for the performer --------------------------------------------------------


def my_aftercare(user: Any, run: Run) -> str:
    """The performer's own aftercare note on this run, or ""."""
    found = AftercareNote.objects.filter(run=run, performer=user).order_by("-written_at").first()
    if found is None:
        return ""
    try:
        return crypto.unseal_text(user, bytes(found.note), _context("aftercare", run))
    except crypto.CryptoError:
        return ""


# --- anonymous feedback -----------------------------------------------------------------


def _closed_at(run: Run) -> datetime | None:
    return Closure.objects.filter(run=run).values_list("closed_at", flat=True).first()


def feedback_over(run: Run, now: datetime | None = None) -> bool:
    """Feedback is over once everyone asked has answered, or FEEDBACK_OPEN after the close."""
    closed_at = _closed_at(run)
    if run.state != Run.State.CLOSED or closed_at is None:
        return False
    if (now or timezone.now()) >= closed_at + FEEDBACK_OPEN:
        return True
    kept = asked_at_close(run)
    people = kept if kept is not None else {u.pk for u in asked(run)}
    answered = set(FeedbackGiven.objects.filter(run=run).values_list("person_id", flat=True))
    return people <= answered


def feedback_state(user: Any, run: Run, now: datetime | None = None) -> str:
    """For one person: "not-closed", "given", "over" or "open"."""
    if run.state != Run.State.CLOSED:
        return "not-closed"
    if FeedbackGiven.objects.filter(run=run, person=user).exists():
        return "given"
    return "over" if feedback_over(run, now) else "open"


def _score(value: object, name: str) -> int:
    text = str(value if value is not None else "").strip()
    if text not in {str(s) for s in SCORES}:
        message = gettext("Choose 1 to 5 for %(name)s.") % {"name": name}
        raise InvalidInput(message, {name: message})
    return int(text)


def give_feedback(
    user: Any,
    run_id: int,
    *,
    safety: object,
    respect: object,
    comfort: object,
    comment: object = "",
    now: datetime | None = None,
) -> None:
    """One anonymous answer per person and run, once the scene is closed."""
    scores = {
        "safety": _score(safety, "safety"),
        "respect": _score(respect, "respect"),
        "comfort": _score(comfort, "comfort"),
    }
    # Control characters other than line breaks and tabs mean nothing in a comment (and
    # PostgreSQL refuses NUL): they are dropped, the words kept.
    text = "".join(
        ch for ch in str(comment or "") if ch in "\n\r\t" or not (ord(ch) < 32 or ord(ch) == 127)
    ).strip()
    if len(text) > COMMENT_MAX:
        message = gettext("The comment is too long: shorten it to %(max)s characters.") % {
            "max": f"{COMMENT_MAX:,}"
        }
        raise InvalidInput(message, {"comment": message})
    run = _run_for_feedback(user, run_id)
    with transaction.atomic():
        # Serialise answers to one run: "answered once" and "over" are decided on one state.
        run = Run.objects.select_for_update().select_related("scene").get(pk=run.pk)
        state = feedback_state(user, run, now)
        if state == "not-closed":
            raise Conflict(gettext("Feedback opens once the coordinator closes the scene."))
        if state == "given":
            raise Conflict(gettext("You have already answered for this scene. Thank you."))
        if state == "over":
            raise Conflict(gettext("Feedback on this scene is over. Thank you."))
        try:
            with transaction.atomic():
                FeedbackGiven.objects.create(run=run, person=user)
        except IntegrityError:  # a second tab sent it at the same moment
            raise Conflict(
                gettext("You have already answered for this scene. Thank you.")
            ) from None
        # No person, no time: nothing in the row points back to who wrote it.
        Feedback.objects.create(run=run, comment=text, **scores)


def feedback_summary(run: Run, viewer: Any, now: datetime | None = None) -> FeedbackSummary:
    """The aggregate as `viewer` (a coordinator) may see it; see the module's docstring."""
    count = FeedbackGiven.objects.filter(run=run).count()
    own = FeedbackGiven.objects.filter(run=run, person=viewer).exists()
    others = count - (1 if own else 0)
    if others < FEEDBACK_MIN or not feedback_over(run, now):
        values = {"count": count, "min": FEEDBACK_MIN}
        if own:
            message = (
                ngettext(
                    "%(count)s answer so far; shown once %(min)s others than you have answered "
                    "and feedback is over (when everyone asked has answered, or 24 hours after "
                    "the close).",
                    "%(count)s answers so far; shown once %(min)s others than you have answered "
                    "and feedback is over (when everyone asked has answered, or 24 hours after "
                    "the close).",
                    count,
                )
                % values
            )
        else:
            message = (
                ngettext(
                    "%(count)s answer so far; shown once %(min)s have answered and feedback is "
                    "over (when everyone asked has answered, or 24 hours after the close).",
                    "%(count)s answers so far; shown once %(min)s have answered and feedback is "
                    "over (when everyone asked has answered, or 24 hours after the close).",
                    count,
                )
                % values
            )
        if run.state != Run.State.CLOSED:
            message = gettext("Feedback opens once the scene is closed.")
        return FeedbackSummary(count=count, shown=False, message=message)
    # Ordered by the random key: never by insertion, which would line up with who answered.
    rows = list(Feedback.objects.filter(run=run).order_by("id"))

    def mean(name: str) -> float:
        return round(sum(int(getattr(r, name)) for r in rows) / len(rows), 1)

    return FeedbackSummary(
        count=len(rows),
        shown=True,
        message=ngettext("%(count)s answer.", "%(count)s answers.", len(rows))
        % {"count": len(rows)},
        safety=mean("safety"),
        respect=mean("respect"),
        comfort=mean("comfort"),
        comments=[r.comment for r in rows if r.comment],
    )


# --- the coordinator's report of the day ------------------------------------------------

# The same words for every way of asking for a day's report one may not have: another role,
# another production, a production that does not exist.
NO_REPORT = gettext_noop(
    "There is no such report. Check the address, or ask the production's coordinator."
)
BAD_DAY = gettext_noop("That is not a date: write it as year-month-day, for example 2026-11-26.")


# A change request's outcome in the report, in the order the day's summary counts them.
# A change's outcome as the report says it: the same words whoever answered what.
CHANGE_OUTCOMES = (
    pgettext_lazy("change request outcome", "approved"),
    pgettext_lazy("change request outcome", "not approved"),
    pgettext_lazy("change request outcome", "refused at once (crosses a hard limit)"),
    pgettext_lazy("change request outcome", "waiting for answers"),
)


def _change_outcome(change: ChangeRequest, moment: datetime) -> str:
    approved, not_approved, refused, waiting = (str(words) for words in CHANGE_OUTCOMES)
    if change.checked == ChangeRequest.Check.REFUSED:
        return refused
    if change.approved_at is not None:
        return approved
    if moment >= change.reflect_until:
        return not_approved
    return waiting


def _report_section(run: Run, viewer: Any, moment: datetime) -> dict[str, Any]:
    """What a report shows of one run, in the per-run report and the day's alike. Never
    aftercare or debrief text, a boundary, a check-in colour, who declined a change, or who
    reported an incident: only states, times and counts (and the feedback's aggregate, under
    its own rules)."""
    from closedset.consent.services import beat_words
    from closedset.core.taxonomy import load_taxonomy

    scene = run.scene
    words = beat_words(run.final, None)
    states = {b.beat_id: b for b in BeatState.objects.filter(run=run)}
    beats = []
    for beat_id, said in words.items():
        state = states.get(beat_id)
        beats.append(
            {
                "sentence": said.sentence,
                "status": status_label(state.status if state else BeatState.Status.PLANNED),
            }
        )
    signals = [
        {
            "kind": services.kind_label(s.kind),
            "at": _clock(s.stored_at),
            "seen": _clock(s.acknowledged_at) or gettext("not acknowledged"),
            "escalated": _clock(s.escalated_at),
            "acknowledged": s.acknowledged_at is not None,
        }
        for s in Signal.objects.filter(run=run).order_by("seq")
    ]
    taxonomy = load_taxonomy(lang=current_language())
    incidents = list(Incident.objects.filter(run=run).order_by("reported_at", "pk"))
    deviations = []
    for incident in incidents:
        if incident.kind != Incident.Kind.DEVIATION:
            continue
        act = taxonomy.acts.get(incident.act)
        zone = taxonomy.zones.get(incident.zone)
        deviations.append(
            {
                "at": _clock(incident.reported_at),
                "act": act.label if act else (incident.act or gettext("not given")),
                "zone": zone.label if zone else (incident.zone or gettext("not given")),
                "state": incident.state_words,
            }
        )
    closure = _closure(run)
    ticked = _ticked(closure)
    schedule = getattr(scene, "schedule", None)
    return {
        "run": run,
        "scene": scene,
        "called": timezone.localtime(schedule.call_at).strftime("%H:%M") if schedule else "",
        "started": _clock(run.started_at),
        "closed": _clock(closure.closed_at),
        "is_closed": run.state == Run.State.CLOSED,
        "state": services.state_label(run.state),
        "version": run.final.plan_version.number,
        "beats": beats,
        "signals": signals,
        "checkins": CheckIn.objects.filter(run=run).count(),
        "incident_count": len(incidents),
        "incident_states": _state_counts(incidents),
        "deviations": deviations,
        "changes": [
            {"at": _clock(c.proposed_at), "outcome": _change_outcome(c, moment)}
            for c in ChangeRequest.objects.filter(run=run).order_by("proposed_at", "pk")
        ],
        "items": [(label, key in ticked) for key, label in CHECKLIST],
        "feedback": feedback_summary(run, viewer, moment),
    }


def _made_at(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def report_context(user: Any, run_id: int, now: datetime | None = None) -> dict[str, Any]:
    """The report of one run (one scene's day), for the production's coordinator."""
    moment = now or timezone.now()
    run = _coordinator_run(user, run_id)
    return {
        "section": _report_section(run, user, moment),
        "production": run.scene.production,
        "day": run.day,
        "made_at": _made_at(moment),
    }


def report_pdf(user: Any, run_id: int, now: datetime | None = None) -> bytes:
    """The coordinator's report of the scene's day, as a PDF from onset/report_pdf.html."""
    from closedset.rider.pdf import _render_pdf

    html = render_to_string("onset/report_pdf.html", report_context(user, run_id, now))
    return _render_pdf(html)


def _coordinator_production(user: Any, production_id: int) -> Production:
    """The production, for one of its coordinators; for anyone else the same NotFound."""
    if not (isinstance(production_id, int) and 0 < production_id <= MAX_ID):
        raise NotFound(NO_REPORT)
    if Role.COORDINATOR not in role_in(user, production_id):
        raise NotFound(NO_REPORT)
    found = Production.objects.filter(pk=production_id).first()
    if found is None:
        raise NotFound(NO_REPORT)
    return found


def _report_date(text: str) -> date:
    """The day of a report's address ("2026-11-26"), or InvalidInput in words."""
    return day_of(text, BAD_DAY)


def day_runs(production: Production, day: date) -> list[Run]:
    """The production's runs of `day`, by call time (scenes not called last), then start."""
    return list(
        Run.objects.filter(scene__production=production, day=day)
        .select_related("scene__production", "scene__schedule", "final__plan_version")
        .order_by(F("scene__schedule__call_at").asc(nulls_last=True), "started_at", "pk")
    )


def _count_words(counts: Counter[str], order: list[str]) -> list[tuple[str, int]]:
    return [(label, counts[label]) for label in order if counts[label]]


def report_day_context(
    user: Any, production_id: int, day: str, now: datetime | None = None
) -> dict[str, Any]:
    """The report of one production's whole day, for its coordinators: a summary, then each
    run as the per-run report shows it. Who may not have it learns nothing, not even whether
    the date is well written; a coordinator is told what is wrong."""
    production = _coordinator_production(user, production_id)
    when = _report_date(day)
    runs = day_runs(production, when)
    if not runs:
        raise NotFound(
            gettext(
                "No scene of %(production)s was started on %(day)s, so there is no report of "
                "that day."
            )
            % {"production": production.name, "day": date_format(when, "DATE_FORMAT")}
        )
    moment = now or timezone.now()
    sections = [_report_section(run, user, moment) for run in runs]
    signals = Counter(s["kind"] for section in sections for s in section["signals"])
    changes = Counter(c["outcome"] for section in sections for c in section["changes"])
    # Counts only: the incidents themselves (who reported them) never reach the template.
    incidents: Counter[str] = Counter()
    for section in sections:
        incidents.update(dict(section["incident_states"]))
    return {
        "production": production,
        "day": when,
        "made_at": _made_at(moment),
        "sections": sections,
        "summary": {
            "started": [section["scene"].number for section in sections],
            "closed": [section["scene"].number for section in sections if section["is_closed"]],
            "signal_count": sum(signals.values()),
            "signals": _count_words(signals, [services.kind_label(k) for k in Signal.Kind.values]),
            "unacknowledged": sum(
                not s["acknowledged"] for section in sections for s in section["signals"]
            ),
            "incident_count": sum(incidents.values()),
            "incident_states": _count_words(
                incidents, [str(INCIDENT_STATE_WORDS[state]) for state in Incident.State.values]
            ),
            "change_count": sum(changes.values()),
            "changes": _count_words(changes, [str(words) for words in CHANGE_OUTCOMES]),
        },
    }


@dataclass(frozen=True)
class ReportFile:
    name: str  # report-harbour-lights-2026-11-26.pdf
    pdf: bytes


def report_day_pdf(
    user: Any, production_id: int, day: str, now: datetime | None = None
) -> ReportFile:
    """The coordinator's report of the production's day, as a PDF from
    onset/report_day_pdf.html, with its file name."""
    from django.utils.text import slugify

    from closedset.rider.pdf import _render_pdf

    context = report_day_context(user, production_id, day, now)
    production = context["production"]
    # Safe letters only in the file name: the production's name is free text.
    name = f"report-{slugify(production.name) or production.pk}-{context['day']:%Y-%m-%d}.pdf"
    return ReportFile(name, _render_pdf(render_to_string("onset/report_day_pdf.html", context)))


def _state_counts(incidents: list[Incident]) -> list[tuple[str, int]]:
    counts = Counter(i.state for i in incidents)
    return [
        (str(INCIDENT_STATE_WORDS[value]), counts[value])
        for value in Incident.State.values
        if counts[value]
    ]


# --- the producer's screen --------------------------------------------------------------


@dataclass(frozen=True)
class Alert:
    """An escalated PAUSE or STOP on the producer's screen: what and when, never who."""

    text: str
    unseen: bool

    def __str__(self) -> str:
        return self.text


@dataclass
class RunLine:
    run: Run
    scene: str
    title: str
    state: str
    state_value: str
    alerts: list[Alert]
    incidents: list[tuple[str, int]]


def today(user: Any, production_id: int, now: datetime | None = None) -> dict[str, Any]:
    """The producer's view of today: each run's state, escalated PAUSE and STOP (never who),
    incident counts and states. Nothing about consent, check-ins or answers."""
    production = get_production(user, production_id, Role.PRODUCER)
    moment = now or timezone.now()
    day = timezone.localdate(moment)
    runs = list(
        services.current_runs(production, moment)
        .select_related("scene")
        .order_by("started_at", "pk")
    )
    lines = []
    for run in runs:
        if run.state != Run.State.CLOSED:
            # This screen's polling escalates too: nobody's console need be open.
            services.escalate_due(now=moment, run_id=run.pk)
        alerts = []
        for signal in Signal.objects.filter(run=run, escalated_at__isnull=False).order_by("seq"):
            values = {
                "kind": services.kind_label(signal.kind),
                "number": run.scene.number,
                "time": _clock(signal.stored_at),
                "seen": _clock(signal.acknowledged_at),
            }
            if signal.acknowledged_at:
                text = gettext(
                    "%(kind)s in scene %(number)s at %(time)s seen by the coordinator at %(seen)s"
                )
            else:
                text = gettext("%(kind)s in scene %(number)s at %(time)s not yet seen")
            alerts.append(Alert(text % values, unseen=signal.acknowledged_at is None))
        lines.append(
            RunLine(
                run=run,
                scene=run.scene.number,
                title=run.scene.title,
                state=services.state_label(run.state),
                state_value=run.state,
                alerts=alerts,
                incidents=_state_counts(list(Incident.objects.filter(run=run))),
            )
        )
    open_incidents = list(
        Incident.objects.filter(production=production).exclude(state=Incident.State.RESOLVED)
    )
    return {
        "production": production,
        "day": day,
        "runs": lines,
        "unseen": sum(1 for line in lines for alert in line.alerts if alert.unseen),
        "open_incidents": _state_counts(open_incidents),
    }
