"""The academy's demo for development (`closedset demo`, safe to run again): the workshop with
an open spring cohort to apply to, staff and two reviewers, and a graduate of the autumn cohort
who holds a certificate and is listed in the registry, so a producer can book her."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from closedset.academy.models import (
    AcademyRole,
    Application,
    Cohort,
    Course,
    Criterion,
    Enrolment,
    LiveSession,
    Material,
    Module,
    ModuleProgress,
    Offer,
)

COURSE = "Intimacy coordination for adult sets"
WEEKS = [
    ("Consent and power", "What consent is on a set, and who can make it hard to say no."),
    ("Boundaries", "Boundary profiles, hard and soft limits, one-on-one meetings."),
    ("Planning a scene", "Beats by act, zone and intensity; barriers; the closed set."),
    ("On set", "Pause and stop, check-ins, change requests, incidents."),
    ("Closure", "Debrief, aftercare and the coordinator's report."),
]
# handle, name, role
ACADEMY_PEOPLE = [
    ("sam", "Sam", AcademyRole.Kind.STAFF),
    ("rhea", "Rhea", AcademyRole.Kind.REVIEWER),
    ("rui", "Rui", AcademyRole.Kind.REVIEWER),
]


def seed_academy(person: Any) -> list[tuple[Any, str]]:
    """Create the academy's demo data if missing. `person(handle, name)` returns the demo
    account (created or found); returns (user, role label) for the logins to print."""
    now = timezone.now()
    course, created = Course.objects.get_or_create(
        title=COURSE,
        defaults={
            "summary": "Five weeks online for coordinators of adult sets, where the sex is real.",
            "achievement": "Completed the five-week workshop for intimacy coordinators on"
            " adult sets: consent, boundaries, planning, the set and closure.",
        },
    )
    if created:
        for week, (title, summary) in enumerate(WEEKS, start=1):
            module = Module.objects.create(
                course=course,
                week=week,
                title=title,
                summary=summary,
                # The last week ends with a practical assessment staff confirm.
                needs_confirmation=week == len(WEEKS),
            )
            Material.objects.create(
                module=module,
                kind=Material.Kind.TEXT,
                title=f"Reading for week {week}",
                body=summary,
            )
    logins: list[tuple[Any, str]] = []
    people = {}
    for handle, name, role in ACADEMY_PEOPLE:
        user = person(handle, name)
        AcademyRole.objects.get_or_create(user=user, role=role)
        people[handle] = user
        logins.append((user, "academy" if role == AcademyRole.Kind.STAFF else "reviewer"))
    spring = _cohort(course, "Spring 2027", now + timedelta(days=75), now + timedelta(days=30))
    for week, start in ((1, 7), (3, 21)):
        LiveSession.objects.get_or_create(
            cohort=spring,
            title=f"Live session, week {week}",
            defaults={
                "module": course.modules.filter(week=week).first(),
                "starts_at": (now + timedelta(days=75 + start)).replace(
                    hour=17, minute=0, second=0, microsecond=0
                ),
                "time_zone": "Europe/Prague",
                "meeting_link": "https://meet.example.org/closedset-academy",
            },
        )
    autumn = _cohort(course, "Autumn 2026", now - timedelta(days=60), now - timedelta(days=90))
    lena = person("lena", "Lena")
    _graduate(autumn, lena, now)
    logins.append((lena, "graduate"))
    return logins


def _cohort(course: Course, name: str, starts: Any, deadline: Any) -> Cohort:
    cohort, created = Cohort.objects.get_or_create(
        course=course,
        name=name,
        defaults={
            "starts_on": starts.date(),
            "capacity": 12,
            "price": Decimal("450.00"),
            "currency": "EUR",
            "scholarship_full_places": 3,
            "scholarship_partial_places": 3,
            "application_deadline": deadline,
        },
    )
    if created:
        for position, (criterion, weight) in enumerate(
            (("Experience on sets", 3), ("Motivation", 2), ("Care and judgement", 2)), start=1
        ):
            Criterion.objects.create(
                cohort=cohort, name=criterion, weight=weight, position=position
            )
    return cohort


def _graduate(cohort: Cohort, user: Any, now: Any) -> None:
    """The person finished the cohort: application, offer, enrolment, every module done, her
    certificate, and her registry listing."""
    from closedset.certificates.services import issue_certificate
    from closedset.registry.services import my_listing, save_listing

    if cohort.applications_closed_at is None:
        cohort.applications_closed_at = cohort.application_deadline
        cohort.awards_computed_at = cohort.application_deadline
        cohort.save(update_fields=["applications_closed_at", "awards_computed_at"])
    application, _ = Application.objects.get_or_create(
        cohort=cohort,
        applicant=user,
        defaults={
            "full_name": user.display_name,
            "email": user.email,
            "background": "Eight years as a first assistant director.",
            "motivation": "Sets where saying no costs nothing.",
            "status": Application.Status.ENROLLED,
            "submitted_at": cohort.application_deadline - timedelta(days=5),
        },
    )
    enrolment = Enrolment.objects.filter(application=application).first()
    if enrolment is None:
        offer = Offer.objects.create(
            application=application,
            kind=Offer.Kind.PAID,
            made_at=cohort.application_deadline,
            expires_at=cohort.application_deadline + timedelta(days=7),
            accepted_at=cohort.application_deadline + timedelta(days=1),
        )
        enrolment = Enrolment.objects.create(
            cohort=cohort,
            user=user,
            application=application,
            offer=offer,
            amount_due=cohort.price,
            currency=cohort.currency,
            completed_at=now - timedelta(days=10),
        )
        for module in cohort.course.modules.all():
            ModuleProgress.objects.create(
                enrolment=enrolment,
                module=module,
                self_marked_at=now - timedelta(days=12),
                confirmed_at=now - timedelta(days=10) if module.needs_confirmation else None,
            )
    issue_certificate(enrolment)
    if my_listing(user) is None:
        save_listing(
            user,
            display_name=user.display_name,
            languages=["en", "cs"],
            region="Prague and central Europe",
            experience="Adult and mainstream sets since 2026.",
            specialities=["adult", "mainstream"],
            availability="available",
            availability_note="",
        )
