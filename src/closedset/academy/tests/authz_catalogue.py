"""Authorization-matrix entries for the catalogue, applications and staff setup (see
closedset/api/tests/authz_matrix.py).

Anyone may read the catalogue and a cohort, and apply (a signed-out person gets an account as
they apply); a signed-in person reads their own applications. Staff pages and staff API routes
answer 404 to everyone who is not academy staff (none of the eight personas is): nobody else
learns what the staff area holds. Signed out, a staff page asks to log in and the API says 401.
Academy staff themselves (sam) are tested in test_staff_setup.py.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from closedset.api.tests.authz_matrix import LOGIN, REDIRECT, outcomes, same

MATRIX_COURSE = "Matrix workshop"


def matrix(world: Any) -> dict[str, Any]:
    """One open cohort with a module, a file material, a criterion, a live session and one
    application by someone who is none of the personas (made once per test)."""
    from django.utils import timezone

    from closedset.academy.models import (
        Application,
        Cohort,
        Course,
        Criterion,
        LiveSession,
        Material,
        Module,
    )
    from closedset.accounts.models import User

    course = Course.objects.filter(title=MATRIX_COURSE).first()
    if course is None:
        now = timezone.now()
        course = Course.objects.create(title=MATRIX_COURSE, summary="Five weeks.")
        module = Module.objects.create(course=course, week=1, title="Consent")
        Material.objects.create(
            module=module,
            kind="file",
            title="Handout",
            file_name="handout.pdf",
            file_type="application/pdf",
            file_data=b"%PDF-1.4 matrix",
        )
        cohort = Cohort.objects.create(
            course=course,
            name="Matrix cohort",
            starts_on=(now + timedelta(days=60)).date(),
            capacity=3,
            price=Decimal("900.00"),
            application_deadline=now + timedelta(days=14),
        )
        Criterion.objects.create(cohort=cohort, name="Experience", weight=2)
        LiveSession.objects.create(
            cohort=cohort,
            module=module,
            title="Welcome",
            starts_at=now + timedelta(days=61),
            time_zone="Europe/Prague",
        )
        someone = User.objects.create_user(
            email="matrix-applicant@example.net", display_name="Someone", handle="matrix-someone"
        )
        Application.objects.create(
            cohort=cohort,
            applicant=someone,
            full_name="Someone Else",
            email=someone.email,
            background="b",
            motivation="m",
        )
    module = course.modules.get()
    cohort = course.cohorts.get()
    return {
        "course_id": course.pk,
        "module_id": module.pk,
        "material_id": module.materials.get().pk,
        "cohort_id": cohort.pk,
        "criterion_id": cohort.criteria.get().pk,
        "session_id": cohort.live_sessions.get().pk,
        "application_id": cohort.applications.get().pk,
    }


def _param(name: str) -> Any:
    return lambda world: matrix(world)[name]


ANSWERS = {
    "full_name": "A Person",
    "background": "Ten years on sets.",
    "motivation": "Safer sets.",
    "scholarship": "",
}
NEW_PERSON = {
    **ANSWERS,
    "name": "Matrix Newcomer",
    "email": "matrix-newcomer@example.org",
    "password": "a long enough password 42",
}

STAFF_PAGE = outcomes(anonymous=LOGIN, default=404)
STAFF_API = outcomes(anonymous=401, default=404)
SIGNED_IN_PAGE = outcomes(anonymous=LOGIN, default=200)
POST_ONLY_GET = outcomes(anonymous=LOGIN, default=405)
GET_ONLY_POST = outcomes(anonymous=LOGIN, default=405)

STAFF_PAGES = [
    "/academy/staff/courses/new/",
    "/academy/staff/courses/<course_id>/",
    "/academy/staff/courses/<course_id>/modules/new/",
    "/academy/staff/modules/<module_id>/",
    "/academy/staff/modules/<module_id>/materials/new/",
    "/academy/staff/materials/<material_id>/",
    "/academy/staff/cohorts/new/",
    "/academy/staff/cohorts/<cohort_id>/",
    "/academy/staff/cohorts/<cohort_id>/criteria/new/",
    "/academy/staff/criteria/<criterion_id>/",
    "/academy/staff/cohorts/<cohort_id>/sessions/new/",
    "/academy/staff/sessions/<session_id>/",
]
STAFF_GET_ONLY = [
    "/academy/staff/",
    "/academy/staff/materials/<material_id>/file/",
    "/academy/staff/cohorts/<cohort_id>/applications/",
    "/academy/staff/applications/<application_id>/",
]
STAFF_POST_ONLY = [
    "/academy/staff/cohorts/<cohort_id>/close/",
    "/academy/staff/applications/<application_id>/decline/",
]

EXPECTED: dict[str, dict[str, object]] = {
    "GET /academy/": same(200),
    "POST /academy/": same(405),
    "GET /academy/cohorts/<cohort_id>/": same(200),
    "POST /academy/cohorts/<cohort_id>/": same(405),
    "GET /academy/cohorts/<cohort_id>/apply/": same(200),
    # Signed out: an account is made and the person sent to confirm their address; signed in:
    # the application is made and they see it among theirs.
    "POST /academy/cohorts/<cohort_id>/apply/": same(REDIRECT),
    "GET /academy/applications/": SIGNED_IN_PAGE,
    "POST /academy/applications/": GET_ONLY_POST,
    "GET /api/v1/academy/cohorts": same(200),
    "GET /api/v1/academy/cohorts/<cohort_id>": same(200),
    "GET /api/v1/academy/applications": outcomes(anonymous=401, default=200),
    "POST /api/v1/academy/cohorts/<cohort_id>/applications": outcomes(anonymous=401, default=201),
    "GET /api/v1/academy/staff/cohorts": STAFF_API,
    "GET /api/v1/academy/staff/cohorts/<cohort_id>/applications": STAFF_API,
    "POST /api/v1/academy/staff/cohorts/<cohort_id>/close": STAFF_API,
    "POST /api/v1/academy/staff/applications/<application_id>/decline": STAFF_API,
}
for _path in STAFF_PAGES:
    EXPECTED[f"GET {_path}"] = STAFF_PAGE
    EXPECTED[f"POST {_path}"] = STAFF_PAGE
for _path in STAFF_GET_ONLY:
    EXPECTED[f"GET {_path}"] = STAFF_PAGE
    EXPECTED[f"POST {_path}"] = GET_ONLY_POST
for _path in STAFF_POST_ONLY:
    EXPECTED[f"GET {_path}"] = POST_ONLY_GET
    EXPECTED[f"POST {_path}"] = STAFF_PAGE

PARAMS: dict = {}
# Per route, so the other academy parts' values for the same names never apply here.
ROUTE_PARAMS: dict[str, dict[str, Any]] = {}
for _key in EXPECTED:
    _names = [part[1:-1] for part in _key.split("/") if part.startswith("<")]
    if _names:
        ROUTE_PARAMS[_key] = {name: _param(name) for name in _names}

BODIES = {
    "POST /academy/cohorts/<cohort_id>/apply/": lambda world: dict(NEW_PERSON),
    "POST /api/v1/academy/cohorts/<cohort_id>/applications": lambda world: dict(ANSWERS),
}
