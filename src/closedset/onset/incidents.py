"""Deviations and incident reports (docs/shootday.md, "Deviations and incidents").

A deviation is something unplanned the coordinator saw on set: act, zone, intensity, who, to
whom and the beat, from the taxonomy's own lists. It puts the run on hold and becomes an
incident tied to them. A report is anyone's in the production, optionally anonymous.

Free text (what happened, what was done about it) is sealed (lib.crypto) for the coordinator
who reads it, `sealed_for`: a copy of the database without the key-encryption key shows
nothing, erasing that person's data key makes it unreadable, and pages show it to that
coordinator alone. A second coordinator sees the facts and the state, not the text. The record
holds ids, beat ids and fixed words only: never a name, an act or a word of the text.

An anonymous report keeps no reporter at all (not hidden: never stored). Its page, its notice
and its log entry are the same whoever made it, and its time is kept to the hour. What remains:
the notice and the log entry are made when the report is sent, so the coordinator learns when
someone reported to the minute, and the web server's access log (address and time of the POST)
is outside closedset's control; someone who knows who was at which device then may guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from closedset.core.plan import Beat
from closedset.core.taxonomy import Intensity, load_taxonomy
from closedset.core.words import Persons, beat_sentence
from closedset.lib import crypto
from closedset.lib.errors import MAX_ID, InvalidInput, NotFound
from closedset.lib.i18n import current_language
from closedset.lib.transactions import after_commit
from closedset.onset import services
from closedset.onset.checkins import beat_ids, beat_place, cast_people
from closedset.onset.models import Incident, Run
from closedset.productions.models import Production, Role, Scene
from closedset.productions.services import acting_members, get_production, require_role

TEXT_MAX = 4000
NO_INCIDENT = gettext_noop("There is no such incident. Check the address.")
NO_READER = gettext_noop(
    "This production has no coordinator to read reports yet. Nothing was sent; tell the "
    "producer, and try again once a coordinator has joined."
)
INCIDENT_NOTICE = "incident_reported"


# --- deviations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unplanned:
    """What the coordinator saw, as the console's selects give it (ids and handles)."""

    act: str
    zone: str
    intensity: str
    by: str  # a cast performer's handle
    to: str
    beat: str


def _choose(message: str, field: str) -> InvalidInput:
    return InvalidInput(message, {field: message})


def check_unplanned(run: Run, seen: Unplanned) -> tuple[Any, Any]:
    """The two people, once every choice is one the taxonomy and the run allow; InvalidInput
    naming the first that is not, in words the coordinator can act on."""
    # Ids are the same in every language; the labels are the page's.
    taxonomy = load_taxonomy(current_language())
    act = taxonomy.acts.get(seen.act)
    if act is None:
        raise _choose(gettext("Choose what happened from the list."), "act")
    if act.zones:
        if seen.zone not in act.zones:
            allowed = ", ".join(taxonomy.zones[z].label.lower() for z in act.zones)
            message = gettext("Choose where: for %(act)s, one of %(zones)s.")
            raise _choose(message % {"act": act.label.lower(), "zones": allowed}, "zone")
    elif seen.zone:
        message = gettext("%(act)s has no body zone: choose “no zone”.")
        raise _choose(message % {"act": act.label}, "zone")
    if seen.intensity not in Intensity.names():
        raise _choose(gettext("Choose how hard: light, medium or hard."), "intensity")
    people = {p.handle: p for p in cast_people(run)}
    by, to = people.get(seen.by), people.get(seen.to)
    if by is None:
        raise _choose(gettext("Choose who did it from the scene's cast."), "by")
    if to is None:
        raise _choose(gettext("Choose to whom from the scene's cast."), "to")
    if by == to and not act.is_self:
        raise _choose(gettext("Choose two different people: who did it, and to whom."), "to")
    if seen.beat and seen.beat not in beat_ids(run):
        raise _choose(gettext("Choose one of the scene's beats, or “between beats”."), "beat")
    return by, to


def record_unplanned(
    user: Any, run_id: int, seen: Unplanned, now: datetime | None = None
) -> Incident:
    """The coordinator records a deviation: an incident tied to act, zone, intensity, the two
    people and the beat; the run goes on hold; a timeline line and a record entry."""
    from closedset.record.services import append

    moment = now or timezone.now()
    with transaction.atomic():
        run, what = services.open_run(user, run_id)
        if "coordinator" not in what:
            raise NotFound(gettext(services.NO_RUN))
        by, to = check_unplanned(run, seen)
        incident = Incident.objects.create(
            production=run.scene.production,
            scene=run.scene,
            run=run,
            kind=Incident.Kind.DEVIATION,
            beat_id=seen.beat,
            act=seen.act,
            zone=seen.zone,
            intensity=seen.intensity,
            by_person=by,
            to_person=to,
            reporter=user,
            sealed_for=user,
            reported_at=moment,
        )
        services.hold(run)
        # The console counts beats (1, 2, ...): the plan's ids are not the coordinator's words.
        during = f" during beat {beat_place(run, seen.beat)}" if seen.beat else " between beats"
        # The timeline stays in the words every other line of it is in.
        said = deviation_words(incident, lang="en")
        services.note(run, "deviation", f"Something unplanned{during}: {said}.", moment)
        fields: dict[str, object] = {
            "type": "incident",
            "production": run.scene.production_id,
            "scene": run.scene_id,
            "run": run.pk,
            "incident": incident.pk,
            "beats": [seen.beat] if seen.beat else [],
            "outcome": Incident.State.OPEN.value,
        }
        incident.log_entry = append(run.scene.production.organisation, fields, people=[by, to])
        incident.save(update_fields=["log_entry"])
    return incident


def deviation_words(incident: Incident, lang: str | None = None) -> str:
    """ "Mara slaps Jonas's buttocks, hard", from the taxonomy's own phrase; in Czech
    "Mara → Jonas: plácnutí (zadek), silně". In the page's language unless `lang` says."""
    lang = lang or current_language()
    taxonomy = load_taxonomy(lang)
    with translation.override(lang):
        if incident.act not in taxonomy.acts:
            return gettext("something unplanned")
        someone = gettext("someone")
    by = incident.by_person.display_name if incident.by_person else someone
    to = incident.to_person.display_name if incident.to_person else someone
    intensity = (
        Intensity[incident.intensity]
        if incident.intensity in Intensity.names()
        else Intensity.light
    )
    beat = Beat(
        id=incident.beat_id or "x",
        act=incident.act,
        by="by",
        to=("to",),
        zone=incident.zone or None,
        intensity=intensity,
    )
    return beat_sentence(beat, Persons({"by": by, "to": to}), taxonomy, lang=lang)


# --- reports ----------------------------------------------------------------------------------


def _reader(production: Production) -> Any:
    """The coordinator a report's text is sealed for: the production's first acting one."""
    coordinators = sorted(acting_members(production, Role.COORDINATOR), key=lambda u: u.pk)
    if not coordinators:
        raise InvalidInput(gettext(NO_READER))
    return coordinators[0]


def _context(incident: Incident, part: str) -> str:
    return f"onset.incident:{incident.pk}:{part}"


def _text(value: object, field: str, *, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise _choose(gettext("Say what happened, in your own words."), field)
    if len(text) > TEXT_MAX:
        raise _choose(
            gettext("Keep it under %(max)s characters; nothing was sent.") % {"max": TEXT_MAX},
            field,
        )
    return text


def report(
    user: Any,
    production_id: int,
    description: str,
    *,
    anonymous: bool = False,
    scene_id: int | None = None,
    now: datetime | None = None,
) -> Incident:
    """Anyone in the production reports an incident. Anonymous: no reporter is stored, no
    person committed in the log, the time kept to the hour."""
    from closedset.record.services import append

    production = get_production(user, production_id)
    text = _text(description, "description", required=True)
    scene = None
    if scene_id is not None:
        scene = (
            Scene.objects.filter(pk=scene_id, production=production).first()
            if _known(scene_id)
            else None
        )
        if scene is None:
            raise _choose(gettext("Choose a scene from the list, or none."), "scene")
    reader = _reader(production)
    moment = now or timezone.now()
    if anonymous:
        moment = moment.replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        incident = Incident.objects.create(
            production=production,
            scene=scene,
            kind=Incident.Kind.REPORT,
            reporter=None if anonymous else user,
            anonymous=anonymous,
            sealed_for=reader,
            reported_at=moment,
        )
        incident.description = crypto.seal_text(reader, text, _context(incident, "description"))
        fields: dict[str, object] = {
            "type": "incident",
            "production": production.pk,
            "incident": incident.pk,
            "outcome": Incident.State.OPEN.value,
        }
        if scene is not None:
            fields["scene"] = scene.pk
        people = [] if anonymous else [user]
        incident.log_entry = append(production.organisation, fields, people=people)
        incident.save(update_fields=["description", "log_entry"])
        after_commit(lambda: _tell_coordinators(production))
    return incident


def _tell_coordinators(production: Production) -> None:
    """The same words whoever reported, named or not: a notice never says who."""
    from django.urls import reverse

    from closedset.notices.services import notify

    for coordinator in acting_members(production, Role.COORDINATOR):
        notify(
            coordinator,
            INCIDENT_NOTICE,
            production=production,
            # In the coordinator's language, filled in when the notice is made for them.
            subject=format_lazy(
                gettext_lazy("A new incident report in {name}"), name=production.name
            ),
            body=format_lazy(
                gettext_lazy(
                    "Someone in {name} reported an incident. Read it on the incidents page "
                    "and acknowledge it."
                ),
                name=production.name,
            ),
            url=reverse("onset:incidents", args=[production.pk]),
        )


# --- states -----------------------------------------------------------------------------------

_NEXT = {
    "acknowledge": (Incident.State.ACKNOWLEDGED, (Incident.State.OPEN,)),
    "resolve": (
        Incident.State.RESOLVED,
        (Incident.State.OPEN, Incident.State.ACKNOWLEDGED),
    ),
}


def _known(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def incident_for_coordinator(user: Any, production_id: int, incident_id: int) -> Incident:
    """One incident, for a coordinator of its production; the same NotFound for anyone else."""
    production = get_production(user, production_id)
    if Role.COORDINATOR not in require_role(user, production):
        raise NotFound(gettext(NO_INCIDENT))
    found = (
        Incident.objects.select_related("scene", "by_person", "to_person", "reporter", "sealed_for")
        .filter(pk=incident_id, production=production)
        .first()
        if _known(incident_id)
        else None
    )
    if found is None:
        raise NotFound(gettext(NO_INCIDENT))
    return found


def move(
    user: Any,
    production_id: int,
    incident_id: int,
    step: str,
    actions: str = "",
    now: datetime | None = None,
) -> Incident:
    """open → acknowledged → resolved (resolving needs what was done). Each step is a record
    entry with its outcome, referring to the incident's first entry. Actions are added to the
    sealed notes of the coordinator who reads the incident."""
    from closedset.record.services import append

    if step not in _NEXT:
        raise InvalidInput(
            gettext("Choose acknowledge or resolve."), {"step": gettext("acknowledge or resolve")}
        )
    target, allowed_from = _NEXT[step]
    added = _text(actions, "actions", required=False)
    moment = now or timezone.now()
    with transaction.atomic():
        incident = incident_for_coordinator(user, production_id, incident_id)
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.state == target:
            return incident  # pressed twice: already done
        if incident.state not in allowed_from:
            state = incident.state_words
            raise InvalidInput(gettext("This incident is already %(state)s.") % {"state": state})
        if target == Incident.State.RESOLVED and not added and incident.actions is None:
            raise _choose(gettext("Say what was done before marking it resolved."), "actions")
        if added:
            reader = incident.sealed_for or user
            earlier = read_text(incident, "actions", reader) if incident.actions else ""
            stamp = timezone.localtime(moment).strftime("%d %b %H:%M")
            who = getattr(user, "display_name", "") or "The coordinator"
            text = (earlier + "\n\n" if earlier else "") + f"{stamp}, {who}: {added}"
            incident.sealed_for = reader
            incident.actions = crypto.seal_text(reader, text, _context(incident, "actions"))
        incident.state = target
        if target == Incident.State.ACKNOWLEDGED:
            incident.acknowledged_at = moment
        else:
            incident.resolved_at = moment
            incident.acknowledged_at = incident.acknowledged_at or moment
        fields: dict[str, object] = {
            "type": "incident",
            "production": incident.production_id,
            "incident": incident.pk,
            "outcome": target.value,
        }
        if incident.scene_id:
            fields["scene"] = incident.scene_id
        if incident.run_id:
            fields["run"] = incident.run_id
        if incident.beat_id:
            fields["beats"] = [incident.beat_id]
        if incident.log_entry is not None:
            fields["refers_to"] = incident.log_entry.index
        people = [p for p in (incident.by_person, incident.to_person) if p is not None]
        append(incident.production.organisation, fields, people=people)
        incident.save(
            update_fields=["state", "acknowledged_at", "resolved_at", "actions", "sealed_for"]
        )
    return incident


def read_text(incident: Incident, part: str, reader: Any) -> str:
    """The sealed text, for the person it is sealed for; "" when there is none."""
    blob = getattr(incident, part)
    if blob is None or reader is None or incident.sealed_for_id != reader.pk:
        return ""
    try:
        return crypto.unseal_text(reader, bytes(blob), _context(incident, part))
    except crypto.CryptoError:
        return ""


# --- what each role sees --------------------------------------------------------------------


def for_coordinator(user: Any, production_id: int) -> list[Incident]:
    production = get_production(user, production_id, Role.COORDINATOR)
    return list(
        Incident.objects.filter(production=production)
        .select_related("scene", "by_person", "to_person", "reporter", "sealed_for")
        .order_by("-reported_at", "-pk")
    )


def counts(user: Any, production_id: int) -> dict[str, int]:
    """The producer's view: how many incidents are in each state; nothing else."""
    production = get_production(user, production_id, Role.PRODUCER, Role.COORDINATOR)
    found = dict.fromkeys(Incident.State.values, 0)
    for state in Incident.objects.filter(production=production).values_list("state", flat=True):
        found[state] += 1
    return found


def my_reports(user: Any, production_id: int) -> list[Incident]:
    """A named reporter's own reports (states only); anonymous ones link to nobody."""
    production = get_production(user, production_id)
    return list(
        Incident.objects.filter(
            production=production, reporter=user, kind=Incident.Kind.REPORT, anonymous=False
        ).order_by("-reported_at", "-pk")
    )


def for_run(run: Run) -> list[Incident]:
    """The run's deviations, for the console."""
    return list(
        run.incidents.filter(kind=Incident.Kind.DEVIATION)
        .select_related("by_person", "to_person")
        .order_by("-reported_at", "-pk")
    )
