"""Accounts: the people who sign in, and their personal API tokens."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_otp.models import Device, ThrottlingMixin

handle_validator = RegexValidator(
    r"^[a-z0-9_-]+\Z",
    gettext_lazy(
        "Use lower-case letters, digits, '-' and '_' only (this is your id in plan files)."
    ),
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

    def get_by_natural_key(self, username: str | None) -> User:
        # Addresses are stored lower-case, so Mara@Example.org signs in as mara@example.org.
        return self.get(email=(username or "").strip().lower())

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
    # Until set, the person is held at "check your e-mail" (see accounts/middleware.py).
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # The person's data key, wrapped (encrypted) by the key-encryption key `kek_id`.
    # Destroying it makes everything sealed for this person unreadable (erasure).
    wrapped_data_key = models.BinaryField(null=True, blank=True, editable=False)
    kek_id = models.CharField(max_length=40, blank=True, editable=False)
    # The language the person chose for every page, e-mail and document shown to them (a code
    # from settings.LANGUAGES); empty until they choose, and then their browser's decides.
    language = models.CharField(max_length=8, blank=True, default="")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name", "handle"]

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.handle})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # One spelling per address: logins, invitations and lockouts all compare lower-case.
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


def default_token_expiry() -> Any:
    from datetime import timedelta

    return timezone.now() + timedelta(days=settings.CLOSEDSET_TOKEN_DAYS)


class ApiToken(models.Model):
    """A personal API token; only its hash is stored, the token is shown once.

    It reads (or reads and writes), reaches all the person's productions or one, expires, and
    works only while its owner meets the second-factor rule (accounts.services.check_api_token).
    """

    class Access(models.TextChoices):
        READ = "read", gettext_lazy("Read only")
        WRITE = "write", gettext_lazy("Read and change")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Read only unless asked for: the least a token can do is the default.
    access = models.CharField(max_length=5, choices=Access.choices, default=Access.READ)
    # Empty: all the person's productions. Deleting the production deletes the token, so a
    # scoped token can never widen to all.
    production = models.ForeignKey(
        "productions.Production",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=default_token_expiry)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def may_write(self) -> bool:
        return self.access == self.Access.WRITE

    def is_expired(self, now: Any = None) -> bool:
        return self.expires_at <= (now or timezone.now())


class UserSession(models.Model):
    """A signed-in browser session, for the person's sessions page.

    Only a hash of the session key is kept, so this table cannot be used to take a session
    over. Written at login, refreshed at most once a minute (accounts.activity).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="browser_sessions")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    # A summary such as "Firefox on Android", never the whole User-Agent header.
    browser = models.CharField(max_length=60, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.browser or 'browser'}"


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """A person's set of one-time recovery codes, for when the authenticator is lost.

    django-otp's own static tokens are stored in the clear; these are stored only as salted
    hashes (see RecoveryCode) and each works once.
    """

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "CLOSEDSET_RECOVERY_THROTTLE_FACTOR", 1))

    def verify_token(self, token: Any) -> bool:
        from closedset.accounts.services import recovery_code_matches

        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        for code in self.codes.filter(used_at__isnull=True):
            if recovery_code_matches(code, str(token)):
                code.used_at = timezone.now()
                code.save(update_fields=["used_at"])
                self.throttle_reset(commit=False)
                self.save()
                return True
        self.throttle_increment()
        return False


class RecoveryCode(models.Model):
    """One recovery code: a random salt and the SHA-256 of salt + code, never the code."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    salt = models.CharField(max_length=32, editable=False)
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)


class RetiredHandle(models.Model):
    """A handle an erased account used, kept only as a hash. Profiles name partners by handle
    ("only with jonas"), so a newcomer must never inherit an erased person's handle."""

    digest = models.CharField(max_length=64, unique=True, editable=False)

    @staticmethod
    def digest_of(handle: str) -> str:
        return hashlib.sha256(b"closedset.handle:" + handle.encode()).hexdigest()
