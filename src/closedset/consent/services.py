"""Consent per plan version (issue 9 items 1 and 2): every state change goes through here.

The coordinator marks a saved plan version final; each cast performer gets a private request,
reachable only in their own session, and answers each of their beats: consent or decline,
with an optional reason the coordinator alone reads. Signing needs the password or a code
again. Withdrawing is one tap. A newer final version carries over the answers to beats that
did not change and voids the rest, which asks again.

Who sees what (domain.md §1): the performer their own requests; the coordinator every answer
and reason (the board); the director and producer only "agreed" / "not agreed" for a scene;
anyone else nothing, and a request opened by anyone but its performer is "not found", exactly
as one that does not exist.

The record (closedset.record) gets one entry per final version, decision and withdrawal, in
the same transaction, holding ids and hashes only: never a name, a reason or free text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from closedset.accounts.errors import RateLimited
from closedset.accounts.models import User
from closedset.consent.models import (
    BeatDecision,
    ConsentEvent,
    ConsentRequest,
    Decision,
    FinalVersion,
)
from closedset.core.plan import Beat as CoreBeat
from closedset.core.taxonomy import Intensity, Taxonomy, load_taxonomy
from closedset.core.words import Persons, beat_sentence, words_in
from closedset.lib import crypto, scope
from closedset.lib.errors import MAX_ID, Conflict, InvalidInput, NotFound, require_known_ids
from closedset.lib.i18n import current_language, date_lazy, interpolate_lazy
from closedset.lib.transactions import after_commit
from closedset.plans.models import PlanVersion
from closedset.plans.services import scene_heading, scene_words
from closedset.productions.models import Production, Role, Scene

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE = ConsentEvent.Method.PAGE
API = ConsentEvent.Method.API
SYSTEM = ConsentEvent.Method.SYSTEM
METHODS = (PAGE, API)
AGREED = "agreed"
NOT_AGREED = "not agreed"
REASON_LIMIT = 1000
USER_AGENT_LIMIT = 300
REMIND_BEFORE = timedelta(hours=24)
# Wrong passwords or codes when signing, per person and hour: a borrowed, signed-in phone must
# not become a way to guess the password.
SIGN_FAILURES = 5
SIGN_WINDOW = 3600
NOT_FOUND = "No such consent request."
NO_DECISION = "No such answer."
WRONG_ANSWER = gettext_lazy(
    "That is not your password or a current code. Type the password you log in with, "
    "or the 6-digit code from your authenticator app."
)
WRONG_PASSWORD = gettext_lazy("That is not your password. Type the password you log in with.")


def tries_left_words(left: int) -> str:
    if left <= 1:
        return " " + _("One more wrong try locks signing for an hour.")
    return " " + ngettext(
        "%(left)s more wrong try locks signing for an hour.",
        "%(left)s more wrong tries lock signing for an hour.",
        left,
    ) % {"left": left}


def locked_words(until: datetime | None) -> str:
    """What a person locked out of signing reads: until when, and what else they can do."""
    if until:
        first = _(
            "Your password or code was wrong too many times, so signing is locked until %(time)s."
        ) % {"time": f"{timezone.localtime(until):%H:%M}"}
    else:
        first = _(
            "Your password or code was wrong too many times, so signing is locked for an hour."
        )
    return (
        first
        + " "
        + _(
            "You can still withdraw any answer at once. If you forgot your password, reset it, "
            "or ask your intimacy coordinator."
        )
    )


SUPERSEDED = gettext_lazy(
    "A newer version of this scene's plan was sent to you. Open your consent requests and "
    "answer the new one; nothing was signed."
)
RIDER_CHANGED = gettext_lazy(
    "Your rider changed while you were reading it. Read the request again, then sign; "
    "nothing was signed."
)


# ---------------------------------------------------------------- plan data helpers


def canonical_json(data: Any) -> bytes:
    """Keys sorted, no spaces, UTF-8: the same bytes for the same data, everywhere."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def plan_sha256(data: Any) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def _to(item: Mapping[str, Any]) -> list[str]:
    to = item.get("to") or []
    return [str(to)] if isinstance(to, str | int) else [str(r) for r in to]


def _beats(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [dict(b) for b in data.get("beats") or []]


def _cast(data: Mapping[str, Any]) -> dict[str, str | None]:
    return {str(role): (str(h) if h else None) for role, h in (data.get("cast") or {}).items()}


def _roles_of(data: Mapping[str, Any], handle: str) -> list[str]:
    return [role for role, h in _cast(data).items() if h == handle]


def beat_ids_for(data: Mapping[str, Any], handle: str) -> list[str]:
    """The ids of the beats the performer (by handle) is in, in plan order."""
    mine = set(_roles_of(data, handle))
    return [str(b["id"]) for b in _beats(data) if b.get("by") in mine or mine & set(_to(b))]


def _beat_signature(item: Mapping[str, Any], cast: Mapping[str, str | None]) -> str:
    """A beat's content with its roles replaced by who plays them: same signature, same beat
    for the performer (the same act by the same people, where, how hard, with what)."""
    return canonical_json(
        {
            "act": item.get("act"),
            "by": cast.get(str(item.get("by"))),
            "to": [cast.get(r) for r in _to(item)],
            "zone": item.get("zone"),
            "intensity": item.get("intensity", "light"),
            "barrier": item.get("barrier", "none"),
        }
    ).decode()


def _signatures(data: Mapping[str, Any]) -> dict[str, str]:
    cast = _cast(data)
    return {str(b["id"]): _beat_signature(b, cast) for b in _beats(data)}


def _name(user: Any) -> str:
    return str(getattr(user, "display_name", "") or getattr(user, "handle", ""))


def _cast_performers(production: Production, data: Mapping[str, Any]) -> dict[str, User]:
    """handle -> the production's performer of that handle, for every cast role."""
    handles = {h for h in _cast(data).values() if h}
    return {
        u.handle: u
        for u in User.objects.filter(
            handle__in=handles,
            memberships__production=production,
            memberships__role=Role.PERFORMER,
        ).distinct()
    }


# ---------------------------------------------------------------- access


def coordinator_of(user: Any, production: Production | int) -> None:
    """The production's coordinator passes; everyone else learns nothing exists."""
    from closedset.productions.services import role_in

    if Role.COORDINATOR not in role_in(user, production):
        raise NotFound("Not found.")


def _reader_of_state(user: Any, production: Production | int) -> None:
    from closedset.productions.services import role_in

    if not role_in(user, production) & {Role.COORDINATOR, Role.DIRECTOR, Role.PRODUCER}:
        raise NotFound("Not found.")


def _production_id(request: ConsentRequest) -> int:
    return int(request.final.plan_version.plan.scene.production_id)


def _request_of(user: Any, request_id: int, production_id: int | None = None) -> ConsentRequest:
    """The request, for its own performer only; anyone else gets exactly what a missing one
    gives (no hint that it exists)."""
    require_known_ids(request_id)
    if not getattr(user, "is_authenticated", False):
        raise NotFound(NOT_FOUND)
    found = (
        ConsentRequest.objects.select_related(
            "final__plan_version__plan__scene__production__organisation", "performer"
        )
        .filter(pk=request_id, performer=user)
        .first()
    )
    if found is None or not scope.allows(_production_id(found)):
        raise NotFound(NOT_FOUND)
    if production_id is not None and production_id != _production_id(found):
        raise NotFound(NOT_FOUND)
    return found


def _decision_of(user: Any, decision_id: int, production_id: int | None = None) -> BeatDecision:
    require_known_ids(decision_id)
    if not getattr(user, "is_authenticated", False):
        raise NotFound(NO_DECISION)
    found = (
        BeatDecision.objects.select_related(
            "request__final__plan_version__plan__scene__production__organisation",
            "request__performer",
        )
        .filter(pk=decision_id, request__performer=user)
        .first()
    )
    if found is None or not scope.allows(_production_id(found.request)):
        raise NotFound(NO_DECISION)
    if production_id is not None and production_id != _production_id(found.request):
        raise NotFound(NO_DECISION)
    return found


def _scene_of(user: Any, scene_id: int) -> Scene:
    require_known_ids(scene_id)
    scene = Scene.objects.select_related("production__organisation").filter(pk=scene_id).first()
    if scene is None:
        raise NotFound("Not found.")
    return scene


# ---------------------------------------------------------------- the record


def _append(scene: Scene, fields: Mapping[str, object], people: Iterable[Any] = ()) -> Any:
    from closedset.record import services as record

    return record.append(scene.production.organisation, dict(fields), people=list(people))


# The log takes beat ids of this shape only (record.services); the plan allows a wider one
# ("B1", "b1.2"). Beats outside it are left out of the entry and of its receipt alike.
def logged_beats(final: FinalVersion, beats: Iterable[str]) -> list[str]:
    """The beats as the log names them: their place in the final version ("1", "2" ...).

    A beat's id is free text the coordinator chose ("kiss-mara" would put a name in a log
    that can never be rewritten); the plan's SHA-256 in the same entry fixes what each
    place holds, so the place is enough to prove which beat was meant."""
    places = {
        str(item.get("id")): str(number)
        for number, item in enumerate(final.plan_version.data.get("beats") or [], start=1)
    }
    return [places[b] for b in beats if b in places]


def _entry_fields(
    kind: str,
    final: FinalVersion,
    *,
    beats: Iterable[str] = (),
    rider_sha256: str = "",
    refers_to: int | None = None,
    language: str = "",
) -> dict[str, object]:
    version = final.plan_version
    scene = version.plan.scene
    fields: dict[str, object] = {
        "type": kind,
        "production": int(scene.production_id),
        "scene": int(scene.pk),
        "plan_version": int(version.pk),
        "plan_sha256": final.plan_sha256,
        "late": bool(final.late),
    }
    beat_list = logged_beats(final, beats)
    if beat_list:
        fields["beats"] = beat_list
    if rider_sha256:
        fields["rider_sha256"] = rider_sha256
    if language:
        # The languages she read the rider in: hers, then the production's when it differs
        # ("cs+en"); rider_sha256 is the hash of exactly that text.
        fields["language"] = language
    if refers_to is not None:
        fields["refers_to"] = refers_to
    return fields


# ---------------------------------------------------------------- notice rules


def beat_shot(decision: BeatDecision) -> bool:
    """Whether the beat was already shot (then a withdrawal can no longer change it): marked
    done on the console of a run of this final version, or of an earlier one the answer was
    carried over from unchanged."""
    from closedset.onset.day import beat_was_shot

    finals: list[FinalVersion] = []
    current: BeatDecision | None = decision
    while current is not None and len(finals) < 100:
        finals.append(current.request.final)
        current = current.carried_from
    return any(beat_was_shot(final, decision.beat_id) for final in finals)


def _late(scene: Scene, at: datetime) -> bool:
    """Marked inside the production's notice window before the call time (domain.md §2.6)."""
    from closedset.compliance import services as compliance

    return bool(compliance.inside_notice_window(scene, at))


def _notice_hours(scene: Scene) -> int:
    from closedset.compliance import services as compliance

    return int(compliance.notice_period(scene.production).total_seconds() // 3600)


def _default_deadline(scene: Scene, at: datetime) -> datetime | None:
    """Answers are due when the notice window opens; inside it, by the call time."""
    from closedset.compliance import services as compliance

    call = compliance.call_time(scene)
    if call is None:
        return None
    opens = call - compliance.notice_period(scene.production)
    return opens if opens > at else call


def _deadline_before_call(scene: Scene, deadline: datetime | None) -> None:
    """Answers are due before the shoot, never after it."""
    from closedset.compliance import services as compliance

    call = compliance.call_time(scene)
    if deadline is None or call is None or deadline <= call:
        return
    message = (
        f"The call time is {timezone.localtime(call):%d %B %Y, %H:%M}: answers must be due by "
        "then. Choose a deadline at or before the call time, or leave it empty."
    )
    raise InvalidInput(message, {"deadline": message})


RIDER_FIELDS = (("expected_length", "expected length"), ("pay", "pay"))


@dataclass(frozen=True)
class RiderGap:
    """A cast performer whose rider lacks terms an adult production must give first."""

    name: str
    handle: str
    missing: tuple[str, ...]

    @property
    def words(self) -> str:
        """What the rider lacks ("Jonas's rider lacks pay") in the language active now, English
        as it always was; `missing` keeps the English field names the board's template compares."""
        values = {"name": self.name}
        if "expected length" in self.missing and "pay" in self.missing:
            return _("%(name)s's rider lacks expected length and pay") % values
        if "pay" in self.missing:
            return _("%(name)s's rider lacks pay") % values
        return _("%(name)s's rider lacks expected length") % values


def rider_gaps(scene: Scene, data: Mapping[str, Any]) -> list[RiderGap]:
    """Adult productions: each cast performer is told the expected length and pay before the
    plan is final (domain.md §2.6); the riders that do not say so yet. Empty otherwise."""
    from closedset.rider.models import RiderTerms

    if scene.production.kind != "adult":
        return []
    people = _cast_performers(scene.production, data)
    terms = {
        t.performer_id: t
        for t in RiderTerms.objects.filter(scene=scene, performer__in=list(people.values()))
    }
    gaps = []
    seen: set[str] = set()
    for handle in _cast(data).values():
        if not handle or handle in seen or handle not in people:
            continue
        seen.add(handle)
        performer = people[handle]
        found = terms.get(performer.pk)
        missing = tuple(
            label for name, label in RIDER_FIELDS if not (getattr(found, name, "") or "").strip()
        )
        if missing:
            gaps.append(RiderGap(_name(performer), handle, missing))
    return gaps


def _riders_complete(scene: Scene, data: Mapping[str, Any]) -> None:
    gaps = rider_gaps(scene, data)
    if not gaps:
        return
    lacking = "; ".join(g.words for g in gaps)
    message = _(
        "Before this version can be final, each performer must be told the expected length "
        "and pay: %(lacking)s. Fill them in on each performer's rider, then mark the version "
        "final again."
    ) % {"lacking": lacking}
    raise InvalidInput(message, {"version": message})


def gaps_for_board(user: Any, production_id: int, scene_id: int) -> list[RiderGap]:
    """The rider gaps of the newest saved version, for the coordinator's board."""
    scene = _coordinator_scene(user, production_id, scene_id)
    newest = PlanVersion.objects.filter(plan__scene=scene).order_by("-number").first()
    return rider_gaps(scene, newest.data or {}) if newest else []


# ---------------------------------------------------------------- telling performers


def _notice_kind(wanted: str) -> str:
    from closedset.notices.models import Kind

    # Until notices has consent kinds of its own, a request is told as a plan change.
    return wanted if wanted in Kind.values else str(Kind.PLAN_CHANGED)


def _tell(
    performer: User, scene: Scene, *, kind: str, subject: StrOrPromise, body: StrOrPromise
) -> None:
    from closedset.notices.services import notify

    # The consent list only: a link that signs would let whoever reads the mail sign.
    notify(
        performer,
        _notice_kind(kind),
        production=scene.production,
        subject=subject,
        body=body,
        url=reverse("consent:mine"),
    )


def _coordinators(production: Production) -> list[User]:
    from closedset.productions.services import acting_members

    return acting_members(production, Role.COORDINATOR)


def _tell_coordinators(scene: Scene, *, subject: StrOrPromise, body: StrOrPromise) -> None:
    """The scene's coordinators alone (never the director or producer): who and what, so
    she knows whom to talk to. Never the reason: that stays on the board."""
    from closedset.notices.services import notify

    url = reverse("consent:scene", args=[scene.production_id, scene.pk])
    for coordinator in _coordinators(scene.production):
        notify(
            coordinator,
            _notice_kind("consent_answer"),
            production=scene.production,
            subject=subject,
            body=body,
            url=url,
        )


# A notice may be read in an inbox: it says who and which scene, never what the beat is or
# why; the board, behind her sign-in, has the rest.
def _tell_declined(scene: Scene, performer: User, beats: list[str]) -> None:
    values = {"name": _name(performer), "scene": scene_words(scene), "count": len(beats)}
    _tell_coordinators(
        scene,
        subject=interpolate_lazy(
            ngettext_lazy(
                "%(name)s declined a beat: %(scene)s",
                "%(name)s declined %(count)s beats: %(scene)s",
                len(beats),
            ),
            **values,
        ),
        body=interpolate_lazy(
            ngettext_lazy(
                "%(name)s declined a beat of %(scene)s. The consent board shows which, and "
                "any reason they gave. Talk with %(name)s before the shoot.",
                "%(name)s declined %(count)s beats of %(scene)s. The consent board shows "
                "which, and any reason they gave. Talk with %(name)s before the shoot.",
                len(beats),
            ),
            **values,
        ),
    )


def _tell_withdrawn(scene: Scene, decision: BeatDecision) -> None:
    values = {"name": _name(decision.request.performer), "scene": scene_words(scene)}
    if decision.decision == Decision.CONSENT:
        subject = gettext_lazy("%(name)s withdrew consent: %(scene)s")
        body = gettext_lazy(
            "%(name)s withdrew their consent to a beat of %(scene)s. It counts at once; the "
            "scene is not agreed. The consent board shows which beat. Talk with %(name)s "
            "before the shoot."
        )
    else:
        subject = gettext_lazy("%(name)s took back a decline: %(scene)s")
        body = gettext_lazy(
            "%(name)s took back their decline of a beat of %(scene)s. They may answer it "
            "again; the consent board shows which beat."
        )
    _tell_coordinators(
        scene,
        subject=interpolate_lazy(subject, **values),
        body=interpolate_lazy(body, **values),
    )


def _tell_request(performer: User, scene: Scene, final: FinalVersion, asked_again: bool) -> None:
    # Lazy texts: notify writes them in her language, whoever marked the version final.
    parts = []
    if asked_again:
        parts.append(
            gettext_lazy(
                "Part of what you agreed to changed, so you are asked again about those beats."
            )
        )
    parts.append(
        gettext_lazy(
            "Sign in and open Consent to read your beats and answer each one: consent "
            "or decline. You need not give a reason."
        )
    )
    if final.late:
        parts.append(gettext_lazy("This is a late change, inside the notice period."))
    _tell(
        performer,
        scene,
        kind="consent_request",
        subject=interpolate_lazy(
            gettext_lazy("A consent request waits for you: %(scene)s"), scene=scene_words(scene)
        ),
        body=format_lazy(" ".join(["{}"] * len(parts)), *parts),
    )


# ---------------------------------------------------------------- marking a version final


def _event(
    request: ConsentRequest,
    kind: str,
    *,
    method: str,
    beat_id: str = "",
    ip: str | None = None,
    user_agent: str = "",
    rider_sha256: str = "",
    languages: str = "",
    at: datetime | None = None,
) -> ConsentEvent:
    return ConsentEvent.objects.create(
        request=request,
        kind=kind,
        beat_id=beat_id,
        at=at or timezone.now(),
        method=method,
        ip=_valid_ip(ip),
        # PostgreSQL cannot store a NUL byte in text; a browser never sends one.
        user_agent=(user_agent or "").replace("\x00", "")[:USER_AGENT_LIMIT],
        plan_sha256=request.final.plan_sha256,
        rider_sha256=rider_sha256,
        # Which languages the rider was shown in ("cs+en": hers, then the production's).
        language=languages[:16],
    )


def _valid_ip(ip: str | None) -> str | None:
    import ipaddress

    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None


def _reason_context(request: ConsentRequest, beat_id: str) -> str:
    return f"consent.reason:{request.pk}:{beat_id}"


def _seal_reason(request: ConsentRequest, beat_id: str, text: str) -> bytes | None:
    text = (text or "").strip()
    if not text:
        return None
    return crypto.seal_text(request.performer, text, _reason_context(request, beat_id))


def _open_reason(decision: BeatDecision) -> str:
    if not decision.reason:
        return ""
    try:
        return crypto.unseal_text(
            decision.request.performer,
            bytes(decision.reason),
            _reason_context(decision.request, decision.beat_id),
        )
    except crypto.CryptoError:
        return "(no longer readable: the performer's data was erased)"


def current_final(scene: Scene) -> FinalVersion | None:
    """The scene's newest final version, or None before one is marked."""
    return (
        FinalVersion.objects.filter(plan_version__plan__scene=scene, superseded_at__isnull=True)
        .select_related("plan_version__plan__scene__production")
        .order_by("-plan_version__number", "-pk")
        .first()
    )


def mark_final(
    user: Any,
    plan_version: PlanVersion,
    *,
    deadline: datetime | None = None,
    method: str = PAGE,
    ip: str | None = None,
    user_agent: str = "",
) -> FinalVersion:
    """The coordinator fixes a saved version for consent and asks each cast performer.

    A newer final carries over the answers to beats that are the same for the performer and
    voids the others (they are asked again); an older or the same version is refused.
    """
    from closedset.plans.models import ScenePlan

    scene = plan_version.plan.scene
    production = scene.production
    coordinator_of(user, production)
    now = timezone.now()
    if deadline is not None:
        try:
            if timezone.is_naive(deadline):
                deadline = timezone.make_aware(deadline)
            too_far = deadline > now + timedelta(days=3660)
        except (OverflowError, ValueError):
            too_far = True
        if too_far:
            message = "Choose a deadline within the next ten years."
            raise InvalidInput(message, {"deadline": message})
    if deadline is not None and deadline <= now:
        message = "The deadline has passed already. Choose a later date, or none."
        raise InvalidInput(message, {"deadline": message})
    _deadline_before_call(scene, deadline)
    _riders_complete(scene, plan_version.data or {})
    with transaction.atomic():
        # One final at a time per scene: marking and a consent racing it are serialised.
        ScenePlan.objects.select_for_update().filter(pk=plan_version.plan_id).first()
        previous = (
            FinalVersion.objects.select_for_update()
            .filter(plan_version__plan_id=plan_version.plan_id, superseded_at__isnull=True)
            .select_related("plan_version")
            .order_by("-plan_version__number", "-pk")
            .first()
        )
        if previous is not None and previous.plan_version.number >= plan_version.number:
            if previous.plan_version_id == plan_version.pk:
                message = f"Version {plan_version.number} is already final."
            else:
                message = (
                    f"Version {previous.plan_version.number} is final already; mark a newer "
                    "version final, not an older one."
                )
            raise Conflict(message, {"version": message})
        if FinalVersion.objects.filter(plan_version=plan_version).exists():
            message = f"Version {plan_version.number} was final once already; save a new version."
            raise Conflict(message, {"version": message})
        data = plan_version.data or {}
        final = FinalVersion.objects.create(
            plan_version=plan_version,
            marked_by=user,
            marked_at=now,
            deadline=deadline or _default_deadline(scene, now),
            late=_late(scene, now),
            plan_sha256=plan_sha256(data),
        )
        fields = _entry_fields("plan-final", final)
        fields["notice_hours"] = _notice_hours(scene)
        final.log_entry = _append(scene, fields)
        final.save(update_fields=["log_entry"])
        carried = _supersede(previous, final, now, method, ip, user_agent)
        people = _cast_performers(production, data)
        for handle, role in ((h, r) for r, h in _cast(data).items() if h):
            performer = people.get(handle)
            if performer is None:
                continue
            request = ConsentRequest.objects.create(
                final=final, performer=performer, role=role, created_at=now
            )
            _event(request, ConsentEvent.Kind.SENT, method=method, ip=ip, user_agent=user_agent)
            asked_again = _carry_over(request, carried, data, now)
            if not fully_answered(request):
                _tell_request(performer, scene, final, asked_again)
        _gate_may_change(scene)
    return final


def _supersede(
    previous: FinalVersion | None,
    final: FinalVersion,
    now: datetime,
    method: str,
    ip: str | None,
    user_agent: str,
) -> dict[int, dict[str, BeatDecision]]:
    """End the previous final: its current answers to beats that stay the same are handed
    on (performer id -> beat id -> answer); the rest are voided."""
    if previous is None:
        return {}
    previous.superseded_at = now
    previous.save(update_fields=["superseded_at"])
    old = _signatures(previous.plan_version.data or {})
    new = _signatures(final.plan_version.data or {})
    handed: dict[int, dict[str, BeatDecision]] = {}
    requests = ConsentRequest.objects.select_for_update().filter(final=previous)
    for request in requests.select_related("performer", "final"):
        new_beats = set(beat_ids_for(final.plan_version.data or {}, request.performer.handle))
        for decision in request.decisions.filter(withdrawn_at__isnull=True, voided_at__isnull=True):
            beat = decision.beat_id
            if beat in new_beats and old.get(beat) == new.get(beat):
                handed.setdefault(request.performer_id, {})[beat] = decision
                continue
            decision.voided_at = now
            decision.save(update_fields=["voided_at"])
            _event(
                request,
                ConsentEvent.Kind.VOIDED,
                beat_id=beat,
                method=method,
                ip=ip,
                user_agent=user_agent,
            )
    return handed


def _carry_over(
    request: ConsentRequest,
    carried: Mapping[int, Mapping[str, BeatDecision]],
    data: Mapping[str, Any],
    now: datetime,
) -> bool:
    """Copy the performer's unchanged answers onto the new request; True when some answer of
    theirs was voided (they are asked again)."""
    theirs = carried.get(request.performer_id, {})
    voided = BeatDecision.objects.filter(
        request__performer=request.performer,
        request__final__plan_version__plan_id=request.final.plan_version.plan_id,
        voided_at=now,
    ).exists()
    for beat_id in beat_ids_for(data, request.performer.handle):
        old = theirs.get(beat_id)
        if old is None:
            continue
        reason = None
        if old.reason:
            try:
                text = crypto.unseal_text(
                    old.request.performer, bytes(old.reason), _reason_context(old.request, beat_id)
                )
            except crypto.CryptoError:
                text = ""  # unreadable stays unreadable: nothing is re-sealed in its place
            reason = _seal_reason(request, beat_id, text)
        BeatDecision.objects.create(
            request=request,
            beat_id=beat_id,
            decision=old.decision,
            reason=reason,
            decided_at=old.decided_at,
            carried_from=old,
            # The signed entry stays the original's: the beat is byte for byte what they signed.
            log_entry=old.log_entry,
        )
        _event(request, ConsentEvent.Kind.CARRIED, beat_id=beat_id, method=SYSTEM, at=now)
    return voided


def versions_to_mark(user: Any, production_id: int, scene_id: int) -> list[PlanVersion]:
    """Saved versions newer than the current final, newest first (the coordinator's list)."""
    scene = _coordinator_scene(user, production_id, scene_id)
    final = current_final(scene)
    found = PlanVersion.objects.filter(plan__scene=scene).order_by("-number")
    if final is not None:
        found = found.filter(number__gt=final.plan_version.number)
    return list(found)


def _coordinator_scene(user: Any, production_id: int, scene_id: int) -> Scene:
    require_known_ids(production_id, scene_id)
    coordinator_of(user, production_id)
    scene = _scene_of(user, scene_id)
    if scene.production_id != production_id:
        raise NotFound("Not found.")
    return scene


def mark_final_number(
    user: Any,
    production_id: int,
    scene_id: int,
    number: int,
    *,
    deadline: datetime | None = None,
    method: str = PAGE,
    ip: str | None = None,
    user_agent: str = "",
) -> FinalVersion:
    """mark_final for version `number` of the scene (pages)."""
    scene = _coordinator_scene(user, production_id, scene_id)
    version = None
    if 0 < number <= MAX_ID:
        version = PlanVersion.objects.filter(plan__scene=scene, number=number).first()
    if version is None:
        message = "There is no saved version with that number. Save the plan as a version first."
        raise InvalidInput(message, {"version": message})
    return mark_final(user, version, deadline=deadline, method=method, ip=ip, user_agent=user_agent)


def mark_final_by_id(
    user: Any,
    plan_version_id: int,
    *,
    deadline: datetime | None = None,
    method: str = API,
    ip: str | None = None,
    user_agent: str = "",
    production_id: int | None = None,
) -> FinalVersion:
    """mark_final for a version by its id (the API); outsiders learn nothing exists."""
    require_known_ids(plan_version_id)
    version = (
        PlanVersion.objects.select_related("plan__scene__production")
        .filter(pk=plan_version_id)
        .first()
    )
    if version is None:
        raise NotFound("Not found.")
    if production_id is not None and production_id != version.plan.scene.production_id:
        raise NotFound("Not found.")
    coordinator_of(user, version.plan.scene.production)
    return mark_final(user, version, deadline=deadline, method=method, ip=ip, user_agent=user_agent)


# ---------------------------------------------------------------- the performer's request


@dataclass(frozen=True)
class BeatWords:
    """One beat as its performer reads it, with the details the plan holds."""

    beat_id: str
    sentence: str
    what: str
    gloss: str
    by: str
    to: str
    where: str
    how_hard: str
    barrier: str
    nudity: bool


@dataclass(frozen=True)
class DecisionInfo:
    pk: int
    beat_id: str
    decision: str
    state: str  # consented | declined | withdrawn | voided
    state_words: str
    decided_at: datetime
    withdrawn_at: datetime | None
    voided_at: datetime | None
    carried: bool
    can_withdraw: bool
    has_receipt: bool
    has_withdrawal_receipt: bool
    sentence: str = ""

    @property
    def at(self) -> datetime:
        """When what it says happened: the withdrawal or the voiding, else the answer."""
        return self.withdrawn_at or self.voided_at or self.decided_at

    @property
    def withdrew_consent(self) -> bool:
        return self.state == "withdrawn" and self.decision == Decision.CONSENT


@dataclass(frozen=True)
class RequestBeat:
    words: BeatWords
    current: DecisionInfo | None
    earlier: tuple[DecisionInfo, ...] = ()
    # The same beat in the production's language, when hers is another one.
    alongside: BeatWords | None = None

    @property
    def latest(self) -> DecisionInfo | None:
        """What the beat's state is now: the current answer, else the last that ended."""
        if self.current is not None:
            return self.current
        return self.earlier[-1] if self.earlier else None

    @property
    def before(self) -> tuple[DecisionInfo, ...]:
        """Everything earlier than `latest`, newest first (folded away on the pages)."""
        rest = self.earlier if self.current is not None else self.earlier[:-1]
        return tuple(reversed(rest))

    @property
    def withdrew(self) -> bool:
        """She withdrew her consent and has not answered since: nothing is asked of her."""
        return self.current is None and self.latest is not None and self.latest.withdrew_consent


@dataclass(frozen=True)
class RequestView:
    pk: int
    production: str
    scene_title: str
    version: int
    late: bool
    deadline: datetime | None
    superseded: bool
    beats: tuple[RequestBeat, ...]
    rider_html: str
    rider_sha256: str
    plan_sha256: str
    partners: tuple[str, ...]
    answered: bool
    # The languages the rider and beats are shown in: hers, then the production's if another.
    languages: tuple[str, ...] = ("en",)

    @property
    def bilingual(self) -> bool:
        return len(self.languages) > 1

    @property
    def other_language(self) -> str:
        return self.languages[1] if self.bilingual else ""

    @property
    def waiting(self) -> list[RequestBeat]:
        return [b for b in self.beats if b.current is None]

    @property
    def unanswered(self) -> list[RequestBeat]:
        """Beats still asked about: a withdrawn consent is not asked again."""
        return [b for b in self.waiting if not b.withdrew]


def _taxonomy() -> Taxonomy:
    return load_taxonomy()


def _names_for(final: FinalVersion) -> dict[str, str | None]:
    data = final.plan_version.data or {}
    people = _cast_performers(final.plan_version.plan.scene.production, data)
    return {role: _name(people[h]) if h in people else None for role, h in _cast(data).items()}


def _core_beat(item: Mapping[str, Any]) -> CoreBeat:
    return CoreBeat(
        id=str(item["id"]),
        act=str(item["act"]),
        by=str(item["by"]),
        to=tuple(_to(item)),
        zone=item.get("zone"),
        intensity=Intensity[str(item.get("intensity", "light"))],
        barrier=str(item.get("barrier", "none")),
    )


def beat_words(
    final: FinalVersion,
    me: str | None,
    taxonomy: Taxonomy | None = None,
    lang: str | None = None,
) -> dict[str, BeatWords]:
    """Every beat of the final version in plain words for the reader playing role `me`
    (None: the coordinator, everyone by name), in `lang` (else the page's language)."""
    lang = lang or current_language()
    words = words_in(lang)
    taxonomy = taxonomy if taxonomy is not None and taxonomy.lang == lang else load_taxonomy(lang)
    persons = Persons(_names_for(final), me=me)
    found: dict[str, BeatWords] = {}
    for item in _beats(final.plan_version.data or {}):
        beat = _core_beat(item)
        act = taxonomy.acts[beat.act]
        zone = taxonomy.zones.get(beat.zone) if beat.zone else None
        nudity = act.category == "nudity"
        found[beat.id] = BeatWords(
            beat_id=beat.id,
            sentence=beat_sentence(beat, persons, taxonomy, lang=lang),
            what=act.label,
            # Lower-cased: it follows the act's name ("Slap: a strike with an open hand.").
            gloss=act.gloss[:1].lower() + act.gloss[1:],
            by=persons.name(beat.by, lang),
            to=", ".join(persons.name(r, lang) for r in beat.to),
            where=zone.label.lower() if zone else "",
            how_hard="" if nudity else words(f"intensity:{beat.intensity.name}"),
            barrier=words(f"barrier:{beat.barrier}")
            if beat.barrier in ("none", "condom", "barrier")
            else beat.barrier,
            nudity=nudity,
        )
    return found


RIDER_VOIDED = gettext_lazy(
    "Your rider terms changed (pay, length or use of footage): please read them and answer again."
)
PLAN_VOIDED = gettext_lazy("No longer counts: this beat changed in a newer version of the plan.")


def _voided_by_rider(decision: BeatDecision) -> bool:
    """Voided while its version was still the final one: the rider terms changed
    (a newer final voids at the moment it replaces the old one)."""
    superseded = decision.request.final.superseded_at
    return superseded is None or decision.voided_at != superseded


def _state(decision: BeatDecision) -> tuple[str, str]:
    if decision.voided_at is not None:
        return "voided", str(RIDER_VOIDED if _voided_by_rider(decision) else PLAN_VOIDED)
    if decision.withdrawn_at is not None:
        if decision.decision == Decision.CONSENT:
            return "withdrawn", _("You withdrew your consent.")
        return "withdrawn", _("You took back your decline.")
    if decision.decision == Decision.CONSENT:
        return "consented", _("You consented.")
    return "declined", _("You declined.")


def decision_info(decision: BeatDecision, sentence: str = "") -> DecisionInfo:
    state, words = _state(decision)
    final = decision.request.final
    return DecisionInfo(
        pk=decision.pk,
        beat_id=decision.beat_id,
        decision=decision.decision,
        state=state,
        state_words=words,
        decided_at=decision.decided_at,
        withdrawn_at=decision.withdrawn_at,
        voided_at=decision.voided_at,
        # "Unchanged from an earlier version" would contradict a voided answer.
        carried=decision.carried_from_id is not None and decision.voided_at is None,
        can_withdraw=decision.current and final.superseded_at is None,
        has_receipt=decision.log_entry_id is not None,
        has_withdrawal_receipt=decision.withdrawal_entry_id is not None,
        sentence=sentence,
    )


def _rider(final: FinalVersion, performer: Any) -> Any:
    from closedset.rider import services as rider

    return rider.rider_for(final.plan_version, performer)


def _partners(final: FinalVersion, role: str, beat_ids: set[str]) -> tuple[str, ...]:
    names = _names_for(final)
    partners: dict[str, None] = {}
    for item in _beats(final.plan_version.data or {}):
        if str(item["id"]) not in beat_ids:
            continue
        for r in (str(item.get("by")), *_to(item)):
            if r != role and names.get(r):
                partners[str(names[r])] = None
    return tuple(partners)


def request_view(request: ConsentRequest) -> RequestView:
    final = request.final
    data = final.plan_version.data or {}
    scene = final.plan_version.plan.scene
    mine = beat_ids_for(data, request.performer.handle)
    rider = _rider(final, request.performer)
    words = beat_words(final, request.role, lang=rider.language)
    other = beat_words(final, request.role, lang=rider.languages[1]) if rider.bilingual else {}
    decisions = list(
        request.decisions.select_related("request__final").order_by("decided_at", "pk")
    )
    beats = []
    for beat_id in mine:
        rows = [d for d in decisions if d.beat_id == beat_id]
        current = next((d for d in rows if d.current), None)
        beats.append(
            RequestBeat(
                words=words[beat_id],
                current=decision_info(current) if current else None,
                earlier=_by_time(decision_info(d) for d in rows if not d.current),
                alongside=other.get(beat_id),
            )
        )
    title = scene_heading(scene)
    return RequestView(
        pk=request.pk,
        production=scene.production.name,
        scene_title=title,
        version=final.plan_version.number,
        late=final.late,
        deadline=final.deadline,
        superseded=final.superseded_at is not None,
        beats=tuple(beats),
        rider_html=rider.html,
        rider_sha256=rider.sha256,
        plan_sha256=final.plan_sha256,
        partners=_partners(final, request.role, set(mine)),
        answered=all(b.current is not None for b in beats),
        languages=rider.languages,
    )


def open_request(
    user: Any,
    request_id: int,
    *,
    method: str = PAGE,
    ip: str | None = None,
    user_agent: str = "",
    production_id: int | None = None,
) -> RequestView:
    """The performer's own request in plain words, with the rider; the first opening is
    recorded. Anyone else: NotFound, the same as for a request that does not exist."""
    request = _request_of(user, request_id, production_id)
    view = request_view(request)
    if request.opened_at is None:
        with transaction.atomic():
            locked = ConsentRequest.objects.select_for_update().get(pk=request.pk)
            if locked.opened_at is None:
                locked.opened_at = timezone.now()
                locked.save(update_fields=["opened_at"])
                _event(
                    request,
                    ConsentEvent.Kind.OPENED,
                    method=method,
                    ip=ip,
                    user_agent=user_agent,
                    rider_sha256=view.rider_sha256,
                    languages="+".join(view.languages),
                )
    return view


def _settled(decisions: Iterable[BeatDecision]) -> set[str]:
    """Beats nothing more is asked about: answered now, or her consent withdrawn since (a
    withdrawal is an answer; she need not answer again)."""
    rows = list(decisions)
    current = {d.beat_id for d in rows if d.current}
    ended: dict[str, BeatDecision] = {}
    for d in sorted(rows, key=lambda d: (d.withdrawn_at or d.voided_at or d.decided_at, d.pk)):
        if not d.current:
            ended[d.beat_id] = d
    withdrew = {
        b for b, d in ended.items() if d.withdrawn_at is not None and d.decision == Decision.CONSENT
    }
    return current | withdrew


def fully_answered(request: ConsentRequest) -> bool:
    mine = set(beat_ids_for(request.final.plan_version.data or {}, request.performer.handle))
    return mine <= _settled(request.decisions.all())


# ---------------------------------------------------------------- signing


def _lock_key(user: Any) -> str:
    return f"closedset:consent-sign-locked:{user.pk}"


def _failures_key(user: Any) -> str:
    return f"closedset:consent-sign-failures:{user.pk}"


def sign_locked_until(user: Any) -> datetime | None:
    """When signing opens again for a person locked out by wrong passwords; None if not."""
    if not getattr(user, "is_authenticated", False):
        return None
    value = cache.get(_lock_key(user))
    if not value:
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return timezone.now() + timedelta(seconds=SIGN_WINDOW)


def has_second_factor(user: Any) -> bool:
    """Whether signing may take an authenticator code besides the password."""
    from closedset.accounts import services as accounts

    return bool(getattr(user, "is_authenticated", False) and accounts.has_confirmed_totp(user))


def _count_failure(user: Any) -> int:
    """One more wrong answer within the hour; returns how many so far."""
    key = _failures_key(user)
    if cache.add(key, 1, SIGN_WINDOW):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, SIGN_WINDOW)
        return 1


def reauthenticate(user: Any, secret: str) -> None:
    """The password, or a current authenticator code, again: signing is an act of intent.
    Wrong answers are counted; past the limit, signing waits an hour (withdrawing does not)."""
    from closedset.accounts import services as accounts

    until = sign_locked_until(user)
    if until is not None:
        message = locked_words(until)
        raise RateLimited(message, {"password_or_code": message})
    secret = (secret or "").strip()
    if secret:
        if user.check_password(secret):
            return
        if accounts.has_confirmed_totp(user):
            try:
                accounts.verify_totp(user, secret)
                return
            except InvalidInput:
                pass
    failures = _count_failure(user)
    if failures > SIGN_FAILURES:
        until = timezone.now() + timedelta(seconds=SIGN_WINDOW)
        cache.set(_lock_key(user), until.isoformat(), SIGN_WINDOW)
        message = locked_words(until)
        raise RateLimited(message, {"password_or_code": message})
    wrong = WRONG_ANSWER if has_second_factor(user) else WRONG_PASSWORD
    message = str(wrong) + tries_left_words(SIGN_FAILURES + 1 - failures)
    raise InvalidInput(message, {"password_or_code": message})


class AlreadyAnswered(Conflict):
    """A beat was answered differently meanwhile (another tab, another device)."""


def _already_answered(final: FinalVersion, role: str, decisions: list[BeatDecision]) -> str:
    words = beat_words(final, role)
    said = []
    for d in decisions:
        sentence = words[d.beat_id].sentence if d.beat_id in words else _("this beat")
        values = {"beat": sentence, "time": f"{timezone.localtime(d.decided_at):%H:%M}"}
        if d.decision == Decision.CONSENT:
            said.append(_("You already consented to: %(beat)s, at %(time)s") % values)
        else:
            said.append(_("You already declined: %(beat)s, at %(time)s") % values)
    return (
        "; ".join(said)
        + ". "
        + _(
            "Nothing was signed now. Open the request again to see your answers; to change "
            "one, withdraw it there first."
        )
    )


def _clean_answers(
    answers: Mapping[str, str], reasons: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    clean: dict[str, str] = {}
    for beat_id, answer in answers.items():
        if answer not in Decision.values:
            message = _("Answer each beat with consent or decline.")
            raise InvalidInput(message, {str(beat_id)[:40]: message})
        clean[str(beat_id)] = str(answer)
    if not clean:
        message = _("Answer at least one beat: consent or decline.")
        raise InvalidInput(message, {"answers": message})
    texts: dict[str, str] = {}
    for beat_id, text in (reasons or {}).items():
        text = str(text or "").strip()
        if len(text) > REASON_LIMIT:
            message = _("Keep a reason under %(limit)s characters.") % {"limit": REASON_LIMIT}
            raise InvalidInput(message, {str(beat_id)[:40]: message})
        if text:
            texts[str(beat_id)] = text
    return clean, texts


def decide(
    user: Any,
    request_id: int,
    answers: Mapping[str, str],
    reasons: Mapping[str, str] | None = None,
    *,
    password_or_code: str,
    method: str = PAGE,
    ip: str | None = None,
    user_agent: str = "",
    rider_sha256: str | None = None,
    production_id: int | None = None,
) -> list[BeatDecision]:
    """Sign the performer's answers: one decision, one record entry and one event per beat.

    Re-authenticates first. The request row is locked, so a double submit or a second tab
    adds nothing: an answer identical to the current one is a no-op; a different one is
    refused until the first is withdrawn. A request whose version was superseded is refused.
    `rider_sha256` is the hash of the rider the page showed; when given it must still match.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    request = _request_of(user, request_id, production_id)
    clean, texts = _clean_answers(answers, reasons or {})
    reauthenticate(user, password_or_code)
    made: list[BeatDecision] = []
    with transaction.atomic():
        final = FinalVersion.objects.select_for_update().get(pk=request.final_id)
        request = ConsentRequest.objects.select_for_update().get(pk=request.pk)
        request = _request_of(user, request.pk)
        if final.superseded_at is not None:
            raise Conflict(str(SUPERSEDED))
        data = final.plan_version.data or {}
        mine = beat_ids_for(data, user.handle)
        stranger = [b for b in clean if b not in mine]
        if stranger:
            message = _(
                "Some answers are for beats you are not in. Reload the page and answer again."
            )
            raise InvalidInput(message, {b[:40]: message for b in stranger})
        rider = _rider(final, request.performer)
        if rider_sha256 is not None and rider_sha256 != rider.sha256:
            raise Conflict(str(RIDER_CHANGED))
        current = {
            d.beat_id: d
            for d in request.decisions.filter(withdrawn_at__isnull=True, voided_at__isnull=True)
        }
        changed = [b for b, a in clean.items() if b in current and current[b].decision != a]
        if changed:
            message = _already_answered(final, request.role, [current[b] for b in changed])
            raise AlreadyAnswered(message, {b: message for b in changed})
        now = timezone.now()
        scene = final.plan_version.plan.scene
        for beat_id in mine:
            answer = clean.get(beat_id)
            if answer is None or beat_id in current:
                continue  # not answered now, or the same answer again: nothing new
            decision = BeatDecision.objects.create(
                request=request,
                beat_id=beat_id,
                decision=answer,
                reason=_seal_reason(request, beat_id, texts.get(beat_id, "")),
                decided_at=now,
            )
            kind = "consent" if answer == Decision.CONSENT else "decline"
            decision.log_entry = _append(
                scene,
                _entry_fields(
                    kind,
                    final,
                    beats=[beat_id],
                    rider_sha256=rider.sha256,
                    language=rider.languages_shown,
                ),
                people=[request.performer],
            )
            decision.save(update_fields=["log_entry"])
            _event(
                request,
                ConsentEvent.Kind.CONSENTED
                if answer == Decision.CONSENT
                else ConsentEvent.Kind.DECLINED,
                beat_id=beat_id,
                method=method,
                ip=ip,
                user_agent=user_agent,
                rider_sha256=rider.sha256,
                languages=rider.languages_shown,
                at=now,
            )
            made.append(decision)
        declined = [d.beat_id for d in made if d.decision == Decision.DECLINE]
        if declined:
            performer = request.performer
            after_commit(lambda: _tell_declined(scene, performer, declined))
        if made:
            _gate_may_change(scene)
    return made


def _gate_may_change(scene: Scene) -> None:
    # A scheduled scene's crew hears at once when it can no longer be shot, or can again.
    from closedset.compliance.services import gate_changed

    gate_changed(scene)


def withdraw(
    user: Any,
    decision_id: int,
    *,
    method: str = PAGE,
    ip: str | None = None,
    user_agent: str = "",
    production_id: int | None = None,
) -> BeatDecision:
    """One tap, no reason, no password: withdrawing must be easy. Takes effect at once
    everywhere (the board, the scene's state). Withdrawing twice changes nothing."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    decision = _decision_of(user, decision_id, production_id)
    with transaction.atomic():
        final = FinalVersion.objects.select_for_update().get(pk=decision.request.final_id)
        request = ConsentRequest.objects.select_for_update().get(pk=decision.request_id)
        decision = BeatDecision.objects.select_related(
            "request__final__plan_version__plan__scene__production__organisation",
            "request__performer",
        ).get(pk=decision.pk)
        if not decision.current:
            return decision
        if final.superseded_at is not None:
            raise Conflict(
                "This answer belongs to an earlier version of the plan. Open your consent "
                "requests and withdraw it on the current one."
            )
        if beat_shot(decision):
            raise Conflict("This beat was shot already; there is nothing left to withdraw.")
        now = timezone.now()
        decision.withdrawn_at = now
        scene = final.plan_version.plan.scene
        decision.withdrawal_entry = _append(
            scene,
            _entry_fields(
                "withdrawal",
                final,
                beats=[decision.beat_id],
                refers_to=decision.log_entry.index if decision.log_entry else None,
            ),
            people=[request.performer],
        )
        decision.save(update_fields=["withdrawn_at", "withdrawal_entry"])
        _event(
            request,
            ConsentEvent.Kind.WITHDRAWN,
            beat_id=decision.beat_id,
            method=method,
            ip=ip,
            user_agent=user_agent,
            at=now,
        )
        told = decision
        after_commit(lambda: _tell_withdrawn(scene, told))
        _gate_may_change(scene)
    return decision


# ---------------------------------------------------------------- the scene's state


def all_consented(scene: Scene) -> bool:
    """Every cast performer of the scene's latest final version consented to every beat they
    are in, and none of it is withdrawn, voided or declined. False before any final."""
    final = current_final(scene)
    if final is None:
        return False
    data = final.plan_version.data or {}
    requests = list(final.requests.select_related("performer"))
    cast = {h for h in _cast(data).values() if h}
    if not requests or {r.performer.handle for r in requests} != cast:
        return False
    for request in requests:
        consented = set(
            request.decisions.filter(
                decision=Decision.CONSENT, withdrawn_at__isnull=True, voided_at__isnull=True
            ).values_list("beat_id", flat=True)
        )
        if not set(beat_ids_for(data, request.performer.handle)) <= consented:
            return False
    return True


def scene_consent_state(scene: Scene) -> str:
    """ "agreed" or "not agreed": all the director and producer may know, never who."""
    return AGREED if all_consented(scene) else NOT_AGREED


def state_for(user: Any, production_id: int, scene_id: int) -> str:
    """The two-state answer for the coordinator, director and producer; 404 for others."""
    require_known_ids(production_id, scene_id)
    _reader_of_state(user, production_id)
    scene = _scene_of(user, scene_id)
    if scene.production_id != production_id:
        raise NotFound("Not found.")
    return scene_consent_state(scene)


# ---------------------------------------------------------------- the coordinator's board


@dataclass(frozen=True)
class BoardCell:
    beat_id: str
    sentence: str
    state: str  # waiting | consented | declined | withdrawn | voided
    reason: str
    carried: bool
    at: datetime | None


@dataclass(frozen=True)
class BoardRow:
    performer: str
    role: str
    opened: bool
    reminded: bool
    cells: tuple[BoardCell, ...]

    @property
    def answered(self) -> bool:
        return all(c.state != "waiting" for c in self.cells)


@dataclass(frozen=True)
class Board:
    scene: Scene
    final: FinalVersion | None
    rows: tuple[BoardRow, ...]
    state: str
    # Earlier finals of the scene, newest first, with what was voided when each was replaced.
    history: tuple[FinalVersion, ...] = field(default=())

    @property
    def version(self) -> int | None:
        return self.final.plan_version.number if self.final else None


def _cell_state(decision: BeatDecision | None) -> str:
    if decision is None:
        return "waiting"
    return "consented" if decision.decision == Decision.CONSENT else "declined"


def consent_board(user: Any, scene: Scene) -> Board:
    """Per performer, per beat: waiting, consented, declined, withdrawn; with the reasons.
    The coordinator's alone."""
    coordinator_of(user, scene.production)
    final = current_final(scene)
    history = tuple(
        FinalVersion.objects.filter(plan_version__plan__scene=scene, superseded_at__isnull=False)
        .select_related("plan_version")
        .order_by("-plan_version__number")
    )
    if final is None:
        return Board(scene, None, (), NOT_AGREED, history)
    data = final.plan_version.data or {}
    words = beat_words(final, None)
    rows = []
    for request in final.requests.select_related("performer", "final").order_by("role", "pk"):
        decisions = list(
            request.decisions.select_related("request__performer", "request").order_by(
                "decided_at", "pk"
            )
        )
        cells = []
        for beat_id in beat_ids_for(data, request.performer.handle):
            rows_for = [d for d in decisions if d.beat_id == beat_id]
            current = next((d for d in rows_for if d.current), None)
            last = rows_for[-1] if rows_for else None
            shown: BeatDecision | None
            at: datetime | None
            if current is None and last is not None and last.withdrawn_at is not None:
                state, shown, at = "withdrawn", last, last.withdrawn_at
            else:
                state, shown = _cell_state(current), current
                at = current.decided_at if current else None
            cells.append(
                BoardCell(
                    beat_id=beat_id,
                    sentence=words[beat_id].sentence,
                    state=state,
                    reason=_open_reason(shown) if shown is not None else "",
                    carried=bool(shown and shown.carried_from_id),
                    at=at,
                )
            )
        rows.append(
            BoardRow(
                performer=_name(request.performer),
                role=request.role,
                opened=request.opened_at is not None,
                reminded=request.reminded_at is not None,
                cells=tuple(cells),
            )
        )
    return Board(scene, final, tuple(rows), scene_consent_state(scene), history)


def board_for(user: Any, production_id: int, scene_id: int) -> Board:
    return consent_board(user, _coordinator_scene(user, production_id, scene_id))


# ---------------------------------------------------------------- the performer's portal


@dataclass(frozen=True)
class PortalItem:
    pk: int
    production: str
    scene_title: str
    version: int
    late: bool
    deadline: datetime | None
    superseded: bool
    waiting: int
    decisions: tuple[DecisionInfo, ...]


def _requests_of(user: Any) -> Any:
    if not getattr(user, "is_authenticated", False):
        return ConsentRequest.objects.none()
    return scope.only_allowed(
        ConsentRequest.objects.filter(performer=user),
        "final__plan_version__plan__scene__production_id",
    ).select_related("final__plan_version__plan__scene__production", "performer")


def my_requests(user: Any) -> list[ConsentRequest]:
    return list(_requests_of(user).order_by("-created_at", "-pk"))


def my_decisions(user: Any) -> list[PortalItem]:
    """Every request of the person, newest first, with everything they consented to,
    declined or withdrew (and which of those have receipts)."""
    items = []
    for request in my_requests(user):
        final = request.final
        data = final.plan_version.data or {}
        scene = final.plan_version.plan.scene
        words = beat_words(final, request.role)
        mine = beat_ids_for(data, user.handle)
        decisions = list(
            request.decisions.select_related("request__final").order_by("decided_at", "pk")
        )
        items.append(
            PortalItem(
                pk=request.pk,
                production=scene.production.name,
                scene_title=scene_heading(scene),
                version=final.plan_version.number,
                late=final.late,
                deadline=final.deadline,
                superseded=final.superseded_at is not None,
                waiting=0 if final.superseded_at else len(set(mine) - _settled(decisions)),
                decisions=tuple(
                    decision_info(d, words[d.beat_id].sentence if d.beat_id in words else "")
                    for d in decisions
                ),
            )
        )
    return items


def _by_time(infos: Iterable[DecisionInfo]) -> tuple[DecisionInfo, ...]:
    """Oldest first, by when each thing happened (a carried answer keeps its first time)."""
    return tuple(sorted(infos, key=lambda i: (i.at, i.pk)))


@dataclass(frozen=True)
class PortalScene:
    """One scene on the performer's portal: its newest request, one card per beat with the
    state now first and earlier answers folded below."""

    pk: int
    production: str
    scene_title: str
    version: int
    late: bool
    deadline: datetime | None
    superseded: bool
    beats: tuple[RequestBeat, ...]
    # Answers to beats of earlier versions that the newest one no longer holds.
    gone: tuple[DecisionInfo, ...]

    @property
    def waiting(self) -> int:
        if self.superseded:
            return 0
        return len([b for b in self.beats if b.current is None and not b.withdrew])


def my_scenes(user: Any) -> list[PortalScene]:
    """The portal: per scene, the newest request's beats, each once."""
    newest: dict[int, ConsentRequest] = {}
    older: dict[int, list[ConsentRequest]] = {}
    for request in my_requests(user):
        scene_id = int(request.final.plan_version.plan.scene_id)
        if scene_id in newest:
            older.setdefault(scene_id, []).append(request)
        else:
            newest[scene_id] = request
    found = []
    for scene_id, request in newest.items():
        final = request.final
        scene = final.plan_version.plan.scene
        words = beat_words(final, request.role)
        mine = beat_ids_for(final.plan_version.data or {}, user.handle)
        everything = list(
            BeatDecision.objects.filter(request__in=[request, *older.get(scene_id, [])])
            .select_related("request__final")
            .order_by("decided_at", "pk")
        )
        # The original of a carried answer is the same answer: shown once, as the copy.
        copied = {d.carried_from_id for d in everything if d.carried_from_id}
        shown = [d for d in everything if d.pk not in copied]
        beats = []
        for beat_id in mine:
            rows = [d for d in shown if d.beat_id == beat_id]
            current = next((d for d in rows if d.request_id == request.pk and d.current), None)
            beats.append(
                RequestBeat(
                    words=words[beat_id],
                    current=decision_info(current, words[beat_id].sentence) if current else None,
                    earlier=_by_time(
                        decision_info(d, words[beat_id].sentence) for d in rows if d is not current
                    ),
                )
            )
        gone = []
        for old in older.get(scene_id, []):
            old_words = beat_words(old.final, old.role)
            for d in shown:
                if d.request_id == old.pk and d.beat_id not in mine:
                    sentence = old_words[d.beat_id].sentence if d.beat_id in old_words else ""
                    gone.append(decision_info(d, sentence))
        found.append(
            PortalScene(
                pk=request.pk,
                production=scene.production.name,
                scene_title=scene_heading(scene),
                version=final.plan_version.number,
                late=final.late,
                deadline=final.deadline,
                superseded=final.superseded_at is not None,
                beats=tuple(beats),
                gone=tuple(reversed(_by_time(gone))),
            )
        )
    return found


# Lazy: the rider renders them in each of its languages.
DECLINED_MARK = gettext_lazy("you declined this")
WITHDREW_MARK = gettext_lazy("you withdrew this")


def beat_marks(plan_version: PlanVersion, performer: Any) -> dict[str, Any]:
    """For the performer's own rider of a final version: beat id -> "you declined this" or
    "you withdrew this", for the beats she declined or withdrew her consent to."""
    request = (
        ConsentRequest.objects.filter(final__plan_version=plan_version, performer=performer)
        .select_related("final")
        .order_by("-pk")
        .first()
    )
    if request is None:
        return {}
    rows = list(request.decisions.order_by("decided_at", "pk"))
    marks: dict[str, Any] = {}
    for beat_id in {d.beat_id for d in rows}:
        mine = [d for d in rows if d.beat_id == beat_id]
        current = next((d for d in mine if d.current), None)
        if current is not None:
            if current.decision == Decision.DECLINE:
                marks[beat_id] = DECLINED_MARK
            continue
        ended = sorted(mine, key=lambda d: (d.withdrawn_at or d.voided_at or d.decided_at, d.pk))
        last = ended[-1] if ended else None
        if last and last.withdrawn_at is not None and last.decision == Decision.CONSENT:
            marks[beat_id] = WITHDREW_MARK
    return marks


def receipt_file_name(user: Any, decision_id: int, withdrawal: bool, extension: str) -> str:
    """A name that says what the file is: scene, decision, date ("12B-consent-2026-11-26.json").
    Never an id."""
    import re

    decision = _decision_of(user, decision_id)
    scene = decision.request.final.plan_version.plan.scene
    if withdrawal:
        kind = "withdrawal" if decision.decision == Decision.CONSENT else "decline-taken-back"
        when = decision.withdrawn_at or decision.decided_at
    else:
        kind = "consent" if decision.decision == Decision.CONSENT else "decline"
        when = _origin(decision).decided_at
    label = re.sub(r"[^A-Za-z0-9]+", "-", str(scene.number)).strip("-") or "scene"
    return f"{label}-{kind}-{timezone.localtime(when):%Y-%m-%d}.{extension}"


def receipt(
    user: Any, decision_id: int, *, withdrawal: bool = False, production_id: int | None = None
) -> dict[str, Any]:
    """The performer's consent receipt (closedset-receipt/1) for one decision, or for its
    withdrawal. Only their own."""
    from closedset.record import services as record

    decision = _decision_of(user, decision_id, production_id)
    entry = decision.withdrawal_entry if withdrawal else decision.log_entry
    if entry is None:
        raise NotFound("There is no receipt for this yet.")
    # A carried answer's entry is the original's: its words come from the version signed.
    origin = decision if withdrawal else _origin(decision)
    final = origin.request.final
    scene = final.plan_version.plan.scene
    words = beat_words(final, origin.request.role)
    if withdrawal:
        kind = "withdrawal"
    else:
        kind = "consent" if decision.decision == Decision.CONSENT else "decline"
    readable = {
        "person": record.person_id(user),
        "decision": kind,
        "beats": [
            {
                "id": place,
                "beat": decision.beat_id,
                "words": words[decision.beat_id].sentence if decision.beat_id in words else "",
            }
            for place in logged_beats(final, [decision.beat_id])
        ],
        "production": scene.production.name,
        "scene": scene.number,
        "performer": _name(user),
    }
    return dict(record.receipt_for(entry, user, readable))


def _origin(decision: BeatDecision) -> BeatDecision:
    """The decision that was signed: a carried answer goes back to the original."""
    seen = 0
    while decision.carried_from_id is not None and seen < 1000:
        assert decision.carried_from is not None
        decision = decision.carried_from
        seen += 1
    return decision


# ---------------------------------------------------------------- reminders


def send_reminders(now: datetime | None = None) -> int:
    """Remind each performer whose request is not fully answered within 24 hours of its
    deadline; once per request, so running it again sends nothing. Returns how many."""
    now = now or timezone.now()
    due = ConsentRequest.objects.filter(
        final__superseded_at__isnull=True,
        final__deadline__isnull=False,
        final__deadline__gt=now,
        final__deadline__lte=now + REMIND_BEFORE,
        reminded_at__isnull=True,
    ).select_related("final__plan_version__plan__scene__production", "performer")
    sent = 0
    for request in due:
        if fully_answered(request):
            continue
        with transaction.atomic():
            locked = ConsentRequest.objects.select_for_update().get(pk=request.pk)
            if locked.reminded_at is not None:
                continue
            locked.reminded_at = now
            locked.save(update_fields=["reminded_at"])
            _event(request, ConsentEvent.Kind.REMINDED, method=SYSTEM, at=now)
            scene = request.final.plan_version.plan.scene
            deadline = timezone.localtime(request.final.deadline)
            _tell(
                request.performer,
                scene,
                kind="consent_reminder",
                subject=interpolate_lazy(
                    gettext_lazy("A consent request waits for your answer: %(scene)s"),
                    scene=scene_words(scene),
                ),
                body=interpolate_lazy(
                    gettext_lazy(
                        "Answers are due by %(deadline)s. Sign in and open Consent to answer "
                        "each beat: consent or decline. Declining needs no reason."
                    ),
                    deadline=date_lazy(deadline, "DATETIME_FORMAT"),
                ),
            )
        sent += 1
    return sent


# ---------------------------------------------------------------- the person's own data


def export_consent_data(user: Any) -> dict[str, Any]:
    """The person's requests and answers, with their own reasons, for their data export."""
    found = []
    for request in ConsentRequest.objects.filter(performer=user).select_related(
        "final__plan_version__plan__scene__production"
    ):
        final = request.final
        scene = final.plan_version.plan.scene
        found.append(
            {
                "production": scene.production.name,
                "scene": scene.number,
                "plan_version": final.plan_version.number,
                "plan_sha256": final.plan_sha256,
                "late": final.late,
                "asked_at": request.created_at,
                "opened_at": request.opened_at,
                "answers": [
                    {
                        "beat": d.beat_id,
                        "decision": d.decision,
                        "reason": _open_reason(d),
                        "decided_at": d.decided_at,
                        "withdrawn_at": d.withdrawn_at,
                        "voided_at": d.voided_at,
                    }
                    for d in request.decisions.select_related("request__performer")
                ],
            }
        )
    return {"consent_requests": found}


def erase_consent_data(user: Any) -> int:
    """On erasure: the person's reasons, addresses and browsers go; the answers themselves and
    the record stay (the log holds no name, so it still verifies). Returns rows changed."""
    decisions = BeatDecision.objects.filter(request__performer=user).exclude(reason=None)
    changed = int(decisions.update(reason=None))
    events = ConsentEvent.objects.filter(request__performer=user)
    changed += int(events.update(ip=None, user_agent=""))
    return changed


# ---------------------------------------------------------------- the rider changed


def rider_changed(scene: Scene, performer: Any) -> int:
    """The coordinator changed the performer's rider terms after they answered: every current
    answer of theirs in the scene's final version was given against other terms, so it is
    voided and they are asked again. Call inside the change's transaction. Returns how many."""
    final = current_final(scene)
    if final is None:
        return 0
    request = (
        ConsentRequest.objects.select_for_update()
        .filter(final=final, performer=performer)
        .select_related("final")
        .first()
    )
    if request is None:
        return 0
    now = timezone.now()
    current = request.decisions.filter(withdrawn_at__isnull=True, voided_at__isnull=True)
    beats = list(current.values_list("beat_id", flat=True))
    for beat in beats:
        _event(request, ConsentEvent.Kind.VOIDED, beat_id=beat, method=SYSTEM, at=now)
    count = int(current.update(voided_at=now))
    if count:
        request.reminded_at = None
        request.save(update_fields=["reminded_at"])
        after_commit(lambda: _tell_request(performer, scene, final, True))
    return count
