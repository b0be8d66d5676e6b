"""Script breakdown: imported screenplays and, per scene, the flag and the coordinator's decision.

The uploaded file is kept sealed with its uploader's data key (closedset.lib.crypto); the parsed
scenes are stored as JSON so a later import of a revised script can be compared with it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from closedset.accounts.models import User
from closedset.productions.models import Production, Scene


class ScriptImport(models.Model):
    """One upload of a production's screenplay; `version` counts them per production."""

    production = models.ForeignKey(
        Production, on_delete=models.CASCADE, related_name="script_imports"
    )
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField()
    file_name = models.CharField(max_length=255)
    format = models.CharField(max_length=10)
    title = models.CharField(max_length=300, blank=True)
    # The file as uploaded, sealed with the uploader's data key (context: see services).
    sealed = models.BinaryField()
    # {"title", "format", "scenes": [{index, number, heading, line, characters, lines}]}
    parsed = models.JSONField()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["production", "version"], name="one_script_version")
        ]

    def __str__(self) -> str:
        return f"{self.production} script v{self.version}"


class FlaggedScene(models.Model):
    """A scene of an import: whether it was flagged, why, and what the coordinator decided."""

    class Decision(models.TextChoices):
        NONE = "", "not flagged"
        PENDING = "pending", "waiting for the coordinator"
        CONFIRMED = "confirmed", "confirmed"
        DISMISSED = "dismissed", "dismissed"

    class Change(models.TextChoices):
        FIRST = "", "first import"
        NEW = "new", "new scene"
        SAME = "same", "unchanged"
        CHANGED = "changed", "changed"

    script = models.ForeignKey(ScriptImport, on_delete=models.CASCADE, related_name="scenes")
    index = models.PositiveIntegerField()
    number = models.CharField(max_length=40)
    heading = models.CharField(max_length=500)
    line = models.PositiveIntegerField()
    characters = models.JSONField(default=list)
    intimate = models.BooleanField(default=False)
    acts = models.JSONField(default=list)
    # [{"line", "text", "acts"}]
    evidence = models.JSONField(default=list)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default="")
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    scene = models.ForeignKey(
        Scene, on_delete=models.SET_NULL, null=True, blank=True, related_name="script_scenes"
    )
    content_hash = models.CharField(max_length=64)
    # Compared with the same scene (by number, else heading) in the production's previous import.
    change = models.CharField(max_length=10, choices=Change.choices, blank=True, default="")
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The linked plan was made from an earlier text of this scene: the coordinator should check it.
    plan_outdated = models.BooleanField(default=False)

    class Meta:
        ordering = ["script", "index"]
        constraints = [
            models.UniqueConstraint(fields=["script", "index"], name="one_scene_per_index")
        ]

    def __str__(self) -> str:
        return f"{self.script} scene {self.number}"
