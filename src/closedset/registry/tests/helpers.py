"""Certified coordinators and listings for the registry's tests and its matrix entries.

Certificates are real: an enrolment with every module complete, issued by the certificates
app exactly as a graduate's is."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone


def _cohort() -> Any:
    from closedset.academy.models import Cohort, Course

    cohort = Cohort.objects.filter(name="Registry graduates").first()
    if cohort is not None:
        return cohort
    course = Course.objects.create(
        title="Intimacy coordination for adult sets",
        achievement="Completed the five-week workshop for intimacy coordinators.",
    )
    now = timezone.now()
    return Cohort.objects.create(
        course=course,
        name="Registry graduates",
        starts_on=(now - timedelta(days=60)).date(),
        capacity=20,
        price=Decimal("900.00"),
        currency="EUR",
        application_deadline=now - timedelta(days=90),
    )


def certify(user: Any, cohort: Any = None) -> Any:
    """`user` completes a cohort (the registry's own, unless one is given) and is certified."""
    from closedset.academy.models import Application, Enrolment, Offer
    from closedset.certificates.services import issue_certificate

    cohort = cohort or _cohort()
    now = timezone.now()
    application = Application.objects.filter(cohort=cohort, applicant=user).first()
    if application is None:
        application = Application.objects.create(
            cohort=cohort,
            applicant=user,
            full_name=user.display_name,
            email=user.email,
            background="Stage manager.",
            motivation="Safer sets.",
        )
    Application.objects.filter(pk=application.pk).update(status=Application.Status.ENROLLED)
    offer = Offer.objects.create(
        application=application,
        kind=Offer.Kind.PAID,
        expires_at=now + timedelta(days=7),
        accepted_at=now,
    )
    enrolment = Enrolment.objects.create(
        cohort=cohort,
        user=user,
        application=application,
        offer=offer,
        amount_due=Decimal("900.00"),
        currency="EUR",
        completed_at=now,
    )
    return issue_certificate(enrolment)


def revoke(certificate: Any) -> None:
    """The certificate is revoked (as academy staff do; the staff page is not under test)."""
    from closedset.certificates.models import Certificate

    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())


LISTING = {
    "display_name": "Lena Marek",
    "languages": ["cs", "en"],
    "region": "Prague",
    "experience": "Three feature films and a season of theatre.",
    "specialities": ["adult", "theatre"],
    "availability": "available",
    "availability_note": "",
}


def listed(user: Any, **changes: Any) -> Any:
    """`user`, certified, lists themselves (LISTING with `changes`)."""
    from closedset.registry import services

    if not services.is_certified(user):
        certify(user)
    values = {**LISTING, "display_name": user.display_name, **changes}
    return services.save_listing(user, **values)


def person(handle: str, name: str) -> Any:
    from closedset.accounts.models import User
    from closedset.conftest import _hash

    user = User(
        email=f"{handle}@example.com",
        display_name=name,
        handle=handle,
        password=_hash(),
        email_verified_at=timezone.now(),
    )
    user.save()
    return user
