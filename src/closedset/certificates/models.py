"""A certificate: proof that someone completed a cohort of a course, as a PDF with a code
anyone can check and as an Open Badges 3.0 credential (services.py issues and revokes)."""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.utils import timezone

from closedset.academy.models import REFERENCE_ALPHABET, Enrolment
from closedset.accounts.models import User

# The W3C minimum for a Bitstring Status List: each certificate hides among 131072 places.
STATUS_LIST_SIZE = 131072


def new_code() -> str:
    """Twelve characters in three groups of four, read from paper: no 0/O, 1/I/L."""
    raw = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(12))
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


class Certificate(models.Model):
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate"
    )
    holder = models.ForeignKey(User, on_delete=models.PROTECT, related_name="certificates")
    # What the verify page asks for; random, so it tells nothing of who or when.
    code = models.CharField(max_length=14, unique=True, default=new_code)
    # The credential's id (urn:uuid:…), so a pasted credential finds its certificate.
    credential_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    issued_at = models.DateTimeField(default=timezone.now)
    # As printed, kept as they were on the day: a later change of name or title does not
    # change a certificate already handed out.
    holder_name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=200)
    cohort_name = models.CharField(max_length=200)
    # The certificate's bit in the revocation list, chosen at random so the order of
    # indexes tells nothing of the order of issue.
    status_index = models.PositiveIntegerField(unique=True)
    # The signed Open Badges 3.0 credential (VC-JWT), exactly as handed to the holder.
    credential = models.TextField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # For academy staff only: never shown on the public verify page nor in the status list.
    revocation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_at", "pk"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
