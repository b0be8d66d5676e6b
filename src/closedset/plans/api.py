"""JSON API for plans, mounted at /api/v1/plans/ by closedset.api.

The same services and the same role-cut view models as the pages: the director's JSON has
no reasons and no names in the check, the producer's only the gate.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Schema

from closedset.plans import services

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


class PlanVersionOut(Schema):
    number: int
    created_at: datetime
    created_by: str | None


@router.get(SCENE, summary="The plan as your role sees it, with the live check")
def get_plan(request: HttpRequest, production_id: int, scene_id: int) -> dict[str, Any]:
    return services.plan_view(_user(request), production_id, scene_id).to_json()


@router.get(SCENE + "/file", summary="The plan in the formats.md shape (coordinator, director)")
def get_plan_file(request: HttpRequest, production_id: int, scene_id: int) -> dict[str, Any]:
    return services.plan_json(_user(request), production_id, scene_id)


@router.put(SCENE, summary="Replace the plan with formats.md data (coordinator, director)")
def put_plan(
    request: HttpRequest, production_id: int, scene_id: int, data: dict[str, Any] = Body(...)
) -> dict[str, Any]:
    user = _user(request)
    services.replace_plan(user, production_id, scene_id, data)
    return services.plan_view(user, production_id, scene_id).to_json()


@router.get(SCENE + "/check", summary="The check, cut to your role")
def get_check(request: HttpRequest, production_id: int, scene_id: int) -> dict[str, Any]:
    return services.check_json(_user(request), production_id, scene_id)


@router.post(SCENE + "/beats", summary="Add a beat at the end")
def add_beat(
    request: HttpRequest, production_id: int, scene_id: int, beat: BeatIn
) -> dict[str, Any]:
    user = _user(request)
    services.add_beat(user, production_id, scene_id, beat.as_input())
    return services.plan_view(user, production_id, scene_id).to_json()


@router.put(SCENE + "/beats/{beat_id}", summary="Change a beat")
def update_beat(
    request: HttpRequest, production_id: int, scene_id: int, beat_id: str, beat: BeatIn
) -> dict[str, Any]:
    user = _user(request)
    services.update_beat(user, production_id, scene_id, beat.as_input(), beat_id=beat_id)
    return services.plan_view(user, production_id, scene_id).to_json()


@router.delete(SCENE + "/beats/{beat_id}", summary="Delete a beat")
def delete_beat(
    request: HttpRequest, production_id: int, scene_id: int, beat_id: str
) -> dict[str, Any]:
    user = _user(request)
    services.delete_beat(user, production_id, scene_id, beat_id=beat_id)
    return services.plan_view(user, production_id, scene_id).to_json()


@router.post(SCENE + "/beats/{beat_id}/move", summary="Move a beat one step up or down")
def move_beat(
    request: HttpRequest, production_id: int, scene_id: int, beat_id: str, move: MoveIn
) -> dict[str, Any]:
    user = _user(request)
    services.move_beat(user, production_id, scene_id, move.direction, beat_id=beat_id)
    return services.plan_view(user, production_id, scene_id).to_json()


@router.put(SCENE + "/cast/{role}", summary="Cast a role (performer id, or null to open it)")
def cast_role(
    request: HttpRequest, production_id: int, scene_id: int, role: str, cast: CastIn
) -> dict[str, Any]:
    user = _user(request)
    services.cast_role(user, production_id, scene_id, role, cast.performer or "")
    return services.plan_view(user, production_id, scene_id).to_json()


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
