"""Compliance: the custodian's 18+ records, test clearances, holds, notice rules and the gates.

Every rule lives here, so pages, the API and anything else obey the same checks:

- Identity records are the custodian's alone. Another role, or another organisation's
  custodian, gets exactly the "not found" a missing record gives.
- A scene is scheduled only when its gate passes for the shoot day, and may start only when
  the gate still passes on the day: every cast performer consented to every beat of the final
  version; in an adult production each also has a verified record showing 18 or older on the
  day and a valid test clearance; and no production hold is on.
- The gate speaks to each role in its own words: the coordinator learns every check that failed
  and for whom; the custodian only the checks that are hers (records, clearances); the producer
  her own hold; beyond that "not cleared (talk to the coordinator)". When a scheduled scene's
  gate falls (or passes again), its producers and coordinators are told (`gate_changed`).
- Performers learn only yes / not yet for "every co-performer is cleared for the shoot date".

Nothing personal goes into the record (the log): a verification entry says that a record was
verified, for whom (as a commitment), never what it says.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext

from closedset.accounts.models import User
from closedset.lib import crypto, scope
from closedset.lib.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    require_known_ids,
)
from closedset.lib.i18n import interpolate_lazy
from closedset.productions.models import Membership, Organisation, Production, Role, Scene
from closedset.productions.services import granted_roles, require_role, role_in

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from .models import Clearance, ComplianceSettings, Hold, IdentityRecord, Schedule

# --- settings and words ---------------------------------------------------------------------

DEFAULT_NOTICE_HOURS: dict[str, int] = {"adult": 24, "mainstream": 48}
DEFAULT_CLEARANCE_VALID_DAYS = 14
# Fits inside one request body (CLOSEDSET_MAX_BODY_KB, 1 MB by default) with its form.
DOCUMENT_MAX_KB = int(getattr(settings, "CLOSEDSET_DOCUMENT_MAX_KB", 900))
DOCUMENT_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"%PDF-": "application/pdf",
}
MAX_NAME = 200
MAX_OTHER_NAMES = 30
MAX_DOCUMENT_FIELD = 100

# Lazy: said in the language of whoever reads them (a page, or a notice's recipient).
CLEARED = gettext_lazy("cleared")
NOT_CLEARED = gettext_lazy("not cleared (talk to the coordinator)")
FUTURE_TEST = gettext_lazy("That date is in the future: write the day the test was taken.")
ONLY_CUSTODIAN = gettext_lazy("Only the custodian of records can see identity records.")

SCHEDULERS = (Role.PRODUCER, Role.COORDINATOR)
# Who reads a gate, and in which words: the first two with reasons, the others without.
DETAILED_AUDIENCE = frozenset({Role.COORDINATOR, Role.CUSTODIAN})
GATE_READERS = (Role.COORDINATOR, Role.CUSTODIAN, Role.PRODUCER, Role.DIRECTOR)


class GateClosed(Conflict):
    """Scheduling or starting refused: the gate does not pass. The message fits the caller."""


# --- who is the custodian -------------------------------------------------------------------


def is_custodian(user: Any, organisation: Organisation) -> bool:
    """True when `user` keeps the records of `organisation`: the custodian in one of its
    productions that this request may reach (a token for one production reaches only it)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    memberships = Membership.objects.filter(
        user=user, role=Role.CUSTODIAN, production__organisation=organisation
    )
    return scope.only_allowed(memberships).exists()


def _require_custodian(user: Any, organisation: Organisation) -> None:
    # The same "not found" as a missing record: nobody else may learn that one exists.
    if not is_custodian(user, organisation):
        raise NotFound(gettext("No such record."))


def custodian_production(user: Any, production_id: int) -> Production:
    """The production, for its custodian: pages and the API reach records through it (404
    for outsiders, 403 for the production's other roles)."""
    require_role(user, production_id, Role.CUSTODIAN)
    return Production.objects.select_related("organisation").get(pk=production_id)


# --- identity records -----------------------------------------------------------------------


@dataclass(frozen=True)
class RecordInput:
    """What the custodian writes down from the document she checked."""

    legal_name: str
    date_of_birth: date | None
    other_names: Sequence[str] = ()
    document_type: str = ""
    document_number: str = ""
    document_issuer: str = ""
    document_expiry: date | None = None


@dataclass(frozen=True)
class RecordView:
    """One record as its custodian reads it (opened)."""

    pk: int
    performer: User
    legal_name: str
    date_of_birth: date
    other_names: tuple[str, ...]
    document_type: str
    document_number: str
    document_issuer: str
    document_expiry: date | None
    has_document: bool
    document_content_type: str
    checked_by: User | None
    checked_at: datetime | None

    @property
    def verified(self) -> bool:
        return self.checked_at is not None

    @property
    def known_as(self) -> str:
        """The performer's name on closedset, unless the legal name says it already."""
        name = self.performer.display_name
        return "" if _fold(name) == _fold(self.legal_name) else name

    @property
    def also(self) -> tuple[str, ...]:
        """The other names used, without any name already shown (legal or on closedset)."""
        seen = {_fold(self.legal_name), _fold(self.performer.display_name)}
        shown: list[str] = []
        for name in self.other_names:
            if _fold(name) not in seen:
                seen.add(_fold(name))
                shown.append(name)
        return tuple(shown)


def _context(performer: User, organisation_id: int, what: str) -> str:
    # Binds the ciphertext to its performer and organisation: a blob copied elsewhere won't open.
    return f"compliance.{what}:{organisation_id}:{performer.pk}"


def _clean_input(data: RecordInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    legal_name = " ".join((data.legal_name or "").split())
    if not legal_name:
        errors["legal_name"] = gettext("Write the legal name exactly as the document shows it.")
    elif len(legal_name) > MAX_NAME:
        errors["legal_name"] = gettext("Shorten the name to %(count)s characters or fewer.") % {
            "count": MAX_NAME
        }
    today = timezone.localdate()
    born = data.date_of_birth
    if born is None:
        errors["date_of_birth"] = gettext("Write the date of birth from the document.")
    elif born > today:
        errors["date_of_birth"] = gettext(
            "This date of birth is in the future; check the document."
        )
    elif born.year < 1900:
        errors["date_of_birth"] = gettext("Check the year of birth: it is before 1900.")
    others: list[str] = []
    for name in data.other_names or ():
        clean = " ".join(str(name).split())
        if not clean:
            continue
        if len(clean) > MAX_NAME:
            errors["other_names"] = gettext(
                "Shorten each name to %(count)s characters or fewer."
            ) % {"count": MAX_NAME}
        if clean.casefold() not in {o.casefold() for o in others}:
            others.append(clean)
    if len(others) > MAX_OTHER_NAMES:
        errors["other_names"] = gettext("Write at most %(count)s other names.") % {
            "count": MAX_OTHER_NAMES
        }
    fields = {}
    for name, missing in (
        ("document_type", gettext("Write the kind of document (for example passport).")),
        ("document_number", gettext("Write the document number.")),
        (
            "document_issuer",
            gettext("Write who issued the document (for example the country)."),
        ),
    ):
        value = " ".join(str(getattr(data, name) or "").split())
        if not value:
            errors[name] = missing
        elif len(value) > MAX_DOCUMENT_FIELD:
            errors[name] = gettext("Shorten this to %(count)s characters or fewer.") % {
                "count": MAX_DOCUMENT_FIELD
            }
        fields[name] = value
    if data.document_expiry is None:
        errors["document_expiry"] = gettext("Write the date the document expires.")
    if errors:
        raise InvalidInput(gettext("Please correct the marked fields."), errors)
    assert born is not None and data.document_expiry is not None
    return {
        "legal_name": legal_name,
        "date_of_birth": born.isoformat(),
        "other_names": others,
        **fields,
        "document_expiry": data.document_expiry.isoformat(),
    }


def _performer_in(organisation: Organisation, handle_or_user: Any) -> User:
    """A performer of one of the organisation's productions, or a not-found in words."""
    query: dict[str, object]
    if isinstance(handle_or_user, User):
        query = {"pk": handle_or_user.pk}
    else:
        query = {"handle": str(handle_or_user or "").strip()}
    performer = (
        User.objects.filter(
            memberships__production__organisation=organisation,
            memberships__role=Role.PERFORMER,
            is_active=True,
            **query,
        )
        .distinct()
        .first()
    )
    if performer is None:
        raise InvalidInput(
            gettext("Choose one of the performers of this company's productions."),
            {"performer": gettext("Choose a performer from the list.")},
        )
    return performer


def organisation_performers(custodian: Any, organisation: Organisation) -> list[User]:
    """Everyone who performs in one of the organisation's productions, for the custodian."""
    _require_custodian(custodian, organisation)
    return list(
        User.objects.filter(
            memberships__production__organisation=organisation,
            memberships__role=Role.PERFORMER,
            is_active=True,
        )
        .distinct()
        .order_by("display_name")
    )


def performers_without_record(custodian: Any, organisation: Organisation) -> list[User]:
    """The performers a new record can be added for: those who have none yet."""
    have = set(
        IdentityRecord.objects.filter(organisation=organisation).values_list(
            "performer_id", flat=True
        )
    )
    return [p for p in organisation_performers(custodian, organisation) if p.pk not in have]


def record_of(custodian: Any, organisation: Organisation, performer: Any) -> int | None:
    """The id of the performer's record (a handle or a User), for a link; None if none."""
    _require_custodian(custodian, organisation)
    handle = performer.handle if isinstance(performer, User) else str(performer or "").strip()
    return (
        IdentityRecord.objects.filter(organisation=organisation, performer__handle=handle)
        .values_list("pk", flat=True)
        .first()
    )


def _open(record: IdentityRecord) -> dict[str, Any] | None:
    """The sealed payload, or None if it no longer opens (the performer erased their data)."""
    try:
        data = crypto.unseal_json(
            record.performer,
            bytes(record.sealed),
            _context(record.performer, record.organisation_id, "identity"),
        )
    except crypto.CryptoError:
        return None
    return data if isinstance(data, dict) else None


def _view(record: IdentityRecord) -> RecordView:
    data = _open(record)
    if data is None:
        raise Conflict(
            gettext(
                "This record can no longer be opened (the performer's data was erased). "
                "Add a new record if they perform again."
            )
        )
    expiry = data.get("document_expiry")
    return RecordView(
        pk=record.pk,
        performer=record.performer,
        legal_name=data["legal_name"],
        date_of_birth=date.fromisoformat(data["date_of_birth"]),
        other_names=tuple(data.get("other_names", ())),
        document_type=data.get("document_type", ""),
        document_number=data.get("document_number", ""),
        document_issuer=data.get("document_issuer", ""),
        document_expiry=date.fromisoformat(expiry) if expiry else None,
        has_document=record.document is not None,
        document_content_type=record.document_content_type,
        checked_by=record.checked_by,
        checked_at=record.checked_at,
    )


def _record(organisation: Organisation, record_id: int, *, lock: bool = False) -> IdentityRecord:
    require_known_ids(record_id)
    rows = IdentityRecord.objects.select_related("performer", "checked_by")
    if lock:
        rows = rows.select_for_update(of=("self",))
    record = rows.filter(pk=record_id, organisation=organisation).first()
    if record is None:
        raise NotFound(gettext("No such record."))
    return record


def add_record(
    custodian: Any, organisation: Organisation, performer: Any, data: RecordInput
) -> IdentityRecord:
    """A new record for a performer (a handle or a User), not yet verified."""
    _require_custodian(custodian, organisation)
    person = _performer_in(organisation, performer)
    payload = _clean_input(data)
    exists = Conflict(
        gettext("There is a record for %(name)s already: open it to change it.")
        % {"name": person.display_name},
        {"performer": gettext("This performer has a record already.")},
    )
    if IdentityRecord.objects.filter(performer=person, organisation=organisation).exists():
        raise exists
    sealed = crypto.seal_json(person, payload, _context(person, organisation.pk, "identity"))
    try:
        with transaction.atomic():
            return IdentityRecord.objects.create(
                performer=person, organisation=organisation, sealed=sealed
            )
    except IntegrityError:
        # Two tabs added the same performer at once: the first one won.
        raise exists from None


def update_record(
    custodian: Any, organisation: Organisation, record_id: int, data: RecordInput
) -> IdentityRecord:
    """Change what the record says; a changed record must be checked (verified) again."""
    _require_custodian(custodian, organisation)
    payload = _clean_input(data)
    with transaction.atomic():
        record = _record(organisation, record_id, lock=True)
        before = _open(record)
        if before == payload:
            return record
        record.sealed = crypto.seal_json(
            record.performer,
            payload,
            _context(record.performer, organisation.pk, "identity"),
        )
        record.checked_by = None
        record.checked_at = None
        record.updated_at = timezone.now()
        record.save(update_fields=["sealed", "checked_by", "checked_at", "updated_at"])
        # Not verified any more: a scene this performer is scheduled in may have lost its gate.
        _recheck_performer(organisation, record.performer)
    return record


def sniff_document(content: bytes) -> str:
    """The content type from the first bytes (never from the name or what the browser says);
    InvalidInput in words for anything else, empty or too large."""
    if not content:
        raise InvalidInput(
            gettext("The file is empty. Take the photo or scan again."),
            {"document": gettext("The file is empty.")},
        )
    if len(content) > DOCUMENT_MAX_KB * 1024:
        message = too_large()
        raise InvalidInput(message, {"document": message})
    for magic, content_type in DOCUMENT_TYPES.items():
        if content.startswith(magic):
            return content_type
    message = gettext(
        "Upload a photo (PNG or JPEG) or a PDF of the document; this file is neither."
    )
    raise InvalidInput(message, {"document": message})


def too_large() -> str:
    """The copy is over the size limit, in the page's language."""
    return gettext(
        "The copy is larger than %(size)s KB. Take the photo again at a lower resolution, or "
        "save the scan as a smaller PDF."
    ) % {"size": DOCUMENT_MAX_KB}


def attach_document(
    custodian: Any, organisation: Organisation, record_id: int, content: bytes
) -> IdentityRecord:
    """Keep a copy of the document (replacing any earlier one); the record must be verified
    again, since what was checked has changed."""
    _require_custodian(custodian, organisation)
    content_type = sniff_document(content)
    with transaction.atomic():
        record = _record(organisation, record_id, lock=True)
        record.document = crypto.seal(
            record.performer,
            content,
            _context(record.performer, organisation.pk, "document"),
        )
        record.document_content_type = content_type
        record.checked_by = None
        record.checked_at = None
        record.updated_at = timezone.now()
        record.save(
            update_fields=[
                "document",
                "document_content_type",
                "checked_by",
                "checked_at",
                "updated_at",
            ]
        )
        _recheck_performer(organisation, record.performer)
    return record


def document_copy(custodian: Any, organisation: Organisation, record_id: int) -> tuple[bytes, str]:
    """The copy and its content type, for the custodian only."""
    _require_custodian(custodian, organisation)
    record = _record(organisation, record_id)
    if record.document is None:
        raise NotFound(gettext("No copy of the document has been uploaded for this record yet."))
    try:
        content = crypto.unseal(
            record.performer,
            bytes(record.document),
            _context(record.performer, organisation.pk, "document"),
        )
    except crypto.CryptoError:
        raise Conflict(
            gettext("This copy can no longer be opened (the performer's data was erased).")
        ) from None
    return content, record.document_content_type


def verify_record(custodian: Any, organisation: Organisation, record_id: int) -> IdentityRecord:
    """The custodian confirms she checked the document against the person. Logged as a
    verification (who, as a commitment; never what the record says)."""
    _require_custodian(custodian, organisation)
    from closedset.record.services import append

    with transaction.atomic():
        record = _record(organisation, record_id, lock=True)
        view = _view(record)
        if record.document is None:
            raise Conflict(
                gettext(
                    "Upload a copy of the document first: a record is verified against its copy."
                ),
                {"document": gettext("Upload a copy of the document.")},
            )
        today = timezone.localdate()
        if view.document_expiry is not None and view.document_expiry < today:
            raise Conflict(
                gettext(
                    "This document has expired. Check a current document, correct the record "
                    "and upload its copy, then verify."
                ),
                {"document_expiry": gettext("The document has expired.")},
            )
        record.checked_by = custodian
        record.checked_at = timezone.now()
        record.save(update_fields=["checked_by", "checked_at"])
        append(
            organisation,
            {"type": "verification", "outcome": "passed"},
            people=[record.performer],
        )
        _recheck_performer(organisation, record.performer)
    return record


def read_record(custodian: Any, organisation: Organisation, record_id: int) -> RecordView:
    _require_custodian(custodian, organisation)
    return _view(_record(organisation, record_id))


def records(custodian: Any, organisation: Organisation) -> list[RecordView]:
    """Every record of the organisation that still opens, by legal name."""
    _require_custodian(custodian, organisation)
    found = []
    rows = IdentityRecord.objects.filter(organisation=organisation).select_related(
        "performer", "checked_by"
    )
    for record in rows:
        try:
            found.append(_view(record))
        except DomainError:
            continue
    return sorted(found, key=lambda view: _fold(view.legal_name))


def _fold(text: str) -> str:
    """Case- and accent-insensitive form: "Zoë" and "ZOE" match."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def search_records(custodian: Any, organisation: Organisation, query: str) -> list[RecordView]:
    """Records any of whose names (legal, every other name used, the performer's name and
    handle on closedset) contain `query`, ignoring case and accents. The records are opened
    here, in the service: no name is kept in a form anyone could search without the keys."""
    everything = records(custodian, organisation)
    needle = _fold(query or "")
    if not needle:
        return everything
    productions = _productions_cast_in(organisation) if everything else {}
    return [
        view
        for view in everything
        if any(
            needle in _fold(name)
            for name in (
                view.legal_name,
                *view.other_names,
                view.performer.display_name,
                view.performer.handle or "",
                *productions.get(view.performer.pk, ()),
            )
        )
    ]


def _productions_cast_in(organisation: Organisation) -> dict[int, set[str]]:
    """Per performer, the names of the organisation's productions with a scene they are cast
    in: a record is found by the production too."""
    found: dict[int, set[str]] = {}
    scenes = Scene.objects.filter(production__organisation=organisation).select_related(
        "production"
    )
    for scene in scenes:
        for person in cast_performers(scene):
            found.setdefault(person.pk, set()).add(scene.production.name)
    return found


# --- age ------------------------------------------------------------------------------------


def eighteenth_birthday(born: date) -> date:
    """The day a person born on `born` turns 18.

    Someone born on 29 February turns 18 on 1 March, since 18 years after a leap year is never
    a leap year (the common-law and most statutory readings: the day after 28 February).
    """
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return date(born.year + 18, 3, 1)


def adult_on(born: date, day: date) -> bool:
    """18 or older on `day`: the 18th birthday itself counts."""
    return day >= eighteenth_birthday(born)


def is_adult_on(record: IdentityRecord, day: date) -> bool:
    """True if the record opens and shows its performer 18 or older on `day` (it does not say
    whether the record is verified: the gate asks that separately)."""
    data = _open(record)
    if data is None:
        return False
    return adult_on(date.fromisoformat(data["date_of_birth"]), day)


# --- clearances -----------------------------------------------------------------------------


def record_clearance(
    custodian: Any,
    organisation: Organisation,
    performer: Any,
    *,
    cleared: bool,
    tested_on: date,
) -> Clearance:
    """Write down a test result as the clearance service reported it: cleared or not, dated."""
    _require_custodian(custodian, organisation)
    person = _performer_in(organisation, performer)
    if tested_on > timezone.localdate():
        raise InvalidInput(str(FUTURE_TEST), {"tested_on": str(FUTURE_TEST)})
    from closedset.record.services import append

    with transaction.atomic():
        clearance = Clearance.objects.create(
            performer=person,
            organisation=organisation,
            cleared=bool(cleared),
            tested_on=tested_on,
            recorded_by=custodian,
        )
        # That a clearance was recorded, for whom; never the result (health data).
        append(organisation, {"type": "clearance"}, people=[person])
        _recheck_performer(organisation, person)
    return clearance


def clearance_valid_on(
    performer: Any, organisation: Organisation, day: date, *, valid_days: int | None = None
) -> bool:
    """True if the latest test taken on or before `day` cleared the performer, and was taken at
    most `valid_days` days before it (14 by default: tested on the 1st, valid up to and
    including the 15th). A test taken after `day` never vouches for it; two results of the same
    day count as cleared only if both are."""
    days = DEFAULT_CLEARANCE_VALID_DAYS if valid_days is None else valid_days
    rows = Clearance.objects.filter(
        performer=performer, organisation=organisation, tested_on__lte=day
    )
    latest = rows.order_by("-tested_on").values_list("tested_on", flat=True).first()
    if latest is None or (day - latest).days > days:
        return False
    return not rows.filter(tested_on=latest, cleared=False).exists()


@dataclass(frozen=True)
class ClearanceRow:
    performer: User
    cleared: bool
    tested_on: date
    valid_today: bool


def clearances(custodian: Any, organisation: Organisation) -> list[ClearanceRow]:
    """The latest result of each performer, for the custodian."""
    _require_custodian(custodian, organisation)
    today = timezone.localdate()
    latest: dict[int, Clearance] = {}
    for row in Clearance.objects.filter(organisation=organisation).select_related("performer"):
        latest.setdefault(row.performer_id, row)
    return sorted(
        (
            ClearanceRow(
                row.performer,
                row.cleared,
                row.tested_on,
                clearance_valid_on(row.performer, organisation, today),
            )
            for row in latest.values()
        ),
        key=lambda row: row.performer.display_name.lower(),
    )


@dataclass(frozen=True)
class ShootDay:
    """A scheduled shoot of a scene the performer is cast in, and whether the clearance holds."""

    scene: Scene
    day: date
    valid: bool


@dataclass(frozen=True)
class ClearanceHistory:
    """One performer's clearances, newest first, with validity today and on each shoot day."""

    performer: User
    results: tuple[Clearance, ...]
    valid_today: bool
    shoots: tuple[ShootDay, ...]


def clearance_histories(custodian: Any, organisation: Organisation) -> list[ClearanceHistory]:
    """Every recorded clearance of each performer, dated, newest first; valid today and for
    each upcoming scheduled shoot day of a scene they are cast in, with the production's
    validity setting."""
    _require_custodian(custodian, organisation)
    today = timezone.localdate()
    results: dict[int, list[Clearance]] = {}
    people: dict[int, User] = {}
    rows = Clearance.objects.filter(organisation=organisation).select_related(
        "performer", "recorded_by"
    )
    for row in rows.order_by("-tested_on", "-recorded_at", "-pk"):
        results.setdefault(row.performer_id, []).append(row)
        people[row.performer_id] = row.performer
    shoots: dict[int, list[ShootDay]] = {}
    for scene in _upcoming(scene__production__organisation=organisation):
        call_at = call_time(scene)
        if call_at is None:
            continue
        day = timezone.localdate(call_at)
        valid_days = settings_for(scene.production).clearance_valid_days
        for person in cast_performers(scene):
            if person.pk in people:
                valid = clearance_valid_on(person, organisation, day, valid_days=valid_days)
                shoots.setdefault(person.pk, []).append(ShootDay(scene, day, valid))
    return sorted(
        (
            ClearanceHistory(
                performer=person,
                results=tuple(results[pk]),
                valid_today=clearance_valid_on(person, organisation, today),
                shoots=tuple(shoots.get(pk, ())),
            )
            for pk, person in people.items()
        ),
        key=lambda history: history.performer.display_name.lower(),
    )


# --- settings, notice and holds -------------------------------------------------------------


def settings_for(production: Production) -> ComplianceSettings:
    """The production's settings (the defaults for its kind until someone changes them)."""
    found = ComplianceSettings.objects.filter(production=production).first()
    if found is not None:
        return found
    return ComplianceSettings(
        production=production,
        notice_hours=DEFAULT_NOTICE_HOURS.get(production.kind, 48),
        clearance_valid_days=DEFAULT_CLEARANCE_VALID_DAYS,
    )


def update_settings(
    user: Any, production: Production, *, notice_hours: int, clearance_valid_days: int
) -> ComplianceSettings:
    """The producer sets the notice period and how long a clearance stays valid."""
    require_role(user, production, Role.PRODUCER)
    errors = {}
    if not 1 <= notice_hours <= 24 * 30:
        errors["notice_hours"] = gettext("Choose between 1 hour and 720 hours (30 days).")
    if not 1 <= clearance_valid_days <= 90:
        errors["clearance_valid_days"] = gettext("Choose between 1 and 90 days.")
    if errors:
        raise InvalidInput(gettext("Please correct the marked fields."), errors)
    with transaction.atomic():
        row, _ = ComplianceSettings.objects.update_or_create(
            production=production,
            defaults={"notice_hours": notice_hours, "clearance_valid_days": clearance_valid_days},
        )
        # A shorter validity can end a clearance a scheduled scene relies on.
        _recheck_production(production)
    return row


def notice_period(production: Production) -> timedelta:
    """How long before call the plan must be final (24 h adult, 48 h mainstream by default)."""
    return timedelta(hours=settings_for(production).notice_hours)


def call_time(scene: Scene) -> datetime | None:
    return Schedule.objects.filter(scene=scene).values_list("call_at", flat=True).first()


def inside_notice_window(scene: Scene, when: datetime | None = None) -> bool:
    """True if a change made at `when` (now by default) comes too late for the notice period:
    it needs fresh consent and is marked late."""
    call_at = call_time(scene)
    if call_at is None:
        return False
    moment = when or timezone.now()
    return moment > call_at - notice_period(scene.production)


def hold_on(production: Production) -> bool:
    return Hold.objects.filter(production=production, lifted_at__isnull=True).exists()


def set_hold(user: Any, production: Production, *, on: bool) -> bool:
    """The producer places or lifts a production hold; returns whether it is on now."""
    require_role(user, production, Role.PRODUCER)
    from closedset.record.services import append

    with transaction.atomic():
        # One decision at a time per production: a schedule waits for a hold, and vice versa.
        Production.objects.select_for_update().filter(pk=production.pk).first()
        active = Hold.objects.filter(production=production, lifted_at__isnull=True).first()
        if on and active is None:
            Hold.objects.create(production=production, placed_by=user)
            append(production.organisation, {"type": "hold", "production": production.pk})
        elif not on and active is not None:
            active.lifted_at = timezone.now()
            active.lifted_by = user
            active.save(update_fields=["lifted_at", "lifted_by"])
            append(
                production.organisation,
                {"type": "hold", "production": production.pk, "outcome": "lifted"},
            )
        _recheck_production(production)
    return on


# --- the gate -------------------------------------------------------------------------------


def cast_performers(scene: Scene) -> list[User]:
    """Everyone cast in the scene: in its working plan and in its latest saved version (a
    performer dropped from the plan but still in the version to be shot is still checked)."""
    from closedset.plans.models import PlanVersion, RoleSlot

    people = {
        user.pk: user
        for user in User.objects.filter(
            pk__in=RoleSlot.objects.filter(plan__scene=scene, performer__isnull=False).values(
                "performer_id"
            )
        )
    }
    from closedset.consent.services import current_final

    latest = PlanVersion.objects.filter(plan__scene=scene).order_by("-number").first()
    final = current_final(scene)
    # The final version is the one consented to and shot: its cast is checked even when a
    # newer, unfinished version leaves someone out.
    versions = [latest, final.plan_version if final is not None else None]
    for version in versions:
        if version is None or not isinstance(version.data, dict):
            continue
        cast = version.data.get("cast") or {}
        handles = [h for h in cast.values() if isinstance(h, str)] if isinstance(cast, dict) else []
        for user in User.objects.filter(
            handle__in=handles,
            memberships__production=scene.production,
            memberships__role=Role.PERFORMER,
        ).distinct():
            people.setdefault(user.pk, user)
    return sorted(people.values(), key=lambda user: (user.display_name.lower(), user.pk))


def _all_consented(scene: Scene) -> bool:
    try:
        from closedset.consent.services import all_consented
    except ImportError:
        # Without the consent service nobody can have consented: the gate stays closed.
        return False
    return bool(all_consented(scene))


def _not_in_final(scene: Scene, cast: list[User]) -> list[User]:
    try:
        from closedset.consent.services import current_final
    except ImportError:
        return []
    final = current_final(scene)
    if final is None:
        return []  # "not consented" says it already
    data = final.plan_version.data or {}
    named = data.get("cast") if isinstance(data, dict) else None
    handles = set(named.values()) if isinstance(named, dict) else set()
    return [person for person in cast if person.handle not in handles]


# What each reason of a closed gate is about; `words_for` decides who may read which.
HOLD = "hold"
CAST = "cast"
CONSENT = "consent"
RECORD = "record"
CLEARANCE = "clearance"
# The reasons each role reads: the coordinator all of them; the custodian hers (the records and
# clearances she keeps); the producer her own hold, which says nothing about any performer.
REASONS_BY_ROLE: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset({HOLD, CAST, CONSENT, RECORD, CLEARANCE}),
    Role.CUSTODIAN: frozenset({RECORD, CLEARANCE}),
    Role.PRODUCER: frozenset({HOLD}),
}
OTHER_REASONS = gettext_lazy("Not cleared for other reasons too (talk to the coordinator).")
HOLD_REASON = gettext_lazy(
    "A production hold is on: nothing can be scheduled or start until the producer lifts it."
)


@dataclass(frozen=True)
class Gate:
    """A gate's answer for one scene and day. `reasons` name performers and checks, and
    `kinds` says what each one is about: who reads which is decided by `words_for`."""

    passed: bool
    day: date
    reasons: tuple[StrOrPromise, ...] = field(default=())
    kinds: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return self.passed

    @property
    def summary(self) -> StrOrPromise:
        return CLEARED if self.passed else NOT_CLEARED


def gate(scene: Scene, day: date) -> Gate:
    """Could the scene be shot on `day`? Every check runs, so the coordinator sees all that is
    missing at once."""
    production = scene.production
    found: list[tuple[str, StrOrPromise]] = []
    if hold_on(production):
        found.append((HOLD, HOLD_REASON))
    cast = cast_performers(scene)
    if not cast:
        found.append((CAST, gettext_lazy("No performer is cast in this scene yet.")))
    if not _all_consented(scene):
        found.append(
            (
                CONSENT,
                gettext_lazy(
                    "Not every cast performer has consented to every beat of the final plan "
                    "version."
                ),
            )
        )
    for person in _not_in_final(scene, cast):
        # Cast after the version was made final: they never had the chance to consent.
        found.append(
            (
                CAST,
                interpolate_lazy(
                    gettext_lazy(
                        "%(name)s is cast but not in the final plan version: mark a new version "
                        "final so they are asked."
                    ),
                    name=person.display_name,
                ),
            )
        )
    if production.kind == Production.Kind.ADULT:
        organisation = production.organisation
        valid_days = settings_for(production).clearance_valid_days
        records = {
            record.performer_id: record
            for record in IdentityRecord.objects.filter(
                organisation=organisation, performer__in=cast
            ).select_related("performer")
        }
        when = _day_words(day)
        for person in cast:
            name = person.display_name
            record = records.get(person.pk)
            if record is None:
                found.append((RECORD, _about(name, NO_RECORD)))
            elif not record.verified:
                found.append((RECORD, _about(name, NOT_VERIFIED)))
            elif _open(record) is None:
                found.append((RECORD, _about(name, NOT_OPENING)))
            elif not is_adult_on(record, day):
                found.append((RECORD, _about(name, NOT_ADULT, day=when)))
            if not clearance_valid_on(person, organisation, day, valid_days=valid_days):
                found.append((CLEARANCE, _about(name, NO_CLEARANCE, day=when)))
    return Gate(
        passed=not found,
        day=day,
        reasons=tuple(text for _, text in found),
        kinds=tuple(kind for kind, _ in found),
    )


def _detailed(user: Any, production: Production) -> bool:
    """Whether `user` reads every reason of a closed gate (the coordinator)."""
    return Role.COORDINATOR in role_in(user, production)


def _readable(roles: Iterable[str]) -> frozenset[str]:
    kinds: set[str] = set()
    for role in roles:
        kinds |= REASONS_BY_ROLE.get(role, frozenset())
    return frozenset(kinds)


def words_for(user: Any, production: Production, result: Gate) -> list[str]:
    """What `user` may read of a gate: every reason for the coordinator; the custodian the
    reasons about records and clearances; the producer her own hold; beyond that only
    "not cleared (talk to the coordinator)" (never who or why)."""
    return [str(words) for words in _words(role_in(user, production), result)]


def _words(roles: Iterable[str], result: Gate) -> list[StrOrPromise]:
    if result.passed:
        return [CLEARED]
    readable = _readable(roles)
    kinds = result.kinds or (CONSENT,) * len(result.reasons)
    shown = [text for kind, text in zip(kinds, result.reasons, strict=False) if kind in readable]
    if len(shown) == len(result.reasons):
        return shown
    return [*shown, OTHER_REASONS] if shown else [NOT_CLEARED]


NO_RECORD = gettext_lazy("%(name)s: no identity record yet; the custodian adds it.")
NOT_VERIFIED = gettext_lazy("%(name)s: the identity record is not verified yet.")
NOT_OPENING = gettext_lazy("%(name)s: the identity record can no longer be opened.")
NOT_ADULT = gettext_lazy("%(name)s: the identity record does not show 18 or older on %(day)s.")
NO_CLEARANCE = gettext_lazy("%(name)s: no valid test clearance for %(day)s.")


def _about(name: str, message: Any, **values: Any) -> str:
    return interpolate_lazy(message, name=name, **values)


def _format_day(day: date) -> str:
    from django.utils.formats import date_format

    return date_format(day, pgettext("date format: a shoot day in a sentence", "j F Y"))


# A day written out in the language it is read in ("26 November 2026").
_day_words = lazy(_format_day, str)


def _join(*parts: Any) -> str:
    return " ".join(str(part) for part in parts if str(part))


# Words joined with spaces, each in the language it is read in.
_join_lazy = lazy(_join, str)


def _names(production: Production, role: str) -> str:
    """The display names of the production's people in `role`, for "talk to ..."."""
    names = sorted(
        {
            m.user.display_name
            for m in Membership.objects.filter(
                production=production, role=role, user__is_active=True
            ).select_related("user")
        }
    )
    if len(names) < 2:
        return "".join(names)
    return gettext("%(first)s or %(last)s") % {
        "first": ", ".join(names[:-1]),
        "last": names[-1],
    }


@dataclass(frozen=True)
class NextStep:
    """What the reader of a closed gate can do next: words, and a page when there is one."""

    text: str
    url: str = ""


def next_steps(user: Any, scene: Scene, result: Gate) -> list[NextStep]:
    """Who to talk to, or where to go, for the reasons this reader may see (nothing more)."""
    from django.urls import reverse

    if result.passed:
        return []
    roles = role_in(user, scene.production)
    readable = _readable(roles)
    kinds = set(result.kinds)
    production = scene.production
    steps: list[NextStep] = []

    def talk_to(role: str, found: str, missing: str) -> None:
        who = _names(production, role)
        steps.append(NextStep(found % {"names": who} if who else missing))

    if Role.COORDINATOR in roles:
        if kinds & {CONSENT, CAST}:
            steps.append(
                NextStep(
                    gettext(
                        "Open the consent board to see who has not consented yet, and ask them "
                        "again or mark a new version final."
                    ),
                    reverse("consent:scene", args=[production.pk, scene.pk]),
                )
            )
        if kinds & {RECORD, CLEARANCE} and Role.CUSTODIAN not in roles:
            talk_to(
                Role.CUSTODIAN,
                gettext(
                    "Talk to %(names)s, the custodian of records, about the records and clearances."
                ),
                gettext("Ask the producer to add the custodian of records to the crew."),
            )
        if HOLD in kinds and Role.PRODUCER not in roles:
            talk_to(
                Role.PRODUCER,
                gettext("Talk to %(names)s, the producer, who lifts the hold."),
                gettext("Ask the producer to add the producer to the crew."),
            )
    if Role.CUSTODIAN in roles and kinds & {RECORD, CLEARANCE}:
        steps.append(
            NextStep(
                gettext("Add or verify the missing identity records."),
                reverse("compliance:records", args=[production.pk]),
            )
        )
        steps.append(
            NextStep(
                gettext("Record the missing test clearances."),
                reverse("compliance:clearances", args=[production.pk]),
            )
        )
    if Role.PRODUCER in roles and HOLD in kinds:
        steps.append(
            NextStep(
                gettext("Lift the hold on the compliance page once it is safe to shoot."),
                reverse("compliance:index", args=[production.pk]),
            )
        )
    if Role.COORDINATOR not in roles and kinds - readable:
        talk_to(
            Role.COORDINATOR,
            gettext("Talk to %(names)s, the coordinator, who can see what is missing."),
            gettext("Ask the producer to add the coordinator to the crew."),
        )
    return steps


def late_words(scene: Scene) -> str:
    """ "Late: ..." when the scene is scheduled and its final plan version came inside the
    notice window (the rule in `_late_for` and consent.mark_final); else empty."""
    from closedset.consent.services import current_final

    if call_time(scene) is None:
        return ""
    final = current_final(scene)
    if final is None or not final.late:
        return ""
    hours = settings_for(scene.production).notice_hours
    return ngettext(
        "Late: the final plan came inside the %(hours)s-hour notice window; every performer "
        "must consent again to the late change.",
        "Late: the final plan came inside the %(hours)s-hour notice window; every performer "
        "must consent again to the late change.",
        hours,
    ) % {"hours": hours}


@dataclass(frozen=True)
class GateView:
    passed: bool
    day: date
    words: list[str]
    detailed: bool  # the words list reasons (not only "not cleared")
    call_at: datetime | None
    steps: tuple[NextStep, ...] = ()
    late: str = ""


def gate_view(user: Any, production_id: int, scene_id: int, day: date | None = None) -> GateView:
    """The gate for the coordinator, custodian, producer and director, in their own words: for
    the scheduled day, or `day` when given, or today when the scene is not scheduled."""
    from closedset.productions.services import get_scene

    scene = get_scene(user, production_id, scene_id, *GATE_READERS)
    call_at = call_time(scene)
    when = day or (timezone.localdate(call_at) if call_at else timezone.localdate())
    result = gate(scene, when)
    words = words_for(user, scene.production, result)
    return GateView(
        passed=result.passed,
        day=when,
        words=words,
        detailed=not result.passed and words != [str(NOT_CLEARED)],
        call_at=call_at,
        steps=tuple(next_steps(user, scene, result)),
        late=late_words(scene),
    )


def _log_gate(
    scene: Scene, result: Gate, *, people: Iterable[User] = (), late: bool = False
) -> None:
    from closedset.record.services import append

    fields: dict[str, object] = {
        "type": "gate",
        "production": scene.production_id,
        "scene": scene.pk,
        "outcome": "passed" if result.passed else "failed",
    }
    if late:
        fields["late"] = True
    append(scene.production.organisation, fields, people=list(people))


def _late_for(scene: Scene, call_at: datetime) -> bool:
    """Whether the scene's final version was marked inside the notice period before this call:
    then it is late wherever it shows (domain.md §2.6)."""
    from closedset.consent.services import current_final

    final = current_final(scene)
    if final is None or final.late:
        return False
    if final.marked_at <= call_at - notice_period(scene.production):
        return False
    final.late = True
    final.save(update_fields=["late"])
    return True


def schedule(user: Any, scene: Scene, call_at: datetime) -> Schedule:
    """Set the scene's call time (producer or coordinator), only if the gate passes for that
    day. The gate's decision is logged either way; a refusal says why in the caller's words.
    A scene being shot keeps its day before the gate is asked (nothing to log: no decision)."""
    production = scene.production
    require_role(user, production, *SCHEDULERS)
    try:
        if timezone.is_naive(call_at):
            call_at = timezone.make_aware(call_at)
        day = timezone.localdate(call_at)
        too_far = call_at > timezone.now() + timedelta(days=3660)
    except (OverflowError, ValueError):
        too_far = True
    if too_far:
        message = gettext("Choose a call time within the next ten years.")
        raise InvalidInput(message, {"call_at": message})
    if call_at <= timezone.now():
        raise InvalidInput(
            gettext("Choose a call time in the future."),
            {"call_at": gettext("Choose a time in the future.")},
        )
    with transaction.atomic():
        # Serialise with holds and other schedules of this production.
        Production.objects.select_for_update().filter(pk=production.pk).first()
        _refuse_moving_an_open_run(scene, day)
        result = gate(scene, day)
        late = _late_for(scene, call_at) if result.passed else False
        _log_gate(scene, result, late=late)
        if result.passed:
            row, _ = Schedule.objects.update_or_create(
                scene=scene,
                defaults={
                    "call_at": call_at,
                    "scheduled_by": user,
                    "scheduled_at": timezone.now(),
                },
            )
    if not result.passed:
        # The refusal is in the log (committed above); the caller learns it in their words.
        words = words_for(user, production, result)
        # "This day" is the one typed just above the message; the page names it in full.
        if words == [str(NOT_CLEARED)]:
            message = gettext(
                "The scene cannot be scheduled for this day: not cleared. Talk to the coordinator."
            )
        else:
            message = gettext("The scene cannot be scheduled for this day: %(reasons)s") % {
                "reasons": " ".join(words)
            }
        raise GateClosed(message, {"call_at": message})
    return row


def _refuse_moving_an_open_run(scene: Scene, day: date) -> None:
    """A scene whose run is still open (one the set is living now: today's, or a night shoot
    from yesterday) keeps its day until the coordinator closes the run: moving the call to
    another day would start a second run beside the open one, its PAUSE and console split."""
    from closedset.onset.models import Run
    from closedset.onset.services import current_runs

    living = (
        current_runs(scene.production)
        .filter(scene=scene)
        .exclude(state=Run.State.CLOSED)
        .exclude(day=day)
        .order_by("-day")
        .first()
    )
    if living is not None:
        message = gettext(
            "Scene %(number)s is still being shot on %(day)s. Its call can move to another "
            "day once the coordinator has used Close the scene on the console."
        ) % {"number": scene.number, "day": _format_day(living.day)}
        raise Conflict(message, {"call_at": message})


def schedule_scene(user: Any, production_id: int, scene_id: int, call_at: datetime) -> Schedule:
    """`schedule` for pages and the API: 404/403 before anything else."""
    from closedset.productions.services import get_scene

    scene = get_scene(user, production_id, scene_id, *SCHEDULERS)
    return schedule(user, scene, call_at)


def may_start(scene: Scene, now: datetime | None = None) -> Gate:
    """Re-check the gate when the scene is about to start (the shoot day calls this); the
    decision is logged. Not scheduled means it may not start."""
    moment = now or timezone.now()
    day = timezone.localdate(moment)
    with transaction.atomic():
        result = gate(scene, day)
        if call_time(scene) is None:
            result = Gate(
                passed=False,
                day=day,
                reasons=(*result.reasons, gettext_lazy("The scene has not been scheduled.")),
            )
        _log_gate(scene, result)
    return result


# --- telling the producers and coordinators when a scheduled scene's gate changes ---------

# A kind of its own once notices has one; until then told as a plan change (as consent does).
GATE_NOTICE_KIND = "gate_changed"
# Each notice in its recipient's language (notices.notify renders these lazy texts).
_BACK_SUBJECT = gettext_lazy("Scene %(number)s can be shot as scheduled on %(day)s again")
_BACK_BODY = gettext_lazy("Every check of the gate passes again; the scene may start on the day.")
_LOST_SUBJECT = gettext_lazy("Scene %(number)s can no longer be shot as scheduled on %(day)s")
_LOST_BODY = gettext_lazy(
    "The gate no longer passes. Open the scene's compliance page to see why and what to do next."
)
_LOST_SUBJECT_ASK = gettext_lazy(
    "Scene %(number)s can no longer be shot as scheduled on %(day)s; talk to the coordinator"
)
_ASK = gettext_lazy("Talk to the coordinator: they know what is missing and what to do.")


def _gate_notice_kind() -> str:
    from closedset.notices.models import Kind

    return GATE_NOTICE_KIND if GATE_NOTICE_KIND in Kind.values else str(Kind.PLAN_CHANGED)


def _scene_url(scene: Scene) -> str:
    from django.urls import reverse

    return reverse("compliance:scene", args=[scene.production_id, scene.pk])


def _last_told_passing(row: Schedule) -> bool:
    """What the crew was last told about this schedule's gate. Nothing since it was set means
    it passed: a scene is scheduled only when its gate passes."""
    from closedset.notices.models import Notice

    last = (
        Notice.objects.filter(
            production_id=row.scene.production_id,
            kind=_gate_notice_kind(),
            url=_scene_url(row.scene),
            created_at__gte=row.scheduled_at,
        )
        .order_by("-created_at", "-pk")
        .values_list("body", flat=True)
        .first()
    )
    # The passing notice's body is one fixed sentence, in whichever language it was told in.
    return last is None or last in _said_everywhere(_BACK_BODY)


def _said_everywhere(message: Any) -> set[str]:
    """`message` in every language offered (and in English, the source)."""
    from django.utils import translation

    said = set()
    for code, _name in [(settings.LANGUAGE_CODE, ""), *settings.LANGUAGES]:
        with translation.override(code):
            said.add(str(message))
    return said


def _tell_crew(scene: Scene, result: Gate) -> None:
    """Each producer and coordinator of the production, in their own words: the coordinator
    the reasons she sees on the gate page; the producer only that the scene cannot be shot as
    scheduled (and her own hold, when it is one of the reasons)."""
    from closedset.notices.services import notify

    production = scene.production
    values = {"number": scene.number, "day": _day_words(result.day)}
    people = {
        m.user_id: m.user
        for m in Membership.objects.filter(
            production=production, role__in=SCHEDULERS, user__is_active=True
        ).select_related("user")
    }
    for person in people.values():
        # Separation of duties: a coordinator who also produces is no coordinator.
        roles = granted_roles(person, production)
        if not roles & set(SCHEDULERS):
            continue
        subject: Any
        body: Any
        if result.passed:
            subject = interpolate_lazy(_BACK_SUBJECT, **values)
            body = _BACK_BODY
        elif Role.COORDINATOR in roles:
            # The reasons (a test, an age, a consent) stay on the page: a notice is e-mailed.
            subject = interpolate_lazy(_LOST_SUBJECT, **values)
            body = _LOST_BODY
        else:
            subject = interpolate_lazy(_LOST_SUBJECT_ASK, **values)
            words = _words(roles, result)
            own = [w for w in words if w is not NOT_CLEARED and w is not OTHER_REASONS]
            body = _join_lazy(*own, _ASK)
        notify(
            person,
            _gate_notice_kind(),
            production=production,
            subject=subject,
            body=body,
            url=_scene_url(scene),
        )


def gate_changed(scene: Scene) -> bool | None:
    """Re-check a scheduled scene's gate for its shoot day after anything it depends on changed
    (a consent given or withdrawn, a new final version, a cast change, a record, a clearance, a
    hold, the settings). When it went from passing to failing, or back, the producers and
    coordinators are told (see `_tell_crew`). Returns whether it passes now; None when the
    scene is not scheduled or its shoot day is past. Safe to call inside the caller's
    transaction: the notices are saved with the change, or not at all."""
    with transaction.atomic():
        row = (
            Schedule.objects.select_for_update(of=("self",))
            .select_related("scene__production__organisation")
            .filter(scene_id=scene.pk)
            .first()
        )
        if row is None:
            return None
        day = timezone.localdate(row.call_at)
        if day < timezone.localdate():
            return None
        result = gate(row.scene, day)
        if result.passed != _last_told_passing(row):
            _tell_crew(row.scene, result)
        return result.passed


def _upcoming(**where: Any) -> list[Scene]:
    start = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    return [
        row.scene
        for row in Schedule.objects.filter(call_at__gte=start, **where)
        .select_related("scene__production__organisation")
        .order_by("call_at", "pk")
    ]


def recheck_upcoming() -> int:
    """Every upcoming scheduled scene, re-checked: a clearance also runs out as days pass, with
    no event to notice it (`closedset remind`, run from cron). Returns how many pass now."""
    return sum(bool(gate_changed(scene)) for scene in _upcoming())


def _recheck_production(production: Production) -> None:
    for scene in _upcoming(scene__production=production):
        gate_changed(scene)


def _recheck_performer(organisation: Organisation, performer: User) -> None:
    """Every upcoming scheduled scene of the organisation in which `performer` is cast."""
    for scene in _upcoming(scene__production__organisation=organisation):
        if performer.pk in {person.pk for person in cast_performers(scene)}:
            gate_changed(scene)


# --- what a performer sees ------------------------------------------------------------------


def co_performers_cleared(performer: Any, scene: Scene) -> bool:
    """Yes or no: is every co-performer's clearance valid on the scene's shoot date? Not yet
    when no date is set or a hold is on. Never a date, a result or a document."""
    call_at = call_time(scene)
    if call_at is None or hold_on(scene.production):
        return False
    day = timezone.localdate(call_at)
    production = scene.production
    valid_days = settings_for(production).clearance_valid_days
    return all(
        clearance_valid_on(other, production.organisation, day, valid_days=valid_days)
        for other in cast_performers(scene)
        if other.pk != performer.pk
    )


@dataclass(frozen=True)
class PerformerView:
    scene: Scene
    testing: bool  # the production gates on test clearances (adult)
    scheduled: bool
    cleared: bool


def performer_view(user: Any, production_id: int, scene_id: int) -> PerformerView:
    """A cast performer's view of their scene's clearances; others in the scene only."""
    from closedset.productions.services import get_scene

    scene = get_scene(user, production_id, scene_id, Role.PERFORMER)
    if user.pk not in {person.pk for person in cast_performers(scene)}:
        raise NotFound(gettext("You are not cast in this scene."))
    return PerformerView(
        scene=scene,
        testing=scene.production.kind == Production.Kind.ADULT,
        scheduled=call_time(scene) is not None,
        cleared=co_performers_cleared(user, scene),
    )


__all__ = [
    "CLEARED",
    "NOT_CLEARED",
    "Gate",
    "GateClosed",
    "GateView",
    "RecordInput",
    "RecordView",
    "add_record",
    "adult_on",
    "attach_document",
    "call_time",
    "clearance_histories",
    "clearance_valid_on",
    "clearances",
    "co_performers_cleared",
    "custodian_production",
    "document_copy",
    "eighteenth_birthday",
    "gate",
    "gate_changed",
    "gate_view",
    "hold_on",
    "inside_notice_window",
    "is_adult_on",
    "is_custodian",
    "may_start",
    "notice_period",
    "organisation_performers",
    "performer_view",
    "performers_without_record",
    "read_record",
    "record_clearance",
    "record_of",
    "records",
    "schedule",
    "schedule_scene",
    "search_records",
    "set_hold",
    "settings_for",
    "update_record",
    "update_settings",
    "verify_record",
]
