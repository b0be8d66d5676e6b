"""The academy: courses and their cohorts, applications, blind review, offers, enrolments,
invoices and progress. Every state change goes through the services (services.py for the
catalogue and applications, review.py for blind review, enrolment.py for awards onwards)."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from closedset.accounts.models import User

# No 0/O or 1/I/L: a reference is read aloud and typed from paper.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference(prefix: str = "A") -> str:
    return prefix + "-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def new_application_reference() -> str:
    return new_reference("A")


class AcademyRole(models.Model):
    """A person's part in the academy (not in any production): staff run cohorts, reviewers
    score applications blind. Both need a second factor (accounts.services)."""

    class Kind(models.TextChoices):
        STAFF = "staff", gettext_lazy("Academy staff")
        REVIEWER = "reviewer", gettext_lazy("Reviewer")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="academy_roles")
    role = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_academy_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()}"


class Course(models.Model):
    """What is taught, e.g. the five-week online workshop for adult-set coordinators."""

    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    # What the certificate says the graduate achieved (the Open Badges achievement).
    achievement = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    week = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    # Completion counts only once staff confirm it (e.g. a practical assessment).
    needs_confirmation = models.BooleanField(default=False)

    class Meta:
        ordering = ["week", "position", "pk"]

    def __str__(self) -> str:
        return f"Week {self.week}: {self.title}"


class Material(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", pgettext_lazy("material kind", "Text")
        LINK = "link", pgettext_lazy("material kind", "Link")
        FILE = "file", pgettext_lazy("material kind", "File")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.URLField(blank=True)
    # Small files (handouts) live in the database like every other upload here.
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_data = models.BinaryField(null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Cohort(models.Model):
    """One run of a course: dates, places, price and how its applications are decided."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=200)
    starts_on = models.DateField()
    # The language it is taught in (a code from settings.LANGUAGES).
    language = models.CharField(max_length=8, default="en")
    capacity = models.PositiveIntegerField()
    price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    scholarship_full_places = models.PositiveIntegerField(default=0)
    scholarship_partial_places = models.PositiveIntegerField(default=0)
    # What a partial scholarship takes off the price.
    partial_discount_percent = models.PositiveSmallIntegerField(default=50)
    application_deadline = models.DateTimeField()
    # Staff close applications (or the deadline passes); review starts then.
    applications_closed_at = models.DateTimeField(null=True, blank=True)
    # Each criterion is scored 0..score_max.
    score_max = models.PositiveSmallIntegerField(default=5)
    # Two reviewers' weighted scores (0-100) further apart than this call a third reviewer.
    disagreement_threshold = models.PositiveSmallIntegerField(default=20)
    offer_days = models.PositiveSmallIntegerField(default=7)
    awards_computed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return f"{self.course}: {self.name}"

    @property
    def scholarship_places(self) -> int:
        return self.scholarship_full_places + self.scholarship_partial_places

    def accepts_applications(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.applications_closed_at is None and self.application_deadline > moment


class LiveSession(models.Model):
    """A live online session of a cohort, in its own time zone (ICS per participant)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="live_sessions")
    module = models.ForeignKey(
        Module, on_delete=models.SET_NULL, null=True, blank=True, related_name="live_sessions"
    )
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=90)
    # IANA name, e.g. "Europe/Prague": the time the session is announced in.
    time_zone = models.CharField(max_length=64, default="UTC")
    meeting_link = models.URLField(blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """One line of a cohort's review rubric."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("application status", "Submitted")
        UNDER_REVIEW = "under_review", pgettext_lazy("application status", "Under review")
        OFFERED = "offered", pgettext_lazy("application status", "Offered a place")
        WAITLISTED = "waitlisted", pgettext_lazy("application status", "On the waiting list")
        DECLINED = "declined", pgettext_lazy("application status", "Declined")
        ENROLLED = "enrolled", pgettext_lazy("application status", "Enrolled")

    class Scholarship(models.TextChoices):
        NONE = "", pgettext_lazy("scholarship", "No scholarship")
        FULL = "full", pgettext_lazy("scholarship", "Full scholarship")
        PARTIAL = "partial", pgettext_lazy("scholarship", "Partial scholarship")

    # The fields that tell who the applicant is. Reviewers never see these, nor any of their
    # values inside the other answers (review.py removes them).
    IDENTIFYING_FIELDS = ("full_name", "email", "phone", "location", "links")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(User, on_delete=models.CASCADE, related_name="applications")
    # What reviewers and staff call it; random so it tells nothing of when or who.
    reference = models.CharField(max_length=12, unique=True, default=new_application_reference)
    # Identifying.
    full_name = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    location = models.CharField(max_length=200, blank=True)
    links = models.TextField(blank=True)
    # Not identifying (the form asks not to name oneself here).
    background = models.TextField()
    motivation = models.TextField()
    scholarship = models.CharField(
        max_length=7, choices=Scholarship.choices, blank=True, default=""
    )
    scholarship_reason = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # Set when awards are computed: the mean of its reviewers' weighted scores (0-100).
    final_score = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "applicant"], name="one_application_each")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def asks_scholarship(self) -> bool:
        return bool(self.scholarship)


class ReviewerConflict(models.Model):
    """Someone a reviewer knows: applications whose name or address matches are never given
    to them."""

    reviewer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="review_conflicts")
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)


class ReviewAssignment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="review_assignments")
    # 1 and 2 for the first two; 3 when they disagreed beyond the cohort's threshold.
    round = models.PositiveSmallIntegerField(default=1)
    assigned_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The reviewer recognised the applicant: another reviewer takes it.
    recused_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="one_review_per_reviewer"
            )
        ]


class Score(models.Model):
    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_each")
        ]


class Offer(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", pgettext_lazy("offer", "A place with a full scholarship")
        PARTIAL = "partial", pgettext_lazy("offer", "A place with a partial scholarship")
        PAID = "paid", pgettext_lazy("offer", "A paid place")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="offers")
    kind = models.CharField(max_length=7, choices=Kind.choices)
    made_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-made_at", "pk"]

    @property
    def is_open(self) -> bool:
        return not (self.accepted_at or self.declined_at or self.expired_at)


class Enrolment(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolments")
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="enrolment"
    )
    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="enrolment")
    enrolled_at = models.DateTimeField(default=timezone.now)
    amount_due = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["enrolled_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="one_enrolment_each")
        ]


class Invoice(models.Model):
    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="invoice")
    number = models.CharField(max_length=20, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)


class Payment(models.Model):
    """Money received against an invoice, as staff recorded it (no card processing here)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    received_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)


class ModuleProgress(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    self_marked_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "module"], name="one_progress_each")
        ]
