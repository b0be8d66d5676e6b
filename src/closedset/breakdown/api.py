"""JSON API for the script breakdown, mounted at /api/v1/breakdown/ by closedset.api.

The same services as the pages: coordinators do everything; producers upload and read the
scenes without the evidence; everyone else is told the production does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from closedset.breakdown import services

router = Router(tags=["breakdown"])
IMPORTS = "/{production_id}/imports"
ONE = IMPORTS + "/{import_id}"


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


class ScriptDecisionIn(Schema):
    decision: str


@router.post(
    IMPORTS,
    response={201: dict[str, Any]},
    summary="Upload a screenplay (.fountain or .fdx) as a new version",
)
def upload(request: HttpRequest, production_id: int, file: UploadedFile = File(...)) -> Any:
    user = _user(request)
    services.access(user, production_id)
    data = file.read(services.MAX_BYTES + 1)
    created = services.upload(user, production_id, data, file.name or "")
    return Status(201, services.breakdown_json(user, production_id, created.pk))


@router.get(IMPORTS, summary="Every version of the production's script, newest first")
def list_imports(request: HttpRequest, production_id: int) -> list[dict[str, Any]]:
    _, rows = services.imports(_user(request), production_id)
    return [services.import_json(row) for row in rows]


@router.get(ONE, summary="One version with every scene, its flag and the decision")
def get_import(request: HttpRequest, production_id: int, import_id: int) -> dict[str, Any]:
    return services.breakdown_json(_user(request), production_id, import_id)


@router.post(ONE + "/scenes/{scene_id}/decision", summary="Confirm or dismiss a scene's flag")
def decide(
    request: HttpRequest, production_id: int, import_id: int, scene_id: int, data: ScriptDecisionIn
) -> dict[str, Any]:
    user = _user(request)
    services.decide(user, production_id, import_id, scene_id, data.decision)
    found = services.breakdown_json(user, production_id, import_id)
    return next(s for s in found["scenes"] if s["id"] == scene_id)


@router.post(
    ONE + "/scenes/{scene_id}/plan",
    response={201: dict[str, Any]},
    summary="Make a confirmed scene a scene with a plan",
)
def to_plan(request: HttpRequest, production_id: int, import_id: int, scene_id: int) -> Any:
    scene = services.to_plan(_user(request), production_id, import_id, scene_id)
    return Status(
        201,
        {
            "scene_id": scene.pk,
            "number": scene.number,
            "plan": f"/api/v1/plans/{production_id}/scenes/{scene.pk}",
        },
    )
