"""Every change to a boundary profile goes through here, and only its owner can make one.

A profile's content (answers, zones, partners, notes) is kept only as sealed versions; these
functions are the one place that seals and unseals them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import yaml
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from closedset.accounts.models import User
from closedset.boundaries import words
from closedset.boundaries.models import (
    BoundaryProfile,
    ProfileShare,
    ProfileVersion,
    ProfileView,
    ShareCoverage,
)
from closedset.core.errors import BadInput
from closedset.core.profile import BoundaryProfile as CoreProfile
from closedset.core.profile import parse_profile
from closedset.core.taxonomy import ANSWERS, BARRIERS, Intensity, load_taxonomy
from closedset.core.yamlio import load
from closedset.lib import crypto, scope
from closedset.lib.errors import Forbidden, InvalidInput, NotFound, require_known_ids
from closedset.lib.i18n import interpolate_lazy, language_of
from closedset.lib.paging import Page, page_of
from closedset.lib.transactions import after_commit
from closedset.notices import services as notices
from closedset.productions.labels import role_label
from closedset.productions.models import Membership, Production, Role
from closedset.productions.services import check_performer_eligible, performers, role_in

logger = logging.getLogger(__name__)

PERFORMER = Role.PERFORMER
COORDINATOR = Role.COORDINATOR
NOT_SHARED = "profile not shared with this production"


class ProfileInvalid(InvalidInput):
    """A profile (or one answer of it) that the core format rejects; nothing was saved.

    The message is for the performer: plain words, never a field index or a pattern.
    """

    @classmethod
    def from_bad_input(
        cls, error: BadInput, field: str | None = None, data: object = None
    ) -> ProfileInvalid:
        message = words.plain_error(error, data)
        return cls(message, {field or error.field or "profile": message})


def _context(user: User, number: int) -> str:
    # Binds each ciphertext to its owner and version, so rows cannot be swapped.
    return f"boundaries.profile:{user.pk}:v{number}"


# ---------------------------------------------------------------- the hook for later gates


def may_keep_profile(user: User) -> None:
    """Only a performer id holder keeps a profile. The 18+ identity gate will sit here too."""
    if not getattr(user, "is_authenticated", False):
        raise Forbidden(gettext("Sign in to keep a boundary profile."))
    if not user.handle:
        raise Forbidden(
            gettext(
                "A boundary profile needs a performer name on your account. "
                "Add one on your account page, then come back."
            )
        )


# ---------------------------------------------------------------- reading


def _profile_row(user: User) -> BoundaryProfile | None:
    return BoundaryProfile.objects.filter(owner=user).first()


def _unseal(user: User, version: ProfileVersion) -> CoreProfile:
    data = crypto.unseal_json(user, bytes(version.sealed), _context(user, version.number))
    return parse_profile(data)


def empty_profile(user: User) -> CoreProfile:
    return CoreProfile(performer=user.handle, name=user.display_name or user.handle)


def my_profile(user: User) -> tuple[CoreProfile, int | None]:
    """The owner's current profile and its version number (None before the first save)."""
    scope.require_whole_account()
    may_keep_profile(user)
    row = _profile_row(user)
    version = row.current_version() if row else None
    if version is None:
        return empty_profile(user), None
    return _unseal(user, version), version.number


@dataclass(frozen=True)
class VersionInfo:
    number: int
    created_at: datetime
    # The last edit in the sitting that made this version.
    updated_at: datetime | None = None
    restored_from: int | None = None
    # What it changed against the version before, in plain sentences.
    changes: tuple[str, ...] = field(default_factory=tuple)
    answered: int = 0


def my_versions(user: User) -> list[VersionInfo]:
    """Every version, newest first, each with what it changed in words."""
    scope.require_whole_account()
    may_keep_profile(user)
    names = partner_names(user)
    found: list[VersionInfo] = []
    previous: CoreProfile | None = None
    for version in ProfileVersion.objects.filter(profile__owner=user).order_by("number"):
        profile = _unseal(user, version)
        found.append(
            VersionInfo(
                version.number,
                version.created_at,
                version.updated_at or version.created_at,
                version.restored_from,
                tuple(words.changes(previous, profile, names)),
                len(profile.boundaries),
            )
        )
        previous = profile
    return found[::-1]


def compare_versions(user: User, older: int, newer: int) -> list[str]:
    """What changed from version `older` to version `newer`, in plain sentences."""
    return words.changes(my_version(user, older), my_version(user, newer), partner_names(user))


def restore_version(user: User, number: int) -> int:
    """An old version back as the newest: a new version, so nothing in between is lost."""
    profile = my_version(user, number)
    return save_profile(user, profile, restored_from=number)


def my_version(user: User, number: int) -> CoreProfile:
    scope.require_whole_account()
    may_keep_profile(user)
    require_known_ids(number)
    version = ProfileVersion.objects.filter(profile__owner=user, number=number).first()
    if version is None:
        raise NotFound(gettext("No such version of your profile."))
    return _unseal(user, version)


def profile_yaml(profile: CoreProfile) -> str:
    return yaml.safe_dump(profile.to_data(), sort_keys=False, allow_unicode=True)


# ---------------------------------------------------------------- changing


def _validated(user: User, data: dict[str, Any], field: str | None = None) -> CoreProfile:
    try:
        profile = parse_profile(data)
    except BadInput as error:
        raise ProfileInvalid.from_bad_input(error, field, data) from None
    if profile.performer != user.handle:
        message = gettext(
            "This profile belongs to someone else. Import a file of your own, "
            "or remove the performer line from this one."
        )
        raise ProfileInvalid(message, {"performer": message})
    return profile


# Edits closer together than this are one sitting: they make one version, not one each.
SITTING = timedelta(minutes=30)


def _same(a: CoreProfile, b: CoreProfile) -> bool:
    # A stored snapshot carries its own number; compare content without it.
    return a.to_data() | {"version": None} == b.to_data() | {"version": None}


def _in_sitting(version: ProfileVersion, now: datetime) -> bool:
    """Whether an edit now may amend `version`: it is recent, no coordinator has read it,
    and it is not a restore (which stays what it says it is)."""
    last = version.updated_at or version.created_at
    return version.seen_at is None and version.restored_from is None and now - last < SITTING


@transaction.atomic
def save_profile(
    user: User, profile: CoreProfile, *, sitting: bool = False, restored_from: int | None = None
) -> int:
    """Save the profile; its version number back.

    Nothing changed: the same number. `sitting` (an edit on the profile page): amends the
    current version while it is in the same sitting, so one sitting makes one version.
    Otherwise a new version.
    """
    may_keep_profile(user)
    row, _ = BoundaryProfile.objects.select_for_update().get_or_create(owner=user)
    current = (
        ProfileVersion.objects.select_for_update().filter(profile=row).order_by("-number").first()
    )
    content = CoreProfile(
        performer=user.handle,
        name=profile.name,
        boundaries=profile.boundaries,
        barrier=profile.barrier,
    )
    now = timezone.now()
    if current is not None and _same(_unseal(user, current), content):
        return current.number
    if sitting and current is not None and _in_sitting(current, now):
        before = ProfileVersion.objects.filter(profile=row, number=current.number - 1).first()
        if before is not None and _same(_unseal(user, before), content):
            # The sitting undid its own changes: nobody read it, so it need not stay.
            current.delete()
            return before.number
        data = content.to_data() | {"version": current.number}
        current.sealed = crypto.seal_json(user, data, _context(user, current.number))
        current.updated_at = now
        current.save(update_fields=["sealed", "updated_at"])
        return current.number
    number = (current.number if current else 0) + 1
    data = content.to_data() | {"version": number}
    sealed = crypto.seal_json(user, data, _context(user, number))
    ProfileVersion.objects.create(
        profile=row, number=number, sealed=sealed, updated_at=now, restored_from=restored_from
    )
    # A new version (not an amended one): the coordinators who rely on the profile are told.
    after_commit(lambda: tell_profile_changed(user))
    return number


def replace_profile(user: User, data: object) -> int:
    """The whole profile from formats.md data (API put, import); invalid data saves nothing."""
    scope.require_whole_account()
    may_keep_profile(user)
    if not isinstance(data, dict):
        message = gettext(
            "This is not a boundary profile: it needs a performer and a list of answers."
        )
        raise ProfileInvalid(message, {"profile": message})
    # A file exported elsewhere may omit the performer; it can only be the owner's.
    data = {"performer": user.handle, **data}
    return save_profile(user, _validated(user, data))


def import_profile(user: User, text: str) -> int:
    may_keep_profile(user)
    if not text.strip():
        message = gettext(
            "The file is empty. Choose your exported profile file, or paste its text."
        )
        raise ProfileInvalid(message, {"file": message})
    try:
        data = load(text, "profile")
    except BadInput as error:
        raise ProfileInvalid.from_bad_input(error, "file") from None
    try:
        return replace_profile(user, _partners_by_name(user, data))
    except ProfileInvalid as error:
        # The page shows one message at the file: keep the line/field text.
        raise ProfileInvalid(error.message, {"file": error.message} | error.fields) from None


def _partners_by_name(user: User, data: object) -> object:
    """A file may name partners as people do ("Jonas"): each name of someone the performer
    works with becomes that person's performer id."""
    if not isinstance(data, dict) or not isinstance(data.get("boundaries"), list):
        return data
    by_name = {name.casefold(): handle for handle, name in partner_names(user).items()}
    for entry in data["boundaries"]:
        if isinstance(entry, dict) and isinstance(entry.get("partners"), list):
            entry["partners"] = [
                by_name.get(p.strip().casefold(), p) if isinstance(p, str) else p
                for p in entry["partners"]
            ]
    return data


def _act(act: str, direction: str) -> None:
    taxonomy = load_taxonomy()
    if act not in taxonomy.acts:
        raise NotFound(gettext("No such act."))
    if direction not in taxonomy.acts[act].directions:
        raise NotFound(gettext("That act has no such direction."))


def _with_entry(
    profile: CoreProfile, act: str, direction: str, entry: dict[str, Any] | None
) -> dict[str, Any]:
    data = profile.to_data()
    data.pop("version", None)
    entries = [
        e for e in data["boundaries"] if not (e["act"] == act and e["direction"] == direction)
    ]
    if entry is not None:
        entries.append(entry)
        order = {a: i for i, a in enumerate(load_taxonomy().acts)}
        entries.sort(key=lambda e: (order.get(e["act"], 0), e["direction"]))
    data["boundaries"] = entries
    return data


def set_answer(user: User, act: str, direction: str, answer: str) -> int:
    """The quick yes / no / maybe; details already given for the act are kept.

    An empty answer takes the act off the profile: "not discussed" again.
    """
    may_keep_profile(user)
    _act(act, direction)
    if answer and answer not in ANSWERS:
        message = gettext("Choose yes, no or maybe.")
        raise ProfileInvalid(message, {"answer": message})
    profile, _ = my_profile(user)
    existing = profile.boundary(act, direction)
    if not answer:
        entry = None
    else:
        entry = existing.to_data() if existing else {"act": act, "direction": direction}
        entry["answer"] = answer
    data = _with_entry(profile, act, direction, entry)
    return save_profile(user, _validated(user, data), sitting=True)


@dataclass
class BoundaryForm:
    """The detail form of one act and direction, as posted by a page or the API."""

    answer: str = ""
    zones: dict[str, str] | None = None
    max_intensity: str = ""
    limit: str = "hard"
    # Performer ids of the chosen partners (the page offers a list of people); for the API,
    # also text with ids separated by commas or spaces.
    partners: str | list[str] = ""
    note: str = ""


def entry_from_form(act: str, direction: str, form: BoundaryForm) -> dict[str, Any] | None:
    if not form.answer:
        return None
    entry: dict[str, Any] = {"act": act, "direction": direction, "answer": form.answer}
    zones = {zone: value for zone, value in (form.zones or {}).items() if value}
    if zones:
        entry["zones"] = zones
    if form.max_intensity:
        entry["max_intensity"] = form.max_intensity
    if form.limit and form.limit != "hard":
        entry["limit"] = form.limit
    raw = form.partners if isinstance(form.partners, list) else form.partners.replace(",", " ")
    partners = [p.strip() for p in (raw if isinstance(raw, list) else raw.split()) if p.strip()]
    if partners:
        entry["partners"] = partners
    if form.note.strip():
        entry["note"] = form.note.strip()
    return entry


def set_boundary(user: User, act: str, direction: str, form: BoundaryForm) -> int:
    may_keep_profile(user)
    _act(act, direction)
    if form.answer and form.answer not in ANSWERS:
        message = gettext("Choose yes, no or maybe.")
        raise ProfileInvalid(message, {"answer": message})
    if form.max_intensity and form.max_intensity not in Intensity.names():
        message = gettext("Choose light, medium or hard, or no limit.")
        raise ProfileInvalid(message, {"max_intensity": message})
    profile, _ = my_profile(user)
    entry = entry_from_form(act, direction, form)
    existing = profile.boundary(act, direction)
    # Partners come from the list of people the performer works with (or were already there,
    # from an imported file); anything else is not a person the page offered.
    allowed = set(partner_names(user)) | set((existing.partners or ()) if existing else ())
    unknown = [p for p in (entry or {}).get("partners", []) if p not in allowed]
    if unknown:
        message = gettext("Choose partners from the list of people you work with.")
        raise ProfileInvalid(message, {"partners": message})
    data = _with_entry(profile, act, direction, entry)
    try:
        checked = parse_profile(data)
    except BadInput as error:
        field = error.field if error.field in ("zones", "partners", "limit") else "answer"
        message = words.plain_error(error, data)
        raise ProfileInvalid(message, {field: message}) from None
    return save_profile(user, checked, sitting=True)


def set_barrier(user: User, barrier: str) -> int:
    may_keep_profile(user)
    if barrier not in BARRIERS:
        message = gettext("Choose what partners must use from the list.")
        raise ProfileInvalid(message, {"barrier": message})
    profile, _ = my_profile(user)
    data = profile.to_data() | {"barrier": barrier}
    data.pop("version", None)
    return save_profile(user, _validated(user, data), sitting=True)


# ---------------------------------------------------------------- sharing


def performer_productions(user: User) -> list[Production]:
    productions = Production.objects.filter(memberships__user=user, memberships__role=PERFORMER)
    return list(
        scope.only_allowed(productions, "pk")  # a production-scoped API token sees one
        .select_related("organisation")
        .distinct()
        .order_by("name")
    )


def co_performers(user: User) -> list[User]:
    """The performers the person shares a production with: the people a partner is chosen
    from."""
    productions = Production.objects.filter(memberships__user=user, memberships__role=PERFORMER)
    return list(
        User.objects.filter(memberships__production__in=productions, memberships__role=PERFORMER)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("display_name", "pk")
    )


def partner_names(user: User) -> dict[str, str]:
    """Performer id -> name, for the people the person may name as partners."""
    return {p.handle: p.display_name or p.handle for p in co_performers(user) if p.handle}


@dataclass(frozen=True)
class CoordinatorInfo:
    """A coordinator as the performer sees them on the sharing page."""

    membership_id: int
    display_name: str
    role: str
    joined_at: datetime
    also: tuple[str, ...] = ()  # other roles they hold here (a one-person crew)


@dataclass(frozen=True)
class ShareState:
    production: Production
    shared_at: datetime | None
    # Shared: the coordinators who see it. Not shared: those who would, if shared now.
    coordinators: tuple[CoordinatorInfo, ...] = ()
    # Joined after the performer shared: they see nothing until the performer confirms.
    waiting: tuple[CoordinatorInfo, ...] = ()


def _coordinator_memberships(production: Production) -> list[Membership]:
    return list(
        Membership.objects.filter(production=production, role=COORDINATOR)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def _coordinator_info(membership: Membership) -> CoordinatorInfo:
    other = Membership.objects.filter(
        production_id=membership.production_id, user_id=membership.user_id
    ).exclude(role__in=[COORDINATOR, PERFORMER])
    return CoordinatorInfo(
        membership_id=membership.pk,
        display_name=membership.user.display_name or membership.user.handle,
        role=role_label(COORDINATOR),
        joined_at=membership.created_at,
        also=tuple(role_label(m.role).lower() for m in other),
    )


def _state(production: Production, share: ProfileShare | None) -> ShareState:
    memberships = _coordinator_memberships(production)
    if share is None:
        return ShareState(production, None, tuple(_coordinator_info(m) for m in memberships))
    covered = set(share.coverage.values_list("membership_id", flat=True))
    return ShareState(
        production,
        share.shared_at,
        tuple(_coordinator_info(m) for m in memberships if m.pk in covered),
        tuple(_coordinator_info(m) for m in memberships if m.pk not in covered),
    )


def _active_share(performer: User, production: Production) -> ProfileShare | None:
    return ProfileShare.objects.filter(
        profile__owner=performer, production=production, revoked_at__isnull=True
    ).first()


def my_shares(user: User) -> list[ShareState]:
    may_keep_profile(user)
    active = {
        share.production_id: share
        for share in ProfileShare.objects.filter(profile__owner=user, revoked_at__isnull=True)
    }
    return [_state(p, active.get(p.pk)) for p in performer_productions(user)]


def _my_production(user: User, production_id: int) -> Production:
    require_known_ids(production_id)
    production = Production.objects.filter(pk=production_id).first()
    if production is None or PERFORMER not in role_in(user, production):
        raise NotFound(gettext("No such production among yours."))
    return production


def share_gate(user: User, production: Production) -> None:
    """Checks before a profile reaches a production: the people app's 18+ gate (a hook)."""
    check_performer_eligible(user, production)


@transaction.atomic
def share(user: User, production_id: int) -> ShareState:
    """Share with the production's coordinators as they are now; later ones wait for a confirm."""
    may_keep_profile(user)
    production = _my_production(user, production_id)
    share_gate(user, production)
    # Ordered with add_member (which locks the same row): a coordinator joins either before
    # the share (covered) or after it (waiting, and the performer is told).
    Production.objects.select_for_update().filter(pk=production.pk).first()
    row, _ = BoundaryProfile.objects.get_or_create(owner=user)
    existing = _active_share(user, production)
    if existing:
        return _state(production, existing)
    try:
        with transaction.atomic():
            created = ProfileShare.objects.create(profile=row, production=production)
            covered = _coordinator_memberships(production)
            ShareCoverage.objects.bulk_create(
                ShareCoverage(share=created, membership=m) for m in covered
            )
    except IntegrityError:
        created = ProfileShare.objects.get(
            profile=row, production=production, revoked_at__isnull=True
        )
    else:
        people = [m.user for m in covered if m.user_id != user.pk]
        after_commit(lambda: tell_seen_by_new(user, production, people))
    return _state(production, created)


@transaction.atomic
def revoke(user: User, production_id: int) -> ShareState:
    may_keep_profile(user)
    production = _my_production(user, production_id)
    active = _active_share(user, production)
    relying = _covered_coordinators(active) if active else []
    ProfileShare.objects.filter(
        profile__owner=user, production=production, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if relying:
        after_commit(lambda: tell_unshared(user, production, relying))
    return _state(production, None)


@transaction.atomic
def confirm_coordinator(user: User, production_id: int, membership_id: int) -> ShareState:
    """The performer lets a coordinator who joined after the share see the profile too."""
    may_keep_profile(user)
    production = _my_production(user, production_id)
    require_known_ids(membership_id)
    current = (
        ProfileShare.objects.select_for_update()
        .filter(profile__owner=user, production=production, revoked_at__isnull=True)
        .first()
    )
    if current is None:
        raise NotFound(gettext("You do not share your profile with this production."))
    membership = Membership.objects.filter(
        pk=membership_id, production=production, role=COORDINATOR
    ).first()
    if membership is None:
        raise NotFound(gettext("No such coordinator in this production."))
    _, created = ShareCoverage.objects.get_or_create(
        share=current, membership=membership, defaults={"confirmed": True}
    )
    if created and membership.user_id != user.pk:
        people = [membership.user]
        after_commit(lambda: tell_seen_by_new(user, production, people))
    return _state(production, current)


def is_shared(performer: User, production: Production) -> bool:
    return _active_share(performer, production) is not None


def covers(performer: User, production: Production, coordinator: User) -> bool:
    """Whether the performer's share with the production reaches this coordinator."""
    return ShareCoverage.objects.filter(
        share__profile__owner=performer,
        share__production=production,
        share__revoked_at__isnull=True,
        membership__production=production,
        membership__user=coordinator,
        membership__role=COORDINATOR,
    ).exists()


def shared_profile(
    performer: User, production: Production, *, coordinator: User | None = None
) -> CoreProfile | None:
    """The current profile if its performer shares it with the production, else None.

    With `coordinator`: only if the share covers that coordinator; use it wherever a person
    will read answers, notes or reasons. Without: for the check's statuses alone (director,
    producer, the performer's own beats). Callers decide who may see the result.
    """
    if coordinator is not None:
        if not covers(performer, production, coordinator):
            return None
        return _read_and_mark(performer)
    elif not is_shared(performer, production):
        return None
    row = _profile_row(performer)
    version = row.current_version() if row else None
    if version is None:
        return empty_profile(performer)
    return _unseal(performer, version)


def _read_and_mark(performer: User) -> CoreProfile:
    """A coordinator reads the current version: locked, marked read and read in one step, so
    an edit of the same sitting either lands first (and is what she reads) or waits, finds the
    version read, and makes a new one. What she read stays in the history as it was."""
    with transaction.atomic():
        version = (
            ProfileVersion.objects.select_for_update()
            .filter(profile__owner=performer)
            .order_by("-number")
            .first()
        )
        if version is None:
            return empty_profile(performer)
        if version.seen_at is None:
            version.seen_at = timezone.now()
            version.save(update_fields=["seen_at"])
        return _unseal(performer, version)


# ---------------------------------------------------------------- telling performers


def tell_sharing_performers(membership: Membership) -> int:
    """A coordinator joined: e-mail each performer whose share does not cover them yet.

    The mail holds no link: the performer signs in and decides on the sharing page.
    Returns how many were told.
    """
    production = membership.production
    shares = (
        ProfileShare.objects.filter(production=production, revoked_at__isnull=True)
        .exclude(coverage__membership=membership)
        .select_related("profile__owner")
    )
    told = 0
    for item in shares:
        performer = item.profile.owner
        # In the performer's own language, whoever's action (the coordinator's) sent it.
        with translation.override(language_of(performer)):
            body = render_to_string(
                "boundaries/email/new_coordinator.txt",
                {
                    "performer": performer,
                    "production": production,
                    "coordinator": _coordinator_info(membership),
                },
            )
            subject = gettext("A new intimacy coordinator joined one of your productions")
        try:
            send_mail(subject, body, None, [performer.email])
        except OSError as error:  # the sharing page shows it anyway
            logger.warning("telling a performer failed: %s", type(error).__name__)
            continue
        told += 1
    return told


def on_coordinator_joined(sender: object, membership: Membership, **kwargs: object) -> None:
    tell_sharing_performers(membership)


# Notices say that something happened and who is concerned, never what a profile holds.


def _name(user: User) -> str:
    return user.display_name or user.handle


def _covered_coordinators(share_row: ProfileShare) -> list[User]:
    """The coordinators a share reaches now (the same rule as `covers`)."""
    return list(
        User.objects.filter(
            memberships__share_coverage__share=share_row,
            memberships__production=share_row.production_id,
            memberships__role=COORDINATOR,
        )
        .exclude(pk=share_row.profile.owner_id)
        .distinct()
    )


def tell_seen_by_new(performer: User, production: Production, people: list[User]) -> None:
    """The performer is told who can now see their profile."""
    if not people:
        return
    values = {"who": ", ".join(_name(p) for p in people), "production": production.name}
    # Lazy: notify writes it in the language of the person it is for.
    subject = interpolate_lazy(gettext_lazy("%(who)s can now see your boundary profile"), **values)
    body = interpolate_lazy(
        gettext_lazy(
            "%(who)s can now see your boundary profile for %(production)s, as the "
            "production's intimacy coordinator. You can stop sharing at any time on your "
            "Sharing page; it is hidden at once."
        ),
        **values,
    )
    notices.notify(
        performer,
        "profile_seen_by_new",
        production=production,
        subject=subject,
        body=body,
        url=reverse("boundaries:sharing"),
    )


def tell_profile_changed(performer: User) -> None:
    """Each coordinator who relies on the performer's profile is told it has a new version."""
    shares = ProfileShare.objects.filter(
        profile__owner=performer, revoked_at__isnull=True
    ).select_related("production", "profile")
    for item in shares:
        for coordinator in _covered_coordinators(item):
            values = {"name": _name(performer), "production": item.production.name}
            subject = interpolate_lazy(
                gettext_lazy("%(name)s updated their boundary profile"), **values
            )
            body = interpolate_lazy(
                gettext_lazy(
                    "%(name)s saved a new version of their boundary profile for "
                    "%(production)s. Read it before you plan or check a scene with them."
                ),
                **values,
            )
            notices.notify(
                coordinator,
                "profile_changed",
                production=item.production,
                subject=subject,
                body=body,
                url=reverse(
                    "boundaries:production_profile", args=[item.production.pk, performer.handle]
                ),
            )


def tell_unshared(performer: User, production: Production, coordinators: list[User]) -> None:
    values = {"name": _name(performer), "production": production.name}
    for coordinator in coordinators:
        subject = interpolate_lazy(
            gettext_lazy("%(name)s stopped sharing their boundary profile"), **values
        )
        body = interpolate_lazy(
            gettext_lazy(
                "%(name)s has stopped sharing their boundary profile with "
                "%(production)s. Until they share it again, plan nothing with them "
                "that needs their answers; talk with them first."
            ),
            **values,
        )
        notices.notify(
            coordinator,
            "profile_unshared",
            production=production,
            subject=subject,
            body=body,
            url=reverse("boundaries:production", args=[production.pk]),
        )


# ---------------------------------------------------------------- the coordinator's view


def _coordinated(viewer: User, production_id: int) -> Production:
    require_known_ids(production_id)
    production = Production.objects.filter(pk=production_id).first()
    if production is None:
        raise NotFound(gettext("No such production."))
    roles = role_in(viewer, production)
    if not roles:
        raise NotFound(gettext("No such production."))
    if COORDINATOR not in roles:
        raise Forbidden(
            gettext("Only the production's intimacy coordinator sees boundary profiles.")
        )
    return production


@dataclass(frozen=True)
class CastProfile:
    performer: User
    profile: CoreProfile | None


def production_profiles(viewer: User, production_id: int) -> tuple[Production, list[CastProfile]]:
    """The coordinator's list: each performer of the production, with the profile if shared."""
    production = _coordinated(viewer, production_id)
    cast = performers(production)
    return production, [
        CastProfile(p, shared_profile(p, production, coordinator=viewer)) for p in cast
    ]


def production_profile(
    viewer: User, production_id: int, handle: str
) -> tuple[Production, User, CoreProfile]:
    production = _coordinated(viewer, production_id)
    performer = User.objects.filter(
        handle=handle,
        memberships__production=production,
        memberships__role=PERFORMER,
    ).first()
    profile = shared_profile(performer, production, coordinator=viewer) if performer else None
    if performer is None or profile is None:
        raise NotFound(gettext("No profile shared with this production under that performer id."))
    record_profile_view(viewer, performer, production, ProfileView.Via.PAGE)
    return production, performer, profile


@dataclass(frozen=True)
class ProfileSummary:
    """A shared profile as the coordinator's desk shows it: what matters first, in words."""

    performer: User
    hard_limits: list[str]
    soft_limits_and_maybes: list[str]
    conditions: list[str]
    # (act id, note): the plan shows each note beside the beats with that act.
    notes: list[tuple[str, str]]
    # Act ids with a no (in any direction or body part), and with a maybe.
    acts_no: set[str]
    acts_maybe: set[str]


def profile_summary(viewer: User, performer: User, production: Production) -> ProfileSummary | None:
    """The performer's shared profile summed up for a coordinator the share covers, else None.

    Reading it is a look the performer sees (once a day, like a plan check)."""
    if COORDINATOR not in role_in(viewer, production):
        return None
    profile = shared_profile(performer, production, coordinator=viewer)
    if profile is None:
        return None
    record_profile_view(viewer, performer, production, ProfileView.Via.PLAN)
    return summarise(performer, production, profile)


def summarise(performer: User, production: Production, profile: CoreProfile) -> ProfileSummary:
    """A profile already read (and its look recorded) summed up: what matters first."""
    who = _name(performer)
    names = {p.handle: _name(p) for p in performers(production)}
    hard: list[str] = []
    soft: list[str] = []
    conditions: list[str] = []
    if profile.barrier != "none":
        sentence = str(words.BARRIER_SENTENCES[profile.barrier])
        conditions.append(f"{who}: " + sentence[:1].lower() + sentence[1:])
    notes: list[tuple[str, str]] = []
    acts_no: set[str] = set()
    acts_maybe: set[str] = set()
    for entry in profile.boundaries:
        if words.is_no(entry):
            acts_no.add(entry.act)
            (hard if entry.limit == "hard" else soft).append(
                words.limit_sentence(entry, who)
                + (
                    ""
                    if entry.limit == "hard"
                    else " " + gettext("A soft limit: open to talking it through.")
                )
            )
        if entry.answer == "maybe" or "maybe" in entry.zones.values():
            acts_maybe.add(entry.act)
            soft.append(words.maybe_sentence(entry, who))
        if entry.answer != "no":
            conditions.extend(words.condition_sentences(entry, who, names))
        if entry.note:
            notes.append((entry.act, entry.note))
    return ProfileSummary(performer, hard, soft, conditions, notes, acts_no, acts_maybe)


# --- access transparency ---
#
# Every time a coordinator reads a performer's shared profile (its page, the API, or a scene
# plan's check with reasons), a row says who, when, where and how. The performer sees these on
# the sharing page; they seed the tamper-evident log.

LOOKS_PER_PAGE = 50


def record_profile_view(
    viewer: User | None, owner: User | None, production: Production, via: str
) -> None:
    """Note that `viewer` read `owner`'s shared profile. The owner's own looks are not noted;
    a plan check counts once per coordinator, profile, production and day."""
    if viewer is None or owner is None or viewer.pk == owner.pk:
        return
    # The version read is part of someone else's record now: later edits make a new one.
    current = ProfileVersion.objects.filter(profile__owner=owner).order_by("-number").first()
    if current is not None and current.seen_at is None:
        ProfileVersion.objects.filter(pk=current.pk, seen_at__isnull=True).update(
            seen_at=timezone.now()
        )
    today = timezone.localdate()
    row = {
        "owner": owner,
        "viewer": viewer,
        "production": production,
        "role": COORDINATOR,
        "via": via,
        "viewed_on": today,
    }
    if via != ProfileView.Via.PLAN:
        ProfileView.objects.create(**row)
        return
    # The plan page refreshes on every change: one row a day, not one per refresh.
    if ProfileView.objects.filter(**row).exists():
        return
    try:
        with transaction.atomic():
            ProfileView.objects.create(**row)
    except IntegrityError:
        pass  # a concurrent refresh wrote today's row first


def record_plan_check(
    coordinator: User | None, performer: User, production: Production, profile: object
) -> None:
    """A coordinator's plan check read this performer's shared profile (reasons and all)."""
    if coordinator is not None and profile is not None:
        record_profile_view(coordinator, performer, production, ProfileView.Via.PLAN)


def record_api_reads(viewer: User, production: Production, cast: list[CastProfile]) -> None:
    """The API's list hands over every shared profile in full: each one is a look."""
    for item in cast:
        if item.profile is not None:
            record_profile_view(viewer, item.performer, production, ProfileView.Via.API)


@dataclass(frozen=True)
class Look:
    """One look at the performer's profile, as the performer reads it."""

    viewer: str
    role: str
    production: str
    via: str
    at: datetime


# ProfileView.Via's labels in the reader's language (the model's choices stay the source).
VIA_LABELS: dict[str, str | Promise] = {
    ProfileView.Via.PAGE: gettext_lazy("the profile page"),
    ProfileView.Via.API: gettext_lazy("the API"),
    ProfileView.Via.PLAN: gettext_lazy("a scene plan's check"),
}


def _look(row: ProfileView) -> Look:
    viewer = row.viewer
    return Look(
        viewer=(viewer.display_name or viewer.handle) if viewer else gettext("A deleted account"),
        role=role_label(row.role),
        production=row.production.name,
        via=str(VIA_LABELS.get(row.via, row.get_via_display())),
        at=row.viewed_at,
    )


def who_looked(user: User, page: int | str | None = 1) -> Page[Look]:
    """Who looked at the person's profile, newest first, 50 a page (a bad page is page 1)."""
    rows = ProfileView.objects.filter(owner=user).select_related("viewer", "production")
    return page_of(rows.order_by("-viewed_at", "-pk"), LOOKS_PER_PAGE, page, _look)


def recent_looks(user: User, limit: int = 5) -> list[Look]:
    rows = ProfileView.objects.filter(owner=user).select_related("viewer", "production")
    return [_look(row) for row in rows.order_by("-viewed_at", "-pk")[:limit]]


# --- leaving: export and erasure ---


def export_profile_data(user: User) -> dict[str, Any]:
    """Everything boundaries holds about the person, their sealed versions opened."""
    versions = []
    for version in ProfileVersion.objects.filter(profile__owner=user).order_by("number"):
        try:
            data: Any = crypto.unseal_json(
                user, bytes(version.sealed), _context(user, version.number)
            )
        except crypto.CryptoError:
            data = None  # the key is gone: nobody can read it, the person included
        versions.append(
            {
                "number": version.number,
                "created_at": version.created_at,
                "last_changed_at": version.updated_at or version.created_at,
                "first_read_by_a_coordinator_at": version.seen_at,
                "brought_back_from_version": version.restored_from,
                "profile": data,
            }
        )
    shares = []
    for item in (
        ProfileShare.objects.filter(profile__owner=user)
        .select_related("production")
        .order_by("shared_at")
    ):
        shares.append(
            {
                "production": item.production.name,
                "shared_at": item.shared_at,
                "revoked_at": item.revoked_at,
                "seen_by": sorted(
                    c.membership.user.display_name
                    for c in item.coverage.select_related("membership__user")
                ),
            }
        )
    views = ProfileView.objects.select_related("viewer", "production", "owner")
    return {
        "profile_versions": versions,
        "shares": shares,
        "profile_views": [
            {
                "viewer": look.viewer,
                "role": look.role,
                "production": look.production,
                "via": row.via,
                "at": look.at,
            }
            for row in views.filter(owner=user).order_by("viewed_at", "pk")
            for look in [_look(row)]
        ],
        # The person's own looks at profiles shared with them, as a coordinator.
        "profile_views_made": [
            {
                "performer": row.owner.display_name,
                "production": row.production.name,
                "via": row.via,
                "at": row.viewed_at,
            }
            for row in views.filter(viewer=user).order_by("viewed_at", "pk")
        ],
    }


def erase_profile_data(user: User) -> None:
    """The person's profile, its versions and shares go; looks at it stay (others' history)."""
    ProfileShare.objects.filter(profile__owner=user).delete()
    BoundaryProfile.objects.filter(owner=user).delete()
