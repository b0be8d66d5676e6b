"""The shoot day's tables (docs/shootday.md): a run of a scene, and the signals sent in it.

A signal is a row before it is anything else: the channel layer only makes delivery fast, the
row makes it certain, and every screen catches up by `seq`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from closedset.productions.models import Scene


class Run(models.Model):
    """One scene shot on one day, from the final version the performers consented to."""

    class State(models.TextChoices):
        RUNNING = "running", "running"
        ON_HOLD = "on_hold", "on hold"
        STOPPED = "stopped", "stopped"
        CLOSED = "closed", "closed"

    scene = models.ForeignKey(Scene, on_delete=models.PROTECT, related_name="runs")
    day = models.DateField()
    final = models.ForeignKey("consent.FinalVersion", on_delete=models.PROTECT, related_name="runs")
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    # The run's row is its sequence: each signal locks it and takes the next number, so
    # numbers are gap-free and a screen that has seen n knows exactly what it missed.
    last_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scene", "day"], name="one_run_per_scene_and_day")
        ]


class Signal(models.Model):
    class Kind(models.TextChoices):
        PAUSE = "pause", "PAUSE"
        STOP = "stop", "STOP"

    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="signals")
    seq = models.PositiveBigIntegerField()
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The phone's idempotency key, made before the first try: a replay finds its signal.
    key = models.CharField(max_length=64)
    stored_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "seq"], name="one_signal_per_run_seq"),
            models.UniqueConstraint(
                fields=["run", "sender", "key"], name="one_signal_per_sender_key"
            ),
        ]
        indexes = [
            # The escalation sweep: unacknowledged signals, oldest first.
            models.Index(
                fields=["stored_at"],
                name="onset_signal_unacknowledged",
                condition=models.Q(acknowledged_at__isnull=True, escalated_at__isnull=True),
            )
        ]


# --- the day and the closed set -------------------------------------------------------------


class RosterEntry(models.Model):
    """A named person who may be present while the scene is shot (the closed set)."""

    scene = models.ForeignKey(Scene, on_delete=models.CASCADE, related_name="roster")
    day = models.DateField()
    name = models.CharField(max_length=120)
    job = models.CharField(max_length=80, blank=True, help_text='e.g. "camera operator"')
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["scene", "day", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scene", "day", "name"], name="one_roster_name")
        ]


class CheckItem(models.Model):
    """One line of a performer's pre-scene checklist: a barrier, a modesty garment, a robe,
    water, breaks. Ticked by the coordinator or the performer, with who and when."""

    class Kind(models.TextChoices):
        BARRIER = "barrier", "barrier"
        GARMENT = "garment", "modesty garment"
        ROBE = "robe", "robe"
        WATER = "water", "water"
        BREAKS = "breaks", "breaks"
        OTHER = "other", "other"

    scene = models.ForeignKey(Scene, on_delete=models.CASCADE, related_name="check_items")
    day = models.DateField()
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    label = models.CharField(max_length=120)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["scene", "day", "performer", "pk"]


class BeatState(models.Model):
    """Where a beat of the run's final version stands on the day."""

    class Status(models.TextChoices):
        PLANNED = "planned", "planned"
        IN_PROGRESS = "in_progress", "in progress"
        DONE = "done", "done"
        SKIPPED = "skipped", "skipped"

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="beat_states")
    beat_id = models.CharField(max_length=40)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "beat_id"], name="one_state_per_run_beat")
        ]


class TimelineEntry(models.Model):
    """One line of the console's timeline, in the coordinator's words. Never a check-in colour
    or a change request's answers: those stay where their rules keep them."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["run", "at", "pk"]


# --- check-ins ------------------------------------------------------------------------------


class Colour(models.TextChoices):
    GREEN = "green", "green"
    YELLOW = "yellow", "yellow"
    RED = "red", "red"


class CheckIn(models.Model):
    """The coordinator asks, between beats, how everyone is."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="checkins")
    after_beat = models.CharField(max_length=40, blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "asked_at", "pk"]


class CheckInAnswer(models.Model):
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="answers")
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    colour = models.CharField(max_length=6, choices=Colour.choices)
    answered_at = models.DateTimeField(default=timezone.now)
    # A yellow asks the coordinator to talk to the performer; she marks when she has.
    talked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["checkin", "performer"], name="one_answer_per_checkin_performer"
            )
        ]


# --- change requests: the blind no ----------------------------------------------------------


class ChangeRequest(models.Model):
    """A new or changed beat the director asks for on the day (docs/shootday.md, "The blind
    no"). What the director sees is computed from `all_yes` and the reflection period only."""

    class Check(models.TextChoices):
        ASKED = "asked", "asked"
        REFUSED = "refused", "refused at once (crosses a hard limit)"

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="changes")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    # The beat as proposed (core.plans beat shape); `replaces` is the beat it changes, if any.
    beat = models.JSONField()
    replaces = models.CharField(max_length=40, blank=True)
    # SHA-256 of the canonical beat: a performer who declined is not asked it again that day.
    fingerprint = models.CharField(max_length=64)
    checked = models.CharField(max_length=8, choices=Check.choices)
    reflect_until = models.DateTimeField()
    # Set once every affected performer said yes and the change became a new version.
    approved_at = models.DateTimeField(null=True, blank=True)
    applied_final = models.ForeignKey(
        "consent.FinalVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["run", "proposed_at", "pk"]


class ChangeAnswer(models.Model):
    """One affected performer's private answer. `answer` is empty until they give it."""

    change = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="answers")
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    answer = models.CharField(max_length=3, blank=True)  # "yes", "no" or "" (not yet)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["change", "performer"], name="one_answer_per_change_performer"
            )
        ]


# --- incidents ------------------------------------------------------------------------------


class Incident(models.Model):
    """A deviation the coordinator records on set, or a report anyone in the production makes.
    An anonymous report keeps no reporter at all: nobody, the coordinator included, can learn
    who made it from the database."""

    class Kind(models.TextChoices):
        DEVIATION = "deviation", "deviation from the plan"
        REPORT = "report", "report"

    class State(models.TextChoices):
        OPEN = "open", "open"
        ACKNOWLEDGED = "acknowledged", "acknowledged"
        RESOLVED = "resolved", "resolved"

    production = models.ForeignKey(
        "productions.Production", on_delete=models.CASCADE, related_name="incidents"
    )
    scene = models.ForeignKey(
        Scene, on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents"
    )
    run = models.ForeignKey(
        Run, on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    beat_id = models.CharField(max_length=40, blank=True)
    # Taxonomy ids, as plans name them.
    act = models.CharField(max_length=60, blank=True)
    zone = models.CharField(max_length=60, blank=True)
    intensity = models.CharField(max_length=20, blank=True)
    by_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    anonymous = models.BooleanField(default=False)
    # Free text, sealed (lib.crypto) for the person `sealed_for` names; never in a log entry.
    description = models.BinaryField(null=True, blank=True)
    actions = models.BinaryField(null=True, blank=True)
    sealed_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    log_entry = models.ForeignKey(
        "record.LogEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["production", "reported_at", "pk"]

    # get_kind_display / get_state_display stay English (the record and the stored timeline
    # use them); these are for reading, in the language active now.
    @property
    def kind_words(self) -> str:
        return str(INCIDENT_KIND_WORDS.get(self.kind, self.kind))

    @property
    def state_words(self) -> str:
        return str(INCIDENT_STATE_WORDS.get(self.state, self.state))


INCIDENT_KIND_WORDS: dict[str, Any] = {
    Incident.Kind.DEVIATION: pgettext_lazy("incident kind", "deviation from the plan"),
    Incident.Kind.REPORT: pgettext_lazy("incident kind", "report"),
}
INCIDENT_STATE_WORDS: dict[str, Any] = {
    Incident.State.OPEN: pgettext_lazy("incident state", "open"),
    Incident.State.ACKNOWLEDGED: pgettext_lazy("incident state", "acknowledged"),
    Incident.State.RESOLVED: pgettext_lazy("incident state", "resolved"),
}


# --- closure --------------------------------------------------------------------------------


class Closure(models.Model):
    """The scene closed: the closing checklist, debrief notes (sealed for the coordinator)."""

    run = models.OneToOneField(Run, on_delete=models.CASCADE, related_name="closure")
    checklist = models.JSONField(default=dict)
    debrief = models.BinaryField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)


class AftercareNote(models.Model):
    """Aftercare for one performer after the scene, sealed for that performer."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="aftercare")
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    note = models.BinaryField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)


class Feedback(models.Model):
    """Anonymous feedback on a scene: no link to who gave it (FeedbackGiven says only that
    someone did, so nobody answers twice)."""

    # A random key: rows in insertion order would line up with FeedbackGiven's.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="feedback")
    safety = models.PositiveSmallIntegerField()
    respect = models.PositiveSmallIntegerField()
    comfort = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=2000)


class FeedbackGiven(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="one_feedback_per_person")
        ]


class DaySettings(models.Model):
    """A production's shoot-day settings; a production without a row has the defaults."""

    ESCALATE_DEFAULT = 15
    ESCALATE_MIN = 5
    REFLECTION_DEFAULT = 10

    production = models.OneToOneField(
        "productions.Production", on_delete=models.CASCADE, related_name="day_settings"
    )
    # Seconds an unacknowledged PAUSE or STOP waits before the producers are told.
    escalate_seconds = models.PositiveIntegerField(default=ESCALATE_DEFAULT)
    # Minutes a performer has to think over a change request before "not approved" shows.
    reflection_minutes = models.PositiveIntegerField(default=REFLECTION_DEFAULT)
