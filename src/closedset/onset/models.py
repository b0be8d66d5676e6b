"""The shoot day's tables (docs/shootday.md): a run of a scene, and the signals sent in it.

A signal is a row before it is anything else: the channel layer only makes delivery fast, the
row makes it certain, and every screen catches up by `seq`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

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
