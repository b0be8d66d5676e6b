"""Telling people what happened: a notice on their home page, and an e-mail if they want it.

Callers pass plain words that carry no boundary detail ("Mara changed her profile", never what
she changed). Every notice goes through `notify`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from closedset.accounts.errors import MailNotSent
from closedset.accounts.services import send_mail_to
from closedset.lib.i18n import language_of
from closedset.notices.models import Kind, MailPreference, Notice
from closedset.productions.models import Membership, Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

# Which kinds of notice each role can receive; the settings page offers only these.
KINDS_BY_ROLE: Mapping[str, tuple[str, ...]] = {
    Role.PERFORMER: (
        Kind.CAST,
        Kind.PLAN_CHANGED,
        Kind.PROFILE_SEEN_BY_NEW,
        Kind.CONSENT_REQUEST,
        Kind.CONSENT_REMINDER,
    ),
    Role.COORDINATOR: (
        Kind.PROFILE_CHANGED,
        Kind.PROFILE_UNSHARED,
        Kind.PROPOSAL,
        Kind.CONSENT_ANSWER,
        Kind.GATE_CHANGED,
        Kind.INCIDENT_REPORTED,
    ),
    Role.DIRECTOR: (Kind.RELEASED,),
    Role.PRODUCER: (Kind.GATE_CHANGED, Kind.SIGNAL_ESCALATED),
    Role.CUSTODIAN: (),
}

# The kinds' labels in the reader's language; the model's (English) labels are the source and
# a test keeps the two the same.
KIND_LABELS: Mapping[str, Any] = {
    Kind.CAST: gettext_lazy("you are cast in a scene"),
    Kind.PLAN_CHANGED: gettext_lazy("a plan you are in changes"),
    Kind.PROFILE_SEEN_BY_NEW: gettext_lazy("someone new can see your boundary profile"),
    Kind.PROFILE_CHANGED: gettext_lazy("a profile you rely on changes"),
    Kind.PROFILE_UNSHARED: gettext_lazy("a profile you rely on is no longer shared"),
    Kind.PROPOSAL: gettext_lazy("the director proposes a change"),
    Kind.RELEASED: gettext_lazy("the coordinator releases a plan version"),
    Kind.CONSENT_REQUEST: gettext_lazy("a consent request waits for you"),
    Kind.CONSENT_REMINDER: gettext_lazy("a consent request is due soon"),
    Kind.CONSENT_ANSWER: gettext_lazy("a performer declines or withdraws"),
    Kind.GATE_CHANGED: gettext_lazy("a scheduled scene can no longer be shot, or can again"),
    Kind.SIGNAL_ESCALATED: gettext_lazy("a PAUSE or STOP on set waits for the coordinator"),
    Kind.INCIDENT_REPORTED: gettext_lazy("someone reports an incident"),
    Kind.ACADEMY_APPLICATION: gettext_lazy("your academy application changes"),
    Kind.REVIEW_ASSIGNED: gettext_lazy("applications wait for your review"),
    Kind.BOOKING: gettext_lazy("a production asks you to coordinate, or a coordinator answers"),
}

SUBJECT_MAX = 200
UNREAD_ON_HOME = 5


def notify(
    recipient: Any,
    kind: str,
    *,
    production: Any = None,
    subject: StrOrPromise,
    body: StrOrPromise,
    url: str = "",
) -> None:
    """Tell `recipient` one thing: store a notice and, if they want e-mail for this kind,
    send one. A mail that does not go out never breaks the caller.

    Subject and body are written in the recipient's language: pass them lazily
    (`gettext_lazy`; `lib.i18n.interpolate_lazy` for a text with values) and they are
    rendered here, in that language, for the stored notice and the e-mail alike. Never wrap
    a call in `translation.override`: this is the one place that picks the language."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notice kind {kind!r}")
    with translation.override(language_of(recipient)):
        subject_text = " ".join(str(subject).split())[:SUBJECT_MAX]
        body_text = str(body)
    notice = Notice.objects.create(
        recipient=recipient,
        kind=kind,
        production=production,
        subject=subject_text,
        body=body_text,
        url=url,
    )
    # A closed account gets no mail, whatever its settings said.
    if not recipient.is_active or not recipient.email or not wants_mail(recipient, kind):
        return
    try:
        # The mail is built outside the sender's request: in the recipient's language.
        with translation.override(language_of(recipient)):
            send_mail_to(
                recipient.email,
                "notices/email/notice_subject.txt",
                "notices/email/notice_body.txt",
                {
                    "recipient": recipient,
                    "subject": notice.subject,
                    "body": notice.body,
                    "production": production,
                },
            )
    except MailNotSent:
        # send_mail_to logged the kind of failure; the notice is on the home page anyway.
        logger.warning("notice mail not sent (kind %s)", kind)
    except Exception as error:  # noqa: BLE001 - a notice must never break what triggered it
        logger.warning("notice mail failed: %s", type(error).__name__)


def wants_mail(user: Any, kind: str) -> bool:
    """E-mail is on unless the person turned this kind off."""
    return not MailPreference.objects.filter(user=user, kind=kind, send_mail=False).exists()


def kinds_for(user: Any) -> list[str]:
    """The kinds of notice that fit the roles this person holds anywhere, in a stable order."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    wanted = {kind for role in roles for kind in KINDS_BY_ROLE.get(role, ())}
    wanted |= _academy_kinds(user, roles)
    return [kind for kind in Kind.values if kind in wanted]


def _academy_kinds(user: Any, roles: set[str]) -> set[str]:
    """Kinds that follow from the academy and the registry rather than a production role."""
    from closedset.academy.models import AcademyRole, Application, Enrolment

    kinds: set[str] = set()
    if Application.objects.filter(applicant=user).exists():
        kinds.add(Kind.ACADEMY_APPLICATION)
    if AcademyRole.objects.filter(user=user, role=AcademyRole.Kind.REVIEWER).exists():
        kinds.add(Kind.REVIEW_ASSIGNED)
    # Producers book coordinators from the registry; the academy's graduates are booked.
    if Role.PRODUCER in roles or Enrolment.objects.filter(user=user).exists():
        kinds.add(Kind.BOOKING)
    return kinds


def mail_preferences(user: Any) -> list[tuple[str, str, bool]]:
    """(kind, label, e-mail on) for each kind that fits this person's roles."""
    off = set(
        MailPreference.objects.filter(user=user, send_mail=False).values_list("kind", flat=True)
    )
    return [(kind, kind_label(kind), kind not in off) for kind in kinds_for(user)]


def kind_label(kind: str) -> str:
    """What a kind of notice is about, in the page's language."""
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else gettext(str(dict(Kind.choices).get(kind, kind)))


@transaction.atomic
def set_mail_preferences(user: Any, wanted: Iterable[str]) -> None:
    """E-mail on for the kinds in `wanted`, off for every other kind this person can get.
    Kinds outside their roles are ignored, so a tampered form changes nothing else."""
    wanted_set = set(wanted)
    for kind in kinds_for(user):
        MailPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"send_mail": kind in wanted_set}
        )


def notices_of(user: Any, *, limit: int = 100) -> list[Notice]:
    """The person's notices, newest first."""
    return list(Notice.objects.filter(recipient=user).select_related("production")[:limit])


def unread_of(user: Any, *, limit: int = UNREAD_ON_HOME) -> tuple[list[Notice], int]:
    """The newest unread notices and how many are unread in all."""
    unread = Notice.objects.filter(recipient=user, read_at__isnull=True)
    return list(unread.select_related("production")[:limit]), unread.count()


def open_notice(user: Any, notice_id: int) -> Notice | None:
    """One of the person's own notices, marked read; None for anyone else's."""
    notice = Notice.objects.filter(recipient=user, pk=notice_id).first()
    if notice is not None and notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def mark_read(user: Any, notice_id: int | None = None) -> int:
    """Mark one of the person's notices read, or all of them when no id is given. Someone
    else's notice is never touched; returns how many changed."""
    unread = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if notice_id is not None:
        unread = unread.filter(pk=notice_id)
    return int(unread.update(read_at=timezone.now()))


def export_notice_data(user: Any) -> dict[str, Any]:
    """The person's notices and e-mail settings, for their data export."""
    labels = dict(Kind.choices)
    return {
        "notices": [
            {
                "kind": str(labels.get(row.kind, row.kind)),
                "production": row.production.name if row.production else None,
                "subject": row.subject,
                "body": row.body,
                "created_at": row.created_at,
                "read_at": row.read_at,
            }
            for row in Notice.objects.filter(recipient=user).select_related("production")
        ],
        "notice_emails": {str(labels[kind]): on for kind, _label, on in mail_preferences(user)},
    }


def erase_notice_data(user: Any) -> None:
    """On erasure: the person's notices and e-mail choices go with them."""
    Notice.objects.filter(recipient=user).delete()
    MailPreference.objects.filter(user=user).delete()
