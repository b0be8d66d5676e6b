"""The demo production for development: `closedset demo` (safe to run again)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from closedset.accounts import services as accounts
from closedset.accounts.models import User
from closedset.lib import crypto
from closedset.productions.models import Membership, Organisation, OrgMembership, Production, Scene

DEMO_ORGANISATION = "Northlight Films (demo)"
DEMO_PRODUCTION = "Harbour Lights"
DEMO_DOMAIN = "demo.closedset.invalid"
DEMO_PEOPLE = [
    # handle, name, role
    ("ines", "Ines", "coordinator"),
    ("dario", "Dario", "director"),
    ("petra", "Petra", "producer"),
    ("cora", "Cora", "custodian"),
    ("mara", "Mara", "performer"),
    ("jonas", "Jonas", "performer"),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: str
    otp_secret: str | None
    otp_url: str | None
    otp_code: str | None


def seed_demo() -> list[DemoLogin]:
    """Create the demo data if missing; give every demo person a fresh random password."""
    logins = []
    people: dict[str, User] = {}
    with transaction.atomic():
        organisation, _ = Organisation.objects.get_or_create(name=DEMO_ORGANISATION)
        production, _ = Production.objects.get_or_create(
            organisation=organisation,
            name=DEMO_PRODUCTION,
            defaults={"kind": Production.Kind.ADULT},
        )
        Scene.objects.get_or_create(
            production=production, number="12B", defaults={"title": "The boathouse"}
        )
        for handle, name, role in DEMO_PEOPLE:
            user = _demo_person(handle, name)
            OrgMembership.objects.get_or_create(user=user, organisation=organisation)
            Membership.objects.get_or_create(user=user, production=production, role=role)
            logins.append(_demo_login(user, role))
            people[handle] = user
        _seed_scene(production, people)
        from closedset.academy.demo import seed_academy

        for user, role in seed_academy(_demo_person):
            logins.append(_demo_login(user, role))
    return logins


def _demo_person(handle: str, name: str) -> User:
    """The demo account for `handle`, created if missing, with a fresh password set later."""
    email = f"{handle}@{DEMO_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, display_name=name, handle=_free_handle(handle))
    crypto.ensure_data_key(user)
    # Demo addresses cannot receive mail; they count as confirmed.
    accounts.mark_email_verified(user)
    return user


def _demo_login(user: User, role: str) -> DemoLogin:
    """A fresh random password, and an authenticator for those whose role needs one."""
    import base64

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.save(update_fields=["password"])
    secret = url = code = None
    if accounts.needs_second_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        url = device.config_url
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        code = f"{totp.token():0{device.digits}d}"
    return DemoLogin(user.email, password, role, secret, url, code)


def _seed_scene(production: Production, people: dict[str, User]) -> None:
    """Scene 12B as a coordinator would have it a week before the shoot: both performers'
    profiles shared, the plan built and released once, one proposal from the director waiting.
    Only on a first run: a demo someone has worked in is left as it is."""
    from closedset.boundaries import services as boundaries
    from closedset.plans import services as plans
    from closedset.plans.models import ScenePlan

    scene = production.scenes.get(number="12B")
    if ScenePlan.objects.filter(scene=scene).exists():
        return
    mara, jonas = people["mara"], people["jonas"]
    for user, answers in ((mara, DEMO_MARA), (jonas, DEMO_JONAS)):
        if boundaries.my_profile(user)[1] is None:
            boundaries.replace_profile(
                user,
                {"performer": user.handle, "name": user.display_name, "boundaries": answers},
            )
        boundaries.share(user, production.pk)
    ines, dario = people["ines"], people["dario"]
    ids = (production.pk, scene.pk)
    plans.replace_plan(
        ines,
        *ids,
        {
            "cast": {"A": mara.handle, "B": jonas.handle},
            "beats": [
                {"id": "b1", "act": "kiss", "by": "A", "to": "B", "zone": "mouth"},
                {"id": "b2", "act": "slap", "by": "B", "to": "A", "zone": "buttocks"},
                {"id": "b3", "act": "nudity-topless", "by": "A"},
            ],
        },
    )
    plans.release(ines, *ids)
    plans.add_beat(dario, *ids, plans.BeatInput(act="slap", by="B", to=["A"], zone="face"))
    _seed_consent_and_records(production, scene, people)


# A 1×1 PNG: the demo's stand-in for a scanned identity document (fictional people).
DEMO_DOCUMENT = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7d6a4b6"
    "0000000049454e44ae426082"
)


def _seed_consent_and_records(
    production: Production, scene: Scene, people: dict[str, User]
) -> None:
    """The released version is marked final, so both performers have a request waiting; Cora
    has checked both performers' (fictional) documents and recorded a recent clear test."""
    from datetime import date, timedelta

    from django.utils import timezone

    from closedset.compliance import services as compliance
    from closedset.consent import services as consent
    from closedset.plans.models import PlanVersion
    from closedset.rider import services as rider

    for handle in ("mara", "jonas"):
        rider.save_terms(
            people["ines"],
            production.pk,
            scene.pk,
            people[handle].handle,
            {
                "use_film": "on",
                "closed_set": "on",
                "modesty_garments": "A flesh-toned thong between takes.",
                "expected_length": "About 3 hours, with a break every 45 minutes.",
                "pay": "As in your contract (demo).",
            },
        )
    version = PlanVersion.objects.filter(plan__scene=scene).order_by("-number").first()
    if version is not None:
        consent.mark_final(people["ines"], version)
    cora, organisation = people["cora"], production.organisation
    born = {"mara": date(1994, 5, 12), "jonas": date(1991, 11, 3)}
    for handle, legal in (("mara", "Mara Kovacs"), ("jonas", "Jonas Richter")):
        record = compliance.add_record(
            cora,
            organisation,
            people[handle],
            compliance.RecordInput(
                legal_name=legal,
                date_of_birth=born[handle],
                other_names=[people[handle].display_name],
                document_type="passport",
                document_number="DEMO-0000",
                document_issuer="Demo issuer",
                document_expiry=timezone.localdate() + timedelta(days=3 * 365),
            ),
        )
        compliance.attach_document(cora, organisation, record.pk, DEMO_DOCUMENT)
        compliance.verify_record(cora, organisation, record.pk)
        compliance.record_clearance(
            cora,
            organisation,
            people[handle],
            cleared=True,
            tested_on=timezone.localdate() - timedelta(days=2),
        )


# Demo answers: Mara's face is a hard limit, with a note; Jonas gives slaps lightly.
DEMO_MARA = [
    {"act": "kiss", "direction": "give", "answer": "yes"},
    {"act": "kiss", "direction": "receive", "answer": "yes"},
    {
        "act": "slap",
        "direction": "receive",
        "answer": "yes",
        "zones": {"face": "no"},
        "max_intensity": "light",
        "limit": "hard",
        "note": "ask before any contact near the left ear",
    },
    {"act": "nudity-topless", "direction": "self", "answer": "yes"},
    {"act": "hair-pull", "direction": "receive", "answer": "maybe"},
]
DEMO_JONAS = [
    {"act": "kiss", "direction": "give", "answer": "yes"},
    {"act": "kiss", "direction": "receive", "answer": "yes"},
    {"act": "slap", "direction": "give", "answer": "yes", "max_intensity": "light"},
]


def _free_handle(handle: str) -> str:
    # A real account may already use the handle; the demo person then gets a suffix.
    candidate, n = handle, 1
    while User.objects.filter(handle=candidate).exists():
        n += 1
        candidate = f"{handle}{n}"
    return candidate
