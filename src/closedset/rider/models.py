"""The intimacy rider's own terms: what the coordinator agrees with one performer for one scene.

The beats come from the plan version; these are the terms a plan file does not hold
(footage use, body double, modesty garments, barriers, the closed set).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RiderTerms(models.Model):
    scene = models.ForeignKey(
        "productions.Scene", on_delete=models.CASCADE, related_name="rider_terms"
    )
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rider_terms"
    )
    # Where the footage of this performer's intimate beats may be used.
    use_film = models.BooleanField(default=True)
    use_trailer = models.BooleanField(default=False)
    use_stills = models.BooleanField(default=False)
    use_promotion = models.BooleanField(default=False)
    body_double = models.TextField(blank=True)
    modesty_garments = models.TextField(blank=True)
    barriers = models.TextField(blank=True)
    closed_set = models.BooleanField(default=True)
    other_terms = models.TextField(blank=True)
    # Adult productions tell each performer how long the scene takes and what it pays before
    # the plan is final (domain.md §2.6).
    expected_length = models.TextField(blank=True)
    pay = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scene", "performer"], name="one_rider_per_performer"),
        ]

    def __str__(self) -> str:
        return f"rider terms for scene {self.scene_id}"
