"""Building blocks for the compliance tests: a consented scene, records and clearances."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from closedset.conftest import PERSONA_PASSWORD

KISS_PLAN = {
    "scene": "12B",
    "cast": {"A": "mara", "B": "jonas"},
    "beats": [{"id": "b1", "act": "kiss", "by": "A", "to": "B", "zone": "mouth"}],
}
# A tiny valid PNG (1x1): enough for the sniffing, nothing personal in it.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
LEGAL = {"mara": "Marianne Kowalczyk", "jonas": "Jonas Ruprecht"}
DOCUMENT_NUMBERS = {"mara": "X9Q4471208", "jonas": "P7731K0091"}


def future_day(days: int = 10) -> date:
    return timezone.localdate() + timedelta(days=days)


def call_on(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def fast_passwords(world: Any, settings: Any) -> None:
    """Signing re-checks the password; with the production hasher each check takes about a
    second, too slow for a state machine that signs hundreds of times. The check still runs."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for user in world.users.values():
        user.set_password(PERSONA_PASSWORD)
        user.save(update_fields=["password"])


def plan_scene(world: Any, plan: dict[str, Any] | None = None) -> Any:
    """The kiss plan, saved as a version; returns the PlanVersion."""
    from closedset.plans import services as plans
    from closedset.plans.models import PlanVersion

    ids = (world.production.pk, world.scene.pk)
    plans.replace_plan(world.ines, *ids, plan or KISS_PLAN)
    plans.save_version(world.ines, *ids)
    return PlanVersion.objects.filter(plan__scene=world.scene).order_by("-number").first()


def mark_final(world: Any, version: Any) -> Any:
    from closedset.consent import services as consent
    from closedset.rider.tests.terms import seed_rider_terms

    seed_rider_terms(world)
    return consent.mark_final(world.ines, version)


def consent_all(world: Any, performers: tuple[str, ...] = ("mara", "jonas")) -> None:
    """Each performer consents to every beat of the current final version."""
    from closedset.consent import services as consent
    from closedset.consent.models import ConsentRequest

    final = consent.current_final(world.scene)
    for handle in performers:
        user = world.users[handle]
        request = ConsentRequest.objects.get(final=final, performer=user)
        beats = consent.beat_ids_for(final.plan_version.data, user.handle)
        consent.decide(
            user,
            request.pk,
            dict.fromkeys(beats, "consent"),
            password_or_code=PERSONA_PASSWORD,
        )


def withdraw_one(world: Any, handle: str) -> bool:
    """The performer withdraws one current consent; False if there was none."""
    from closedset.consent import services as consent
    from closedset.consent.models import BeatDecision

    decision = BeatDecision.objects.filter(
        request__performer=world.users[handle],
        decision="consent",
        withdrawn_at__isnull=True,
        voided_at__isnull=True,
        request__final__superseded_at__isnull=True,
    ).first()
    if decision is None:
        return False
    consent.withdraw(world.users[handle], decision.pk)
    return True


def record_input(handle: str, born: date, **changes: Any) -> Any:
    from closedset.compliance import services

    fields: dict[str, Any] = {
        "legal_name": LEGAL.get(handle, handle.title()),
        "date_of_birth": born,
        "other_names": [f"{handle.title()} Star"],
        "document_type": "passport",
        "document_number": DOCUMENT_NUMBERS.get(handle, "Z0000000"),
        "document_issuer": "Poland",
        "document_expiry": timezone.localdate() + timedelta(days=900),
    }
    fields.update(changes)
    return services.RecordInput(**fields)


def verified_record(world: Any, handle: str, born: date) -> Any:
    from closedset.compliance import services

    org = world.organisation
    record = services.add_record(world.cora, org, handle, record_input(handle, born))
    services.attach_document(world.cora, org, record.pk, PNG)
    return services.verify_record(world.cora, org, record.pk)


def clear(world: Any, handle: str, tested_on: date, cleared: bool = True) -> Any:
    from closedset.compliance import services

    return services.record_clearance(
        world.cora, world.organisation, handle, cleared=cleared, tested_on=tested_on
    )


def ready_scene(world: Any) -> None:
    """Everything the gate asks for, for a shoot within the next days: a consented final
    version, verified adult records and fresh clearances for both performers."""
    version = plan_scene(world)
    mark_final(world, version)
    consent_all(world)
    for handle in ("mara", "jonas"):
        verified_record(world, handle, date(1995, 5, 17))
        clear(world, handle, timezone.localdate())
