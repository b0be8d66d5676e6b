"""The record's tables: one log per organisation, its entries, signed checkpoints, and the
salts that tie an entry to a person.

Nothing personal is stored here except Commitment.salt, and that row belongs to the person:
deleting it (erasure) leaves the entry verifiable but no longer linkable to anyone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from closedset.productions.models import Organisation


class Log(models.Model):
    """An organisation's append-only Merkle log (formats.md "The record")."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="record_log"
    )
    # host/org/<slug>, fixed at creation: the key name and every checkpoint carry it, so a
    # renamed organisation keeps its log.
    origin = models.CharField(max_length=300, unique=True)
    slug = models.SlugField(max_length=250, unique=True)
    size = models.PositiveBigIntegerField(default=0)
    # The right edge of the tree: one 32-byte hash per set bit of size, largest first.
    compact_range = models.BinaryField(default=b"")
    root = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.origin


# A foreign key's own index is left out where a unique constraint or index already starts with
# that column: every append writes these rows, and each index is one more write.


class LogEntry(models.Model):
    log = models.ForeignKey(Log, on_delete=models.PROTECT, related_name="entries", db_index=False)
    index = models.PositiveBigIntegerField()
    data = models.BinaryField()  # the exact canonical JSON bytes that were hashed
    leaf_hash = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    # The entry's own "refers_to" (a withdrawal names the consent it ends), copied out of the
    # data so that whoever checks a receipt learns at once that a later entry undid it.
    refers_to = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["log", "index"], name="one_entry_per_log_index")
        ]
        indexes = [
            # Only the few entries that answer an earlier one are indexed.
            models.Index(
                fields=["log", "refers_to"],
                name="record_entry_refers_to",
                condition=models.Q(refers_to__isnull=False),
            )
        ]
        ordering = ["log", "index"]


class Checkpoint(models.Model):
    log = models.ForeignKey(
        Log, on_delete=models.PROTECT, related_name="checkpoints", db_index=False
    )
    size = models.PositiveBigIntegerField()
    root = models.BinaryField()
    note = models.TextField()  # the signed note, exactly as handed out
    vkey = models.CharField(max_length=400)  # the verifier key that signed it
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["log", "size"], name="record_checkpoint_log_size")]


class Commitment(models.Model):
    """The salt that makes one entry's commitment point at one person.

    CASCADE on purpose: without the salt nobody can tell whom the entry concerns.
    """

    entry = models.ForeignKey(
        LogEntry, on_delete=models.PROTECT, related_name="commitments", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="log_commitments"
    )
    salt = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "user"], name="one_commitment_per_person")
        ]
