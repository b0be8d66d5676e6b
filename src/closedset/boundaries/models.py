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
