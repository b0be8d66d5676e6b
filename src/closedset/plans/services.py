"""Scene plans: building them beat by beat, the live check, and who sees what of it.

Every change goes through here and is validated by the core plan parser, so the rows can
always be read back as a valid formats.md plan. The check's results leave this module only
as view models cut to the viewer's role (domain.md §1): the coordinator sees reasons, the
director sees a status per beat and nothing about who or why, the producer sees the gate,
a performer sees the beats they are in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Q
from django.utils.translation import (
    gettext,  # not `_`: a throwaway name here
    gettext_lazy,
    ngettext,
    pgettext,
    pgettext_lazy,
)

from closedset.accounts.models import User
from closedset.boundaries.services import NOT_SHARED, record_plan_check, shared_profile
from closedset.core.check import MAINSTREAM_REASON, CheckResult, Finding, Status, check
from closedset.core.errors import BadInput
from closedset.core.plan import ScenePlan as CorePlan
from closedset.core.plan import parse_plan
from closedset.core.profile import BoundaryProfile as CoreProfile
from closedset.core.taxonomy import BARRIERS, Intensity, load_taxonomy
from closedset.core.words import words_in
from closedset.core.yamlio import load
from closedset.lib.errors import Forbidden, InvalidInput, NotFound, require_known_ids
from closedset.lib.i18n import current_language, interpolate_lazy
from closedset.lib.paging import Page, page_of
from closedset.plans.models import (
    Beat,
    BeatEdit,
    PlanVersion,
    Proposal,
    Release,
    RoleSlot,
    ScenePlan,
)
from closedset.plans.reasons import finding_line
from closedset.productions.models import Production, Role, Scene
from closedset.productions.services import get_scene, performers

COORDINATOR = "coordinator"
DIRECTOR = "director"
PRODUCER = "producer"
PERFORMER = "performer"
EDITORS = (Role.COORDINATOR, Role.DIRECTOR)
DEFAULT_ROLES = ("A", "B")
ROLE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}\Z")
BEAT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,40}\Z")
MAX_BEATS = 300
MAX_ROLES = 40
# Status words each audience reads; the director and producer never see reasons.
STATUS_LABELS = {
    Status.clear: pgettext_lazy("plan status", "cleared"),
    Status.needs_discussion: pgettext_lazy("plan status", "needs discussion"),
    Status.blocked: pgettext_lazy("plan status", "blocked"),
}


def _status_label(status: Status) -> str:
    return str(STATUS_LABELS[status])


def beat_words(lang: str) -> tuple[Any, dict[str, str], dict[str, str]]:
    """The taxonomy, intensity and barrier names in `lang`, as the plan pages show them. In
    English the names stay as the plan file writes them ("medium", "condom")."""
    taxonomy = load_taxonomy(lang)
    if lang == "en":
        return taxonomy, {n: n for n in Intensity.names()}, {b: b for b in BARRIERS}
    words = words_in(lang)
    intensities = {n: words(f"level:{n}") for n in Intensity.names()}
    return taxonomy, intensities, {b: words(f"barrier:{b}") for b in BARRIERS}


def intensity_choices() -> list[tuple[str, str]]:
    """(value, name) for the beat forms' intensity list, in the reader's language."""
    return list(beat_words(current_language())[1].items())


def barrier_choices() -> list[tuple[str, str]]:
    """(value, name) for the beat forms' barrier list, in the reader's language."""
    return list(beat_words(current_language())[2].items())


def _zone_words(taxonomy: Any, zone: str | None) -> str:
    """A beat's zone as the plan pages show it: the id in English (as before), the zone's
    label in another language."""
    if not zone or taxonomy.lang == "en" or zone not in taxonomy.zones:
        return zone or ""
    label = str(taxonomy.zones[zone].label)
    return label[:1].lower() + label[1:]


class PlanInvalid(InvalidInput):
    """A change the core plan format rejects; nothing was saved."""


def _invalid(error: BadInput, default_field: str = "plan") -> PlanInvalid:
    where = f"line {error.line}: " if error.line else ""
    message = where + error.message
    name = {"id": "beat_id"}.get(error.field or "", error.field or default_field)
    return PlanInvalid(message, {name: message})


# ---------------------------------------------------------------- access


def audience(user: Any, production: Production) -> str:
    """Which view of plans this person gets; custodians get none."""
    from closedset.productions.services import require_role

    roles = require_role(user, production)
    for role in (COORDINATOR, DIRECTOR, PRODUCER, PERFORMER):
        if role in roles:
            return role
    raise Forbidden(gettext("Your role in this production has no access to scene plans."))


def _scene(user: Any, production_id: int, scene_id: int) -> tuple[Scene, str]:
    require_known_ids(production_id, scene_id)
    scene = get_scene(user, production_id, scene_id)
    return scene, audience(user, scene.production)


def plan_audience(user: Any, production_id: int, scene_id: int) -> str:
    """Which view of this scene's plan the person gets (refused if none)."""
    return _scene(user, production_id, scene_id)[1]


def _editable(user: Any, production_id: int, scene_id: int) -> tuple[Scene, ScenePlan]:
    """The plan, for the coordinator alone: she decides what goes into it."""
    scene, who = _changer(user, production_id, scene_id)
    if who != COORDINATOR:
        raise Forbidden(
            gettext(
                "Only the intimacy coordinator changes the plan; the director proposes changes."
            )
        )
    return scene, _plan(scene, create=True)


def _changer(user: Any, production_id: int, scene_id: int) -> tuple[Scene, str]:
    """Coordinator (changes) or director (proposes); everyone else is refused."""
    scene, who = _scene(user, production_id, scene_id)
    if who not in EDITORS:
        raise Forbidden(gettext("Only the intimacy coordinator and the director work on the plan."))
    return scene, who


def _plan(scene: Scene, create: bool = False) -> ScenePlan:
    plan = ScenePlan.objects.filter(scene=scene).first()
    if plan is None and create:
        with transaction.atomic():
            plan, created = ScenePlan.objects.get_or_create(scene=scene)
            if created:
                for position, name in enumerate(DEFAULT_ROLES):
                    RoleSlot.objects.create(plan=plan, name=name, position=position)
    if plan is None:
        # Nothing saved yet: an unsaved plan with the default roles, for reading.
        plan = ScenePlan(scene=scene)
    return plan


def _locked(plan: ScenePlan) -> ScenePlan:
    return ScenePlan.objects.select_for_update().get(pk=plan.pk)


# ---------------------------------------------------------------- rows <-> formats.md


def _roles(plan: ScenePlan) -> list[RoleSlot]:
    if plan.pk is None:
        return [RoleSlot(name=name, position=i) for i, name in enumerate(DEFAULT_ROLES)]
    return list(plan.roles.select_related("performer").order_by("position", "name"))


def _beats(plan: ScenePlan) -> list[Beat]:
    if plan.pk is None:
        return []
    return list(plan.beats.order_by("position"))


def beat_data(beat: Beat) -> dict[str, Any]:
    data: dict[str, Any] = {"id": beat.beat_id, "act": beat.act, "by": beat.by}
    if beat.to:
        data["to"] = list(beat.to)
    if beat.zone:
        data["zone"] = beat.zone
    data["intensity"] = beat.intensity
    data["barrier"] = beat.barrier
    return data


def plan_data(plan: ScenePlan, beats: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    scene = plan.scene
    data: dict[str, Any] = {"scene": scene.number}
    if scene.title:
        data["title"] = scene.title
    data["kind"] = scene.production.kind
    data["cast"] = {
        slot.name: slot.performer.handle if slot.performer else None for slot in _roles(plan)
    }
    data["beats"] = beats if beats is not None else [beat_data(b) for b in _beats(plan)]
    return data


def core_plan(plan: ScenePlan) -> CorePlan:
    return parse_plan(plan_data(plan))


def _validate(
    plan: ScenePlan, beats: list[dict[str, Any]], cast: dict[str, Any] | None = None
) -> CorePlan:
    data = plan_data(plan, beats)
    if cast is not None:
        data["cast"] = cast
    try:
        return parse_plan(data)
    except BadInput as error:
        raise _invalid(error) from None


def plan_yaml(plan: ScenePlan) -> str:
    return yaml.safe_dump(plan_data(plan), sort_keys=False, allow_unicode=True)


# ---------------------------------------------------------------- the check


def run_check(plan: ScenePlan, coordinator: User | None = None) -> tuple[CorePlan, CheckResult]:
    """core.check against the cast's shared profiles; an unshared profile needs discussion.

    For a coordinator, a profile whose share does not cover them (they joined later and the
    performer has not confirmed them) counts as unshared: no answers, no reasons.
    """
    return _check_core(core_plan(plan), plan, coordinator)


def _check_core(
    core: CorePlan, plan: ScenePlan, coordinator: User | None
) -> tuple[CorePlan, CheckResult]:
    """The check of `core` (the plan's rows, or a proposal over them) against the plan's cast."""
    production = plan.scene.production
    profiles: dict[str, CoreProfile] = {}
    unshared: set[str] = set()
    for slot in _roles(plan):
        if slot.performer is None:
            continue
        handle = slot.performer.handle
        profile = shared_profile(slot.performer, production, coordinator=coordinator)
        record_plan_check(coordinator, slot.performer, production, profile)
        if profile is None:
            unshared.add(handle)
            profile = CoreProfile(performer=handle, name=handle)
        profiles[handle] = profile
    result = check(core, profiles)
    findings = tuple(
        replace(f, status=Status.needs_discussion, reason=f"{f.performer}: {NOT_SHARED}")
        if f.performer in unshared and f.reason != MAINSTREAM_REASON
        else f
        for f in result.findings
    )
    status = max((f.status for f in findings), default=Status.clear)
    return core, CheckResult(scene=result.scene, status=status, findings=findings)


# ---------------------------------------------------------------- view models


@dataclass(frozen=True)
class FindingView:
    role: str
    performer: str | None
    status: str
    reason: str
    # The reason in the coordinator's language (plans.reasons); "" in English.
    words: str = ""


@dataclass
class BeatView:
    pk: int | None
    beat_id: str
    act: str
    act_label: str
    by: str
    to: list[str]
    zone: str | None
    intensity: str
    barrier: str
    status: str
    status_label: str
    findings: list[FindingView] = field(default_factory=list)
    first: bool = False
    last: bool = False
    my_role: str | None = None
    # The zone, intensity and barrier in the reader's language (the page's words, not ids).
    zone_words: str = ""
    intensity_words: str = ""
    barrier_words: str = ""


@dataclass
class RoleView:
    name: str
    handle: str | None
    display_name: str | None


@dataclass
class PlanView:
    """What one viewer may see of a plan; built only by plan_view()."""

    audience: str
    production: Production
    scene: Scene
    editable: bool
    status: str
    status_label: str
    roles: list[RoleView]
    beats: list[BeatView]
    version: int | None
    # The director's view: when the version he reads was released, and by whom.
    released_at: datetime | None = None
    released_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "scene": self.scene.number,
            "audience": self.audience,
            "status": self.status,
            "version": self.version,
        }
        if self.audience == DIRECTOR:
            data["released_at"] = self.released_at
        if self.audience in (COORDINATOR, DIRECTOR):
            data["cast"] = {r.name: r.handle for r in self.roles}
        if self.audience != PRODUCER:
            data["beats"] = [_beat_json(b, self.audience) for b in self.beats]
        return data


def _beat_json(beat: BeatView, who: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": beat.beat_id,
        "act": beat.act,
        "by": beat.by,
        "to": beat.to,
        "zone": beat.zone,
        "intensity": beat.intensity,
        "barrier": beat.barrier,
        "status": beat.status,
    }
    if who in (COORDINATOR, PERFORMER):
        data["findings"] = [
            {"role": f.role, "performer": f.performer, "status": f.status, "reason": f.reason}
            for f in beat.findings
        ]
    if who == PERFORMER:
        data["my_role"] = beat.my_role
    return data


def _status_name(status: Status) -> str:
    return status.name


def plan_view(user: Any, production_id: int, scene_id: int) -> PlanView:
    scene, who = _scene(user, production_id, scene_id)
    plan = _plan(scene)
    return _view(user, scene, plan, who)


def _view(user: Any, scene: Scene, plan: ScenePlan, who: str) -> PlanView:
    if who == DIRECTOR:
        return _director_view(scene, plan)
    taxonomy, intensity_words, barrier_words = beat_words(current_language())
    core, result = run_check(plan, coordinator=user if who == COORDINATOR else None)
    rows = _beats(plan)
    slots = _roles(plan)
    my_roles = {s.name for s in slots if s.performer_id is not None and s.performer_id == user.pk}
    names = _handle_names(slots) if who == COORDINATOR else {}
    beats: list[BeatView] = []
    for index, (row, beat) in enumerate(zip(rows, core.beats, strict=True)):
        mine = [f for f in result.findings if f.beat == beat.id]
        status = result.beat_status(beat.id)
        view = BeatView(
            pk=row.pk,
            beat_id=beat.id,
            act=beat.act,
            act_label=taxonomy.acts[beat.act].label,
            by=beat.by,
            to=list(beat.to),
            zone=beat.zone,
            intensity=beat.intensity.name,
            barrier=beat.barrier,
            status=_status_name(status),
            status_label=_status_label(status),
            first=index == 0,
            last=index == len(rows) - 1,
            zone_words=_zone_words(taxonomy, beat.zone),
            intensity_words=intensity_words.get(beat.intensity.name, beat.intensity.name),
            barrier_words=barrier_words.get(beat.barrier, beat.barrier),
        )
        if who == COORDINATOR:
            view.findings = [_finding(f, finding_line(f, names, taxonomy)) for f in mine]
        elif who == PERFORMER:
            involved = {beat.by, *beat.to} & my_roles
            if not involved:
                continue
            # Their own findings only: the partner's answers are the partner's.
            own = [f for f in mine if f.role in my_roles]
            view.findings = [_finding(f) for f in own]
            view.my_role = sorted(involved)[0]
            own_status = max((f.status for f in own), default=Status.clear)
            view.status, view.status_label = own_status.name, _status_label(own_status)
        beats.append(view)
    if who == PRODUCER:
        beats = []
    roles = [
        RoleView(
            s.name,
            s.performer.handle if s.performer else None,
            s.performer.display_name if s.performer else None,
        )
        for s in slots
    ]
    if who not in EDITORS:
        roles = [r for r in roles if r.name in my_roles] if who == PERFORMER else []
    overall = result.status
    if who == PERFORMER:
        overall = max(
            (f.status for f in result.findings if f.role in my_roles), default=Status.clear
        )
    if who == PRODUCER:
        # Whether the plan fits, nothing finer; "cleared" is the shoot gate's word alone.
        label = (
            gettext("fits everyone's boundaries")
            if overall == Status.clear
            else gettext("needs the coordinator")
        )
        gate = "clear" if overall == Status.clear else "not_cleared"
    else:
        label, gate = _status_label(overall), overall.name
    if not rows and who in (COORDINATOR, PRODUCER):
        # Nothing planned is nothing cleared: an empty plan is not a gate that passed.
        label, gate = gettext("no beats yet"), "empty"
    latest = plan.versions.order_by("-number").first() if plan.pk else None
    return PlanView(
        audience=who,
        production=scene.production,
        scene=scene,
        editable=who == COORDINATOR,
        status=gate,
        status_label=label,
        roles=roles,
        beats=beats,
        version=latest.number if latest else None,
    )


def _director_view(scene: Scene, plan: ScenePlan) -> PlanView:
    """The latest released version, each beat cleared or not cleared; nothing live."""
    release = latest_release(plan)
    if release is None:
        return PlanView(
            audience=DIRECTOR,
            production=scene.production,
            scene=scene,
            editable=False,
            status="not_released",
            status_label=gettext("nothing released yet"),
            roles=[],
            beats=[],
            version=None,
        )
    taxonomy, intensity_words, barrier_words = beat_words(current_language())
    data = release.version.data
    names = {p.handle: p for p in performers(scene.production)}
    roles = [
        RoleView(
            name,
            handle,
            (names[handle].display_name or handle) if handle in names else handle,
        )
        for name, handle in data.get("cast", {}).items()
    ]
    beats: list[BeatView] = []
    rows = data.get("beats", [])
    for index, beat in enumerate(rows):
        state = CLEARED if release.beats.get(beat["id"]) else NOT_CLEARED
        act = taxonomy.acts.get(beat["act"])
        beats.append(
            BeatView(
                pk=None,
                beat_id=beat["id"],
                act=beat["act"],
                act_label=act.label if act else beat["act"],
                by=beat["by"],
                to=_to_roles(beat.get("to")),
                zone=beat.get("zone"),
                intensity=str(beat.get("intensity", "light")),
                barrier=str(beat.get("barrier", "none")),
                status=state,
                status_label=str(DIRECTOR_LABELS[state]),
                first=index == 0,
                last=index == len(rows) - 1,
                zone_words=_zone_words(taxonomy, beat.get("zone")),
                intensity_words=intensity_words.get(
                    str(beat.get("intensity", "light")), str(beat.get("intensity", "light"))
                ),
                barrier_words=barrier_words.get(
                    str(beat.get("barrier", "none")), str(beat.get("barrier", "none"))
                ),
            )
        )
    state = CLEARED if release.cleared else NOT_CLEARED
    return PlanView(
        audience=DIRECTOR,
        production=scene.production,
        scene=scene,
        editable=False,
        status=state,
        status_label=str(DIRECTOR_LABELS[state]),
        roles=roles,
        beats=beats,
        version=release.version.number,
        released_at=release.released_at,
        released_by=_person(release.released_by) if release.released_by_id else None,
    )


def _finding(f: Finding, words: str = "") -> FindingView:
    return FindingView(f.role, f.performer, f.status.name, f.reason, words)


def _handle_names(slots: list[RoleSlot]) -> dict[str, str]:
    """Each cast performer's handle -> the name the pages show."""
    return {s.performer.handle: _person(s.performer) for s in slots if s.performer is not None}


def check_json(user: Any, production_id: int, scene_id: int) -> dict[str, Any]:
    """The check as the API shows it, cut to the viewer's role like the page."""
    view = plan_view(user, production_id, scene_id)
    data: dict[str, Any] = {"scene": view.scene.number, "status": view.status}
    if view.audience == PRODUCER:
        return data
    beats = []
    for beat in view.beats:
        item: dict[str, Any] = {"beat": beat.beat_id, "status": beat.status}
        if view.audience in (COORDINATOR, PERFORMER):
            item["findings"] = [
                {"role": f.role, "performer": f.performer, "status": f.status, "reason": f.reason}
                for f in beat.findings
            ]
        beats.append(item)
    data["beats"] = beats
    return data


def page_view(user: Any, production_id: int, scene_id: int) -> PlanView:
    """The plan page's view: editors get a plan made on first visit, others read."""
    scene, who = _scene(user, production_id, scene_id)
    plan = _plan(scene, create=who == COORDINATOR)
    return _view(user, scene, plan, who)


def editor_view(user: Any, production_id: int, scene_id: int) -> PlanView:
    """For pages of the coordinator and the director (who proposes)."""
    scene, who = _changer(user, production_id, scene_id)
    return _view(user, scene, _plan(scene, create=who == COORDINATOR), who)


# ---------------------------------------------------------------- casting


def cast_choices(plan_view: PlanView) -> list[User]:
    return performers(plan_view.production)


@transaction.atomic
def cast_role(
    user: Any, production_id: int, scene_id: int, role: str, handle: str
) -> Proposal | None:
    proposing = _proposing(user, production_id, scene_id)
    if proposing is not None:
        return _propose_cast(user, proposing, role, handle)
    scene, plan = _editable(user, production_id, scene_id)
    plan = _locked(plan)
    slot = RoleSlot.objects.filter(plan=plan, name=role).first()
    if slot is None:
        raise NotFound(gettext("No such role in this plan."))
    performer = _cast_performer(scene, handle)
    if performer is not None:
        other = RoleSlot.objects.filter(plan=plan, performer=performer).exclude(pk=slot.pk)
        if other.exists():
            message = gettext(
                "%(handle)s is cast as %(role)s already; one performer fills one role"
            ) % {"handle": handle, "role": other.first().name}  # type: ignore[union-attr]
            raise PlanInvalid(message, {"performer": message})
    newly_cast = performer is not None and slot.performer_id != performer.pk
    slot.performer = performer
    slot.save(update_fields=["performer"])
    if newly_cast and performer is not None:
        _tell_cast(performer, scene)
    _cast_changed(scene)
    return None


def _cast_changed(scene: Scene) -> None:
    # The shoot gate reads the cast: a scheduled scene's crew hears when it can no longer be
    # shot (or can again).
    from closedset.compliance.services import gate_changed

    gate_changed(scene)


def _cast_performer(scene: Scene, handle: str) -> User | None:
    """The production's performer with this handle (None for an open role), or an error."""
    if not handle:
        return None
    performer = next((p for p in performers(scene.production) if p.handle == handle), None)
    if performer is None:
        message = gettext("%(handle)s is not a performer in this production") % {"handle": handle}
        raise PlanInvalid(message, {"performer": message})
    return performer


@transaction.atomic
def add_role(user: Any, production_id: int, scene_id: int, name: str) -> None:
    _, plan = _editable(user, production_id, scene_id)
    plan = _locked(plan)
    name = name.strip()
    if not ROLE_NAME.match(name):
        message = gettext("a role name is letters, digits, '-' or '_' (e.g. C)")
        raise PlanInvalid(message, {"name": message})
    if plan.roles.filter(name=name).exists():
        message = gettext("role %(name)s exists already") % {"name": name}
        raise PlanInvalid(message, {"name": message})
    position = (
        plan.roles.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    RoleSlot.objects.create(plan=plan, name=name, position=position)


@transaction.atomic
def remove_role(user: Any, production_id: int, scene_id: int, name: str) -> None:
    _, plan = _editable(user, production_id, scene_id)
    plan = _locked(plan)
    slot = plan.roles.filter(name=name).first()
    if slot is None:
        raise NotFound(gettext("No such role in this plan."))
    used = [b.beat_id for b in _beats(plan) if b.by == name or name in (b.to or [])]
    if used:
        message = gettext("role %(name)s is in beats %(beats)s; change those beats first") % {
            "name": name,
            "beats": ", ".join(used),
        }
        raise PlanInvalid(message, {"name": message})
    if plan.roles.count() == 1:
        raise PlanInvalid(
            gettext("a plan needs at least one role"), {"name": gettext("a plan needs one role")}
        )
    slot.delete()


# ---------------------------------------------------------------- beats


@dataclass
class BeatInput:
    beat_id: str = ""
    act: str = ""
    by: str = ""
    to: list[str] = field(default_factory=list)
    zone: str = ""
    intensity: str = "light"
    barrier: str = "none"

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> BeatInput:
        """A formats.md beat (a proposal's, a released version's) as the beat forms take it."""
        return cls(
            beat_id=str(data.get("id", "")),
            act=str(data.get("act", "")),
            by=str(data.get("by", "")),
            to=_to_roles(data.get("to")),
            zone=str(data.get("zone") or ""),
            intensity=str(data.get("intensity", "light")),
            barrier=str(data.get("barrier", "none")),
        )

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.beat_id.strip(), "act": self.act.strip(), "by": self.by}
        to = [r for r in self.to if r]
        if to:
            data["to"] = to
        if self.zone:
            data["zone"] = self.zone
        data["intensity"] = self.intensity or "light"
        data["barrier"] = self.barrier or "none"
        return data


def _to_roles(value: Any) -> list[str]:
    """A beat's `to` as formats.md allows it (one role, a list, or none) as a list."""
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def _check_input(beat: BeatInput) -> None:
    errors: dict[str, str] = {}
    if not BEAT_ID.match(beat.beat_id.strip()):
        errors["beat_id"] = gettext("a beat id is letters, digits, '.', '-' or '_' (e.g. b3)")
    if not beat.act:
        errors["act"] = gettext("choose an act")
    if not beat.by:
        errors["by"] = gettext("choose the role doing it")
    if beat.intensity and beat.intensity not in Intensity.names():
        errors["intensity"] = gettext("choose light, medium or hard")
    if beat.barrier and beat.barrier not in BARRIERS:
        errors["barrier"] = gettext("choose none, condom or barrier")
    if errors:
        raise PlanInvalid(gettext("Please correct the marked fields."), errors)


def _next_beat_id(plan: ScenePlan) -> str:
    used = {b.beat_id for b in _beats(plan)}
    n = len(used) + 1
    while f"b{n}" in used:
        n += 1
    return f"b{n}"


def next_beat_id(user: Any, production_id: int, scene_id: int) -> str:
    scene, _ = _scene(user, production_id, scene_id)
    return _next_beat_id(_plan(scene))


@transaction.atomic
def add_beat(user: Any, production_id: int, scene_id: int, beat: BeatInput) -> Beat | Proposal:
    proposing = _proposing(user, production_id, scene_id)
    if proposing is not None:
        return _propose_beat(user, proposing, Proposal.Kind.ADD, beat)
    _, plan = _editable(user, production_id, scene_id)
    plan = _locked(plan)
    if not beat.beat_id.strip():
        beat.beat_id = _next_beat_id(plan)
    _check_input(beat)
    rows = _beats(plan)
    if len(rows) >= MAX_BEATS:
        raise PlanInvalid(
            gettext("a plan holds at most %(n)s beats") % {"n": MAX_BEATS},
            {"plan": gettext("too many beats")},
        )
    _validate(plan, [beat_data(b) for b in rows] + [beat.data()])
    position = (rows[-1].position + 1) if rows else 0
    created = Beat.objects.create(plan=plan, position=position, **_fields(beat))
    record_beat_edit(user, plan, created, BeatEdit.Kind.ADDED)
    return created


def _fields(beat: BeatInput) -> dict[str, Any]:
    data = beat.data()
    return {
        "beat_id": data["id"],
        "act": data["act"],
        "by": data["by"],
        "to": data.get("to", []),
        "zone": data.get("zone", ""),
        "intensity": data["intensity"],
        "barrier": data["barrier"],
    }


def _beat(plan: ScenePlan, pk: int | None = None, beat_id: str | None = None) -> Beat:
    require_known_ids(pk)
    found = (
        (
            plan.beats.filter(pk=pk).first()
            if pk is not None
            else plan.beats.filter(beat_id=beat_id).first()
        )
        if plan.pk
        else None
    )
    if found is None:
        raise NotFound(gettext("No such beat in this plan."))
    return found


def beat_input(user: Any, production_id: int, scene_id: int, pk: int) -> BeatInput:
    _, plan = _editable(user, production_id, scene_id)
    row = _beat(plan, pk=pk)
    return BeatInput(
        row.beat_id, row.act, row.by, list(row.to), row.zone, row.intensity, row.barrier
    )


@transaction.atomic
def update_beat(
    user: Any,
    production_id: int,
    scene_id: int,
    beat: BeatInput,
    pk: int | None = None,
    beat_id: str | None = None,
) -> Beat | Proposal:
    proposing = _proposing_on(user, production_id, scene_id, pk)
    if proposing is not None:
        return _propose_beat(user, proposing, Proposal.Kind.EDIT, beat, beat_id or "")
    _, plan = _editable(user, production_id, scene_id)
    plan = _locked(plan)
    row = _beat(plan, pk, beat_id)
    if not beat.beat_id.strip():
        beat.beat_id = row.beat_id
    _check_input(beat)
    beats = [beat.data() if b.pk == row.pk else beat_data(b) for b in _beats(plan)]
    _validate(plan, beats)
    record_beat_fields(user, plan, row, _fields(beat))
    for name, value in _fields(beat).items():
        setattr(row, name, value)
    row.save()
    return row


@transaction.atomic
def delete_beat(
    user: Any, production_id: int, scene_id: int, pk: int | None = None, beat_id: str | None = None
) -> Proposal | None:
    proposing = _proposing_on(user, production_id, scene_id, pk)
    if proposing is not None:
        return _propose_on_beat(user, proposing, Proposal.Kind.REMOVE, beat_id or "", {})
    _, plan = _editable(user, production_id, scene_id)
    plan = _locked(plan)
    row = _beat(plan, pk, beat_id)
    record_beat_edit(user, plan, row, BeatEdit.Kind.REMOVED)
    row.delete()
    return None


@transaction.atomic
def move_beat(
    user: Any,
    production_id: int,
    scene_id: int,
    direction: str,
    pk: int | None = None,
    beat_id: str | None = None,
) -> Proposal | None:
    """One step up or down: swap positions with the neighbour."""
    if direction not in ("up", "down"):
        raise PlanInvalid(gettext("move a beat up or down"), {"direction": gettext("up or down")})
    proposing = _proposing_on(user, production_id, scene_id, pk)
    if proposing is not None:
        data = {"direction": direction}
        return _propose_on_beat(user, proposing, Proposal.Kind.MOVE, beat_id or "", data)
    _, plan = _editable(user, production_id, scene_id)
    plan = _locked(plan)
    row = _beat(plan, pk, beat_id)
    rows = _beats(plan)
    index = next(i for i, b in enumerate(rows) if b.pk == row.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(rows):
        return None
    record_beat_edit(user, plan, row, BeatEdit.Kind.MOVED, [direction])
    rows[index], rows[other] = rows[other], rows[index]
    # Renumber all: positions stay dense whatever happened before.
    for position, beat in enumerate(rows):
        if beat.position != position:
            Beat.objects.filter(pk=beat.pk).update(position=position)
    return None


def zones_for(act: str) -> list[tuple[str, str]]:
    """The zones an act may name, labelled in the reader's language."""
    taxonomy = load_taxonomy(current_language())
    found = taxonomy.acts.get(act)
    if found is None:
        return []
    return [(z, taxonomy.zones[z].label) for z in found.zones]


def act_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The acts by category, labels and category names in the reader's language."""
    taxonomy = load_taxonomy(current_language())
    grouped: dict[str, list[tuple[str, str]]] = {}
    for act in taxonomy.acts.values():
        grouped.setdefault(act.category, []).append((act.id, act.label))
    return [(taxonomy.category_label(category), acts) for category, acts in grouped.items()]


# ---------------------------------------------------------------- whole plans


@transaction.atomic
def replace_plan(user: Any, production_id: int, scene_id: int, data: object) -> Proposal | None:
    """The whole plan from formats.md data (import, API put). Invalid data changes nothing.

    The production decides the kind and the scene; the file's cast must name its performers.
    """
    proposing = _proposing(user, production_id, scene_id)
    if proposing is not None:
        core, _ = _whole_plan(proposing, data)
        return _propose(user, proposing, Proposal.Kind.REPLACE, "", core.to_data())
    scene, plan = _editable(user, production_id, scene_id)
    plan = _locked(plan)
    core, by_handle = _whole_plan(scene, data)
    cast_before = set(plan.roles.exclude(performer=None).values_list("performer_id", flat=True))
    plan.beats.all().delete()
    plan.roles.all().delete()
    for position, (role, handle) in enumerate(core.cast.items()):
        RoleSlot.objects.create(
            plan=plan, name=role, position=position, performer=by_handle.get(handle or "")
        )
    for position, beat in enumerate(core.beats):
        data_beat = beat.to_data()
        Beat.objects.create(
            plan=plan,
            position=position,
            beat_id=beat.id,
            act=beat.act,
            by=beat.by,
            to=list(beat.to),
            zone=beat.zone or "",
            intensity=data_beat["intensity"],
            barrier=beat.barrier,
        )
    record_plan_import(user, plan)
    for performer in {
        p.pk: p for p in by_handle.values() if p.handle in core.cast.values()
    }.values():
        if performer.pk not in cast_before:
            _tell_cast(performer, scene)
    if core.title and core.title != scene.title:
        # The title lives on the scene; a plan file may carry a newer one.
        Scene.objects.filter(pk=scene.pk).update(title=core.title)
    _cast_changed(scene)
    return None


def _whole_plan(scene: Scene, data: object) -> tuple[CorePlan, dict[str, User]]:
    """formats.md plan data checked against the scene's production and the pages' rules."""
    if not isinstance(data, dict):
        raise PlanInvalid(
            gettext("a scene plan is a mapping with 'cast' and 'beats'"),
            {"plan": gettext("expected a mapping")},
        )
    data = dict(data)
    data["scene"] = scene.number
    data["kind"] = scene.production.kind
    try:
        core = parse_plan(data)
    except BadInput as error:
        raise _invalid(error) from None
    by_handle = {p.handle: p for p in performers(scene.production)}
    for role, handle in core.cast.items():
        if handle is not None and handle not in by_handle:
            message = gettext(
                "cast: %(handle)s (role %(role)s) is not a performer in this production"
            ) % {"handle": handle, "role": role}
            raise PlanInvalid(message, {"cast": message})
    if len(core.beats) > MAX_BEATS:
        raise PlanInvalid(
            gettext("a plan holds at most %(n)s beats") % {"n": MAX_BEATS},
            {"beats": gettext("too many beats")},
        )
    if len(core.cast) > MAX_ROLES:
        raise PlanInvalid(
            gettext("a plan holds at most %(n)s roles") % {"n": MAX_ROLES},
            {"cast": gettext("too many roles")},
        )
    # The file format allows more than the pages can address; hold imports to the pages' rules.
    for role in core.cast:
        if not ROLE_NAME.match(role):
            message = gettext(
                "cast: role name '%(role)s' must be 1-40 letters, digits, '_' or '-'"
            ) % {"role": role}
            raise PlanInvalid(message, {"cast": message})
    for beat in core.beats:
        if not BEAT_ID.match(beat.id):
            message = gettext(
                "beat id '%(beat)s' must be 1-40 letters, digits, '.', '_' or '-'"
            ) % {"beat": beat.id}
            raise PlanInvalid(message, {"beats": message})
    if core.title is not None and ("\x00" in core.title or len(core.title) > 200):
        message = gettext("the title must be at most 200 characters of plain text")
        raise PlanInvalid(message, {"title": message})
    return core, by_handle


def import_plan(user: Any, production_id: int, scene_id: int, text: str) -> Proposal | None:
    _changer(user, production_id, scene_id)
    if not text.strip():
        message = gettext("the file is empty")
        raise PlanInvalid(message, {"file": message})
    try:
        data = load(text, "plan")
    except BadInput as error:
        raise _invalid(error, "file") from None
    try:
        return replace_plan(user, production_id, scene_id, data)
    except PlanInvalid as error:
        raise PlanInvalid(error.message, {"file": error.message} | error.fields) from None


def export_plan(user: Any, production_id: int, scene_id: int) -> tuple[Scene, str]:
    """The plan file: the working plan for the coordinator, the released one for the director."""
    scene = _changer(user, production_id, scene_id)[0]
    data = plan_json(user, production_id, scene_id)
    return scene, yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def plan_json(user: Any, production_id: int, scene_id: int) -> dict[str, Any]:
    proposing = _proposing(user, production_id, scene_id)
    if proposing is not None:
        release = latest_release(_plan(proposing))
        if release is None:
            raise NotFound(gettext("The coordinator has not released a version of this plan yet."))
        return dict(release.version.data)
    scene, plan = _editable(user, production_id, scene_id)
    return plan_data(plan)


# ---------------------------------------------------------------- versions


@dataclass(frozen=True)
class VersionInfo:
    number: int
    created_at: datetime
    created_by: str | None


@transaction.atomic
def save_version(user: Any, production_id: int, scene_id: int) -> int:
    _, plan = _editable(user, production_id, scene_id)
    plan = _locked(plan)
    return _save_version(user, plan).number


def _save_version(user: Any, plan: ScenePlan) -> PlanVersion:
    """A new version of the (locked) plan; cast performers whose beats changed are told."""
    latest = plan.versions.order_by("-number").first()
    data = plan_data(plan)
    saved = PlanVersion.objects.create(
        plan=plan, number=(latest.number if latest else 0) + 1, data=data, created_by=user
    )
    _tell_plan_changed(plan, latest.data if latest else None, data)
    _cast_changed(plan.scene)
    return saved


def _readable_versions(user: Any, production_id: int, scene_id: int) -> Any:
    """Saved versions this person may read: all for the coordinator, released ones for the
    director (the working versions between releases show the coordinator's amendments)."""
    scene, who = _changer(user, production_id, scene_id)
    plan = _plan(scene)
    if plan.pk is None:
        return PlanVersion.objects.none()
    found = plan.versions.all()
    if who == DIRECTOR:
        found = found.filter(release__isnull=False)
    return found


def versions(user: Any, production_id: int, scene_id: int) -> list[VersionInfo]:
    return [
        VersionInfo(v.number, v.created_at, v.created_by.display_name if v.created_by else None)
        for v in _readable_versions(user, production_id, scene_id)
        .select_related("created_by")
        .order_by("-number")
    ]


def version(user: Any, production_id: int, scene_id: int, number: int) -> dict[str, Any]:
    require_known_ids(number)
    found = _readable_versions(user, production_id, scene_id).filter(number=number).first()
    if found is None:
        raise NotFound(gettext("No such version of this plan."))
    return dict(found.data)


def version_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def scene_plans(user: Any, production_id: int) -> tuple[Production, list[Scene], str]:
    """The scenes of a production, for the plan index."""
    from closedset.productions.services import get_production

    require_known_ids(production_id)
    production = get_production(user, production_id)
    who = audience(user, production)
    return production, list(production.scenes.order_by("number")), who


# --- beat edits ---
#
# Who changed each beat and how, written by the four beat edits (and imports), read by the
# coordinator alone: the director, producer and performers see the plan as before.

BEAT_FIELD_WORDS = {
    "beat_id": pgettext_lazy("a beat's field", "id"),
    "act": pgettext_lazy("a beat's field", "act"),
    "by": pgettext_lazy("a beat's field", "who does it"),
    "to": pgettext_lazy("a beat's field", "to whom"),
    "zone": pgettext_lazy("a beat's field", "zone"),
    "intensity": pgettext_lazy("a beat's field", "intensity"),
    "barrier": pgettext_lazy("a beat's field", "barrier"),
}
# A beat's change as the coordinator reads it ("edited (zone)"), in her language.
EDIT_KIND_WORDS = {
    "added": pgettext_lazy("a beat was", "added"),
    "edited": pgettext_lazy("a beat was", "edited"),
    "moved": pgettext_lazy("a beat was", "moved"),
    "removed": pgettext_lazy("a beat was", "removed"),
    "imported": pgettext_lazy("a beat was", "imported"),
}
DIRECTION_WORDS = {
    "up": pgettext_lazy("a beat moved", "up"),
    "down": pgettext_lazy("a beat moved", "down"),
}
CHANGES_PER_PAGE = 50


def _editor(user: Any) -> User | None:
    return user if getattr(user, "is_authenticated", False) else None


def record_beat_edit(
    user: Any, plan: ScenePlan, beat: Beat, kind: str, detail: list[str] | None = None
) -> None:
    BeatEdit.objects.create(
        plan=plan,
        beat=beat,
        beat_label=beat.beat_id,
        editor=_editor(user),
        kind=kind,
        detail=list(detail or []),
    )


def record_beat_fields(user: Any, plan: ScenePlan, row: Beat, new: dict[str, Any]) -> None:
    """Before a beat is saved: which of its fields the edit changes (nothing: no row)."""
    changed = [name for name, value in new.items() if getattr(row, name) != value]
    if changed:
        label = str(new.get("beat_id") or row.beat_id)
        BeatEdit.objects.create(
            plan=plan,
            beat=row,
            beat_label=label,
            editor=_editor(user),
            kind=BeatEdit.Kind.EDITED,
            detail=changed,
        )


def record_plan_import(user: Any, plan: ScenePlan) -> None:
    """A whole plan replaced (import, API put): every beat it holds now came from it."""
    BeatEdit.objects.bulk_create(
        BeatEdit(
            plan=plan,
            beat=beat,
            beat_label=beat.beat_id,
            editor=_editor(user),
            kind=BeatEdit.Kind.IMPORTED,
        )
        for beat in _beats(plan)
    )


@dataclass(frozen=True)
class EditInfo:
    """One change to a beat, as the coordinator reads it."""

    beat: str
    editor: str
    kind: str
    what: str
    at: datetime

    @property
    def summary(self) -> str:
        if not self.what:
            return self.kind
        return pgettext("a beat's change: how (what)", "%(kind)s (%(what)s)") % {
            "kind": self.kind,
            "what": self.what,
        }


def _edit_info(row: BeatEdit) -> EditInfo:
    if row.kind == BeatEdit.Kind.EDITED:
        what = ", ".join(str(BEAT_FIELD_WORDS.get(str(name), name)) for name in row.detail)
    elif row.kind == BeatEdit.Kind.MOVED:
        what = " ".join(str(DIRECTION_WORDS.get(str(part), part)) for part in row.detail)
    else:
        what = ""
    editor = row.editor
    return EditInfo(
        beat=row.beat_label,
        editor=(editor.display_name or editor.handle) if editor else gettext("A deleted account"),
        kind=str(EDIT_KIND_WORDS.get(row.kind, row.get_kind_display())),
        what=what,
        at=row.at,
    )


def _coordinated_plan(user: Any, production_id: int, scene_id: int) -> tuple[Scene, ScenePlan]:
    scene, who = _scene(user, production_id, scene_id)
    if who != COORDINATOR:
        raise Forbidden(gettext("Only the intimacy coordinator sees who changed the beats."))
    return scene, _plan(scene)


def last_beat_edits(user: Any, view: PlanView) -> dict[int, EditInfo]:
    """The latest change of each beat on the page, keyed by beat; empty unless coordinator."""
    if view.audience != COORDINATOR:
        return {}
    pks = [beat.pk for beat in view.beats if beat.pk is not None]
    if not pks:
        return {}
    from django.db.models import Max

    latest = (
        BeatEdit.objects.filter(beat_id__in=pks)
        .values("beat_id")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    rows = BeatEdit.objects.filter(pk__in=list(latest)).select_related("editor")
    return {row.beat_id: _edit_info(row) for row in rows if row.beat_id is not None}


def beat_history(
    user: Any, production_id: int, scene_id: int, pk: int
) -> tuple[Scene, Beat, list[EditInfo]]:
    """Every change to one beat, newest first (coordinator only)."""
    scene, plan = _coordinated_plan(user, production_id, scene_id)
    row = _beat(plan, pk=pk)
    edits = row.edits.select_related("editor").order_by("-at", "-pk")
    return scene, row, [_edit_info(edit) for edit in edits]


def plan_changes(
    user: Any, production_id: int, scene_id: int, page: int | str | None = 1
) -> tuple[Scene, Page[EditInfo]]:
    """Every beat change in the plan, removed beats' too, newest first, 50 a page."""
    scene, plan = _coordinated_plan(user, production_id, scene_id)
    rows = (
        BeatEdit.objects.filter(plan=plan).select_related("editor").order_by("-at", "-pk")
        if plan.pk
        else BeatEdit.objects.none()
    )
    return scene, page_of(rows, CHANGES_PER_PAGE, page, _edit_info)


# --- leaving: export and erasure ---


def export_plan_data(user: User) -> dict[str, Any]:
    """The roles the person is cast in and the beat changes they made."""
    slots = RoleSlot.objects.filter(performer=user).select_related("plan__scene__production")
    edits = BeatEdit.objects.filter(editor=user).select_related("plan__scene__production")
    return {
        "cast_in": [
            {
                "production": slot.plan.scene.production.name,
                "scene": slot.plan.scene.number,
                "role": slot.name,
            }
            for slot in slots.order_by("pk")
        ],
        "beat_changes": [
            {
                "production": edit.plan.scene.production.name,
                "scene": edit.plan.scene.number,
                "beat": edit.beat_label,
                "change": edit.kind,
                "detail": list(edit.detail),
                "at": edit.at,
            }
            for edit in edits.order_by("at", "pk")
        ],
    }


def uncast_performer(user: User) -> int:
    """The person leaves every cast: their roles open again (the check says "not cast yet")."""
    scenes = {
        slot.plan.scene
        for slot in RoleSlot.objects.filter(performer=user).select_related("plan__scene")
    }
    count = RoleSlot.objects.filter(performer=user).update(performer=None)
    for scene in scenes:
        _cast_changed(scene)
    return count


# --- the director proposes, the coordinator decides and releases ---
#
# The director never sees a live check: his changes wait as proposals, and whether a beat is
# cleared reaches him only through a version the coordinator released, in two states. A
# hard no, a maybe and an unshared profile all read "not cleared", whoever they belong to.

CLEARED = "clear"
NOT_CLEARED = "not_cleared"
DIRECTOR_LABELS = {
    CLEARED: pgettext_lazy("plan status", "cleared"),
    NOT_CLEARED: gettext_lazy("not cleared (talk to the coordinator)"),
}
NOTE_LIMIT = 500


def _proposing(user: Any, production_id: int, scene_id: int) -> Scene | None:
    """The scene when this person proposes (the director); None when she decides."""
    scene, who = _changer(user, production_id, scene_id)
    return scene if who == DIRECTOR else None


def _proposing_on(user: Any, production_id: int, scene_id: int, pk: int | None) -> Scene | None:
    """As _proposing; the director names beats by their id in the released version, never by
    the working plan's rows (those are the coordinator's)."""
    scene = _proposing(user, production_id, scene_id)
    if scene is not None and pk is not None:
        raise Forbidden(gettext("Propose changes from the plan released to you."))
    return scene


def proposes(user: Any, production_id: int, scene_id: int) -> bool:
    """True for the director (his changes are proposals); False for the coordinator."""
    return _proposing(user, production_id, scene_id) is not None


def plan_of(user: Any, production_id: int, scene_id: int) -> ScenePlan:
    """The working plan, for the coordinator and the director (may be unsaved)."""
    scene, _ = _changer(user, production_id, scene_id)
    return _plan(scene)


def role_names(user: Any, production_id: int, scene_id: int) -> list[str]:
    """The plan's role names, for the coordinator's and the director's beat forms (his: the
    released version's, never the working plan's)."""
    scene, who = _changer(user, production_id, scene_id)
    if who == DIRECTOR:
        return list(_released_cast(_plan(scene)))
    return [slot.name for slot in _roles(_plan(scene))]


def _released_cast(plan: ScenePlan) -> dict[str, Any]:
    """Role -> handle as the director knows it: the latest release, or the default roles."""
    release = latest_release(plan)
    if release is None:
        return dict.fromkeys(DEFAULT_ROLES)
    return dict(release.version.data.get("cast", {}))


def released_cast(user: Any, production_id: int, scene_id: int) -> dict[str, Any]:
    """Role -> performer handle as released to the director (his casting form starts there)."""
    scene = _proposing(user, production_id, scene_id)
    return _released_cast(_plan(scene)) if scene is not None else {}


def _released_cast_names(plan: ScenePlan) -> dict[str, str]:
    people = {p.handle: p for p in performers(plan.scene.production)}
    return {
        role: _person(people[handle]) if handle in people else str(handle)
        for role, handle in _released_cast(plan).items()
        if handle
    }


def latest_release(plan: ScenePlan) -> Release | None:
    if plan.pk is None:
        return None
    return (
        Release.objects.filter(version__plan=plan)
        .select_related("version", "released_by")
        .order_by("-released_at", "-pk")
        .first()
    )


def _released_beat_ids(plan: ScenePlan) -> set[str]:
    release = latest_release(plan)
    if release is None:
        return set()
    return {str(b.get("id")) for b in release.version.data.get("beats", [])}


def _propose(user: Any, scene: Scene, kind: str, label: str, data: dict[str, Any]) -> Proposal:
    plan = _plan(scene, create=True)
    proposal = Proposal.objects.create(
        plan=plan, author=_editor(user), kind=kind, beat_label=label, data=data
    )
    _tell_coordinators_of_proposal(scene, proposal)
    return proposal


def _propose_on_beat(
    user: Any, scene: Scene, kind: str, beat_id: str, data: dict[str, Any]
) -> Proposal:
    """A change to a beat the director can see: one of the version released to him."""
    if beat_id not in _released_beat_ids(_plan(scene)):
        raise NotFound(gettext("No such beat in the version released to you."))
    return _propose(user, scene, kind, beat_id, data)


def _propose_beat(
    user: Any, scene: Scene, kind: str, beat: BeatInput, target: str = ""
) -> Proposal:
    """A new or changed beat, checked as the plan format would check it (not against anyone's
    boundaries: that is the coordinator's check, and its result is not his to see)."""
    plan = _plan(scene, create=True)
    if kind == Proposal.Kind.EDIT and not beat.beat_id.strip():
        beat.beat_id = target
    if kind == Proposal.Kind.ADD and not beat.beat_id.strip():
        beat.beat_id = _next_beat_id(plan)
    _check_input(beat)
    # Against the roles released to him: the working plan's are the coordinator's.
    _validate(plan, [beat.data()], cast=_released_cast(plan))
    if kind == Proposal.Kind.EDIT:
        return _propose_on_beat(user, scene, kind, target, beat.data())
    return _propose(user, scene, kind, "", beat.data())


def _propose_cast(user: Any, scene: Scene, role: str, handle: str) -> Proposal:
    plan = _plan(scene, create=True)
    if role not in _released_cast(plan):
        raise NotFound(gettext("No such role in this plan."))
    _cast_performer(scene, handle)
    return _propose(user, scene, Proposal.Kind.CAST, role, {"role": role, "performer": handle})


@dataclass(frozen=True)
class ProposalInfo:
    """One proposal as the coordinator and the director read it."""

    pk: int
    kind: str
    what: str
    author: str
    at: datetime
    state: str
    state_label: str
    beat: BeatInput | None
    decided_by: str | None
    decided_at: datetime | None
    # A whole-plan proposal, for the coordinator: what accepting it would change.
    changes: tuple[str, ...] = ()
    # An open proposed beat, for the coordinator: what the check would say if she accepted it.
    preview: tuple[str, tuple[str, ...]] | None = None

    @property
    def open(self) -> bool:
        return self.state == Proposal.State.OPEN

    @property
    def form_key(self) -> str:
        # Which proposal an error on the page belongs to.
        return f"proposal-{self.pk}"


def _person(user: User | None) -> str:
    return (user.display_name or user.handle) if user else gettext("A deleted account")


def _beat_words(data: dict[str, Any], names: dict[str, str]) -> str:
    """ "Slap · A (Jonas) to B (Mara) · face · light" — the director's and coordinator's words,
    in the reader's language ("Plácnutí · A (Jonas) → B (Mara) · obličej · lehká")."""
    lang = current_language()
    taxonomy, intensities, _ = beat_words(lang)
    act = taxonomy.acts.get(str(data.get("act", "")))
    label = act.label if act else str(data.get("act", ""))
    to = _to_roles(data.get("to"))

    def role(name: str) -> str:
        return f"{name} ({names[name]})" if names.get(name) else name

    parts = [label, role(str(data.get("by", "")))]
    if to:
        receivers = ", ".join(role(str(r)) for r in to)
        parts[-1] = pgettext("a beat: who does it to whom", "%(by)s to %(to)s") % {
            "by": parts[-1],
            "to": receivers,
        }
    zone = taxonomy.zones.get(str(data.get("zone") or ""))
    if zone:
        parts.append(zone.label.lower())
    intensity = str(data.get("intensity", "light"))
    parts.append(intensities.get(intensity, intensity))
    barrier = data.get("barrier")
    if barrier not in (None, "", "none"):
        if lang == "en" or barrier not in BARRIERS:
            parts.append(f"with a {barrier}")
        else:
            parts.append(words_in(lang)(f"with-barrier:{barrier}"))
    return " · ".join(parts)


# A proposal's state as the coordinator and the director read it, in their language.
PROPOSAL_STATE_WORDS = {
    "open": gettext_lazy("waiting for the coordinator"),
    "accepted": pgettext_lazy("a proposal was", "accepted"),
    "amended": pgettext_lazy("a proposal was", "accepted with changes"),
    "declined": pgettext_lazy("a proposal was", "declined"),
}


def _cast_names(plan: ScenePlan) -> dict[str, str]:
    return {s.name: _person(s.performer) for s in _roles(plan) if s.performer is not None}


def _proposal_info(row: Proposal, names: dict[str, str]) -> ProposalInfo:
    data = dict(row.data)
    beat = None
    if row.kind in (Proposal.Kind.ADD, Proposal.Kind.EDIT):
        what = _beat_words(data, names)
        if row.kind == Proposal.Kind.EDIT:
            what = gettext("beat %(beat)s becomes: %(what)s") % {
                "beat": row.beat_label,
                "what": what,
            }
        beat = BeatInput.from_data(data)
    elif row.kind == Proposal.Kind.REMOVE:
        what = gettext("remove beat %(beat)s") % {"beat": row.beat_label}
    elif row.kind == Proposal.Kind.MOVE:
        direction = str(data.get("direction", ""))
        what = gettext("move beat %(beat)s %(direction)s") % {
            "beat": row.beat_label,
            "direction": DIRECTION_WORDS.get(direction, direction),
        }
    elif row.kind == Proposal.Kind.CAST:
        what = gettext("role %(role)s: %(performer)s") % {
            "role": data.get("role"),
            "performer": data.get("performer") or pgettext("a role is", "open"),
        }
    else:
        count = len(data.get("beats", []))
        what = ngettext(
            "replace the whole plan (%(count)s beat)",
            "replace the whole plan (%(count)s beats)",
            count,
        ) % {"count": count}
    return ProposalInfo(
        pk=row.pk,
        kind=row.kind,
        what=what,
        author=_person(row.author),
        at=row.created_at,
        state=row.state,
        state_label=str(PROPOSAL_STATE_WORDS.get(row.state, row.get_state_display())),
        beat=beat,
        decided_by=_person(row.decided_by) if row.decided_by_id else None,
        decided_at=row.decided_at,
    )


def proposals(user: Any, production_id: int, scene_id: int) -> list[ProposalInfo]:
    """The plan's proposals: all of them for the coordinator, his own for a director."""
    scene, who = _changer(user, production_id, scene_id)
    plan = _plan(scene)
    if plan.pk is None:
        return []
    rows = plan.proposals.select_related("author", "decided_by")
    if who == DIRECTOR:
        rows = rows.filter(author=user)
    names = _released_cast_names(plan) if who == DIRECTOR else _cast_names(plan)
    # Open ones first, so a run of proposals never pushes one still waiting off the page.
    waiting = Q(state=Proposal.State.OPEN)
    found = list(rows.filter(waiting).order_by("-created_at", "-pk")[:200])
    found += list(rows.exclude(waiting).order_by("-created_at", "-pk")[: 200 - len(found)])
    infos = [_proposal_info(row, names) for row in found]
    if who == COORDINATOR:
        # A whole plan is read before it is accepted: what it would change, in words; a beat,
        # what the check would say of it.
        infos = [
            replace(info, changes=tuple(_whole_plan_changes(plan, row)))
            if row.kind == Proposal.Kind.REPLACE and row.state == Proposal.State.OPEN
            else replace(info, preview=_preview(user, plan, row))
            if row.kind in (Proposal.Kind.ADD, Proposal.Kind.EDIT)
            and row.state == Proposal.State.OPEN
            else info
            for info, row in zip(infos, found, strict=True)
        ]
    return infos


def _preview(user: Any, plan: ScenePlan, row: Proposal) -> tuple[str, tuple[str, ...]] | None:
    """The check of the working plan with this proposed beat in it: (status label, reasons)."""
    beats = [beat_data(b) for b in _beats(plan)]
    proposed = dict(row.data)
    if row.kind == Proposal.Kind.EDIT:
        if not any(b["id"] == row.beat_label for b in beats):
            return None
        target = row.beat_label
        beats = [proposed | {"id": target} if b["id"] == target else b for b in beats]
    else:
        used = {b["id"] for b in beats}
        target = str(proposed.get("id")) if proposed.get("id") not in used else _next_beat_id(plan)
        beats.append(proposed | {"id": target})
    try:
        core = parse_plan(plan_data(plan, beats))
    except BadInput:
        return (gettext("does not fit the plan as it is now"), ())
    _, result = _check_core(core, plan, user)
    status = result.beat_status(target)
    # In the coordinator's language where it is not English; the page names people either way.
    taxonomy = load_taxonomy(current_language())
    names = _handle_names(_roles(plan))
    reasons = tuple(
        finding_line(f, names, taxonomy) or f.reason
        for f in result.findings
        if f.beat == target and f.status != Status.clear
    )
    return (_status_label(status), reasons)


def _whole_plan_changes(plan: ScenePlan, row: Proposal) -> list[str]:
    from closedset.plans import history

    current = plan_data(plan)
    return history.plan_diff(current, row.data, history.display_names(current, row.data))


@transaction.atomic
def decide(
    user: Any,
    production_id: int,
    scene_id: int,
    proposal_id: int,
    decision: str,
    amended: BeatInput | None = None,
) -> Proposal:
    """Accept (the change goes into the plan as proposed), amend (as the coordinator changed
    it) or decline a proposal. A proposal that no longer fits the plan changes nothing."""
    require_known_ids(proposal_id)
    _, plan = _editable(user, production_id, scene_id)
    if decision not in ("accept", "amend", "decline"):
        raise PlanInvalid(
            gettext("Choose accept, amend or decline."), {"decision": gettext("choose one")}
        )
    row = Proposal.objects.select_for_update().filter(plan=plan, pk=proposal_id).first()
    if row is None:
        raise NotFound(gettext("No such proposal for this plan."))
    if row.state != Proposal.State.OPEN:
        message = gettext("This proposal was decided already.")
        raise PlanInvalid(message, {"decision": message})
    if decision == "amend" and (amended is None or row.kind not in ("add", "edit")):
        message = gettext("Only a proposed beat can be amended; accept or decline this one.")
        raise PlanInvalid(message, {"decision": message})
    if decision != "decline":
        try:
            _apply(user, production_id, scene_id, row, amended if decision == "amend" else None)
        except NotFound:
            message = (
                gettext(
                    "The role this proposal concerns is no longer in the plan; decline it, "
                    "or add the role again first."
                )
                if row.kind == Proposal.Kind.CAST
                else gettext(
                    "The beat this proposal concerns is no longer in the plan; decline it, "
                    "or add the beat again first."
                )
            )
            raise PlanInvalid(message, {"decision": message}) from None
    row.state = {
        "accept": Proposal.State.ACCEPTED,
        "amend": Proposal.State.AMENDED,
        "decline": Proposal.State.DECLINED,
    }[decision]
    if decision == "amend" and amended is not None:
        row.applied = amended.data()
    row.decided_by = _editor(user)
    row.decided_at = _now()
    row.save(update_fields=["state", "applied", "decided_by", "decided_at"])
    return row


def _now() -> datetime:
    from django.utils import timezone

    return timezone.now()


def _apply(
    user: Any, production_id: int, scene_id: int, row: Proposal, amended: BeatInput | None
) -> None:
    data = dict(row.data)
    kind = row.kind
    if kind in (Proposal.Kind.ADD, Proposal.Kind.EDIT):
        info = _proposal_info(row, {})
        beat = amended or info.beat
        assert beat is not None
        if kind == Proposal.Kind.ADD:
            plan = _plan(row.plan.scene)
            if plan.beats.filter(beat_id=beat.beat_id).exists():
                # Proposed against an older plan: its id was taken since; give the next free.
                beat = replace(beat, beat_id=_next_beat_id(plan))
            add_beat(user, production_id, scene_id, beat)
        else:
            update_beat(user, production_id, scene_id, beat, beat_id=row.beat_label)
    elif kind == Proposal.Kind.REMOVE:
        delete_beat(user, production_id, scene_id, beat_id=row.beat_label)
    elif kind == Proposal.Kind.MOVE:
        move_beat(user, production_id, scene_id, str(data.get("direction")), beat_id=row.beat_label)
    elif kind == Proposal.Kind.CAST:
        cast_role(user, production_id, scene_id, str(data["role"]), str(data["performer"] or ""))
    else:
        replace_plan(user, production_id, scene_id, data)


def proposal_beat(user: Any, production_id: int, scene_id: int, proposal_id: int) -> BeatInput:
    """An open proposed beat, for the coordinator's amend form."""
    require_known_ids(proposal_id)
    _, plan = _editable(user, production_id, scene_id)
    row = plan.proposals.filter(pk=proposal_id, state=Proposal.State.OPEN).first()
    if row is None or row.kind not in (Proposal.Kind.ADD, Proposal.Kind.EDIT):
        raise NotFound(gettext("No such open proposed beat."))
    beat = _proposal_info(row, {}).beat
    assert beat is not None
    return beat


def released_beat(user: Any, production_id: int, scene_id: int, beat_id: str) -> BeatInput:
    """A beat of the version released to the director, to start a proposed change from."""
    scene = _proposing(user, production_id, scene_id)
    if scene is None:
        raise Forbidden(gettext("The coordinator changes beats directly."))
    release = latest_release(_plan(scene))
    found = next(
        (
            b
            for b in (release.version.data.get("beats", []) if release else [])
            if b["id"] == beat_id
        ),
        None,
    )
    if found is None:
        raise NotFound(gettext("No such beat in the version released to you."))
    return BeatInput.from_data(found)


@transaction.atomic
def release(user: Any, production_id: int, scene_id: int) -> Release:
    """Release the plan as it is now to the director, with each beat cleared or not.

    The plan is saved as a version first unless the latest version already holds it. The
    statuses are frozen here: the director reads them until the next release.
    """
    scene, plan = _editable(user, production_id, scene_id)
    plan = _locked(plan)
    if not _beats(plan):
        message = gettext("There are no beats to release yet.")
        raise PlanInvalid(message, {"release": message})
    data = plan_data(plan)
    latest = plan.versions.order_by("-number").first()
    saved = latest if latest is not None and latest.data == data else _save_version(user, plan)
    core, result = run_check(plan, coordinator=user)
    beats = {
        beat.id: result.beat_status(beat.id) == Status.clear
        and all(core.cast.get(role) for role in (beat.by, *beat.to))
        for beat in core.beats
    }
    Release.objects.filter(version=saved).delete()
    made = Release.objects.create(
        version=saved, released_by=_editor(user), cleared=all(beats.values()), beats=beats
    )
    _tell_directors_of_release(scene)
    return made


# --- telling people (closedset.notices) ---


def _notify(recipient: User, kind: str, scene: Scene, subject: Any, body: Any, url: str) -> None:
    """subject and body are lazy texts: notify renders them in the recipient's language."""
    from closedset.notices.services import notify

    notify(recipient, kind, production=scene.production, subject=subject, body=body, url=url)


def scene_words(scene: Scene) -> str:
    """A scene as notices name it: 'scene 12B (The boathouse) of Harbour Lights', in the
    language active when it is shown (lazy: a notice's recipient's)."""
    if scene.title:
        return interpolate_lazy(
            gettext_lazy("scene %(number)s (%(title)s) of %(production)s"),
            number=scene.number,
            title=scene.title,
            production=scene.production.name,
        )
    return interpolate_lazy(
        gettext_lazy("scene %(number)s of %(production)s"),
        number=scene.number,
        production=scene.production.name,
    )


# A proposal's kind as a notice names it, in the recipient's language.
PROPOSAL_KIND_WORDS = {
    "add": pgettext_lazy("a proposal", "add a beat"),
    "edit": pgettext_lazy("a proposal", "change a beat"),
    "remove": pgettext_lazy("a proposal", "remove a beat"),
    "move": pgettext_lazy("a proposal", "move a beat"),
    "cast": pgettext_lazy("a proposal", "cast a role"),
    "replace": pgettext_lazy("a proposal", "replace the whole plan"),
}


def scene_heading(scene: Scene) -> str:
    """A scene as a page or document heads it: 'Scene 12B: The boathouse', in the reader's
    language."""
    if scene.title:
        return gettext("Scene %(number)s: %(title)s") % {
            "number": scene.number,
            "title": scene.title,
        }
    return gettext("Scene %(number)s") % {"number": scene.number}


def _members(scene: Scene, role: str) -> list[User]:
    from closedset.productions.services import acting_members

    return acting_members(scene.production, role)


def _plan_url(scene: Scene) -> str:
    from django.urls import reverse

    return reverse("plans:plan", args=[scene.production_id, scene.pk])


def _still_unread(recipient: User, kind: str, scene: Scene) -> bool:
    """An unread notice of this kind for this scene already sends them to the plan: a run of
    proposals or releases is one notice (and one e-mail), not a run of them."""
    from closedset.notices.models import Notice

    return Notice.objects.filter(
        recipient=recipient, kind=kind, url=_plan_url(scene), read_at__isnull=True
    ).exists()


def _tell_coordinators_of_proposal(scene: Scene, proposal: Proposal) -> None:
    author = _person(proposal.author)
    for coordinator in _members(scene, Role.COORDINATOR):
        if _still_unread(coordinator, "proposal", scene):
            continue
        _notify(
            coordinator,
            "proposal",
            scene,
            interpolate_lazy(
                gettext_lazy("%(author)s proposed a change to %(scene)s"),
                author=author,
                scene=scene_words(scene),
            ),
            interpolate_lazy(
                gettext_lazy(
                    "%(author)s proposed: %(kind)s. Open the plan to accept, amend or decline it."
                ),
                author=author,
                kind=PROPOSAL_KIND_WORDS.get(proposal.kind, proposal.get_kind_display()),
            ),
            _plan_url(scene),
        )


def _tell_directors_of_release(scene: Scene) -> None:
    for director in _members(scene, Role.DIRECTOR):
        if _still_unread(director, "released", scene):
            continue
        _notify(
            director,
            "released",
            scene,
            interpolate_lazy(
                gettext_lazy("The coordinator released a version of %(scene)s"),
                scene=scene_words(scene),
            ),
            gettext_lazy(
                "The coordinator released a new version of the plan. Open it to see which "
                "beats are cleared."
            ),
            _plan_url(scene),
        )


def _tell_cast(performer: User, scene: Scene) -> None:
    _notify(
        performer,
        "cast",
        scene,
        interpolate_lazy(gettext_lazy("You are cast in %(scene)s"), scene=scene_words(scene)),
        gettext_lazy(
            "You are cast in a scene. Open it to read what is planned, and talk to your "
            "coordinator about anything you are unsure of."
        ),
        _plan_url(scene),
    )


def _tell_plan_changed(
    plan: ScenePlan, before: dict[str, Any] | None, after: dict[str, Any]
) -> None:
    """Each cast performer whose beats differ between two saved versions is told."""
    if before is None:
        return
    scene = plan.scene
    for slot in _roles(plan):
        if slot.performer is None:
            continue

        def theirs(data: dict[str, Any], role: str = slot.name) -> list[Any]:
            return [
                b
                for b in data.get("beats", [])
                if b.get("by") == role or role in (b.get("to") or [])
            ]

        if theirs(before) != theirs(after) or before.get("cast", {}).get(slot.name) != after[
            "cast"
        ].get(slot.name):
            _notify(
                slot.performer,
                "plan_changed",
                scene,
                interpolate_lazy(
                    gettext_lazy("The plan of %(scene)s changed"), scene=scene_words(scene)
                ),
                gettext_lazy(
                    "Something you are in has changed in a scene plan. Open it to read it "
                    "again, and tell your coordinator if anything is not right for you."
                ),
                _plan_url(scene),
            )


# --- the coordinator's desk ---


@dataclass(frozen=True)
class DeskProfile:
    """One cast role beside the plan: the performer's profile summed up, if shared with her."""

    role: str
    name: str
    summary: Any  # boundaries.services.ProfileSummary | None (not shared with her)


def desk(user: Any, view: PlanView) -> tuple[list[DeskProfile], dict[str, list[str]]]:
    """For the coordinator: the cast's profiles in summary, and each beat's notes — what the
    performers in it wrote about its act. Everyone else gets nothing."""
    if view.audience != COORDINATOR or view.scene.pk is None:
        return [], {}
    from closedset.boundaries.services import profile_summary

    plan = _plan(view.scene)
    profiles: list[DeskProfile] = []
    by_role: dict[str, Any] = {}
    for slot in _roles(plan):
        if slot.performer is None:
            continue
        summary = profile_summary(user, slot.performer, view.production)
        by_role[slot.name] = summary
        profiles.append(DeskProfile(slot.name, _person(slot.performer), summary))
    names = _cast_names(plan)
    notes: dict[str, list[str]] = {}
    for beat in view.beats:
        for role in dict.fromkeys((beat.by, *beat.to)):
            summary = by_role.get(role)
            if summary is None:
                continue
            for act, note in summary.notes:
                if act == beat.act:
                    notes.setdefault(beat.beat_id, []).append(f"{names[role]}: {note}")
    return profiles, notes
