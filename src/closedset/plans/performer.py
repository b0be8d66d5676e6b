"""The performer's own scenes, in plain words (issue 8 parts 2 and 5).

Built on plans.services.plan_view (audience "performer"): the beats a performer is in and
their own findings, nothing of a partner's answers. Here they become sentences the performer
reads on a phone: "Jonas slaps your buttocks, lightly", "You said no to a partner slapping your
face: a hard limit.". Partners and the coordinator appear by name; no id, role letter or
reason string from the check reaches the page.

Two things are said of each beat and never mixed up: how it fits the boundaries she set (her
profile, through the check) and, once a final version exists, what she answered to it (her own
consent, closedset.consent.answers). A profile match is never "you said yes".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from closedset.boundaries import services as boundaries
from closedset.consent.answers import CONSENTED, NOT_ASKED, answers_to_plan
from closedset.core.check import Finding, Status
from closedset.core.plan import Beat as CoreBeat
from closedset.core.profile import BoundaryProfile as CoreProfile
from closedset.core.taxonomy import Intensity, load_taxonomy
from closedset.core.words import (
    ANSWER_STATES,
    Persons,
    answer_words,
    answers_words,
    beat_sentence,
    finding_words,
    status_words,
    words_in,
)
from closedset.lib.errors import DomainError, Forbidden
from closedset.lib.i18n import current_language
from closedset.plans import services
from closedset.plans.models import PlanVersion, RoleSlot, ScenePlan
from closedset.productions.models import Membership, Production, Role, Scene
from closedset.productions.services import performers


@dataclass(frozen=True)
class SceneBeat:
    """One beat the performer is in: the sentence, whether it fits the boundaries they set,
    and (once a final version exists) their own consent answer to it."""

    sentence: str
    # Fits the boundaries they set (the check of their profile): not a consent.
    clear: bool
    # Why not (their own profile answers), in their words; empty when clear.
    said: tuple[str, ...] = ()
    # Their consent answer (closedset.consent.answers state); None before any final version.
    answer: str | None = None
    # The language the sentences are in, so the answer reads in the same one.
    lang: str = "en"

    @property
    def answer_words(self) -> str:
        return answer_words(self.answer, self.lang) if self.answer in ANSWER_STATES else ""


@dataclass(frozen=True)
class PerformerScene:
    production: Production
    scene: Scene
    beats: tuple[SceneBeat, ...]
    partners: tuple[str, ...]
    coordinators: tuple[str, ...]
    shared: bool
    # When the plan last changed, as far as the performer can tell (None: no plan yet).
    updated: datetime | None
    # Everything to raise with the coordinator, once each, in the order of the beats.
    to_talk_about: tuple[str, ...] = field(default=())
    # A final version exists: each beat carries their answer (or "not asked").
    asked: bool = False
    # The page's language when it was built: every sentence above is in it.
    lang: str = "en"

    @property
    def title(self) -> str:
        # Translated in the language the rest of the page speaks (the active one).
        if self.scene.title:
            return _("Scene %(number)s: %(title)s") % {
                "number": self.scene.number,
                "title": self.scene.title,
            }
        return _("Scene %(number)s") % {"number": self.scene.number}

    @property
    def all_clear(self) -> bool:
        return bool(self.beats) and all(beat.clear for beat in self.beats)

    @property
    def status_line(self) -> str:
        """How the beats fit the boundaries they set (never their consent)."""
        return status_words(
            [Status.clear if beat.clear else Status.needs_discussion for beat in self.beats],
            self.lang,
        )

    @property
    def coordinator(self) -> str:
        """Who goes through a beat with them: the coordinator by name when there is one."""
        return self.coordinators[0] if self.coordinators else _("your coordinator")

    @property
    def answers_line(self) -> str:
        """What they answered, over the scene's beats; empty before any final version."""
        if not self.asked:
            return ""
        return answers_words([beat.answer or "" for beat in self.beats], self.lang)

    @property
    def all_consented(self) -> bool:
        return (
            self.asked and bool(self.beats) and all(beat.answer == CONSENTED for beat in self.beats)
        )


def _direction(beat: CoreBeat, role: str) -> str:
    if beat.by != role:
        return "receive"
    return "self" if not beat.to else "give"


def _counterparts(beat: CoreBeat, role: str, handles: dict[str, str | None]) -> list[str]:
    roles = list(beat.to) if beat.by == role else [beat.by]
    return [h for r in roles if (h := handles.get(r))]


def coordinator_names(production: Production) -> tuple[str, ...]:
    """The production's coordinators by name, the first invited first."""
    rows = Membership.objects.filter(production=production, role=Role.COORDINATOR)
    return tuple(
        row.user.display_name or row.user.handle
        for row in rows.select_related("user").order_by("created_at", "pk")
    )


def _updated(scene: Scene) -> datetime | None:
    latest = (
        PlanVersion.objects.filter(plan__scene=scene).order_by("-number").only("created_at").first()
    )
    if latest is not None:
        return latest.created_at
    return ScenePlan.objects.filter(scene=scene).values_list("updated_at", flat=True).first()


def scene_for_performer(user: Any, production_id: int, scene_id: int) -> PerformerScene:
    """One scene as its cast performer reads it. Outsiders get NotFound (from plan_view);
    members who are not a performer cast in this scene get Forbidden."""
    view = services.plan_view(user, production_id, scene_id)
    if view.audience != services.PERFORMER:
        raise Forbidden(_("This page is for the performers cast in this scene."))
    slots = list(
        RoleSlot.objects.filter(plan__scene=view.scene)
        .select_related("performer")
        .order_by("position", "name")
    )
    mine = next((s for s in slots if s.performer_id == user.pk), None)
    if mine is None:
        raise Forbidden(_("You are not cast in this scene."))
    people = {s.name: s.performer for s in slots}
    names = {
        role: (p.display_name or p.handle) if p is not None else None for role, p in people.items()
    }
    handles = {role: p.handle if p is not None else None for role, p in people.items()}
    shared = boundaries.is_shared(user, view.production)
    profile: CoreProfile | None = boundaries.my_profile(user)[0] if shared else None
    # Names for a partners-only answer: the production's performers by handle.
    by_handle = {p.handle: p.display_name or p.handle for p in performers(view.production)}
    persons = Persons(names, me=mine.name)
    # Her own answers only (never a partner's), matched to the plan the page shows.
    answers = answers_to_plan(user, view.scene, services.plan_data(services._plan(view.scene)))
    # Everything she reads is in the page's language (her account's choice).
    lang = current_language()
    not_shared = words_in(lang)("not-shared")
    taxonomy = load_taxonomy(lang)
    beats: list[SceneBeat] = []
    partners: dict[str, None] = {}
    talk: dict[str, None] = {} if shared else {not_shared: None}
    for item in view.beats:
        beat = CoreBeat(
            id=item.beat_id,
            act=item.act,
            by=item.by,
            to=tuple(item.to),
            zone=item.zone,
            intensity=Intensity[item.intensity],
            barrier=item.barrier,
        )
        for role in (beat.by, *beat.to):
            if role != mine.name and names.get(role):
                partners[str(names[role])] = None
        said: list[str] = []
        for own in item.findings:
            if own.role != mine.name:
                continue
            finding = Finding(
                beat=beat.id,
                role=own.role,
                performer=own.performer,
                direction=_direction(beat, own.role),
                act=beat.act,
                zone=beat.zone,
                intensity=beat.intensity.name,
                status=Status[own.status],
                reason=own.reason,
            )
            if finding.status is Status.clear:
                continue
            words = finding_words(
                finding,
                profile,
                shared=shared,
                counterparts=_counterparts(beat, own.role, handles),
                names=by_handle,
                beat=beat,
                taxonomy=taxonomy,
                lang=lang,
            )
            # Not shared is said once for the whole scene, not under every beat.
            said.extend(w for w in words if w != not_shared)
        clear = Status[item.status] is Status.clear
        answer = answers.get(beat.id, NOT_ASKED) if answers is not None else None
        sentence = beat_sentence(beat, persons, taxonomy, lang)
        beats.append(SceneBeat(sentence, clear, tuple(said), answer, lang))
        for sentence in said:
            talk.setdefault(sentence, None)
    return PerformerScene(
        production=view.production,
        scene=view.scene,
        beats=tuple(beats),
        partners=tuple(partners),
        coordinators=coordinator_names(view.production),
        shared=shared,
        updated=_updated(view.scene),
        to_talk_about=tuple(talk) if beats else (),
        asked=answers is not None,
        lang=lang,
    )


def my_scenes(user: Any) -> list[PerformerScene]:
    """Every scene the person is cast in, across their productions, in plain words."""
    if not getattr(user, "is_authenticated", False):
        return []
    slots = (
        RoleSlot.objects.filter(performer=user)
        .select_related("plan__scene__production")
        .order_by("plan__scene__production__name", "plan__scene__number")
    )
    found = []
    for slot in slots:
        scene = slot.plan.scene
        try:
            found.append(scene_for_performer(user, scene.production_id, scene.pk))
        except DomainError:
            # Cast once, but no longer a performer there (left, or the role lapsed): not theirs.
            continue
    return found
