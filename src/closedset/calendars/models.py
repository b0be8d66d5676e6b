"""Calendars: one private calendar address (an ICS feed) per person.

The address carries a secret of which only its SHA-256 is stored, like an invitation link:
a database dump, the admin or a log line cannot rebuild the address. Making a new address
replaces the hash, so the old one stops working at once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Feed(models.Model):
    """A person's calendar address, known to us only by the hash of its secret."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # When the person last made a new address (the one before stopped working then).
    reset_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        # Never the hash: this may end up in a log line or the admin.
        return f"calendar feed {self.pk}"
