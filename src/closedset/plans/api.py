"""JSON API for plans, mounted at /api/v1/plans/ by closedset.api.

The same services and the same role-cut view models as the pages: the director's changes
are proposals and he reads only released versions, cleared or not; the producer reads only
the gate.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Schema

from closedset.plans import services
from closedset.plans.models import Proposal

router = Router(tags=["plans"])
SCENE = "/{production_id}/scenes/{scene_id}"


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


class BeatIn(Schema):
    id: str = ""
    act: str
    by: str
    to: list[str] | str | None = None
    zone: str | None = None
    intensity: str = "light"
    barrier: str = "none"

    def as_input(self) -> services.BeatInput:
        to = [self.to] if isinstance(self.to, str) else list(self.to or [])
        return services.BeatInput(
            beat_id=self.id,
            act=self.act,
            by=self.by,
            to=to,
            zone=self.zone or "",
            intensity=self.intensity,
            barrier=self.barrier,
        )


class MoveIn(Schema):
    direction: str


class CastIn(Schema):
    performer: str | None = None


class DecisionIn(Schema):
    decision: str
    beat: BeatIn | None = None


class ProposalOut(Schema):
    id: int
    kind: str
    what: str
    author: str
    at: datetime
    state: str
    decided_by: str | None
    decided_at: datetime | None


def _proposal_out(info: services.ProposalInfo) -> dict[str, Any]:
    return {
        "id": info.pk,
        "kind": info.kind,
        "what": info.what,
        "author": info.author,
        "at": info.at,
        "state": info.state,
        "decided_by": info.decided_by,
        "decided_at": info.decided_at,
    }


def _outcome(user: Any, production_id: int, scene_id: int, result: object = None) -> dict[str, Any]:
    """After a change: the director gets his proposal back, the coordinator the plan."""
    if isinstance(result, Proposal):
        found = next(
            p for p in services.proposals(user, production_id, scene_id) if p.pk == result.pk
        )
        return {"proposal": _proposal_out(found)}
    return services.plan_view(user, production_id, scene_id).to_json()


class PlanVersionOut(Schema):
    number: int
    created_at: datetime
    created_by: str | None


@router.get(SCENE, summary="The plan as your role sees it, with the live check")
def get_plan(request: HttpRequest, production_id: int, scene_id: int) -> dict[str, Any]:
    return services.plan_view(_user(request), production_id, scene_id).to_json()


@router.get(
    SCENE + "/file", summary="The plan in the formats.md shape (the director: the released version)"
)
def get_plan_file(request: HttpRequest, production_id: int, scene_id: int) -> dict[str, Any]:
    return services.plan_json(_user(request), production_id, scene_id)


@router.put(SCENE, summary="Replace the plan with formats.md data (the director: propose it)")
def put_plan(
    request: HttpRequest, production_id: int, scene_id: int, data: dict[str, Any] = Body(...)
) -> dict[str, Any]:
    user = _user(request)
    result = services.replace_plan(user, production_id, scene_id, data)
    return _outcome(user, production_id, scene_id, result)


@router.get(SCENE + "/check", summary="The check, cut to your role")
def get_check(request: HttpRequest, production_id: int, scene_id: int) -> dict[str, Any]:
    return services.check_json(_user(request), production_id, scene_id)


@router.post(SCENE + "/beats", summary="Add a beat at the end")
def add_beat(
    request: HttpRequest, production_id: int, scene_id: int, beat: BeatIn
) -> dict[str, Any]:
    user = _user(request)
    result = services.add_beat(user, production_id, scene_id, beat.as_input())
    return _outcome(user, production_id, scene_id, result)


@router.put(SCENE + "/beats/{beat_id}", summary="Change a beat")
def update_beat(
    request: HttpRequest, production_id: int, scene_id: int, beat_id: str, beat: BeatIn
) -> dict[str, Any]:
    user = _user(request)
    result = services.update_beat(user, production_id, scene_id, beat.as_input(), beat_id=beat_id)
    return _outcome(user, production_id, scene_id, result)


@router.delete(SCENE + "/beats/{beat_id}", summary="Delete a beat")
def delete_beat(
    request: HttpRequest, production_id: int, scene_id: int, beat_id: str
) -> dict[str, Any]:
    user = _user(request)
    result = services.delete_beat(user, production_id, scene_id, beat_id=beat_id)
    return _outcome(user, production_id, scene_id, result)


@router.post(SCENE + "/beats/{beat_id}/move", summary="Move a beat one step up or down")
def move_beat(
    request: HttpRequest, production_id: int, scene_id: int, beat_id: str, move: MoveIn
) -> dict[str, Any]:
    user = _user(request)
    result = services.move_beat(user, production_id, scene_id, move.direction, beat_id=beat_id)
    return _outcome(user, production_id, scene_id, result)


@router.put(SCENE + "/cast/{role}", summary="Cast a role (performer id, or null to open it)")
def cast_role(
    request: HttpRequest, production_id: int, scene_id: int, role: str, cast: CastIn
) -> dict[str, Any]:
    user = _user(request)
    result = services.cast_role(user, production_id, scene_id, role, cast.performer or "")
    return _outcome(user, production_id, scene_id, result)


@router.get(SCENE + "/versions", response=list[PlanVersionOut], summary="Saved versions")
def list_versions(
    request: HttpRequest, production_id: int, scene_id: int
) -> list[services.VersionInfo]:
    return services.versions(_user(request), production_id, scene_id)


@router.post(SCENE + "/versions", summary="Save the current plan as a new version")
def save_version(request: HttpRequest, production_id: int, scene_id: int) -> dict[str, Any]:
    number = services.save_version(_user(request), production_id, scene_id)
    return {"number": number}


@router.get(SCENE + "/versions/{number}", summary="One saved version (formats.md shape)")
def get_version(
    request: HttpRequest, production_id: int, scene_id: int, number: int
) -> dict[str, Any]:
    return services.version(_user(request), production_id, scene_id, number)


@router.get(
    SCENE + "/proposals",
    response=list[ProposalOut],
    summary="Proposals: all for the coordinator, his own for the director",
)
def list_proposals(request: HttpRequest, production_id: int, scene_id: int) -> list[dict[str, Any]]:
    return [_proposal_out(p) for p in services.proposals(_user(request), production_id, scene_id)]


@router.post(
    SCENE + "/proposals/{proposal_id}/decide",
    summary="Accept, amend (with a beat) or decline a proposal (coordinator)",
)
def decide(
    request: HttpRequest, production_id: int, scene_id: int, proposal_id: int, body: DecisionIn
) -> dict[str, Any]:
    user = _user(request)
    amended = body.beat.as_input() if body.beat is not None else None
    services.decide(user, production_id, scene_id, proposal_id, body.decision, amended)
    return services.plan_view(user, production_id, scene_id).to_json()


@router.post(SCENE + "/release", summary="Release the plan as it is now to the director")
def release(request: HttpRequest, production_id: int, scene_id: int) -> dict[str, Any]:
    made = services.release(_user(request), production_id, scene_id)
    return {"version": made.version.number, "cleared": made.cleared}
