"""Closed-set call sheets: the one thing they keep is how crew reach each coordinator.

Nothing else is stored: a call sheet is made afresh from the schedule, the closed-set roster,
the checklists and the consent state whenever it is asked for.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from closedset.productions.models import Production


class CoordinatorPhone(models.Model):
    """The number crew call to reach one coordinator of one production on a shoot day."""

    production = models.ForeignKey(
        Production, on_delete=models.CASCADE, related_name="coordinator_phones"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    phone = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["production", "coordinator"], name="one_phone_per_coordinator"
            )
        ]

    def __str__(self) -> str:
        # Never the number: this may end up in a log line or the admin.
        return f"coordinator phone {self.pk}"
