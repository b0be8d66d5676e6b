"""Graduates for the certificate tests: academy applicants with a complete enrolment."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone


def enrol(academy: Any, handle: str, *, completed: bool = True) -> Any:
    """An accepted paid place for `handle`, every module complete unless told otherwise."""
    from closedset.academy.models import Application, Enrolment, Offer

    application = academy.applications[handle]
    now = timezone.now()
    offer = Offer.objects.create(
        application=application,
        kind=Offer.Kind.PAID,
        expires_at=now + timedelta(days=7),
        accepted_at=now,
    )
    Application.objects.filter(pk=application.pk).update(status=Application.Status.ENROLLED)
    return Enrolment.objects.create(
        cohort=academy.cohort,
        user=academy.applicants[handle],
        application=application,
        offer=offer,
        amount_due=Decimal("900.00"),
        currency="EUR",
        completed_at=now if completed else None,
    )


@pytest.fixture
def graduate(academy: Any) -> Any:
    """Ana's enrolment, complete, and her certificate."""
    from closedset.certificates.services import issue_certificate

    return issue_certificate(enrol(academy, "ana"))
