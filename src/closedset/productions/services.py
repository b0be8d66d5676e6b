"""Operations on productions, scenes, memberships and invitations.

Every state change goes through here; views and the API only call these functions.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from closedset.accounts.models import User
from closedset.accounts.services import create_user, hash_secret
from closedset.lib.errors import require_known_ids
from closedset.productions.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    InvitationExpired,
    InvitationInvalid,
    InvitationUsed,
    InvitationWithdrawn,
    NotFound,
    WrongAccount,
)
from closedset.productions.models import (
    Invitation,
    Membership,
    Organisation,
    OrgMembership,
    Production,
    Role,
    Scene,
)

INVITATION_SALT = "closedset.productions.invitation"
ROSTER_ROLES = frozenset({Role.PRODUCER, Role.COORDINATOR, Role.DIRECTOR})


# --- roles -------------------------------------------------------------------------------


def role_in(user: Any, production: Production | int) -> set[str]:
    """The roles `user` holds in `production` (empty for outsiders and anonymous users)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    production_id = production if isinstance(production, int) else production.pk
    require_known_ids(production_id)
    return set(
        Membership.objects.filter(user=user, production_id=production_id).values_list(
            "role", flat=True
        )
    )


def require_role(user: Any, production: Production | int, *roles: str) -> set[str]:
    """The user's roles, or an error: 404 for non-members (they must not learn the production
    exists), 403 for members without one of `roles` (any role when none are given)."""
    held = role_in(user, production)
    if not held:
        raise NotFound("No such production.")
    if roles and not held & set(roles):
        raise Forbidden("Your role in this production does not allow this.")
    return held


def get_production(user: Any, production_id: int, *roles: str) -> Production:
    """The production, if `user` is a member (holding one of `roles`, when given)."""
    require_role(user, production_id, *roles)
    try:
        return Production.objects.select_related("organisation").get(pk=production_id)
    except Production.DoesNotExist:
        raise NotFound("No such production.") from None


def get_scene(user: Any, production_id: int, scene_id: int, *roles: str) -> Scene:
    production = get_production(user, production_id, *roles)
    require_known_ids(scene_id)
    try:
        return Scene.objects.get(pk=scene_id, production=production)
    except Scene.DoesNotExist:
        raise NotFound("No such scene.") from None


@dataclass(frozen=True)
class ProductionRoles:
    production: Production
    roles: list[str]


def my_productions(user: Any) -> list[ProductionRoles]:
    if not getattr(user, "is_authenticated", False):
        return []
    by_production: dict[int, ProductionRoles] = {}
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("production__organisation")
        .order_by("production__name", "role")
    )
    for membership in memberships:
        entry = by_production.setdefault(
            membership.production_id, ProductionRoles(membership.production, [])
        )
        entry.roles.append(membership.role)
    return list(by_production.values())


@dataclass(frozen=True)
class RosterEntry:
    user: User
    roles: list[str]


def roster(user: Any, production: Production) -> list[RosterEntry]:
    """Names and roles of everyone in the production (producer, coordinator, director)."""
    require_role(user, production, *ROSTER_ROLES)
    entries: dict[int, RosterEntry] = {}
    for membership in Membership.objects.filter(production=production).select_related("user"):
        entry = entries.setdefault(membership.user_id, RosterEntry(membership.user, []))
        entry.roles.append(membership.role)
    return sorted(entries.values(), key=lambda entry: entry.user.display_name.lower())


def performers(production: Production) -> list[User]:
    """The production's performers, for casting (callers check the caller's role)."""
    return list(
        User.objects.filter(
            memberships__production=production, memberships__role=Role.PERFORMER
        ).order_by("display_name")
    )


# --- set-up (demo, admin, tests) -----------------------------------------------------------


def create_organisation(name: str, *, owner: User | None = None) -> Organisation:
    if not name.strip():
        raise InvalidInput("An organisation needs a name.", {"name": "Required."})
    organisation = Organisation.objects.create(name=name.strip())
    if owner is not None:
        OrgMembership.objects.get_or_create(user=owner, organisation=organisation)
    return organisation


def create_production(organisation: Organisation, *, name: str, kind: str) -> Production:
    errors = {}
    if not name.strip():
        errors["name"] = "Required."
    if kind not in Production.Kind.values:
        errors["kind"] = "Choose adult or mainstream."
    if errors:
        raise InvalidInput("Please correct the marked fields.", errors)
    return Production.objects.create(organisation=organisation, name=name.strip(), kind=kind)


def start_production(
    user: Any,
    *,
    name: str,
    kind: str,
    organisation_id: int | None = None,
    new_organisation: str = "",
) -> Production:
    """A person starts a production (in one of their companies, or a new one) and produces it."""
    if organisation_id:
        organisation = Organisation.objects.filter(
            pk=organisation_id, memberships__user=user
        ).first()
        if organisation is None:
            raise InvalidInput(
                "Choose one of your companies.", {"organisation": "Not one of your companies."}
            )
    elif new_organisation.strip():
        organisation = None
    else:
        raise InvalidInput(
            "Which company makes it?",
            {"new_organisation": "Choose a company or name a new one."},
        )
    with transaction.atomic():
        if organisation is None:
            organisation = create_organisation(new_organisation, owner=user)
        production = create_production(organisation, name=name, kind=kind)
        add_member(user, production, Role.PRODUCER)
    return production


def my_organisations(user: Any) -> list[Organisation]:
    return list(Organisation.objects.filter(memberships__user=user).order_by("name"))


def check_performer_eligible(user: User, production: Production) -> None:
    """Hook for the 18+ identity gate (a later issue): raise a DomainError to refuse.

    Performers are adults only; until identity records exist nothing is checked here.
    """


def add_member(user: User, production: Production, role: str) -> Membership:
    if role not in Role.values:
        raise InvalidInput("Unknown role.", {"role": f"Choose one of: {', '.join(Role.values)}."})
    if role == Role.PERFORMER:
        check_performer_eligible(user, production)
    with transaction.atomic():
        OrgMembership.objects.get_or_create(user=user, organisation=production.organisation)
        membership, _ = Membership.objects.get_or_create(
            user=user, production=production, role=role
        )
    return membership


def create_scene(user: Any, production: Production, *, number: str, title: str = "") -> Scene:
    require_role(user, production, Role.PRODUCER)
    number = number.strip()
    if not number:
        raise InvalidInput("A scene needs its number.", {"number": 'Required, e.g. "12B".'})
    if len(number) > 20:
        raise InvalidInput("Scene number too long.", {"number": "At most 20 characters."})
    if len(title) > 200:
        raise InvalidInput("Title too long.", {"title": "At most 200 characters."})
    # The API takes any JSON string; PostgreSQL cannot store a NUL character.
    for field, value in (("number", number), ("title", title)):
        if "\x00" in value:
            raise InvalidInput("Plain text only.", {field: "Remove the NUL character."})
    try:
        with transaction.atomic():
            return Scene.objects.create(production=production, number=number, title=title.strip())
    except IntegrityError:
        raise InvalidInput(
            "That scene exists already.", {"number": f"Scene {number} exists already."}
        ) from None


# --- invitations ---------------------------------------------------------------------------


def invite(
    user: Any, production: Production, *, email: str, role: str, days: int | None = None
) -> tuple[Invitation, str]:
    """Create an invitation; returns it and the secret link key (shown once, never stored)."""
    require_role(user, production, Role.PRODUCER)
    errors = {}
    email = email.strip().lower()
    try:
        from django.core.validators import validate_email

        validate_email(email)
        if len(email) > 254:
            raise ValidationError("too long")
    except ValidationError:
        errors["email"] = "Enter a valid email address."
    if role not in Role.values:
        errors["role"] = f"Choose one of: {', '.join(Role.values)}."
    if errors:
        raise InvalidInput("Please correct the marked fields.", errors)
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(days=days if days is not None else settings.CLOSEDSET_INVITATION_DAYS)
    invitation = Invitation.objects.create(
        production=production,
        email=email,
        role=role,
        token_hash=hash_secret(token),
        invited_by=user,
        expires_at=timezone.now() + lifetime,
    )
    key = signing.dumps({"i": invitation.pk, "t": token}, salt=INVITATION_SALT, compress=True)
    return invitation, key


def read_invitation(key: str) -> Invitation:
    """The open invitation behind a link key, or InvitationInvalid/Expired/Used."""
    try:
        data = signing.loads(key, salt=INVITATION_SALT)
        invitation_id, token = int(data["i"]), str(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvitationInvalid() from None
    invitation = Invitation.objects.select_related("production").filter(pk=invitation_id).first()
    if invitation is None or not hmac.compare_digest(invitation.token_hash, hash_secret(token)):
        raise InvitationInvalid()
    if invitation.accepted_at:
        raise InvitationUsed()
    if invitation.revoked_at:
        raise InvitationWithdrawn()
    if invitation.expires_at <= timezone.now():
        raise InvitationExpired()
    return invitation


def accept_invitation(
    key: str,
    user: Any = None,
    *,
    display_name: str = "",
    handle: str = "",
    password: str | None = None,
) -> User:
    """Accept as the signed-in `user`, or create the account from the other arguments."""
    with transaction.atomic():
        invitation = read_invitation(key)
        # Lock the row so two simultaneous clicks cannot both use the link.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise InvitationUsed()
        if getattr(user, "is_authenticated", False):
            if user.email.lower() != invitation.email.lower():
                raise WrongAccount()
            member = user
        else:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise Conflict(
                    "An account with this email exists already: log in, then open the link."
                )
            if password is None:
                raise InvalidInput("Choose a password.", {"password": "Required."})
            member = create_user(
                email=invitation.email,
                display_name=display_name,
                handle=handle,
                password=password,
            )
        add_member(member, invitation.production, invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = member
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    assert isinstance(member, User)
    return member


def account_exists(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


def open_invitations(user: Any, production: Production) -> list[Invitation]:
    require_role(user, production, Role.PRODUCER)
    return [
        invitation
        for invitation in Invitation.objects.filter(production=production)
        if invitation.state == "open"
    ]


def revoke_invitation(user: Any, production: Production, invitation_id: int) -> Invitation:
    require_role(user, production, Role.PRODUCER)
    invitation = Invitation.objects.filter(pk=invitation_id, production=production).first()
    if invitation is None:
        raise NotFound("No such invitation.")
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


# --- API tokens ----------------------------------------------------------------------------


# --- second factor (TOTP) ------------------------------------------------------------------
