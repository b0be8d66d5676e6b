"""Closed-set call sheets: one production's shoot day, for the crew.

What a sheet holds: each scene called that day and its call time, which scenes are a closed
set, the named closed-set roster, the coordinators and how to reach them, what is needed
(modesty garments, barriers, robes, water, breaks: counted per scene, never whose), the set's
standing rules, and per performer only whether their rider is signed and whether the notice
was met.

What it never holds: any boundary detail. No act, zone, beat, intensity, consent answer or
reason, profile answer or note, and no coordinator's free "other" checklist lines: the sheet
is handed to crew, and from the producer's side the onset checklists (what a performer wears
or needs) are not hers to read person by person.

Who: the production's coordinators, producers and directors may read and print it (it holds
nothing intimate); only a coordinator sets her own phone number. Everyone else, performers,
custodians and other productions, gets the same "not found" as for what does not exist.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from closedset.callsheets.models import CoordinatorPhone
from closedset.lib.days import day_of
from closedset.lib.errors import MAX_ID, Forbidden, InvalidInput, NotFound
from closedset.productions.models import Production, Role, Scene
from closedset.productions.services import acting_members, role_in

READERS = frozenset({Role.COORDINATOR, Role.PRODUCER, Role.DIRECTOR})
NOT_FOUND = gettext_noop("No such production.")
PHONE_MAX = CoordinatorPhone._meta.get_field("phone").max_length or 40
# Digits with the usual separators: "+420 601 234 567", "(030) 1234-5678", "+36 1 234 5678".
_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]*[0-9]")
# How many days before and after today the page offers (a long production has many).
PAGE_DAYS_BACK = 14


# --- who ---------------------------------------------------------------------------------------


def _known(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def production_for(user: Any, production_id: int) -> Production:
    """The production, for its coordinators, producers and directors; NotFound for anyone
    else, whether or not it exists."""
    if not _known(production_id) or not role_in(user, production_id) & READERS:
        raise NotFound(NOT_FOUND)
    found = Production.objects.select_related("organisation").filter(pk=production_id).first()
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def is_coordinator(user: Any, production: Production) -> bool:
    return Role.COORDINATOR in role_in(user, production)


class NothingCalled(NotFound):
    """A reader asked for a day on which no scene is called: told so in words (a plain 404
    page never says why, so the view shows this one itself)."""


# --- days --------------------------------------------------------------------------------------


def parse_day(text: str) -> date:
    """The day of a sheet's address ("2026-11-26"), or InvalidInput in plain words."""
    message = gettext(
        "This address does not name a day. Choose a shoot day on the call sheet page."
    )
    return day_of(text, message)


def _schedules(production: Production) -> list[Any]:
    from closedset.compliance.models import Schedule

    return list(
        Schedule.objects.filter(scene__production=production)
        .select_related("scene__production")
        .order_by("call_at", "scene__number", "pk")
    )


def shoot_days(production: Production) -> list[date]:
    """Every day a scene of the production is called, in order (the production's time zone)."""
    return sorted({timezone.localdate(row.call_at) for row in _schedules(production)})


# --- the sheet ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str  # empty: "ask the production office"


@dataclass(frozen=True)
class Need:
    label: str
    count: int


@dataclass(frozen=True)
class PerformerLine:
    name: str
    rider_signed: bool
    notice_met: bool


@dataclass(frozen=True)
class RosterLine:
    name: str
    job: str


@dataclass(frozen=True)
class SceneSheet:
    number: str
    title: str
    call_at: datetime
    closed_set: bool
    roster: tuple[RosterLine, ...]
    garments: tuple[Need, ...]
    barriers: tuple[Need, ...]
    robes: int
    water: bool
    breaks: bool
    performers: tuple[PerformerLine, ...]


@dataclass(frozen=True)
class CallSheet:
    production: Production
    day: date
    scenes: tuple[SceneSheet, ...]
    coordinators: tuple[Contact, ...]
    notice_hours: int
    made_at: datetime

    @property
    def closed_scenes(self) -> list[str]:
        return [scene.number for scene in self.scenes if scene.closed_set]


def _has_beats(data: Any) -> bool:
    beats = data.get("beats") if isinstance(data, dict) else None
    return isinstance(beats, list) and bool(beats)


def is_intimate(scene: Scene, final: Any) -> bool:
    """A scene with intimate content: its final plan version or its working plan has beats,
    or the coordinator confirmed the script breakdown's flag for it."""
    from closedset.plans.models import Beat

    if final is not None and _has_beats(final.plan_version.data):
        return True
    if Beat.objects.filter(plan__scene=scene).exists():
        return True
    try:
        from closedset.breakdown.models import FlaggedScene
    except ImportError:  # pragma: no cover - the breakdown app is optional here
        return False
    return FlaggedScene.objects.filter(
        scene=scene, decision=FlaggedScene.Decision.CONFIRMED
    ).exists()


def _needs(labels: list[str]) -> tuple[Need, ...]:
    counts = Counter(labels)
    return tuple(Need(label, count) for label, count in sorted(counts.items()))


def _performer_lines(
    scene: Scene, final: Any, call_at: datetime, period: timedelta
) -> tuple[PerformerLine, ...]:
    """Per performer: rider signed (consented to every one of their beats of the current
    final version, none withdrawn or voided since) and notice met (asked at least the notice
    period before call, and the final version not marked late). Yes or no, nothing else."""
    from closedset.consent.models import ConsentRequest, Decision
    from closedset.consent.services import beat_ids_for
    from closedset.onset.day import cast_of

    people = cast_of(scene)
    if not people:
        return ()
    asked: dict[int, Any] = {}
    if final is not None:
        asked = {
            r.performer_id: r
            for r in ConsentRequest.objects.filter(final=final, performer__in=people)
        }
    data = (final.plan_version.data or {}) if final is not None else {}
    lines = []
    for person in people:
        request = asked.get(person.pk)
        signed = False
        notice = False
        if request is not None:
            mine = set(beat_ids_for(data, person.handle))
            consented = set(
                request.decisions.filter(
                    decision=Decision.CONSENT, withdrawn_at__isnull=True, voided_at__isnull=True
                ).values_list("beat_id", flat=True)
            )
            signed = bool(mine) and mine <= consented
            told = max(final.marked_at, request.created_at)
            notice = not final.late and told <= call_at - period
        name = getattr(person, "display_name", "") or person.handle
        lines.append(PerformerLine(name=name, rider_signed=signed, notice_met=notice))
    return tuple(lines)


def _scene_sheet(scene: Scene, day: date, call_at: datetime, period: timedelta) -> SceneSheet:
    from closedset.consent.services import current_final
    from closedset.onset.models import CheckItem, RosterEntry

    final = current_final(scene)
    roster = tuple(
        RosterLine(entry.name, entry.job)
        for entry in RosterEntry.objects.filter(scene=scene, day=day)
    )
    items = list(CheckItem.objects.filter(scene=scene, day=day))
    kinds = CheckItem.Kind

    def labels(kind: str) -> list[str]:
        from closedset.onset.day import line_label

        return [line_label(item) for item in items if item.kind == kind]

    intimate = is_intimate(scene, final)
    closed = intimate or bool(roster)
    return SceneSheet(
        number=scene.number,
        title=scene.title,
        call_at=call_at,
        closed_set=closed,
        roster=roster,
        garments=_needs(labels(kinds.GARMENT)),
        barriers=_needs(labels(kinds.BARRIER)),
        robes=len(labels(kinds.ROBE)),
        water=bool(labels(kinds.WATER)),
        breaks=bool(labels(kinds.BREAKS)),
        performers=_performer_lines(scene, final, call_at, period) if closed else (),
    )


def coordinators(production: Production) -> tuple[Contact, ...]:
    people = acting_members(production, Role.COORDINATOR)
    phones = dict(
        CoordinatorPhone.objects.filter(production=production).values_list(
            "coordinator_id", "phone"
        )
    )
    return tuple(
        Contact(getattr(person, "display_name", "") or person.handle, phones.get(person.pk, ""))
        for person in sorted(people, key=lambda p: (str(p.display_name).lower(), p.pk))
    )


def call_sheet(
    user: Any, production_id: int, day_text: str, now: datetime | None = None
) -> CallSheet:
    """The sheet of one shoot day. Who may not read it learns nothing, not even whether the
    day is well written; a reader is told, in plain words, what is wrong."""
    from closedset.compliance.services import notice_period, settings_for

    production = production_for(user, production_id)
    day = parse_day(day_text)
    rows = [row for row in _schedules(production) if timezone.localdate(row.call_at) == day]
    if not rows:
        raise NothingCalled(
            gettext(
                "No scene of %(production)s is called on %(day)s, so there is no call sheet "
                "for that day."
            )
            % {"production": production.name, "day": date_format(day, "DATE_FORMAT")}
        )
    period = notice_period(production)
    return CallSheet(
        production=production,
        day=day,
        scenes=tuple(_scene_sheet(row.scene, day, row.call_at, period) for row in rows),
        coordinators=coordinators(production),
        notice_hours=settings_for(production).notice_hours,
        made_at=now or timezone.now(),
    )


def call_sheet_pdf(user: Any, production_id: int, day_text: str) -> tuple[str, bytes]:
    """The sheet as a PDF (callsheets/sheet_pdf.html) in the active language, with its file
    name."""
    from django.template.loader import render_to_string
    from django.utils.text import slugify

    from closedset.rider.pdf import _render_pdf

    sheet = call_sheet(user, production_id, day_text)
    slug = slugify(sheet.production.name) or sheet.production.pk
    name = f"call-sheet-{slug}-{sheet.day:%Y-%m-%d}.pdf"
    html = render_to_string("callsheets/sheet_pdf.html", {"sheet": sheet})
    return name, _render_pdf(html)


# --- the page -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    production: Production
    days: tuple[date, ...]
    coordinator: bool  # may set her own phone
    phone: str  # hers, when she is a coordinator
    coordinators: tuple[Contact, ...]


def page(user: Any, production_id: int) -> Page:
    production = production_for(user, production_id)
    coordinator = is_coordinator(user, production)
    phone = ""
    if coordinator:
        phone = (
            CoordinatorPhone.objects.filter(production=production, coordinator=user)
            .values_list("phone", flat=True)
            .first()
            or ""
        )
    since = timezone.localdate() - timedelta(days=PAGE_DAYS_BACK)
    return Page(
        production=production,
        days=tuple(day for day in shoot_days(production) if day >= since),
        coordinator=coordinator,
        phone=phone,
        coordinators=coordinators(production),
    )


def clean_phone(raw: object) -> str:
    text = " ".join(str(raw or "").split())
    if not text:
        return ""
    if len(text) > PHONE_MAX or not _PHONE.fullmatch(text):
        message = gettext(
            "Write the number with digits, spaces and an optional + at the start, for example "
            "+420 601 234 567, or leave it empty."
        )
        raise InvalidInput(message, {"phone": message})
    return text


def set_phone(user: Any, production_id: int, raw: object) -> str:
    """A coordinator sets (or clears, with an empty value) the number crew call her on."""
    production = production_for(user, production_id)
    if not is_coordinator(user, production):
        raise Forbidden(gettext("Only a coordinator can set a phone number here."))
    phone = clean_phone(raw)
    with transaction.atomic():
        CoordinatorPhone.objects.update_or_create(
            production=production,
            coordinator=user,
            defaults={"phone": phone, "updated_at": timezone.now()},
        )
    return phone
