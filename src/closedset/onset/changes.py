"""Change requests on the shoot day: the blind no (docs/shootday.md, "The blind no").

The director proposes a new or changed beat. It is checked first against the cast's shared
boundaries; one the check blocks is refused without asking anyone. Otherwise each performer the
beat involves gets a private prompt and the reflection period to answer yes or no.

What the director sees is computed from two facts only: `approved_at` (set the moment every
affected performer said yes) and whether the reflection period has ended. "Approved" may show
at once; "not approved" only when the period ends, so who declined, how many and when never
reach him, and neither does a refusal by the check (it reads exactly as a decline would: showing
it at once would tell him that somebody in the beat has a hard limit on it).

An approved change goes into the plan when the coordinator adds it (`add_to_plan`): a new
version through the plan's services, marked final (and so late) through consent's, which asks
each performer to sign the new beat.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from closedset.accounts.models import User
from closedset.core.check import Status, check
from closedset.core.errors import BadInput
from closedset.core.plan import Beat as CoreBeat
from closedset.core.plan import parse_plan
from closedset.core.profile import BoundaryProfile as CoreProfile
from closedset.core.words import Persons, beat_sentence
from closedset.lib.errors import MAX_ID, Conflict, InvalidInput, NotFound
from closedset.lib.i18n import current_language
from closedset.onset import services
from closedset.onset.models import ChangeAnswer, ChangeRequest, Run, TimelineEntry
from closedset.plans.services import BeatInput
from closedset.productions.models import Role

WAITING = "waiting"
APPROVED = "approved"
NOT_APPROVED = "not approved"
YES, NO = "yes", "no"
# Marked here, translated where raised (tests and callers compare the English text).
NO_CHANGE = gettext_noop(
    "There is no such change request. Reload the page to see the ones open to you."
)
CLOSED = gettext_noop("This scene is closed for the day: a change can no longer be asked for.")
TOO_LATE = gettext_noop(
    "The time to answer this change has passed, so it was not approved. If you want it after "
    "all, tell the coordinator."
)
# At most this many changes wait for answers in a run at once: asking variant after variant
# (each intensity, each zone) corners the performers, and is how a director would narrow down
# who says no. Which changes wait is all he reads of them anyway, so the limit tells nothing.
MAX_WAITING = 5
_TOO_MANY = gettext_noop(
    "%(count)s changes are waiting for answers in this scene. Wait until one of them is "
    "decided, then ask again."
)
TOO_MANY = _TOO_MANY % {"count": MAX_WAITING}
# The console's timeline marks a change whose period ended: its record entry is written once.
_ENDED = "change-end-"


def clock() -> datetime:
    """The time the change rules go by (one name, so a browser walk can move it on past a
    reflection period rather than wait it out)."""
    return timezone.now()


# --- what the director reads ----------------------------------------------------------------


def director_word(run: Run) -> str:
    """ "continue" or "on hold", nothing more: the check-ins part's word, the same everywhere."""
    from closedset.onset import checkins

    return checkins.director_word(run)


def outcome(change: ChangeRequest, now: datetime | None = None) -> str:
    """The only words anyone but the performers reads about a change: from the two facts."""
    if change.approved_at is not None:
        return APPROVED
    if (now or clock()) >= change.reflect_until:
        return NOT_APPROVED
    return WAITING


# --- the beat -------------------------------------------------------------------------------


def canonical_beat(beat: dict[str, Any]) -> dict[str, Any]:
    """The beat as its content alone: the same act by the same roles, where, how hard, with
    what. The id is left out: asking again under another id is asking the same thing."""
    to = beat.get("to") or []
    return {
        "act": beat.get("act"),
        "by": beat.get("by"),
        "to": sorted([to] if isinstance(to, str) else [str(r) for r in to]),
        "zone": beat.get("zone"),
        "intensity": beat.get("intensity", "light"),
        "barrier": beat.get("barrier", "none"),
    }


def fingerprint(beat: dict[str, Any]) -> str:
    from closedset.consent.services import canonical_json

    return hashlib.sha256(canonical_json(canonical_beat(beat))).hexdigest()


def _core_beat(beat: dict[str, Any]) -> CoreBeat:
    from closedset.consent.services import _core_beat as core_beat

    return core_beat(beat)


def _names(run: Run) -> dict[str, str | None]:
    """role -> the performer's name, for the version being shot."""
    from closedset.consent.services import _names_for

    return _names_for(run.final)


def beat_words(run: Run, beat: dict[str, Any], me: str | None = None, lang: str = "en") -> str:
    """The beat in plain words for its reader (`me`: the reader's role, None for staff), in
    `lang` (English for what is stored: the timeline, the record)."""
    return beat_sentence(_core_beat(beat), Persons(_names(run), me=me), lang=lang)


def role_names(run: Run) -> list[tuple[str, str]]:
    """(role, who plays it) for the version being shot: the director's form offers these."""
    return [(role, name or gettext("not cast")) for role, name in _names(run).items()]


def _cast(run: Run) -> dict[str, str | None]:
    return {
        str(r): (str(h) if h else None)
        for r, h in (run.final.plan_version.data or {}).get("cast", {}).items()
    }


def _roles_in(beat: dict[str, Any]) -> list[str]:
    to: list[str] = canonical_beat(beat)["to"]
    return [str(beat.get("by")), *to]


def _performers(run: Run, roles: Iterable[str]) -> list[User]:
    """The production's performers cast in `roles` of the version being shot."""
    from closedset.consent.services import _cast_performers

    data = run.final.plan_version.data or {}
    people = _cast_performers(run.scene.production, data)
    cast = _cast(run)
    found: list[User] = []
    for role in roles:
        person = people.get(cast.get(role) or "")
        if person is not None and person not in found:
            found.append(person)
    return found


def _proposed_plan(run: Run, beat: BeatInput, replaces: str) -> tuple[dict[str, Any], Any]:
    """The version being shot with the beat added (or in place of `replaces`), validated as a
    plan is: the beat's data and the core plan."""
    from closedset.plans.services import _check_input, _invalid

    data = dict(run.final.plan_version.data or {})
    beats = [dict(b) for b in data.get("beats") or []]
    ids = [str(b.get("id")) for b in beats]
    if replaces and replaces not in ids:
        message = gettext(
            "That beat is not in the plan being shot. Choose one of its beats, or none."
        )
        raise InvalidInput(message, {"replaces": message})
    if replaces:
        beat.beat_id = replaces
    elif not beat.beat_id.strip():
        n = len(ids) + 1
        while f"b{n}" in ids:
            n += 1
        beat.beat_id = f"b{n}"
    elif beat.beat_id.strip() in ids:
        message = gettext(
            "The plan has a beat of that id already. Leave the id empty for a new one."
        )
        raise InvalidInput(message, {"beat_id": message})
    _check_input(beat)
    new = beat.data()
    beats = [new if str(b.get("id")) == replaces else b for b in beats] if replaces else beats
    if not replaces:
        beats.append(new)
    data["beats"] = beats
    try:
        core = parse_plan(data)
    except BadInput as error:
        raise _invalid(error) from None
    return new, core


def _crosses_a_limit(run: Run, core: Any, beat_id: str) -> bool:
    """The core check of the beat against the cast's shared profiles, as plans do; statuses
    alone (no coordinator reads anything here). "Blocked" covers a hard limit, a soft one that
    needs a one-on-one talk, a missing barrier: none of it is for a yes/no prompt on set."""
    from closedset.boundaries.services import shared_profile

    production = run.scene.production
    data = run.final.plan_version.data or {}
    from closedset.consent.services import _cast_performers

    people = _cast_performers(production, data)
    profiles: dict[str, CoreProfile] = {}
    for handle in {h for h in _cast(run).values() if h}:
        person = people.get(handle)
        profile = shared_profile(person, production) if person is not None else None
        profiles[handle] = profile or CoreProfile(performer=handle, name=handle)
    return check(core, profiles).beat_status(beat_id) >= Status.blocked


# --- proposing ------------------------------------------------------------------------------


def _director_run(user: Any, run_id: int) -> Run:
    return services.run_seen_by(user, run_id, Role.DIRECTOR)


def director_run(user: Any, run_id: int) -> Run:
    """The run for a director of its production; the same NotFound as no run for anyone else."""
    return _director_run(user, run_id)


def declined_before(run: Run, fp: str, people: Iterable[User]) -> bool:
    """Whether one of `people` said no to this same beat in this scene today."""
    return ChangeAnswer.objects.filter(
        change__run__scene_id=run.scene_id,
        change__run__day=run.day,
        change__fingerprint=fp,
        performer__in=list(people),
        answer=NO,
    ).exists()


def propose(
    user: Any,
    run_id: int,
    beat: BeatInput,
    replaces: str = "",
    now: datetime | None = None,
) -> ChangeRequest:
    """The director asks for a new beat (or a change to `replaces`) while the scene runs."""
    moment = now or clock()
    with transaction.atomic():
        run = _director_run(user, run_id)
        Run.objects.select_for_update(of=("self",)).filter(pk=run.pk).first()
        if run.state == Run.State.CLOSED:
            raise Conflict(gettext(CLOSED))
        new, core = _proposed_plan(run, beat, replaces.strip())
        roles = _roles_in(new)
        affected = _performers(run, roles)
        if len(affected) < len(set(roles)):
            message = gettext(
                "Someone in that beat has no performer cast in the plan being shot. Choose "
                "roles that are cast."
            )
            raise InvalidInput(message, {"by": message})
        fp = fingerprint(new)
        # A second tap, a second tab, the same beat asked again while it waits: the one
        # already waiting (whether it waits is all the director reads of it anyway).
        waiting = ChangeRequest.objects.filter(
            run=run,
            fingerprint=fp,
            replaces=replaces.strip(),
            approved_at__isnull=True,
            reflect_until__gt=moment,
        ).first()
        if waiting is not None:
            return waiting
        others = ChangeRequest.objects.filter(
            run=run, approved_at__isnull=True, reflect_until__gt=moment
        )
        if others.count() >= MAX_WAITING:
            raise Conflict(gettext(_TOO_MANY) % {"count": MAX_WAITING})
        refused = _crosses_a_limit(run, core, new["id"])
        change = ChangeRequest.objects.create(
            run=run,
            proposed_by=user,
            proposed_at=moment,
            beat=new,
            replaces=replaces.strip(),
            fingerprint=fp,
            checked=ChangeRequest.Check.REFUSED if refused else ChangeRequest.Check.ASKED,
            reflect_until=moment + services.reflection_period(run.scene.production),
        )
        # A performer who said no to this today is not asked again, and nor is anyone else:
        # a prompt to the others alone would tell them who said no.
        if not refused and not declined_before(run, fp, affected):
            ChangeAnswer.objects.bulk_create(
                ChangeAnswer(change=change, performer=person) for person in affected
            )
        # A refusal is recorded when the period ends, as a decline is (`settle_due`): an
        # entry now would grow the organisation's public log at once, and anyone polling its
        # checkpoint would learn that the beat crosses somebody's hard limit.
        services.note(run, "change", f"Change asked for: {beat_words(run, new)}.", at=moment)
    return change


def _entry(change: ChangeRequest, result: str) -> dict[str, object]:
    run = change.run
    return {
        "type": "change",
        "outcome": result,
        "change": int(change.pk),
        "run": int(run.pk),
        "scene": int(run.scene_id),
    }


# --- answering ------------------------------------------------------------------------------


def _known(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def answer(
    user: Any, run_id: int, change_id: int, said: str, now: datetime | None = None
) -> ChangeAnswer:
    """A performer's private yes or no. Once given it stands (a second tap of the same answer
    changes nothing); the last yes approves the change at once."""
    from closedset.record import services as record

    if said not in (YES, NO):
        raise InvalidInput(gettext("Answer yes or no."), {"answer": gettext("yes or no")})
    moment = now or clock()
    with transaction.atomic():
        run, what = services.open_run(user, run_id)
        if "performer" not in what or not _known(change_id):
            raise NotFound(gettext(NO_CHANGE))
        change = (
            ChangeRequest.objects.select_for_update(of=("self",))
            .filter(pk=change_id, run=run)
            .first()
        )
        mine = (
            ChangeAnswer.objects.filter(change=change, performer=user).first() if change else None
        )
        if change is None or mine is None:
            raise NotFound(gettext(NO_CHANGE))
        if mine.answer:
            if mine.answer == said:
                return mine
            message = (
                gettext(
                    "You already said yes to this change. If you want to change your answer, "
                    "tell the coordinator."
                )
                if mine.answer == YES
                else gettext(
                    "You already said no to this change. If you want to change your answer, "
                    "tell the coordinator."
                )
            )
            raise Conflict(message, {"answer": message})
        if moment >= change.reflect_until:
            raise Conflict(gettext(TOO_LATE))
        mine.answer = said
        mine.answered_at = moment
        mine.save(update_fields=["answer", "answered_at"])
        answers = list(change.answers.values_list("answer", flat=True))
        if answers and all(a == YES for a in answers):
            change.approved_at = moment
            change.save(update_fields=["approved_at"])
            change.run = run
            record.append(
                run.scene.production.organisation,
                _entry(change, "approved"),
                people=list(User.objects.filter(pk__in=change.answers.values("performer"))),
            )
            services.note(
                run,
                "change",
                f"Change approved — add it to the plan: {beat_words(run, change.beat)}.",
                at=moment,
            )
    return mine


# --- into the plan ---------------------------------------------------------------------------

NOT_YET_APPROVED = gettext_noop(
    "Only a change every performer in it said yes to goes into the plan."
)
PLAN_MOVED_ON = gettext_noop(
    "The working plan differs from the version being shot, so this change cannot simply be "
    "added to it. Add the beat in the plan editor and mark the new version final there."
)


def _same_plan(working: dict[str, Any], shot: dict[str, Any]) -> bool:
    def canon(data: dict[str, Any]) -> Any:
        return (
            {str(r): h for r, h in (data.get("cast") or {}).items()},
            [dict(canonical_beat(b), id=str(b.get("id"))) for b in data.get("beats") or []],
        )

    return bool(canon(working) == canon(shot))


def add_to_plan(user: Any, run_id: int, change_id: int) -> ChangeRequest:
    """The coordinator puts an approved change into the plan, through the plan's and consent's
    own services: the beat into the working plan, a new version, that version marked final.
    Marking it final inside the notice window marks it late; each performer is asked to sign
    the new beat (their answers to the unchanged beats carry over), and every step is logged
    as any version's is. Adding it again changes nothing."""
    from closedset.consent import services as consent
    from closedset.plans import services as plans
    from closedset.plans.models import PlanVersion

    with transaction.atomic():
        run, what = services.open_run(user, run_id)
        if "coordinator" not in what or not _known(change_id):
            raise NotFound(gettext(NO_CHANGE))
        change = (
            ChangeRequest.objects.select_for_update(of=("self",))
            .filter(pk=change_id, run=run)
            .first()
        )
        if change is None:
            raise NotFound(gettext(NO_CHANGE))
        if change.applied_final_id is not None:
            return change
        if change.approved_at is None:
            raise Conflict(gettext(NOT_YET_APPROVED))
        ids = (int(run.scene.production_id), int(run.scene_id))
        working = plans.plan_data(plans.plan_of(user, *ids))
        if not _same_plan(working, run.final.plan_version.data or {}):
            raise Conflict(gettext(PLAN_MOVED_ON))
        beat = BeatInput.from_data(change.beat)
        if change.replaces:
            plans.update_beat(user, *ids, beat, beat_id=change.replaces)
        else:
            plans.add_beat(user, *ids, beat)
        number = plans.save_version(user, *ids)
        version = PlanVersion.objects.get(plan__scene_id=run.scene_id, number=number)
        change.applied_final = consent.mark_final(user, version)
        change.save(update_fields=["applied_final"])
        services.note(
            run,
            "change",
            f"Change added to the plan as version {number}: {beat_words(run, change.beat)}. "
            "The performers sign it as a late change.",
        )
    return change


# --- the end of a reflection period ---------------------------------------------------------


def settle_due(run: Run, now: datetime | None = None) -> int:
    """Changes whose period ended without every yes get their record entry ("not-approved",
    or "refused" for one the check refused) and a timeline line, once. Run by every screen
    that reads the run's changes, so no timer held in a process is relied on; the entry's time
    is never the time of anyone's no, and a refusal by the check is logged at the same moment
    and with the same line as a decline."""
    from closedset.record import services as record

    moment = now or clock()
    due = ChangeRequest.objects.filter(run=run, approved_at__isnull=True, reflect_until__lte=moment)
    ended = set(
        TimelineEntry.objects.filter(run=run, kind__startswith=_ENDED).values_list(
            "kind", flat=True
        )
    )
    pending = [c for c in due.only("pk") if f"{_ENDED}{c.pk}" not in ended]
    if not pending:
        return 0
    settled = 0
    with transaction.atomic():
        Run.objects.select_for_update(of=("self",)).filter(pk=run.pk).first()
        for change in ChangeRequest.objects.filter(pk__in=[c.pk for c in pending]):
            marker = f"{_ENDED}{change.pk}"
            if TimelineEntry.objects.filter(run=run, kind=marker).exists():
                continue  # another screen settled it meanwhile
            change.run = run
            people = _performers(run, _roles_in(change.beat))
            record.append(
                run.scene.production.organisation,
                _entry(
                    change,
                    "refused" if change.checked == ChangeRequest.Check.REFUSED else "not-approved",
                ),
                people=people,
            )
            services.note(
                run,
                marker,
                f"Change not approved: {beat_words(run, change.beat)}.",
                at=change.reflect_until,
            )
            settled += 1
    return settled


# --- what each screen shows -----------------------------------------------------------------


@dataclass(frozen=True)
class ChangeView:
    """One change as the director and the console read it: its words and one of three."""

    id: int
    words: str
    replaces: str
    proposed_at: datetime
    reflect_until: datetime
    outcome: str
    in_plan: int | None = None  # the version it became, once the coordinator added it
    number: int = 0  # its place among the run's changes: what the director's API names it by


def _replaced(run: Run, beat_id: str, lang: str = "en") -> str:
    """The beat a change would replace, as the console counts and words it ("2: Jonas ...")."""
    if not beat_id:
        return ""
    beats = (run.final.plan_version.data or {}).get("beats") or []
    for place, found in enumerate(beats, start=1):
        if isinstance(found, dict) and str(found.get("id")) == beat_id:
            return f"{place}: {beat_words(run, found, lang=lang)}"
    return gettext("one no longer in the plan")


def changes_of(run: Run, now: datetime | None = None) -> list[ChangeView]:
    """The run's changes, oldest first, from the two facts alone."""
    moment = now or clock()
    settle_due(run, moment)
    lang = current_language()  # read by the director and the coordinator: in their language
    return [
        ChangeView(
            id=int(c.pk),
            words=beat_words(run, c.beat, lang=lang),
            replaces=_replaced(run, c.replaces, lang),
            proposed_at=c.proposed_at,
            reflect_until=c.reflect_until,
            outcome=outcome(c, moment),
            in_plan=c.applied_final.plan_version.number if c.applied_final else None,
            number=number,
        )
        for number, c in enumerate(
            ChangeRequest.objects.filter(run=run)
            .select_related("applied_final__plan_version")
            .order_by("proposed_at", "pk"),
            start=1,
        )
    ]


def director_changes(user: Any, run_id: int, now: datetime | None = None) -> list[ChangeView]:
    return changes_of(_director_run(user, run_id), now)


@dataclass(frozen=True)
class Prompt:
    """One change as an affected performer is asked it, in her words."""

    id: int
    words: str
    replaces: str
    reflect_until: datetime
    minutes: int
    alone: bool  # she is the only one asked: the director may infer who declined
    answer: str
    open: bool


def _role_of(run: Run, user: Any) -> str | None:
    handle = getattr(user, "handle", None)
    return next((r for r, h in _cast(run).items() if h == handle), None)


def prompts_for(user: Any, run: Run, now: datetime | None = None) -> list[Prompt]:
    """Her own prompts in this run: the open ones, and those she answered (with her answer)."""
    moment = now or clock()
    settle_due(run, moment)
    me = _role_of(run, user)
    rows = (
        ChangeAnswer.objects.filter(change__run=run, performer=user)
        .select_related("change")
        .order_by("change__proposed_at", "change__pk")
    )
    found = []
    for row in rows:
        change = row.change
        replaced = next(
            (
                b
                for b in (run.final.plan_version.data or {}).get("beats") or []
                if change.replaces and str(b.get("id")) == change.replaces
            ),
            None,
        )
        found.append(
            Prompt(
                id=int(change.pk),
                words=beat_sentence(
                    _core_beat(change.beat), Persons(_names(run), me=me), lang=current_language()
                ),
                replaces=(
                    beat_sentence(
                        _core_beat(replaced), Persons(_names(run), me=me), lang=current_language()
                    )
                    if replaced
                    else ""
                ),
                reflect_until=change.reflect_until,
                minutes=max(
                    1, round((change.reflect_until - change.proposed_at).total_seconds() / 60)
                ),
                alone=change.answers.count() == 1,
                answer=row.answer,
                # A closed scene takes no answer: no buttons that could only say so.
                open=not row.answer
                and moment < change.reflect_until
                and run.state != Run.State.CLOSED,
            )
        )
    return found


def performer_prompts(user: Any, run_id: int, now: datetime | None = None) -> list[Prompt]:
    run, what = services.run_for(user, run_id)
    if "performer" not in what:
        raise NotFound(gettext(services.NO_RUN))
    return prompts_for(user, run, now)
