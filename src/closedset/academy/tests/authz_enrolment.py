"""Authorization-matrix entries for offers, enrolments, invoices and progress (see
closedset/api/tests/authz_matrix.py).

None of the eight personas holds an academy role or applied, so each is an outsider here: the
real offer, enrolment, invoice, module file and cohort in the addresses (Paula's, made below)
are "not found" for all of them; their own lists (my courses, my offers) are empty but there.
Academy staff, reviewers and applicants are tested in test_enrolment*.py.
"""

from __future__ import annotations

from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, outcomes

P = "/academy/learn"
A = "/api/v1/academy/learn"

PAGE_OK = outcomes(anonymous=LOGIN, default=200)
PAGE_GONE = outcomes(anonymous=LOGIN, default=404)
PAGE_WRONG_METHOD = outcomes(anonymous=LOGIN, default=405)
API_OK = outcomes(anonymous=401, default=200)
API_GONE = outcomes(anonymous=401, default=404)

EXPECTED: dict[str, dict[str, object]] = {
    f"GET {P}/": PAGE_OK,
    f"POST {P}/": PAGE_WRONG_METHOD,
    f"GET {P}/offers/<offer_id>/": PAGE_GONE,
    f"POST {P}/offers/<offer_id>/": PAGE_GONE,
    f"GET {P}/<enrolment_id>/": PAGE_GONE,
    f"POST {P}/<enrolment_id>/": PAGE_WRONG_METHOD,
    f"GET {P}/<enrolment_id>/modules/<module_id>/done/": PAGE_WRONG_METHOD,
    f"POST {P}/<enrolment_id>/modules/<module_id>/done/": PAGE_GONE,
    f"GET {P}/<enrolment_id>/materials/<material_id>/": PAGE_GONE,
    f"POST {P}/<enrolment_id>/materials/<material_id>/": PAGE_WRONG_METHOD,
    f"GET {P}/<enrolment_id>/sessions.ics": PAGE_GONE,
    f"POST {P}/<enrolment_id>/sessions.ics": PAGE_WRONG_METHOD,
    f"GET {P}/<enrolment_id>/invoice.pdf": PAGE_GONE,
    f"POST {P}/<enrolment_id>/invoice.pdf": PAGE_WRONG_METHOD,
    # The staff area does not exist for anyone but academy staff.
    f"GET {P}/staff/": PAGE_GONE,
    f"POST {P}/staff/": PAGE_WRONG_METHOD,
    f"GET {P}/staff/<cohort_id>/": PAGE_GONE,
    f"POST {P}/staff/<cohort_id>/": PAGE_GONE,
    f"GET {P}/staff/enrolments/<enrolment_id>/": PAGE_GONE,
    f"POST {P}/staff/enrolments/<enrolment_id>/": PAGE_WRONG_METHOD,
    f"GET {P}/staff/enrolments/<enrolment_id>/modules/<module_id>/confirm/": PAGE_WRONG_METHOD,
    f"POST {P}/staff/enrolments/<enrolment_id>/modules/<module_id>/confirm/": PAGE_GONE,
    f"GET {P}/staff/enrolments/<enrolment_id>/payments/": PAGE_WRONG_METHOD,
    f"POST {P}/staff/enrolments/<enrolment_id>/payments/": PAGE_GONE,
    f"GET {A}/offers": API_OK,
    f"GET {A}/offers/<offer_id>": API_GONE,
    f"POST {A}/offers/<offer_id>/accept": API_GONE,
    f"POST {A}/offers/<offer_id>/decline": API_GONE,
    f"GET {A}/enrolments": API_OK,
    f"GET {A}/enrolments/<enrolment_id>": API_GONE,
    f"POST {A}/enrolments/<enrolment_id>/modules/<module_id>/done": API_GONE,
    f"GET {A}/staff/cohorts/<cohort_id>/awards": API_GONE,
    f"POST {A}/staff/cohorts/<cohort_id>/awards": API_GONE,
    f"POST {A}/staff/enrolments/<enrolment_id>/modules/<module_id>/confirm": API_GONE,
    f"POST {A}/staff/enrolments/<enrolment_id>/payments": API_GONE,
}


def matrix_academy(world: Any) -> dict[str, Any]:
    """A cohort where Paula is enrolled (invoice, a file to read) and Quinn holds an open
    offer; none of them is a persona. Made once per test, then found again."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from closedset.academy.models import (
        Application,
        Cohort,
        Course,
        Enrolment,
        Invoice,
        Material,
        Module,
        Offer,
    )
    from closedset.accounts.models import User

    cached = getattr(world, "_learning_matrix", None)
    if cached is not None:
        return dict(cached)
    now = timezone.now()
    course = Course.objects.create(title="Matrix workshop")
    module = Module.objects.create(course=course, week=1, title="Consent", needs_confirmation=True)
    material = Material.objects.create(
        module=module,
        kind=Material.Kind.FILE,
        title="Handout",
        file_name="handout.txt",
        file_type="text/plain",
        file_data=b"handout",
    )
    cohort = Cohort.objects.create(
        course=course,
        name="Matrix cohort",
        starts_on=(now + timedelta(days=30)).date(),
        capacity=2,
        price=Decimal("100.00"),
        application_deadline=now - timedelta(days=1),
        awards_computed_at=now,
    )

    def applicant(handle: str) -> Application:
        user = User.objects.create(
            email=f"{handle}@matrix.example", display_name=handle.title(), handle=handle
        )
        return Application.objects.create(
            cohort=cohort,
            applicant=user,
            full_name=handle.title(),
            email=user.email,
            background="-",
            motivation="-",
            final_score=Decimal("50"),
        )

    paula = applicant("paula")
    taken = Offer.objects.create(
        application=paula, kind="paid", expires_at=now + timedelta(days=7), accepted_at=now
    )
    enrolment = Enrolment.objects.create(
        cohort=cohort,
        user=paula.applicant,
        application=paula,
        offer=taken,
        amount_due=Decimal("100.00"),
        currency="EUR",
    )
    Invoice.objects.create(
        enrolment=enrolment, number="CS-1999-0001", amount=Decimal("100.00"), currency="EUR"
    )
    quinn = applicant("quinn")
    open_offer = Offer.objects.create(
        application=quinn, kind="paid", expires_at=now + timedelta(days=7)
    )
    made = {
        "cohort_id": cohort.pk,
        "enrolment_id": enrolment.pk,
        "offer_id": open_offer.pk,
        "module_id": module.pk,
        "material_id": material.pk,
    }
    world._learning_matrix = made
    return dict(made)


def _value(name: str) -> Any:
    return lambda world: matrix_academy(world)[name]


PARAMS: dict[str, Any] = {}
# Per route, so no other part's <cohort_id> or <offer_id> is mixed up with these.
ROUTE_PARAMS: dict[str, dict[str, Any]] = {
    key: {
        name: _value(name)
        for name in ("cohort_id", "enrolment_id", "offer_id", "module_id", "material_id")
        if f"<{name}>" in key
    }
    for key in EXPECTED
}
BODIES: dict[str, Any] = {
    f"POST {P}/offers/<offer_id>/": lambda world: {"decision": "accept"},
    f"POST {P}/staff/enrolments/<enrolment_id>/payments/": lambda world: {
        "amount": "10.00",
        "received_on": "2026-01-02",
        "reference": "matrix",
    },
    f"POST {A}/staff/enrolments/<enrolment_id>/payments": lambda world: {
        "amount": "10.00",
        "received_on": "2026-01-02",
        "reference": "matrix",
    },
}
