"""The production overview: each scene's gate and the next open action, cut to the viewer.

Two different questions, two different words (one word means one thing):
  * the plan check: does the plan fit everyone's boundaries? ("fits everyone's boundaries" /
    "needs the coordinator"), from the boundary check of the working plan;
  * the schedule gate: could the scene be shot? ("cleared" / "not cleared"), from
    closedset.compliance.services.gate (consent, identity records, test clearances, holds),
    its yes or no only, never its reasons.

The coordinator sees counts (beats blocked, beats needing discussion, profiles not shared with
her, proposals waiting) because she sees every consent state anyway (domain.md §1). The
producer sees only *fits* / *needs the coordinator*, the gate's yes or no, and actions that
say nothing about anyone's boundaries ("no beats yet", "roles not cast"): counts of blocked
against needs-discussion beats would tell a hard no from a maybe, and "profiles not shared"
would invite pressure on a performer. The director gets no overview: he proposes, and sees
released versions only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy

from closedset.boundaries.services import covers
from closedset.core.check import Status
from closedset.lib.errors import Forbidden, require_known_ids
from closedset.plans.models import Proposal, ScenePlan
from closedset.plans.services import _beats, _plan, _roles, run_check
from closedset.productions.models import Production, Role, Scene
from closedset.productions.services import get_production

COORDINATOR_VIEW = "coordinator"
PRODUCER_VIEW = "producer"

# The plan check (boundaries), never called "cleared": that word is the schedule gate's.
FITS = "fits"
NEEDS_COORDINATOR = "needs_coordinator"
NO_BEATS = "no_beats"
# Older names of the plan check's states, kept for callers; they mean FITS / NEEDS_COORDINATOR.
CLEARED = FITS
NOT_CLEARED = NEEDS_COORDINATOR
GATE_LABELS = {
    FITS: gettext_lazy("fits everyone's boundaries"),
    NEEDS_COORDINATOR: gettext_lazy("needs the coordinator"),
    NO_BEATS: gettext_lazy("no beats yet"),
}
# The coordinator reads her own overview: the open items are hers.
COORDINATOR_GATE_LABELS = {**GATE_LABELS, NEEDS_COORDINATOR: gettext_lazy("needs you")}
# The schedule gate's yes or no (compliance), for the producer and the coordinator.
SHOOT_LABELS = {
    True: pgettext_lazy("cleared to shoot", "cleared"),
    False: pgettext_lazy("cleared to shoot", "not cleared"),
}
# The scene's consent gate in words (the same words as consent/_state.html).
CONSENT_LABELS = {
    "agreed": pgettext_lazy("consent state of a scene", "agreed"),
    "not agreed": pgettext_lazy("consent state of a scene", "not agreed"),
}


def _count(text: str, n: int) -> str:
    """ "2 roles not cast": `text` is ngettext's choice for n, in the reader's language."""
    return text % {"n": n}


@dataclass(frozen=True)
class SceneGate:
    """One scene as the overview shows it. `actions` are plain words, the next one first."""

    scene: Scene
    gate: str  # the plan check: FITS, NEEDS_COORDINATOR or NO_BEATS
    actions: list[str] = field(default_factory=list)
    # The coordinator's counts; zero (and not shown) for the producer.
    beats: int = 0
    blocked: int = 0
    needs_discussion: int = 0
    not_shared: int = 0
    not_cast: int = 0
    proposals: int = 0
    # Two states only, for both audiences: never who has not agreed. The state itself
    # ("agreed" / "not agreed"); `consent` says it in the reader's language.
    consent_state: str = "not agreed"
    # The schedule gate: could the scene be shot (on its call day, or today)? None: not asked.
    shootable: bool | None = None
    audience: str = PRODUCER_VIEW

    @property
    def gate_label(self) -> str:
        """The plan check in words ("fits everyone's boundaries"), never "cleared"."""
        labels = COORDINATOR_GATE_LABELS if self.audience == COORDINATOR_VIEW else GATE_LABELS
        return str(labels[self.gate])

    @property
    def consent(self) -> str:
        """The consent state in words ("agreed"), in the reader's language."""
        return str(CONSENT_LABELS.get(self.consent_state, self.consent_state))

    @property
    def fits(self) -> bool:
        """The plan fits everyone's boundaries (the check), with every role cast."""
        return self.gate == FITS

    @property
    def cleared(self) -> bool:
        """The schedule gate passed: the scene could be shot. Not the plan check."""
        return self.shootable is True

    @property
    def shoot_label(self) -> str:
        return str(SHOOT_LABELS[self.cleared])

    @property
    def next_action(self) -> str:
        return self.actions[0] if self.actions else gettext("nothing to do")


@dataclass(frozen=True)
class Overview:
    production: Production
    audience: str  # COORDINATOR_VIEW or PRODUCER_VIEW
    scenes: list[SceneGate]

    @property
    def fitting(self) -> int:
        """Scenes whose plan fits everyone's boundaries."""
        return sum(1 for scene in self.scenes if scene.fits)

    @property
    def cleared(self) -> int:
        """Scenes the schedule gate clears for shooting."""
        return sum(1 for scene in self.scenes if scene.cleared)


def overview_audience(user: Any, production: Production) -> str | None:
    """Which overview this person gets, or None (director, performer, custodian)."""
    from closedset.productions.services import role_in

    roles = role_in(user, production)
    if Role.COORDINATOR in roles:
        return COORDINATOR_VIEW
    if Role.DIRECTOR in roles:
        # A director who also produces is still the director: the live gate would be the
        # live check he must not see (he reads released versions only).
        return None
    if Role.PRODUCER in roles:
        return PRODUCER_VIEW
    return None


def production_overview(user: Any, production_id: int) -> Overview:
    """Every scene's gate for the coordinator or the producer; Forbidden for anyone else."""
    require_known_ids(production_id)
    production = get_production(user, production_id)
    who = overview_audience(user, production)
    if who is None:
        raise Forbidden(gettext("The overview is for the intimacy coordinator and the producer."))
    scenes = list(production.scenes.order_by("number"))
    return Overview(
        production=production,
        audience=who,
        scenes=[_with_consent(_scene_gate(user, scene, who), who) for scene in scenes],
    )


def _shootable(scene: Scene) -> bool:
    """The schedule gate's yes or no for the scene's call day, or today when not scheduled
    (as its shoot-dates page asks it); the reasons stay on that page."""
    from django.utils import timezone

    from closedset.compliance.services import call_time, gate

    call_at = call_time(scene)
    day = timezone.localdate(call_at) if call_at else timezone.localdate()
    return gate(scene, day).passed


def _with_consent(row: SceneGate, who: str) -> SceneGate:
    from dataclasses import replace

    from closedset.consent.services import scene_consent_state

    return replace(
        row,
        consent_state=scene_consent_state(row.scene),
        shootable=_shootable(row.scene),
        audience=who,
    )


def _scene_gate(user: Any, scene: Scene, who: str) -> SceneGate:
    plan = _plan(scene)
    rows = _beats(plan)
    slots = _roles(plan)
    used = {row.by for row in rows} | {role for row in rows for role in row.to}
    not_cast = sum(1 for slot in slots if slot.name in used and slot.performer_id is None)
    proposals = _open_proposals(plan) if who == COORDINATOR_VIEW else 0
    if not rows:
        actions = [gettext("no beats yet")]
        if proposals:
            actions.append(
                _count(
                    ngettext("%(n)s proposal to decide", "%(n)s proposals to decide", proposals),
                    proposals,
                )
            )
        return SceneGate(scene, NO_BEATS, actions, proposals=proposals)
    # The coordinator's check honours whether each share reaches her; the producer's is the
    # same status-only check the plan page gives him.
    _core, result = run_check(plan, coordinator=user if who == COORDINATOR_VIEW else None)
    gate = FITS if result.status == Status.clear and not not_cast else NEEDS_COORDINATOR
    if who == PRODUCER_VIEW:
        actions = []
        if not_cast:
            actions.append(
                _count(ngettext("%(n)s role not cast", "%(n)s roles not cast", not_cast), not_cast)
            )
        if gate == NEEDS_COORDINATOR and not actions:
            actions.append(gettext("with the intimacy coordinator"))
        return SceneGate(scene, gate, actions)
    cast = {slot.performer for slot in slots if slot.name in used and slot.performer}
    not_shared = sum(1 for person in cast if not covers(person, scene.production, user))
    statuses = [result.beat_status(row.beat_id) for row in rows]
    blocked = statuses.count(Status.blocked)
    discuss = statuses.count(Status.needs_discussion)
    actions = []
    if not_cast:
        actions.append(
            _count(ngettext("%(n)s role not cast", "%(n)s roles not cast", not_cast), not_cast)
        )
    if not_shared:
        actions.append(
            _count(
                ngettext("%(n)s profile not shared", "%(n)s profiles not shared", not_shared),
                not_shared,
            )
        )
    if blocked:
        actions.append(
            _count(ngettext("%(n)s beat blocked", "%(n)s beats blocked", blocked), blocked)
        )
    if discuss:
        actions.append(
            _count(
                ngettext("%(n)s beat needs discussion", "%(n)s beats need discussion", discuss),
                discuss,
            )
        )
    if proposals:
        actions.append(
            _count(
                ngettext("%(n)s proposal to decide", "%(n)s proposals to decide", proposals),
                proposals,
            )
        )
    return SceneGate(
        scene,
        gate,
        actions,
        beats=len(rows),
        blocked=blocked,
        needs_discussion=discuss,
        not_shared=not_shared,
        not_cast=not_cast,
        proposals=proposals,
    )


def _open_proposals(plan: ScenePlan) -> int:
    if plan.pk is None:
        return 0
    return int(Proposal.objects.filter(plan=plan, state=Proposal.State.OPEN).count())


def scenes_cast_in(user: Any, production: Production) -> set[int]:
    """The ids of the production's scenes whose plan casts this person, for their links: a
    performer opens only the scenes they are in."""
    from closedset.plans.models import RoleSlot

    return set(
        RoleSlot.objects.filter(performer=user, plan__scene__production=production).values_list(
            "plan__scene_id", flat=True
        )
    )
