"""Notices: what happened that a person should know, on their home page and by e-mail."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from closedset.accounts.models import User
from closedset.productions.models import Production


class Kind(models.TextChoices):
    """What a notice is about. The labels finish "E-mail me when" on the settings page."""

    CAST = "cast", "you are cast in a scene"
    PLAN_CHANGED = "plan_changed", "a plan you are in changes"
    PROFILE_SEEN_BY_NEW = "profile_seen_by_new", "someone new can see your boundary profile"
    PROFILE_CHANGED = "profile_changed", "a profile you rely on changes"
    PROFILE_UNSHARED = "profile_unshared", "a profile you rely on is no longer shared"
    PROPOSAL = "proposal", "the director proposes a change"
    RELEASED = "released", "the coordinator releases a plan version"
    CONSENT_REQUEST = "consent_request", "a consent request waits for you"
    CONSENT_REMINDER = "consent_reminder", "a consent request is due soon"
    CONSENT_ANSWER = "consent_answer", "a performer declines or withdraws"
    GATE_CHANGED = "gate_changed", "a scheduled scene can no longer be shot, or can again"
    SIGNAL_ESCALATED = "signal_escalated", "a PAUSE or STOP on set waits for the coordinator"
    INCIDENT_REPORTED = "incident_reported", "someone reports an incident"
    ACADEMY_APPLICATION = "academy_application", "your academy application changes"
    REVIEW_ASSIGNED = "review_assigned", "applications wait for your review"
    BOOKING = "booking", "a production asks you to coordinate, or a coordinator answers"


class Notice(models.Model):
    """One thing a person was told. Never carries boundary detail: subject and body say what
    happened and where to look, not what anyone answered."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    production = models.ForeignKey(
        Production, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_unread")]

    def __str__(self) -> str:
        return self.subject


class MailPreference(models.Model):
    """Whether a person gets e-mail for one kind of notice. No row means yes: e-mail is on
    by default, and a person turns off what they do not want."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mail_preferences")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    send_mail = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_mail_preference_per_kind")
        ]
