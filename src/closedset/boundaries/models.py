"""A performer's boundary profile: versioned, sealed with the performer's own data key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class BoundaryProfile(models.Model):
    """One per performer. Its content lives only in sealed versions, never in plain columns."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="boundary_profile"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"boundary profile of {self.owner}"

    def current_version(self) -> ProfileVersion | None:
        return self.versions.order_by("-number").first()


class ProfileVersion(models.Model):
    """A snapshot of the whole profile in the formats.md shape, notes included, sealed."""

    profile = models.ForeignKey(BoundaryProfile, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # AES-GCM ciphertext under the owner's data key; see closedset.lib.crypto.
    sealed = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    # The last change made within the version: edits in one sitting amend it (see services).
    updated_at = models.DateTimeField(null=True, blank=True)
    # When a coordinator first read the profile while this was its current version; a version
    # someone has read is never amended, so what they read stays in the history as it was.
    seen_at = models.DateTimeField(null=True, blank=True)
    # Set when the performer brought back an older version: its number.
    restored_from = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["profile", "number"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "number"], name="one_version_number"),
        ]

    def __str__(self) -> str:
        return f"version {self.number}"


class ProfileShare(models.Model):
    """A performer lets one production's coordinator see their current profile, until revoked."""

    profile = models.ForeignKey(BoundaryProfile, on_delete=models.CASCADE, related_name="shares")
    production = models.ForeignKey(
        "productions.Production", on_delete=models.CASCADE, related_name="profile_shares"
    )
    shared_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-shared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "production"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_share_per_production",
            ),
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "shared"
        return f"{self.profile} {state} with {self.production_id}"


class ShareCoverage(models.Model):
    """One coordinator a share covers: the production's coordinators when the performer shared,
    and each one who joined later once the performer confirmed them. A coordinator without a
    row sees nothing of the profile. Tied to the membership, so leaving and rejoining the
    production needs confirming again."""

    share = models.ForeignKey(ProfileShare, on_delete=models.CASCADE, related_name="coverage")
    membership = models.ForeignKey(
        "productions.Membership", on_delete=models.CASCADE, related_name="share_coverage"
    )
    covered_at = models.DateTimeField(auto_now_add=True)
    # False: a coordinator already there when the performer shared; True: confirmed later.
    confirmed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["share", "membership"], name="one_coverage_per_share"),
        ]

    def __str__(self) -> str:
        return f"share {self.share_id} covers membership {self.membership_id}"


# --- access transparency ---


class ProfileView(models.Model):
    """One look by a coordinator at a performer's shared profile, for the performer to see.

    Kept when either person erases their account (the row then names "Erased account"): it is
    the other person's history too, and the seed of the tamper-evident log.
    """

    class Via(models.TextChoices):
        PAGE = "page", "the profile page"
        API = "api", "the API"
        PLAN = "plan", "a scene plan's check"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_views"
    )
    # Null only if a viewer's row is ever deleted outright; erasure keeps it, anonymised.
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="profile_views_made",
    )
    production = models.ForeignKey(
        "productions.Production", on_delete=models.CASCADE, related_name="profile_views"
    )
    # The viewer's role in the production at the time (a coordinator, today).
    role = models.CharField(max_length=20)
    via = models.CharField(max_length=10, choices=Via.choices)
    viewed_at = models.DateTimeField(auto_now_add=True)
    # The day in the site's time zone: plan checks count once per coordinator, profile and day.
    viewed_on = models.DateField()

    class Meta:
        ordering = ["-viewed_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-viewed_at"], name="profile_view_owner_time")]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "viewer", "production", "viewed_on"],
                condition=Q(via="plan"),
                name="one_plan_view_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_id} viewed {self.owner_id} via {self.via}"
