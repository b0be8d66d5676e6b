"""The registry of coordinators the academy certified, and the requests producers send them.

A listing is opt-in and one per person; withdrawing it keeps the row (with when) so a request
sent before can still say what happened. Whether a listing shows is decided when it is read
(services.visible): withdrawn, or its holder no longer certified, and nobody finds it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from closedset.accounts.models import User
from closedset.productions.models import Production


class Speciality(models.TextChoices):
    ADULT = "adult", "Adult"
    MAINSTREAM = "mainstream", "Mainstream film/TV"
    THEATRE = "theatre", "Theatre"


class Availability(models.TextChoices):
    # In this order in search results: who can take work now comes first.
    AVAILABLE = "available", "Available"
    LIMITED = "limited", "Limited"
    UNAVAILABLE = "unavailable", "Not taking bookings now"


AVAILABILITY_ORDER = {value: position for position, value in enumerate(Availability.values)}


class Listing(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="registry_listing")
    display_name = models.CharField(max_length=80)
    # Space-separated codes with a space at each end (" cs en "), so one `contains` finds a
    # code on every database; services read and write them as lists.
    languages = models.CharField(max_length=200)
    specialities = models.CharField(max_length=60)
    region = models.CharField(max_length=80, blank=True)
    experience = models.TextField(blank=True)
    availability = models.CharField(max_length=12, choices=Availability.choices)
    # 0 available, 1 limited, 2 not taking bookings: sorts results without a CASE.
    availability_rank = models.PositiveSmallIntegerField(default=0)
    availability_note = models.CharField(max_length=200, blank=True)
    listed_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["availability_rank", "display_name", "id"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def language_codes(self) -> list[str]:
        return self.languages.split()

    @property
    def speciality_codes(self) -> list[str]:
        return self.specialities.split()


class Booking(models.Model):
    """A producer asks a listed coordinator to coordinate one of their productions."""

    class State(models.TextChoices):
        OPEN = "open", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        # The coordinator withdrew their listing while the request was open.
        UNLISTED = "unlisted", "No longer listed"
        CANCELLED = "cancelled", "Cancelled by the producer"
        EXPIRED = "expired", "Expired"

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="bookings")
    coordinator = models.ForeignKey(User, on_delete=models.CASCADE, related_name="bookings_in")
    production = models.ForeignKey(
        Production, on_delete=models.CASCADE, related_name="registry_bookings"
    )
    producer = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="bookings_out"
    )
    message = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["production", "coordinator"],
                condition=models.Q(state="open"),
                name="one_open_booking_per_production",
            )
        ]

    def __str__(self) -> str:
        return f"{self.coordinator} for {self.production} ({self.state})"
