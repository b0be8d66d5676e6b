"""Productions: the companies, productions, scenes, who holds which role, and invitations."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from closedset.accounts.models import User


class Organisation(models.Model):
    """A production company."""

    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class OrgMembership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="org_memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_org_membership")
        ]


class Production(models.Model):
    class Kind(models.TextChoices):
        ADULT = "adult", "Adult"
        MAINSTREAM = "mainstream", "Mainstream film/TV"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="productions"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # One person may be intimacy coordinator and producer or director only while this is on
    # AND every performer has agreed (OnePersonCrewAgreement); see services.check_independence.
    allow_one_person_crew = models.BooleanField(default=False)
    # The language the production's documents are written in (a code from settings.LANGUAGES):
    # a performer reading another signs in hers with this one alongside (docs/translation.md).
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Scene(models.Model):
    production = models.ForeignKey(Production, on_delete=models.CASCADE, related_name="scenes")
    number = models.CharField(max_length=20, help_text='As in the script, e.g. "12B".')
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["production", "number"], name="one_scene_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class Role(models.TextChoices):
    PRODUCER = "producer", "Producer"
    DIRECTOR = "director", "Director"
    COORDINATOR = "coordinator", "Intimacy coordinator"
    PERFORMER = "performer", "Performer"
    CUSTODIAN = "custodian", "Custodian of records"


# Roles that hold sensitive data or powers: these must use a second factor.
SECOND_FACTOR_ROLES = frozenset({Role.PRODUCER, Role.COORDINATOR, Role.CUSTODIAN})


class Membership(models.Model):
    """A person holds a role in a production (one row per role; a person may hold several)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    production = models.ForeignKey(Production, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "production", "role"], name="one_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} on {self.production}"


class Invitation(models.Model):
    """An invitation to a role; the link carries a token of which only a hash is stored."""

    production = models.ForeignKey(Production, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class OnePersonCrewAgreement(models.Model):
    """A performer's explicit agreement that, in this production, the intimacy coordinator may
    also be producer or director. Withdrawn agreements are kept, with when."""

    production = models.ForeignKey(
        Production, on_delete=models.CASCADE, related_name="crew_agreements"
    )
    performer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    agreed_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-agreed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["production", "performer"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_crew_agreement",
            )
        ]

    def __str__(self) -> str:
        state = "withdrawn" if self.withdrawn_at else "agreed"
        return f"{self.performer} {state} to a one-person crew on {self.production}"
