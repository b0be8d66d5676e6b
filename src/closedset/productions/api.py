"""JSON API for productions, rosters, scenes and invitations. Thin: the same services as the pages."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from closedset.productions import services
from closedset.productions.models import Role

router = Router(tags=["productions"])


class ProductionOut(Schema):
    id: int
    name: str
    kind: str
    organisation: str
    my_roles: list[str]


class RosterEntryOut(Schema):
    display_name: str
    handle: str
    roles: list[str]


class SceneIn(Schema):
    number: str
    title: str = ""


class SceneOut(Schema):
    id: int
    number: str
    title: str


class InvitationIn(Schema):
    email: str
    role: str


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    expires_at: datetime
    link: str | None = None


def _production_out(request: HttpRequest, production_id: int) -> ProductionOut:
    production = services.get_production(request.user, production_id)
    return ProductionOut(
        id=production.pk,
        name=production.name,
        kind=production.kind,
        organisation=production.organisation.name,
        my_roles=sorted(services.role_in(request.user, production)),
    )


@router.get("/productions", response=list[ProductionOut])
def my_productions(request: HttpRequest) -> list[ProductionOut]:
    return [
        ProductionOut(
            id=entry.production.pk,
            name=entry.production.name,
            kind=entry.production.kind,
            organisation=entry.production.organisation.name,
            my_roles=entry.roles,
        )
        for entry in services.my_productions(request.user)
    ]


@router.get("/productions/{int:production_id}", response=ProductionOut)
def production(request: HttpRequest, production_id: int) -> ProductionOut:
    return _production_out(request, production_id)


@router.get("/productions/{int:production_id}/roster", response=list[RosterEntryOut])
def roster(request: HttpRequest, production_id: int) -> list[RosterEntryOut]:
    prod = services.get_production(request.user, production_id, *services.ROSTER_ROLES)
    return [
        RosterEntryOut(
            display_name=entry.user.display_name, handle=entry.user.handle, roles=entry.roles
        )
        for entry in services.roster(request.user, prod)
    ]


@router.get("/productions/{int:production_id}/scenes", response=list[SceneOut])
def scenes(request: HttpRequest, production_id: int) -> list[SceneOut]:
    prod = services.get_production(request.user, production_id)
    return [SceneOut(id=s.pk, number=s.number, title=s.title) for s in prod.scenes.all()]


@router.post("/productions/{int:production_id}/scenes", response={201: SceneOut})
def scene_create(request: HttpRequest, production_id: int, data: SceneIn) -> Status[SceneOut]:
    prod = services.get_production(request.user, production_id, Role.PRODUCER)
    scene = services.create_scene(request.user, prod, number=data.number, title=data.title)
    return Status(201, SceneOut(id=scene.pk, number=scene.number, title=scene.title))


@router.get("/productions/{int:production_id}/invitations", response=list[InvitationOut])
def invitations(request: HttpRequest, production_id: int) -> list[InvitationOut]:
    prod = services.get_production(request.user, production_id, Role.PRODUCER)
    return [
        InvitationOut(id=i.pk, email=i.email, role=i.role, expires_at=i.expires_at)
        for i in services.open_invitations(request.user, prod)
    ]


@router.post("/productions/{int:production_id}/invitations", response={201: InvitationOut})
def invitation_create(
    request: HttpRequest, production_id: int, data: InvitationIn
) -> Status[InvitationOut]:
    prod = services.get_production(request.user, production_id, Role.PRODUCER)
    invitation, key = services.invite(request.user, prod, email=data.email, role=data.role)
    link = request.build_absolute_uri(reverse("productions:invitation", args=[key]))
    return Status(
        201,
        InvitationOut(
            id=invitation.pk,
            email=invitation.email,
            role=invitation.role,
            expires_at=invitation.expires_at,
            link=link,
        ),
    )
