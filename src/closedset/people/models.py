"""People, the companies they work for, productions, scenes and who holds which role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

handle_validator = RegexValidator(
    r"^[a-z0-9_-]+\Z",
    "Use lower-case letters, digits, '-' and '_' only (this is your id in plan files).",
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("an email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=120)
    handle = models.CharField(
        max_length=40,
        unique=True,
        validators=[handle_validator],
        help_text="Your id in plan and profile files (performer: ...).",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # The person's data key, wrapped (encrypted) by the key-encryption key `kek_id`.
    # Destroying it makes everything sealed for this person unreadable (erasure).
    wrapped_data_key = models.BinaryField(null=True, blank=True, editable=False)
    kek_id = models.CharField(max_length=40, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name", "handle"]

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.handle})"


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


class ApiToken(models.Model):
    """A personal API token; only its hash is stored, the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
