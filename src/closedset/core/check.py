"""The check: does this plan cross anyone's boundary? (docs/formats.md, "How a beat is checked")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from closedset.core.errors import BadInput, excerpt, hint
from closedset.core.plan import Beat, ScenePlan
from closedset.core.profile import BoundaryProfile
from closedset.core.taxonomy import Act, Intensity, Taxonomy, load_taxonomy

MAINSTREAM_REASON = "real sex is not permitted on a mainstream production"
# What each performer's barrier requirement accepts from the beat.
BARRIER_SATISFIED_BY = {
    "none": {"none", "condom", "barrier"},
    "condom": {"condom"},
    "barrier": {"barrier", "condom"},
}


class Status(IntEnum):
    """Worse is larger, so the worst of several is their max()."""

    clear = 0
    needs_discussion = 1
    blocked = 2


@dataclass(frozen=True)
class Finding:
    """One participant of one beat, judged against their own profile."""

    beat: str
    role: str
    performer: str | None
    direction: str
    act: str
    zone: str | None
    intensity: str
    status: Status
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "beat": self.beat,
            "role": self.role,
            "performer": self.performer,
            "direction": self.direction,
            "act": self.act,
            "zone": self.zone,
            "intensity": self.intensity,
            "status": self.status.name,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class CheckResult:
    scene: str
    status: Status
    findings: tuple[Finding, ...]

    def beat_status(self, beat_id: str) -> Status:
        return max((f.status for f in self.findings if f.beat == beat_id), default=Status.clear)

    def to_json(self) -> dict[str, Any]:
        return {
            "scene": self.scene,
            "status": self.status.name,
            "findings": [finding.to_json() for finding in self.findings],
        }


@dataclass(frozen=True)
class Participant:
    role: str
    direction: str
    counterparts: tuple[str, ...]


def participants(beat: Beat, act: Act) -> list[Participant]:
    """The doer under give (or self), then each receiver under receive, in the plan's order."""
    if act.is_self:
        return [Participant(beat.by, "self", ())]
    found = [Participant(beat.by, "give", beat.to)]
    found.extend(Participant(role, "receive", (beat.by,)) for role in beat.to)
    return found


def check(
    plan: ScenePlan,
    profiles: Mapping[str, BoundaryProfile] | Iterable[BoundaryProfile],
    taxonomy: Taxonomy | None = None,
) -> CheckResult:
    """Every beat against every participant's current profile; the worst finding wins."""
    taxonomy = taxonomy or load_taxonomy()
    by_id = index_profiles(profiles)
    require_profiles(plan, by_id)
    findings: list[Finding] = []
    for beat in plan.beats:
        act = taxonomy.acts[beat.act]
        mainstream_block = plan.kind == "mainstream" and is_real_sex(beat, act)
        for participant in participants(beat, act):
            findings.append(judge(plan, beat, act, participant, by_id, mainstream_block))
    status = max((f.status for f in findings), default=Status.clear)
    return CheckResult(scene=plan.scene, status=status, findings=tuple(findings))


def index_profiles(
    profiles: Mapping[str, BoundaryProfile] | Iterable[BoundaryProfile],
) -> Mapping[str, BoundaryProfile]:
    if isinstance(profiles, Mapping):
        return profiles
    return {profile.performer: profile for profile in profiles}


def require_profiles(plan: ScenePlan, profiles: Mapping[str, BoundaryProfile]) -> None:
    """Every cast performer needs a profile: without one there is nothing to check against."""
    for role, performer in plan.cast.items():
        if performer is not None and performer not in profiles:
            raise BadInput(
                f"no boundary profile for performer '{excerpt(performer)}' (role {excerpt(role)})"
                + hint(performer, profiles),
                line=plan.cast_lines.get(role),
                field="cast",
            )


def is_real_sex(beat: Beat, act: Act) -> bool:
    """The mainstream rule's test: a real-sex act, or bare contact with genitals or anus."""
    return act.real_sex or (beat.zone in ("genitals", "anus") and beat.barrier == "none")


def _what(beat: Beat, direction: str) -> str:
    """How a reason names the act: 'slap to face', 'giving slap to face', 'nudity-topless'."""
    what = beat.act if beat.zone is None else f"{beat.act} to {beat.zone}"
    return f"giving {what}" if direction == "give" else what


def judge(
    plan: ScenePlan,
    beat: Beat,
    act: Act,
    participant: Participant,
    profiles: Mapping[str, BoundaryProfile],
    mainstream_block: bool = False,
) -> Finding:
    """One finding: the worst status any rule gives, named by the first rule to give it."""
    performer = plan.cast.get(participant.role)

    def finding(status: Status, reason: str) -> Finding:
        return Finding(
            beat=beat.id,
            role=participant.role,
            performer=performer,
            direction=participant.direction,
            act=beat.act,
            zone=beat.zone,
            intensity=beat.intensity.name,
            status=status,
            reason=reason,
        )

    if mainstream_block:
        return finding(Status.blocked, MAINSTREAM_REASON)
    if performer is None:
        return finding(Status.needs_discussion, f"role {participant.role} is not cast yet")
    profile = profiles[performer]
    status, reason = evaluate(profile, beat, act, participant, plan.cast)
    return finding(status, reason)


def evaluate(
    profile: BoundaryProfile,
    beat: Beat,
    act: Act,
    participant: Participant,
    cast: Mapping[str, str | None],
) -> tuple[Status, str]:
    """Rules 1-5 of docs/formats.md for one participant."""
    who = profile.performer
    what = _what(beat, participant.direction)
    worst = Status.clear
    reason = f"{who}: {what} is a yes"

    def raise_to(status: Status, why: str) -> None:
        nonlocal worst, reason
        if status > worst:
            worst, reason = status, f"{who}: {why}"

    entry = profile.boundary(beat.act, participant.direction)
    if entry is None:
        # Rule 1: silence is never consent.
        raise_to(Status.needs_discussion, f"{what} was not discussed")
    else:
        # Rule 2: the zone's answer if listed, else the entry's answer.
        answer = entry.answer_for(beat.zone)
        if answer == "no":
            if entry.limit == "soft":
                raise_to(Status.blocked, f"{what} is a soft limit; talk it through one-on-one")
            else:
                raise_to(Status.blocked, f"{what} is a hard limit")
        elif answer == "maybe":
            raise_to(Status.needs_discussion, f"{what} is a maybe; talk it through one-on-one")
        # Rule 3: intensity above the entry's ceiling.
        if entry.max_intensity is not None and beat.intensity > entry.max_intensity:
            raise_to(
                Status.blocked,
                f"{what} at {beat.intensity.name} is above their limit of "
                f"{entry.max_intensity.name}",
            )
        # Rule 4: yes only with named partners.
        if entry.partners is not None:
            for role in participant.counterparts:
                partner = cast.get(role)
                if partner is not None and partner not in entry.partners:
                    raise_to(
                        Status.blocked,
                        f"{what} only with {', '.join(entry.partners) or 'no one'}, "
                        f"not with {partner}",
                    )
    # Rule 5: each performer's own protection method binds the plan.
    if act.barrier and beat.barrier not in BARRIER_SATISFIED_BY[profile.barrier]:
        needed = "a condom" if profile.barrier == "condom" else "a barrier or condom"
        raise_to(Status.blocked, f"{what} needs {needed}; the beat has {beat.barrier}")
    return worst, reason


__all__ = ["CheckResult", "Finding", "Intensity", "Status", "check", "evaluate", "participants"]
