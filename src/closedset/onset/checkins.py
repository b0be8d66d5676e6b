"""Check-ins between beats (docs/shootday.md, "Check-ins").

The coordinator asks; each performer cast in the run answers green, yellow or red on her
phone, privately. Red stops the run at once; yellow asks the coordinator to talk to that
performer. Only the coordinator sees who answered what: the timeline says "Check-in asked" and
"Scene stopped after a check-in", never a colour, and no colour goes into the record.

A performer may change her answer until the coordinator closes the check-in (asking the next
one closes it too): a green given in a hurry must be able to become a red. A red's stop stands
whatever she answers after it; only the coordinator moves a stopped run on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, gettext_noop

from closedset.lib.errors import MAX_ID, InvalidInput, NotFound
from closedset.onset import services
from closedset.onset.models import CheckIn, CheckInAnswer, Colour, Run

# Marked here, translated where raised.
NO_CHECKIN = gettext_noop(
    "There is no check-in to answer right now. The coordinator will ask when it is time."
)
COLOURS = gettext_noop("Answer green, yellow or red.")
# What the director's screen says: nothing about who answered what, or that anyone did.
CONTINUE = "continue"
ON_HOLD = "on hold"


def director_word(run: Run) -> str:
    """All the director learns: "continue" while the run is running, "on hold" otherwise."""
    return CONTINUE if run.state == Run.State.RUNNING else ON_HOLD


def beat_ids(run: Run) -> list[str]:
    """The beats of the version being shot, in plan order."""
    data = run.final.plan_version.data or {}
    return [str(b["id"]) for b in data.get("beats") or [] if isinstance(b, dict) and b.get("id")]


def beat_place(run: Run, beat_id: str) -> int | str:
    """A beat as the console counts them (1, 2, ...), not by its id."""
    ids = beat_ids(run)
    return ids.index(beat_id) + 1 if beat_id in ids else beat_id


def open_checkin(run: Run) -> CheckIn | None:
    return run.checkins.filter(closed_at__isnull=True).order_by("-asked_at", "-pk").first()


def _coordinator_run(user: Any, run_id: int) -> Run:
    run, what = services.open_run(user, run_id)
    if "coordinator" not in what:
        raise NotFound(gettext(services.NO_RUN))
    return run


def ask(user: Any, run_id: int, after_beat: str = "", now: datetime | None = None) -> CheckIn:
    """The coordinator asks everyone cast how they are; an earlier open check-in closes."""
    moment = now or timezone.now()
    after_beat = (after_beat or "").strip()
    with transaction.atomic():
        run = _coordinator_run(user, run_id)
        if after_beat and after_beat not in beat_ids(run):
            raise InvalidInput(
                gettext("Choose one of the scene's beats, or ask without one."),
                {"after_beat": gettext("one of the scene's beats")},
            )
        run.checkins.filter(closed_at__isnull=True).update(closed_at=moment)
        checkin = CheckIn.objects.create(
            run=run, after_beat=after_beat, asked_by=user, asked_at=moment
        )
        words = (
            f"Check-in asked after beat {beat_place(run, after_beat)}"
            if after_beat
            else gettext_noop("Check-in asked")
        )
        services.note(run, "checkin", words, at=moment)
    return checkin


def close(user: Any, run_id: int, checkin_id: int, now: datetime | None = None) -> CheckIn:
    """The coordinator closes a check-in: answers can no longer change. Idempotent."""
    with transaction.atomic():
        run = _coordinator_run(user, run_id)
        checkin = _checkin_of(run, checkin_id)
        if checkin.closed_at is None:
            checkin.closed_at = now or timezone.now()
            checkin.save(update_fields=["closed_at"])
    return checkin


def answer(user: Any, run_id: int, colour: str, now: datetime | None = None) -> CheckInAnswer:
    """A performer's answer to the open check-in. Red stops the run at once (inside the same
    transaction, so the answer and the stop stand or fall together)."""
    if colour not in Colour.values:
        raise InvalidInput(gettext(COLOURS), {"colour": gettext(COLOURS)})
    moment = now or timezone.now()
    with transaction.atomic():
        run, what = services.open_run(user, run_id)
        if "performer" not in what:
            raise NotFound(gettext(services.NO_RUN))
        checkin = open_checkin(run)
        if checkin is None:
            raise InvalidInput(gettext(NO_CHECKIN))
        found = CheckInAnswer.objects.filter(checkin=checkin, performer=user).first()
        if found is None:
            found = CheckInAnswer.objects.create(
                checkin=checkin, performer=user, colour=colour, answered_at=moment
            )
        elif found.colour != colour:
            found.colour = colour
            found.answered_at = moment
            # A new yellow is a new request to talk, whatever was said before.
            found.talked_at = None
            found.save(update_fields=["colour", "answered_at", "talked_at"])
        if colour == Colour.RED and services.hold(run, stop=True):
            services.note(run, "checkin", gettext_noop("Scene stopped after a check-in"), at=moment)
    return found


def talked(user: Any, run_id: int, answer_id: int, now: datetime | None = None) -> CheckInAnswer:
    """The coordinator has talked to the performer who answered yellow. Idempotent."""
    with transaction.atomic():
        run = _coordinator_run(user, run_id)
        found = (
            CheckInAnswer.objects.filter(pk=answer_id, checkin__run=run).first()
            if _known(answer_id)
            else None
        )
        if found is None:
            raise NotFound(gettext(services.NO_RUN))
        if found.talked_at is None:
            found.talked_at = now or timezone.now()
            found.save(update_fields=["talked_at"])
    return found


def _known(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _checkin_of(run: Run, checkin_id: int) -> CheckIn:
    found = run.checkins.filter(pk=checkin_id).first() if _known(checkin_id) else None
    if found is None:
        raise NotFound(gettext(services.NO_RUN))
    return found


# --- what the screens show ------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerLine:
    """One performer's answer as the coordinator sees it."""

    performer_name: str
    colour: str  # "", "green", "yellow" or "red"
    answer_id: int | None
    talked_at: datetime | None

    @property
    def needs_talk(self) -> bool:
        return self.colour == Colour.YELLOW and self.talked_at is None


@dataclass(frozen=True)
class ConsoleView:
    checkin: CheckIn | None
    lines: list[AnswerLine]
    stopped: bool = False
    after_place: int | str = ""  # the beat it was asked after, as the console counts them

    @property
    def reds(self) -> list[AnswerLine]:
        return [line for line in self.lines if line.colour == Colour.RED]

    @property
    def to_talk(self) -> list[AnswerLine]:
        return [line for line in self.lines if line.needs_talk]

    def digest(self) -> str:
        """Changes whenever anything the console shows here changes (for its polling)."""
        parts = [str(self.checkin.pk if self.checkin else 0), str(int(self.stopped))]
        if self.checkin is not None:
            parts.append("closed" if self.checkin.closed_at else "open")
        for line in self.lines:
            parts.append(f"{line.answer_id}:{line.colour}:{bool(line.talked_at)}")
        return _hashed(parts)


def _hashed(parts: list[str]) -> str:
    """A digest for the polling address: addresses land in the web server's access log, so
    it must not spell out a colour, nor be one a reader of the log could guess by hashing the
    few possible answers (hence keyed with the site's secret)."""
    return salted_hmac("onset.checkins.digest", "|".join(parts)).hexdigest()[:16]


def cast_people(run: Run) -> list[Any]:
    """The performers cast in the version being shot, in cast order, each once (the one
    reader of a run's cast: closure.cast)."""
    from closedset.onset.closure import cast

    return cast(run)


def console_view(run: Run) -> ConsoleView:
    """The latest check-in (open or not) and every cast performer's answer to it."""
    checkin = run.checkins.order_by("-asked_at", "-pk").first()
    stopped = run.state == Run.State.STOPPED
    if checkin is None:
        return ConsoleView(None, [], stopped)
    answers = {a.performer_id: a for a in checkin.answers.all()}
    lines = []
    for person in cast_people(run):
        given = answers.get(person.pk)
        lines.append(
            AnswerLine(
                performer_name=person.display_name or gettext("A performer"),
                colour=given.colour if given else "",
                answer_id=given.pk if given else None,
                talked_at=given.talked_at if given else None,
            )
        )
    place = beat_place(run, checkin.after_beat) if checkin.after_beat else ""
    return ConsoleView(checkin, lines, stopped, place)


@dataclass(frozen=True)
class PhoneView:
    checkin: CheckIn | None  # the open one, if any
    mine: str  # her own answer to it, or ""
    stopped: bool

    def digest(self) -> str:
        return _hashed([str(self.checkin.pk if self.checkin else 0), self.mine, str(self.stopped)])


def phone_view(run: Run, performer: Any) -> PhoneView:
    """The open check-in and her own answer: never anyone else's."""
    checkin = open_checkin(run)
    mine = ""
    if checkin is not None:
        given = checkin.answers.filter(performer=performer).first()
        mine = given.colour if given else ""
    return PhoneView(checkin, mine, run.state == Run.State.STOPPED)
