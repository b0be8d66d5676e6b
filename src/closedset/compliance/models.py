"""The custodian's identity records, test clearances, production holds, notice settings and
scene schedules (domain.md §2.6 and §3).

Identity data (names, date of birth, the document and its copy) lives only sealed with the
performer's own data key (closedset.lib.crypto), like a boundary profile: no plain column
holds any of it, so a database dump, the admin or a log line shows nothing of it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from closedset.productions.models import Organisation, Production, Scene


class IdentityRecord(models.Model):
    """One performer's 18+ record, kept by an organisation's custodian of records."""

    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_records"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="identity_records"
    )
    # AES-GCM under the performer's data key: legal name, date of birth, other names, and the
    # document's type, number, issuer and expiry (see compliance.services).
    sealed = models.BinaryField()
    # The copy of the document (PNG, JPEG or PDF bytes), sealed the same way; null until one
    # is uploaded. Its content type is not identity data, so it may stay plain.
    document = models.BinaryField(null=True, blank=True)
    document_content_type = models.CharField(max_length=40, blank=True)
    # Who checked the document against the person, and when; cleared by any later change.
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["performer", "organisation"], name="one_identity_record_per_org"
            )
        ]

    def __str__(self) -> str:
        # Never the content: this may end up in a log line or the admin.
        return f"identity record {self.pk}"

    @property
    def verified(self) -> bool:
        return self.checked_at is not None


class Clearance(models.Model):
    """A test result as clearance services report it: cleared or not, and the test's date."""

    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clearances"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="clearances"
    )
    cleared = models.BooleanField()
    tested_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-tested_on", "-recorded_at", "-pk"]
        indexes = [
            models.Index(
                fields=["organisation", "performer", "-tested_on"], name="clearance_latest"
            )
        ]

    def __str__(self) -> str:
        return f"clearance {self.pk}"


class Hold(models.Model):
    """A production hold (after a positive test anywhere in the pool): while it is on, no
    scene of the production can be scheduled or start."""

    production = models.ForeignKey(Production, on_delete=models.CASCADE, related_name="holds")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["production"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_active_hold_per_production",
            )
        ]

    def __str__(self) -> str:
        return f"hold on {self.production_id}" + (" (lifted)" if self.lifted_at else "")


class ComplianceSettings(models.Model):
    """Per production: the notice period and how long a clearance stays valid."""

    production = models.OneToOneField(
        Production, on_delete=models.CASCADE, related_name="compliance_settings"
    )
    # Adult: one day before call (performer bill of rights); mainstream: 48 hours (SAG-AFTRA).
    notice_hours = models.PositiveIntegerField()
    clearance_valid_days = models.PositiveIntegerField(default=14)

    def __str__(self) -> str:
        return f"compliance settings of {self.production_id}"


class Schedule(models.Model):
    """When a scene is called; set only through compliance.services.schedule (the gate)."""

    scene = models.OneToOneField(Scene, on_delete=models.CASCADE, related_name="schedule")
    call_at = models.DateTimeField()
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    scheduled_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"scene {self.scene_id} called at {self.call_at:%Y-%m-%d %H:%M}"
