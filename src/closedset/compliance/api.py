"""JSON API for compliance, mounted at /api/v1/compliance/: the same services as the pages.

Identity records and clearances answer only the custodian (everyone else: the usual 403 or
404). The gate answers each role in its own words: the coordinator and custodian get reasons,
the producer and director cleared / not cleared only; a performer gets yes / not yet for their
co-performers' clearances.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from closedset.compliance import services
from closedset.lib.errors import InvalidInput
from closedset.productions.models import Role
from closedset.productions.services import get_production

router = Router(tags=["compliance"])
RECORDS = "/{int:production_id}/records"
SCENE = "/{int:production_id}/scenes/{int:scene_id}"


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


class RecordIn(Schema):
    performer: str = ""  # the performer's handle; only when adding a record
    legal_name: str
    date_of_birth: date
    other_names: list[str] = []
    document_type: str
    document_number: str
    document_issuer: str
    document_expiry: date

    def as_input(self) -> services.RecordInput:
        return services.RecordInput(
            legal_name=self.legal_name,
            date_of_birth=self.date_of_birth,
            other_names=list(self.other_names),
            document_type=self.document_type,
            document_number=self.document_number,
            document_issuer=self.document_issuer,
            document_expiry=self.document_expiry,
        )


class RecordOut(Schema):
    id: int
    performer: str
    performer_name: str
    legal_name: str
    date_of_birth: date
    other_names: list[str]
    document_type: str
    document_number: str
    document_issuer: str
    document_expiry: date | None
    has_document: bool
    document_content_type: str
    verified: bool
    checked_by: str | None
    checked_at: datetime | None


class DocumentIn(Schema):
    content_base64: str


class DocumentOut(Schema):
    content_type: str
    content_base64: str


class ClearanceIn(Schema):
    performer: str
    cleared: bool
    tested_on: date


class ClearanceOut(Schema):
    performer: str
    performer_name: str
    cleared: bool
    tested_on: date
    valid_today: bool


class GateOut(Schema):
    passed: bool
    day: date
    # Reasons for the coordinator and custodian; "cleared" or "not cleared (talk to the
    # coordinator)" for the producer and director.
    words: list[str]
    call_at: datetime | None


class ScheduleIn(Schema):
    call_at: datetime


class CoPerformersOut(Schema):
    testing: bool
    scheduled: bool
    everyone_cleared: bool


class HoldIn(Schema):
    on: bool


class HoldOut(Schema):
    on: bool


class SettingsIn(Schema):
    notice_hours: int
    clearance_valid_days: int


class SettingsOut(Schema):
    notice_hours: int
    clearance_valid_days: int


def _record_out(view: services.RecordView) -> RecordOut:
    return RecordOut(
        id=view.pk,
        performer=view.performer.handle or "",
        performer_name=view.performer.display_name,
        legal_name=view.legal_name,
        date_of_birth=view.date_of_birth,
        other_names=list(view.other_names),
        document_type=view.document_type,
        document_number=view.document_number,
        document_issuer=view.document_issuer,
        document_expiry=view.document_expiry,
        has_document=view.has_document,
        document_content_type=view.document_content_type,
        verified=view.verified,
        checked_by=view.checked_by.display_name if view.checked_by else None,
        checked_at=view.checked_at,
    )


def _gate_out(view: services.GateView) -> GateOut:
    return GateOut(passed=view.passed, day=view.day, words=view.words, call_at=view.call_at)


# --- the custodian's records ----------------------------------------------------------------


@router.get(RECORDS, response=list[RecordOut], summary="Identity records (custodian only)")
def list_records(request: HttpRequest, production_id: int, q: str = "") -> list[RecordOut]:
    user = _user(request)
    organisation = services.custodian_production(user, production_id).organisation
    return [_record_out(v) for v in services.search_records(user, organisation, q[:200])]


@router.post(RECORDS, response=RecordOut, summary="Add a performer's identity record")
def add_record(request: HttpRequest, production_id: int, data: RecordIn) -> RecordOut:
    user = _user(request)
    organisation = services.custodian_production(user, production_id).organisation
    record = services.add_record(user, organisation, data.performer, data.as_input())
    return _record_out(services.read_record(user, organisation, record.pk))


@router.get(RECORDS + "/{int:record_id}", response=RecordOut, summary="One identity record")
def get_record(request: HttpRequest, production_id: int, record_id: int) -> RecordOut:
    user = _user(request)
    organisation = services.custodian_production(user, production_id).organisation
    return _record_out(services.read_record(user, organisation, record_id))


@router.put(
    RECORDS + "/{int:record_id}",
    response=RecordOut,
    summary="Correct a record (it must be verified again)",
)
def update_record(
    request: HttpRequest, production_id: int, record_id: int, data: RecordIn
) -> RecordOut:
    user = _user(request)
    organisation = services.custodian_production(user, production_id).organisation
    services.update_record(user, organisation, record_id, data.as_input())
    return _record_out(services.read_record(user, organisation, record_id))


@router.put(
    RECORDS + "/{int:record_id}/document",
    response=RecordOut,
    summary="Upload the document copy (PNG, JPEG or PDF, base64)",
)
def put_document(
    request: HttpRequest, production_id: int, record_id: int, data: DocumentIn
) -> RecordOut:
    user = _user(request)
    organisation = services.custodian_production(user, production_id).organisation
    try:
        content = base64.b64decode(data.content_base64, validate=True)
    except (binascii.Error, ValueError):
        message = _("Send the file's bytes as base64.")
        raise InvalidInput(message, {"content_base64": message}) from None
    services.attach_document(user, organisation, record_id, content)
    return _record_out(services.read_record(user, organisation, record_id))


@router.get(
    RECORDS + "/{int:record_id}/document", response=DocumentOut, summary="The document copy"
)
def get_document(request: HttpRequest, production_id: int, record_id: int) -> DocumentOut:
    user = _user(request)
    organisation = services.custodian_production(user, production_id).organisation
    content, content_type = services.document_copy(user, organisation, record_id)
    return DocumentOut(content_type=content_type, content_base64=base64.b64encode(content).decode())


@router.post(
    RECORDS + "/{int:record_id}/verify",
    response=RecordOut,
    summary="Confirm you checked the document against the person",
)
def verify_record(request: HttpRequest, production_id: int, record_id: int) -> RecordOut:
    user = _user(request)
    organisation = services.custodian_production(user, production_id).organisation
    services.verify_record(user, organisation, record_id)
    return _record_out(services.read_record(user, organisation, record_id))


# --- clearances -----------------------------------------------------------------------------


def _clearance_out(row: services.ClearanceRow) -> ClearanceOut:
    return ClearanceOut(
        performer=row.performer.handle or "",
        performer_name=row.performer.display_name,
        cleared=row.cleared,
        tested_on=row.tested_on,
        valid_today=row.valid_today,
    )


@router.get(
    "/{int:production_id}/clearances",
    response=list[ClearanceOut],
    summary="Each performer's latest test clearance (custodian only)",
)
def list_clearances(request: HttpRequest, production_id: int) -> list[ClearanceOut]:
    user = _user(request)
    organisation = services.custodian_production(user, production_id).organisation
    return [_clearance_out(row) for row in services.clearances(user, organisation)]


@router.post(
    "/{int:production_id}/clearances",
    response=ClearanceOut,
    summary="Record a test clearance: cleared or not, and the test's date",
)
def add_clearance(request: HttpRequest, production_id: int, data: ClearanceIn) -> ClearanceOut:
    user = _user(request)
    organisation = services.custodian_production(user, production_id).organisation
    clearance = services.record_clearance(
        user, organisation, data.performer, cleared=data.cleared, tested_on=data.tested_on
    )
    row = next(
        r
        for r in services.clearances(user, organisation)
        if r.performer.pk == clearance.performer_id
    )
    return _clearance_out(row)


# --- the gate and the schedule --------------------------------------------------------------


@router.get(SCENE + "/gate", response=GateOut, summary="The scene's gate, in your role's words")
def get_gate(
    request: HttpRequest, production_id: int, scene_id: int, day: date | None = None
) -> GateOut:
    return _gate_out(services.gate_view(_user(request), production_id, scene_id, day))


@router.put(
    SCENE + "/schedule",
    response=GateOut,
    summary="Set the call time (producer or coordinator); refused unless the gate passes",
)
def put_schedule(
    request: HttpRequest, production_id: int, scene_id: int, data: ScheduleIn
) -> GateOut:
    user = _user(request)
    services.schedule_scene(user, production_id, scene_id, data.call_at)
    return _gate_out(services.gate_view(user, production_id, scene_id))


@router.get(
    SCENE + "/co-performers",
    response=CoPerformersOut,
    summary="Yes or not yet: is everyone you work with cleared for the shoot date?",
)
def co_performers(request: HttpRequest, production_id: int, scene_id: int) -> CoPerformersOut:
    view = services.performer_view(_user(request), production_id, scene_id)
    return CoPerformersOut(
        testing=view.testing, scheduled=view.scheduled, everyone_cleared=view.cleared
    )


# --- holds and settings ---------------------------------------------------------------------


@router.get("/{int:production_id}/hold", response=HoldOut, summary="Is a production hold on?")
def get_hold(request: HttpRequest, production_id: int) -> HoldOut:
    production = get_production(_user(request), production_id, Role.PRODUCER, Role.COORDINATOR)
    return HoldOut(on=services.hold_on(production))


@router.put("/{int:production_id}/hold", response=HoldOut, summary="Place or lift a hold")
def put_hold(request: HttpRequest, production_id: int, data: HoldIn) -> HoldOut:
    user = _user(request)
    production = get_production(user, production_id, Role.PRODUCER)
    return HoldOut(on=services.set_hold(user, production, on=data.on))


@router.get(
    "/{int:production_id}/settings", response=SettingsOut, summary="Notice and clearance settings"
)
def get_settings(request: HttpRequest, production_id: int) -> SettingsOut:
    production = get_production(_user(request), production_id, Role.PRODUCER, Role.COORDINATOR)
    row = services.settings_for(production)
    return SettingsOut(notice_hours=row.notice_hours, clearance_valid_days=row.clearance_valid_days)


@router.put(
    "/{int:production_id}/settings", response=SettingsOut, summary="Change the settings (producer)"
)
def put_settings(request: HttpRequest, production_id: int, data: SettingsIn) -> SettingsOut:
    user = _user(request)
    production = get_production(user, production_id, Role.PRODUCER)
    row = services.update_settings(
        user,
        production,
        notice_hours=data.notice_hours,
        clearance_valid_days=data.clearance_valid_days,
    )
    return SettingsOut(notice_hours=row.notice_hours, clearance_valid_days=row.clearance_valid_days)
