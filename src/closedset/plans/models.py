"""Scene plans: the beats of one scene, who plays which role, and saved versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ScenePlan(models.Model):
    """The one working plan of a scene; its kind is the production's."""

    scene = models.OneToOneField("productions.Scene", on_delete=models.CASCADE, related_name="plan")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"plan for scene {self.scene}"


class RoleSlot(models.Model):
    """A role in the plan ("A", "B"), cast with one of the production's performers or open."""

    plan = models.ForeignKey(ScenePlan, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=40)
    position = models.PositiveIntegerField(default=0)
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["plan", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="one_role_name_per_plan"),
            models.UniqueConstraint(
                fields=["plan", "performer"],
                condition=Q(performer__isnull=False),
                name="one_role_per_performer",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Beat(models.Model):
    """Who does what to whom: an act, a zone, an intensity, a barrier."""

    plan = models.ForeignKey(ScenePlan, on_delete=models.CASCADE, related_name="beats")
    position = models.PositiveIntegerField()
    beat_id = models.CharField(max_length=40)
    act = models.CharField(max_length=60)
    by = models.CharField(max_length=40)
    to = models.JSONField(default=list)
    zone = models.CharField(max_length=40, blank=True)
    intensity = models.CharField(max_length=10, default="light")
    barrier = models.CharField(max_length=10, default="none")

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "beat_id"], name="one_beat_id_per_plan"),
        ]

    def __str__(self) -> str:
        return self.beat_id


class PlanVersion(models.Model):
    """A saved snapshot of the plan in the formats.md shape."""

    plan = models.ForeignKey(ScenePlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number"),
        ]

    def __str__(self) -> str:
        return f"version {self.number}"


# --- beat edits ---


class BeatEdit(models.Model):
    """Who changed a beat, when, and how; the coordinator reads it on the plan page.

    Kept when the beat goes (beat set to null, its id kept in `beat_label`) and when the editor
    erases their account (the row then names "Erased account").
    """

    class Kind(models.TextChoices):
        ADDED = "added", "added"
        EDITED = "edited", "edited"
        MOVED = "moved", "moved"
        REMOVED = "removed", "removed"
        IMPORTED = "imported", "imported"

    plan = models.ForeignKey(ScenePlan, on_delete=models.CASCADE, related_name="beat_edits")
    beat = models.ForeignKey(Beat, on_delete=models.SET_NULL, null=True, related_name="edits")
    # The beat's id as it was when changed ("b2"): beat ids can change and beats can go.
    beat_label = models.CharField(max_length=40)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Edited: the fields that changed ("zone", "intensity"); moved: "up" or "down".
    detail = models.JSONField(default=list)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["plan", "-at"], name="beat_edit_plan_time")]

    def __str__(self) -> str:
        return f"{self.beat_label} {self.kind}"


# --- the director proposes, the coordinator decides ---


class Proposal(models.Model):
    """A change the director asks for; nothing in the plan moves until the coordinator decides.

    The director sees his proposals and their decision, never a check: whether a beat is
    cleared reaches him only through a version the coordinator releases.
    """

    class Kind(models.TextChoices):
        ADD = "add", "add a beat"
        EDIT = "edit", "change a beat"
        REMOVE = "remove", "remove a beat"
        MOVE = "move", "move a beat"
        CAST = "cast", "cast a role"
        REPLACE = "replace", "replace the whole plan"

    class State(models.TextChoices):
        OPEN = "open", "waiting for the coordinator"
        ACCEPTED = "accepted", "accepted"
        AMENDED = "amended", "accepted with changes"
        DECLINED = "declined", "declined"

    plan = models.ForeignKey(ScenePlan, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The beat a change, removal or move concerns, by its id in the plan ("b2").
    beat_label = models.CharField(max_length=40, blank=True)
    # add/edit: the beat (formats.md shape); move: {"direction"}; cast: {"role", "performer"};
    # replace: a whole plan.
    data = models.JSONField(default=dict)
    note = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # What went into the plan when the coordinator amended the proposal.
    applied = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["plan", "state"], name="proposal_plan_state")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.state})"


class Release(models.Model):
    """A version the coordinator released to the director, with its frozen two-state status.

    Frozen on purpose: a performer changing an answer later must not flip what the director
    reads; he learns nothing new until the coordinator releases again.
    """

    version = models.OneToOneField(PlanVersion, on_delete=models.CASCADE, related_name="release")
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    released_at = models.DateTimeField(auto_now_add=True)
    cleared = models.BooleanField()
    # Beat id -> cleared (true) or not cleared (false); nothing else.
    beats = models.JSONField(default=dict)

    class Meta:
        ordering = ["-released_at", "-pk"]

    def __str__(self) -> str:
        return f"release of {self.version}"
