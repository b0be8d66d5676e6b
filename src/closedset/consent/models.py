"""Consent: each cast performer agrees, beat by beat, to a final version of the plan.

A coordinator marks a saved plan version final (FinalVersion); each performer cast in it gets
one private ConsentRequest and answers each of their beats (BeatDecision). Every step leaves a
ConsentEvent as evidence (time, method, address, browser, the hashes of what was shown); the
tamper-evident record (closedset.record) holds the decisions themselves, without names or words.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class FinalVersion(models.Model):
    """A plan version the coordinator fixed for consent. A newer final supersedes it."""

    plan_version = models.OneToOneField(
        "plans.PlanVersion", on_delete=models.CASCADE, related_name="final"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)
    # Answers are due by then; reminders go out the day before.
    deadline = models.DateTimeField(null=True, blank=True)
    # Marked inside the production's notice window before the call time (domain.md §2.6).
    late = models.BooleanField(default=False)
    # SHA-256 of the canonical JSON of the version's data: what every consent is bound to.
    plan_sha256 = models.CharField(max_length=64)
    superseded_at = models.DateTimeField(null=True, blank=True)
    log_entry = models.ForeignKey(
        "record.LogEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-marked_at", "-pk"]

    def __str__(self) -> str:
        return f"final {self.plan_version}"


class ConsentRequest(models.Model):
    """One performer's private request to answer their beats of one final version."""

    final = models.ForeignKey(FinalVersion, on_delete=models.CASCADE, related_name="requests")
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_requests"
    )
    # The performer's role in the version ("A"); for the coordinator's board only.
    role = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["final", "performer"], name="one_request_per_final"),
        ]

    def __str__(self) -> str:
        return f"consent request {self.pk}"


class Decision(models.TextChoices):
    CONSENT = "consent", "consent"
    DECLINE = "decline", "decline"


class BeatDecision(models.Model):
    """A performer's answer to one beat. Withdrawn by them, or voided when the beat changed in a
    newer final version; at most one answer per beat is current."""

    request = models.ForeignKey(ConsentRequest, on_delete=models.CASCADE, related_name="decisions")
    beat_id = models.CharField(max_length=40)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    # Sealed for the performer (lib.crypto); the coordinator alone reads it. Empty: none given.
    reason = models.BinaryField(null=True, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    # Carried over unchanged from the same beat of an earlier final version.
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    # The signed entry: the decision's own, or for a carried one the original's.
    log_entry = models.ForeignKey(
        "record.LogEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_entry = models.ForeignKey(
        "record.LogEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["request", "decided_at", "pk"]
        constraints = [
            # Two tabs or a double submit cannot make two current answers to one beat.
            models.UniqueConstraint(
                fields=["request", "beat_id"],
                condition=Q(withdrawn_at__isnull=True, voided_at__isnull=True),
                name="one_current_decision_per_beat",
            ),
        ]

    @property
    def current(self) -> bool:
        return self.withdrawn_at is None and self.voided_at is None

    def __str__(self) -> str:
        return f"{self.decision} {self.beat_id}"


class ConsentEvent(models.Model):
    """Evidence, after DocuSeal and Documenso's audit trails: what happened, when, how, from
    where, and the hashes of the plan version and the rider shown."""

    class Kind(models.TextChoices):
        SENT = "sent", "request sent"
        OPENED = "opened", "request opened"
        CONSENTED = "consented", "consented"
        DECLINED = "declined", "declined"
        WITHDRAWN = "withdrawn", "withdrawn"
        VOIDED = "voided", "voided by a change"
        CARRIED = "carried", "carried over unchanged"
        REMINDED = "reminded", "reminded"

    class Method(models.TextChoices):
        PAGE = "page", "page"
        API = "api", "API"
        SYSTEM = "system", "system"

    request = models.ForeignKey(ConsentRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    beat_id = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=10, choices=Method.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    plan_sha256 = models.CharField(max_length=64, blank=True)
    rider_sha256 = models.CharField(max_length=64, blank=True)
    # The languages the rider was shown in, hers first ("cs+en", or "en"): rider_sha256 is the
    # hash of exactly that text (docs/translation.md, "Bilingual consent").
    language = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["request", "at"], name="consent_event_request_time")]

    def __str__(self) -> str:
        return f"{self.kind} {self.beat_id}".strip()
