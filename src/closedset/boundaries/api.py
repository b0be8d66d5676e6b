"""JSON API for boundaries, mounted at /api/v1/boundaries/ by closedset.api.

The same services as the pages; domain errors become JSON responses in closedset.api.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Schema

from closedset.boundaries import services

router = Router(tags=["boundaries"])


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


class ProfileOut(Schema):
    version: int | None
    profile: dict[str, Any]


class ProfileVersionOut(Schema):
    number: int
    created_at: datetime


class CoordinatorOut(Schema):
    membership_id: int
    display_name: str
    role: str
    joined_at: datetime
    also: list[str]


class ShareOut(Schema):
    production_id: int
    production: str
    shared: bool
    shared_at: datetime | None
    # Shared: who sees it. Not shared: who would, if shared now.
    coordinators: list[CoordinatorOut]
    # Joined after sharing; they see nothing until confirmed.
    waiting: list[CoordinatorOut]


def _coordinator_out(info: services.CoordinatorInfo) -> dict[str, Any]:
    return {
        "membership_id": info.membership_id,
        "display_name": info.display_name,
        "role": info.role,
        "joined_at": info.joined_at,
        "also": list(info.also),
    }


def _share_out(state: services.ShareState) -> dict[str, Any]:
    return {
        "production_id": state.production.pk,
        "production": state.production.name,
        "shared": state.shared_at is not None,
        "shared_at": state.shared_at,
        "coordinators": [_coordinator_out(c) for c in state.coordinators],
        "waiting": [_coordinator_out(c) for c in state.waiting],
    }


@router.get("/me", response=ProfileOut, summary="My current boundary profile (formats.md)")
def get_mine(request: HttpRequest) -> dict[str, Any]:
    profile, number = services.my_profile(_user(request))
    return {"version": number, "profile": profile.to_data()}


@router.put("/me", response=ProfileOut, summary="Replace my profile; saves a new version")
def put_mine(request: HttpRequest, data: dict[str, Any] = Body(...)) -> dict[str, Any]:
    user = _user(request)
    services.replace_profile(user, data)
    profile, number = services.my_profile(user)
    return {"version": number, "profile": profile.to_data()}


@router.get("/me/versions", response=list[ProfileVersionOut], summary="My profile's versions")
def list_versions(request: HttpRequest) -> list[services.VersionInfo]:
    return services.my_versions(_user(request))


@router.get("/me/versions/{number}", response=ProfileOut, summary="One version of my profile")
def get_version(request: HttpRequest, number: int) -> dict[str, Any]:
    profile = services.my_version(_user(request), number)
    return {"version": number, "profile": profile.to_data()}


@router.get("/me/shares", response=list[ShareOut], summary="My productions and what I share")
def list_shares(request: HttpRequest) -> list[dict[str, Any]]:
    return [_share_out(state) for state in services.my_shares(_user(request))]


@router.post("/me/shares/{production_id}", response=ShareOut, summary="Share with a production")
def share(request: HttpRequest, production_id: int) -> dict[str, Any]:
    return _share_out(services.share(_user(request), production_id))


@router.delete("/me/shares/{production_id}", response=ShareOut, summary="Stop sharing")
def revoke(request: HttpRequest, production_id: int) -> dict[str, Any]:
    return _share_out(services.revoke(_user(request), production_id))


@router.post(
    "/me/shares/{production_id}/coordinators/{membership_id}",
    response=ShareOut,
    summary="Let a coordinator who joined after I shared see my profile too",
)
def confirm(request: HttpRequest, production_id: int, membership_id: int) -> dict[str, Any]:
    return _share_out(services.confirm_coordinator(_user(request), production_id, membership_id))


class SharedProfileOut(Schema):
    handle: str
    display_name: str
    shared: bool
    profile: dict[str, Any] | None


@router.get(
    "/productions/{production_id}",
    response=list[SharedProfileOut],
    summary="The coordinator's view: performers and their shared profiles",
)
def production_profiles(request: HttpRequest, production_id: int) -> list[dict[str, Any]]:
    production, cast = services.production_profiles(_user(request), production_id)
    services.record_api_reads(_user(request), production, cast)
    return [
        {
            "handle": item.performer.handle,
            "display_name": item.performer.display_name,
            "shared": item.profile is not None,
            "profile": item.profile.to_data() if item.profile else None,
        }
        for item in cast
    ]
