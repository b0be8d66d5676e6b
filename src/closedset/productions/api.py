"""JSON API for productions, rosters, scenes and invitations; the same services as the pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from closedset.lib.net import client_ip
from closedset.productions import services
from closedset.productions.models import Invitation

router = Router(tags=["productions"])


class ProductionOut(Schema):
    id: int
    name: str
    kind: str
    # The language its documents are written in (a code: en, es, cs, hu).
    language: str
    organisation: str
    my_roles: list[str]


class LanguageIn(Schema):
    language: str


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
    """No link or token: the link goes to the invited address by e-mail, nowhere else."""

    id: int
    email: str
    role: str
    expires_at: datetime


def _invitation_out(invitation: Invitation) -> InvitationOut:
    return InvitationOut(
        id=invitation.pk,
        email=invitation.email,
        role=invitation.role,
        expires_at=invitation.expires_at,
    )


def _link_for(request: HttpRequest) -> Callable[[str], str]:
    def link_for(key: str) -> str:
        return request.build_absolute_uri(reverse("productions:invitation", args=[key]))

    return link_for


def _production_out(request: HttpRequest, production_id: int) -> ProductionOut:
    production = services.get_production(request.user, production_id)
    return ProductionOut(
        id=production.pk,
        name=production.name,
        kind=production.kind,
        language=production.language,
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
            language=entry.production.language,
            organisation=entry.production.organisation.name,
            my_roles=entry.roles,
        )
        for entry in services.my_productions(request.user)
    ]


@router.get("/productions/{int:production_id}", response=ProductionOut)
def production(request: HttpRequest, production_id: int) -> ProductionOut:
    return _production_out(request, production_id)


@router.put("/productions/{int:production_id}/language", response=ProductionOut)
def production_language(
    request: HttpRequest, production_id: int, data: LanguageIn
) -> ProductionOut:
    """Producer or coordinator: the language the production's documents are written in."""
    services.set_language(request.user, production_id, data.language)
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
    prod = services.get_production(request.user, production_id, *services.SCENE_ROLES)
    scene = services.create_scene(request.user, prod, number=data.number, title=data.title)
    return Status(201, SceneOut(id=scene.pk, number=scene.number, title=scene.title))


@router.get("/productions/{int:production_id}/invitations", response=list[InvitationOut])
def invitations(request: HttpRequest, production_id: int) -> list[InvitationOut]:
    prod = services.get_production(request.user, production_id, *services.INVITER_ROLES)
    return [_invitation_out(i) for i in services.open_invitations(request.user, prod)]


@router.post("/productions/{int:production_id}/invitations", response={201: InvitationOut})
def invitation_create(
    request: HttpRequest, production_id: int, data: InvitationIn
) -> Status[InvitationOut]:
    prod = services.get_production(request.user, production_id, *services.INVITER_ROLES)
    invitation = services.invite_by_email(
        request.user,
        prod,
        email=data.email,
        role=data.role,
        link_for=_link_for(request),
        ip=client_ip(request),
    )
    return Status(201, _invitation_out(invitation))


@router.post(
    "/productions/{int:production_id}/invitations/{int:invitation_id}/resend",
    response=InvitationOut,
    summary="E-mail a new link; the earlier link stops working",
)
def invitation_resend(
    request: HttpRequest, production_id: int, invitation_id: int
) -> InvitationOut:
    prod = services.get_production(request.user, production_id, *services.INVITER_ROLES)
    invitation = services.resend_invitation(
        request.user, prod, invitation_id, link_for=_link_for(request), ip=client_ip(request)
    )
    return _invitation_out(invitation)
