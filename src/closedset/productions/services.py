"""Operations on productions, scenes, memberships and invitations.

Every state change goes through here; views and the API only call these functions.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from closedset.accounts.errors import MailNotSent
from closedset.accounts.models import User
from closedset.accounts.services import (
    create_user,
    hash_secret,
    limit_mail,
    mark_email_verified,
    send_mail_to,
)
from closedset.lib import scope
from closedset.lib.errors import require_known_ids
from closedset.lib.transactions import after_commit
from closedset.productions.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    InvitationExpired,
    InvitationInvalid,
    InvitationNotSent,
    InvitationUsed,
    InvitationWithdrawn,
    NotFound,
    RolesConflict,
    WrongAccount,
)
from closedset.productions.labels import role_label
from closedset.productions.models import (
    Invitation,
    Membership,
    OnePersonCrewAgreement,
    Organisation,
    OrgMembership,
    Production,
    Role,
    Scene,
)
from closedset.productions.signals import coordinator_joined

INVITATION_SALT = "closedset.productions.invitation"
ROSTER_ROLES = frozenset({Role.PRODUCER, Role.COORDINATOR, Role.DIRECTOR})
# Roles the intimacy coordinator must be independent of (domain.md §1).
CREW_ROLES = frozenset({Role.PRODUCER, Role.DIRECTOR})
# Who may invite whom. The coordinator brings in the performers she works with one-on-one.
# Staffing the crew stays with the producer: a coordinator who picked the director or producer
# she must be independent of would not be independent, and the custodian and the roster are
# the producer's compliance duty (domain.md §1). check_independence still runs on every invite.
INVITABLE_BY: dict[str, frozenset[str]] = {
    Role.PRODUCER: frozenset(Role.values),
    Role.COORDINATOR: frozenset({Role.PERFORMER}),
}
INVITER_ROLES = tuple(INVITABLE_BY)
# The coordinator breaks down the script into scenes (domain.md §2); the producer may too.
SCENE_ROLES = (Role.PRODUCER, Role.COORDINATOR)


# --- separation of duties ------------------------------------------------------------------


def roles_conflict(roles: Iterable[str]) -> bool:
    held = set(roles)
    return Role.COORDINATOR in held and bool(held & CREW_ROLES)


def one_person_crew_allowed(production: Production) -> bool:
    """The producer allows it and every performer of the production has agreed (at least one
    performer: nobody's agreement is not everybody's)."""
    if not production.allow_one_person_crew:
        return False
    cast = set(
        Membership.objects.filter(production=production, role=Role.PERFORMER).values_list(
            "user_id", flat=True
        )
    )
    agreed = set(
        OnePersonCrewAgreement.objects.filter(
            production=production, withdrawn_at__isnull=True
        ).values_list("performer_id", flat=True)
    )
    return bool(cast) and cast <= agreed


def check_independence(production: Production, roles: Iterable[str]) -> None:
    """The one check of separation of duties: RolesConflict if one person would hold
    coordinator together with producer or director, unless the production allows a one-person
    crew with every performer's agreement."""
    if roles_conflict(roles) and not one_person_crew_allowed(production):
        raise RolesConflict()


# --- roles -------------------------------------------------------------------------------


def role_in(user: Any, production: Production | int) -> set[str]:
    """The roles `user` holds in `production` (empty for outsiders and anonymous users)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    production_id = production if isinstance(production, int) else production.pk
    require_known_ids(production_id)
    if not scope.allows(production_id):
        # A production-scoped API token: every other production is as for an outsider.
        return set()
    return granted_roles(user, production_id)


def acting_members(production: Production, role: str) -> list[Any]:
    """The active members who act in `role` here, after separation of duties: whom to tell."""
    found = User.objects.filter(
        memberships__production=production, memberships__role=role, is_active=True
    ).distinct()
    return [user for user in found if role in granted_roles(user, production)]


def granted_roles(user: Any, production: Production | int) -> set[str]:
    """The roles `user` may act in: their memberships after separation of duties. Whom to tell
    is decided with this; what the person acting may do, with role_in (which also honours
    their API token's scope)."""
    if not getattr(user, "is_active", False):
        return set()
    production_id = production if isinstance(production, int) else production.pk
    roles = set(
        Membership.objects.filter(user=user, production_id=production_id).values_list(
            "role", flat=True
        )
    )
    if roles_conflict(roles):
        # A combination made around add_member (the admin), or whose permission lapsed (a
        # performer withdrew or joined without agreeing), gives no coordinator powers.
        current = Production.objects.filter(pk=production_id).first()
        if current is None or not one_person_crew_allowed(current):
            roles.discard(Role.COORDINATOR)
    return roles


def require_role(user: Any, production: Production | int, *roles: str) -> set[str]:
    """The user's roles, or an error: 404 for non-members (they must not learn the production
    exists), 403 for members without one of `roles` (any role when none are given)."""
    held = role_in(user, production)
    if not held:
        raise NotFound(_("No such production."))
    if roles and not held & set(roles):
        raise Forbidden(_("Your role in this production does not allow this."))
    return held


def get_production(user: Any, production_id: int, *roles: str) -> Production:
    """The production, if `user` is a member (holding one of `roles`, when given)."""
    require_role(user, production_id, *roles)
    try:
        return Production.objects.select_related("organisation").get(pk=production_id)
    except Production.DoesNotExist:
        raise NotFound(_("No such production.")) from None


def get_scene(user: Any, production_id: int, scene_id: int, *roles: str) -> Scene:
    production = get_production(user, production_id, *roles)
    require_known_ids(scene_id)
    try:
        return Scene.objects.get(pk=scene_id, production=production)
    except Scene.DoesNotExist:
        raise NotFound(_("No such scene.")) from None


@dataclass(frozen=True)
class ProductionRoles:
    production: Production
    roles: list[str]


def my_productions(user: Any) -> list[ProductionRoles]:
    if not getattr(user, "is_authenticated", False):
        return []
    by_production: dict[int, ProductionRoles] = {}
    memberships = (
        scope.only_allowed(Membership.objects.filter(user=user))
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
        raise InvalidInput(_("An organisation needs a name."), {"name": _("Required.")})
    organisation = Organisation.objects.create(name=name.strip())
    if owner is not None:
        OrgMembership.objects.get_or_create(user=owner, organisation=organisation)
    return organisation


def create_production(
    organisation: Organisation, *, name: str, kind: str, language: str = ""
) -> Production:
    errors = {}
    if not name.strip():
        errors["name"] = _("Required.")
    if kind not in Production.Kind.values:
        errors["kind"] = _("Choose adult or mainstream.")
    language = language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        errors["language"] = _("Choose one of the languages offered.")
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), errors)
    return Production.objects.create(
        organisation=organisation, name=name.strip(), kind=kind, language=language
    )


def set_language(user: Any, production_id: int, language: str) -> Production:
    """The language the production's documents are written in, set by its producer or
    coordinator. Each performer still reads her rider and consent requests in her own
    language, with this one beside it when they differ; a page open while it changes asks
    her to read again before she signs (the rider's fingerprint no longer matches)."""
    production = get_production(user, production_id, *SCENE_ROLES)
    if language not in dict(settings.LANGUAGES):
        message = _("Choose one of the languages offered.")
        raise InvalidInput(message, {"language": message})
    Production.objects.filter(pk=production.pk).update(language=language)
    production.language = language
    return production


def start_production(
    user: Any,
    *,
    name: str,
    kind: str,
    organisation_id: int | None = None,
    new_organisation: str = "",
    language: str = "",
) -> Production:
    """A person starts a production (in one of their companies, or a new one) and produces it."""
    if organisation_id:
        organisation = Organisation.objects.filter(
            pk=organisation_id, memberships__user=user
        ).first()
        if organisation is None:
            raise InvalidInput(
                _("Choose one of your companies."),
                {"organisation": _("Not one of your companies.")},
            )
    elif new_organisation.strip():
        organisation = None
    else:
        raise InvalidInput(
            _("Which company makes it?"),
            {"new_organisation": _("Choose a company or name a new one.")},
        )
    with transaction.atomic():
        if organisation is None:
            organisation = create_organisation(new_organisation, owner=user)
        production = create_production(organisation, name=name, kind=kind, language=language)
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
        # Lock the production: two invitations accepted at once cannot both pass the check.
        Production.objects.select_for_update().filter(pk=production.pk).first()
        held = set(
            Membership.objects.filter(user=user, production=production).values_list(
                "role", flat=True
            )
        )
        check_independence(production, held | {role})
        OrgMembership.objects.get_or_create(user=user, organisation=production.organisation)
        membership, created = Membership.objects.get_or_create(
            user=user, production=production, role=role
        )
        if created and role == Role.COORDINATOR:
            after_commit(lambda: coordinator_joined.send(sender=Membership, membership=membership))
    return membership


def create_scene(user: Any, production: Production, *, number: str, title: str = "") -> Scene:
    require_role(user, production, *SCENE_ROLES)
    number = number.strip()
    if not number:
        raise InvalidInput(_("A scene needs its number."), {"number": _('Required, e.g. "12B".')})
    if len(number) > 20:
        raise InvalidInput(_("Scene number too long."), {"number": _("At most 20 characters.")})
    if len(title) > 200:
        raise InvalidInput(_("Title too long."), {"title": _("At most 200 characters.")})
    # The API takes any JSON string; PostgreSQL cannot store a NUL character.
    for field, value in (("number", number), ("title", title)):
        if "\x00" in value:
            raise InvalidInput(_("Plain text only."), {field: _("Remove the NUL character.")})
    try:
        with transaction.atomic():
            return Scene.objects.create(production=production, number=number, title=title.strip())
    except IntegrityError:
        raise InvalidInput(
            "That scene exists already.", {"number": f"Scene {number} exists already."}
        ) from None


# --- invitations ---------------------------------------------------------------------------


def _open_invitation_roles(production: Production, email: str) -> set[str]:
    return set(
        Invitation.objects.filter(
            production=production,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).values_list("role", flat=True)
    )


def _link_key(invitation: Invitation, token: str) -> str:
    return signing.dumps({"i": invitation.pk, "t": token}, salt=INVITATION_SALT, compress=True)


def _lifetime(days: int | None = None) -> timedelta:
    return timedelta(days=days if days is not None else settings.CLOSEDSET_INVITATION_DAYS)


def invitable_roles(user: Any, production: Production) -> list[str]:
    """The roles `user` may invite people to in `production`, in the order of Role."""
    held = role_in(user, production)
    allowed = {role for held_role in held for role in INVITABLE_BY.get(held_role, ())}
    return [role for role in Role.values if role in allowed]


def invite(
    user: Any, production: Production, *, email: str, role: str, days: int | None = None
) -> tuple[Invitation, str]:
    """Create an invitation; returns it and the secret link key (never stored).

    Pages and the API use invite_by_email: the key goes to the invited address only.
    """
    require_role(user, production, *INVITER_ROLES)
    errors = {}
    email = email.strip().lower()
    try:
        from django.core.validators import validate_email

        validate_email(email)
        if len(email) > 254:
            raise ValidationError("too long")
    except ValidationError:
        errors["email"] = _("Enter a valid email address.")
    if role not in Role.values:
        errors["role"] = f"Choose one of: {', '.join(Role.values)}."
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), errors)
    if role not in invitable_roles(user, production):
        raise Forbidden(_("You can invite performers; the producer invites the crew."))
    # The address may belong to a member already (the inviter herself, too), or be invited to
    # another role: the roles it would end up with must keep the coordinator independent.
    account = User.objects.filter(email__iexact=email).first()
    held = set(
        Membership.objects.filter(user=account, production=production).values_list(
            "role", flat=True
        )
        if account is not None
        else ()
    )
    check_independence(production, held | _open_invitation_roles(production, email) | {role})
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        production=production,
        email=email,
        role=role,
        token_hash=hash_secret(token),
        invited_by=user,
        expires_at=timezone.now() + _lifetime(days),
    )
    return invitation, _link_key(invitation, token)


def send_invitation(invitation: Invitation, link: str) -> None:
    """E-mail the link to the invited address: the only place the link ever goes."""
    production = invitation.production
    # In the language the invited person chose, when they have an account and chose one;
    # else the page's (the inviter's), as nothing else is known about a new address yet.
    chosen = (
        User.objects.filter(email__iexact=invitation.email)
        .exclude(language="")
        .values_list("language", flat=True)
        .first()
    )
    try:
        with translation.override(chosen or translation.get_language()):
            send_mail_to(
                invitation.email,
                "productions/email/invitation_subject.txt",
                "productions/email/invitation.txt",
                {
                    "invitation": invitation,
                    "production": production,
                    "role": role_label(invitation.role),
                    "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
                    "link": link,
                },
            )
    except MailNotSent:
        raise InvitationNotSent() from None


def invite_by_email(
    user: Any,
    production: Production,
    *,
    email: str,
    role: str,
    link_for: Callable[[str], str],
    days: int | None = None,
    ip: str | None = None,
) -> Invitation:
    """Invite and e-mail the link (made by `link_for(key)`); the inviter never sees it.

    If the mail cannot be sent, no invitation is left behind. Mail is rate limited per
    address and per client address, like every form that sends mail.
    """
    require_role(user, production, *INVITER_ROLES)
    limit_mail("invite", email=email, ip=ip)
    with transaction.atomic():
        invitation, key = invite(user, production, email=email, role=role, days=days)
        send_invitation(invitation, link_for(key))
    return invitation


def resend_invitation(
    user: Any,
    production: Production,
    invitation_id: int,
    *,
    link_for: Callable[[str], str],
    ip: str | None = None,
) -> Invitation:
    """A new link for an invitation not yet accepted or withdrawn; the old link stops working."""
    require_role(user, production, *INVITER_ROLES)
    require_known_ids(invitation_id)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("production", "invited_by")
            .filter(
                pk=invitation_id,
                production=production,
                role__in=invitable_roles(user, production),
            )
            .first()
        )
        if invitation is None:
            raise NotFound(_("No such invitation."))
        if invitation.accepted_at:
            raise Conflict(_("This invitation was accepted already."))
        if invitation.revoked_at:
            raise Conflict(_("This invitation was withdrawn. Invite the person again instead."))
        token = secrets.token_urlsafe(32)
        invitation.token_hash = hash_secret(token)
        invitation.expires_at = timezone.now() + _lifetime()
        limit_mail("invite", email=invitation.email, ip=ip)
        invitation.save(update_fields=["token_hash", "expires_at"])
        send_invitation(invitation, link_for(_link_key(invitation, token)))
    return invitation


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
    language: str = "",
) -> User:
    """Accept as the signed-in `user`, or create the account from the other arguments
    (`language`: the one chosen at sign-up)."""
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
                    _("An account with this email exists already: log in, then open the link.")
                )
            if password is None:
                raise InvalidInput(_("Choose a password."), {"password": _("Required.")})
            member = create_user(
                email=invitation.email,
                display_name=display_name,
                handle=handle,
                password=password,
                language=language,
            )
        add_member(member, invitation.production, invitation.role)
        # The link reached this person only by e-mail to this address: it proves the address.
        mark_email_verified(member)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = member
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    assert isinstance(member, User)
    return member


def account_exists(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


def open_invitations(user: Any, production: Production) -> list[Invitation]:
    """Open invitations to the roles `user` may invite to (a coordinator: performers)."""
    require_role(user, production, *INVITER_ROLES)
    return [
        invitation
        for invitation in Invitation.objects.filter(
            production=production, role__in=invitable_roles(user, production)
        )
        if invitation.state == "open"
    ]


def revoke_invitation(user: Any, production: Production, invitation_id: int) -> Invitation:
    require_role(user, production, *INVITER_ROLES)
    require_known_ids(invitation_id)
    invitation = Invitation.objects.filter(
        pk=invitation_id, production=production, role__in=invitable_roles(user, production)
    ).first()
    if invitation is None:
        raise NotFound(_("No such invitation."))
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


# --- one-person crew -----------------------------------------------------------------------


@dataclass(frozen=True)
class CrewState:
    """What the producer and each performer see of the one-person-crew permission."""

    production: Production
    asked: bool  # the producer allows it (the setting)
    everyone_agreed: bool  # never who has not: that would invite pressure
    i_agreed: bool | None  # for a performer; None for the producer
    combined: list[User]  # who holds coordinator with producer or director now


def _active_agreement(production: Production, performer: User) -> OnePersonCrewAgreement | None:
    return OnePersonCrewAgreement.objects.filter(
        production=production, performer=performer, withdrawn_at__isnull=True
    ).first()


def crew_state(user: Any, production: Production) -> CrewState:
    held = require_role(user, production, Role.PRODUCER, Role.PERFORMER)
    by_user: dict[int, set[str]] = {}
    people: dict[int, User] = {}
    for membership in Membership.objects.filter(production=production).select_related("user"):
        by_user.setdefault(membership.user_id, set()).add(membership.role)
        people[membership.user_id] = membership.user
    combined = [people[pk] for pk, roles in by_user.items() if roles_conflict(roles)]
    return CrewState(
        production=production,
        asked=production.allow_one_person_crew,
        everyone_agreed=one_person_crew_allowed(production),
        i_agreed=(
            _active_agreement(production, user) is not None if Role.PERFORMER in held else None
        ),
        combined=sorted(combined, key=lambda person: person.display_name.lower()),
    )


def set_one_person_crew(user: Any, production: Production, *, allow: bool) -> None:
    """The producer asks for (or stops asking for) a one-person crew."""
    require_role(user, production, Role.PRODUCER)
    with transaction.atomic():
        Production.objects.filter(pk=production.pk).update(allow_one_person_crew=allow)
        production.allow_one_person_crew = allow
        if not allow:
            # Asking again later needs fresh agreement: performers agreed to that request.
            OnePersonCrewAgreement.objects.filter(
                production=production, withdrawn_at__isnull=True
            ).update(withdrawn_at=timezone.now())


def agree_one_person_crew(user: Any, production: Production, *, agree: bool) -> None:
    """A performer agrees, or withdraws; withdrawing ends the permission at once."""
    require_role(user, production, Role.PERFORMER)
    with transaction.atomic():
        current = Production.objects.select_for_update().get(pk=production.pk)
        active = _active_agreement(current, user)
        if not agree:
            if active is not None:
                active.withdrawn_at = timezone.now()
                active.save(update_fields=["withdrawn_at"])
            return
        if not current.allow_one_person_crew:
            raise Conflict(
                _(
                    "The producer has not asked for a one-person crew here: there is nothing "
                    "to agree to."
                )
            )
        if active is None:
            OnePersonCrewAgreement.objects.create(production=current, performer=user)


# --- what each person does next ------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step on a person's path through a production; pages turn `key` into a link."""

    key: str
    label: str
    done: bool = False


def next_steps(user: Any, production: Production) -> list[Step]:
    """The steps that fit this person's roles, in the order they take them.

    A performer first fills in their boundary profile, reads it through, then shares it: sharing
    an empty profile tells the coordinator nothing. Steps already taken are marked done.
    """
    held = require_role(user, production)
    steps: list[Step] = []
    if Role.PERFORMER in held:
        steps.extend(_performer_steps(user, production))
    if Role.COORDINATOR in held or Role.PRODUCER in held:
        has_scenes = production.scenes.exists()
        has_cast = Membership.objects.filter(production=production, role=Role.PERFORMER).exists()
        if Role.PRODUCER in held:
            has_coordinator = Membership.objects.filter(
                production=production, role=Role.COORDINATOR
            ).exists()
            steps.append(Step("invite", _("Invite an intimacy coordinator"), has_coordinator))
        steps.append(Step("scenes", _("Add the scenes with intimate content"), has_scenes))
        steps.append(Step("invite", _("Invite the performers"), has_cast))
    if Role.DIRECTOR in held:
        steps.append(Step("plans", _("Open a scene's plan and propose beats to the coordinator")))
    # The custodian has no step yet: the records section of the page says what is coming.
    # Two roles may both ask for the same step; keep the first.
    seen: set[tuple[str, str]] = set()
    unique = []
    for step in steps:
        if (step.key, step.label) not in seen:
            seen.add((step.key, step.label))
            unique.append(step)
    return unique


def _performer_steps(user: Any, production: Production) -> list[Step]:
    from closedset.boundaries import services as boundaries
    from closedset.lib.errors import DomainError

    try:
        profile, _version = boundaries.my_profile(user)
        answered = bool(profile.boundaries)
    except DomainError:
        answered = False
    shared = boundaries.is_shared(user, production)
    steps = [
        Step("profile", _("Fill in your boundary profile: yes, no or maybe, act by act"), answered),
        Step("review", _("Read it through: you can change any answer at any time"), shared),
        Step("share", _("Share it with %(production)s") % {"production": production.name}, shared),
    ]
    if shared:
        steps.append(Step("my_scenes", _("Read the beats you are in, in plain words")))
    return steps


def cast_names(user: Any, production: Production) -> list[str]:
    """The performers' names, for the custodian of records: names only, nothing else."""
    require_role(user, production, Role.CUSTODIAN, *ROSTER_ROLES)
    return [person.display_name for person in performers(production)]
