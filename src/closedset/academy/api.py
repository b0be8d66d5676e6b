"""JSON API for the academy's catalogue and applications, mounted at /api/v1/academy/.

The same services as the pages: anyone may list the open cohorts; a signed-in person reads and
sends their own applications; academy staff read every cohort's counts and applications and
close applications. Everyone else is told a staff route does not exist (404).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from closedset.academy import services
from closedset.academy.roles import api_user

router = Router(tags=["academy"])


def _user(request: HttpRequest) -> Any:
    return api_user(request)


class ApplicationIn(Schema):
    full_name: str = ""
    phone: str = ""
    location: str = ""
    links: str = ""
    background: str = ""
    motivation: str = ""
    scholarship: str = ""
    scholarship_reason: str = ""


@router.get("/cohorts", auth=None, summary="Cohorts taking applications now (public)")
def open_cohorts(request: HttpRequest) -> list[dict[str, Any]]:
    return [services.cohort_json(item) for item in services.open_cohorts()]


@router.get("/cohorts/{cohort_id}", auth=None, summary="One cohort, open or not (public)")
def cohort(request: HttpRequest, cohort_id: int) -> dict[str, Any]:
    page = services.cohort_page(cohort_id)
    data = services.cohort_json(page)
    data["modules"] = [
        {"week": module.week, "title": module.title, "summary": module.summary}
        for week in page.weeks
        for module in week.modules
    ]
    data["live_sessions"] = [
        {
            "title": item.session.title,
            "starts_at": item.local.isoformat(),
            "time_zone": item.zone,
            "utc_offset": item.offset,
            "duration_minutes": item.session.duration_minutes,
        }
        for item in page.sessions
    ]
    return data


@router.get("/applications", summary="My applications, each with its status and next step")
def my_applications(request: HttpRequest) -> list[dict[str, Any]]:
    return [services.my_application_json(item) for item in services.my_applications(_user(request))]


@router.post(
    "/cohorts/{cohort_id}/applications",
    response={201: dict[str, Any]},
    summary="Apply to a cohort (with the e-mail address of my account)",
)
def apply(request: HttpRequest, cohort_id: int, data: ApplicationIn) -> Any:
    user = _user(request)
    answers = services.ApplicationInput(email=user.email, **data.dict())
    application = services.apply(user, cohort_id, answers)
    item = next(i for i in services.my_applications(user) if i.application.pk == application.pk)
    return Status(201, services.my_application_json(item))


@router.get("/staff/cohorts", summary="Staff: every cohort with its applications by status")
def staff_cohorts(request: HttpRequest) -> list[dict[str, Any]]:
    return [services.counts_json(item) for item in services.staff_overview(_user(request))]


@router.get(
    "/staff/cohorts/{cohort_id}/applications",
    summary="Staff: a cohort's applications, with who applied",
)
def staff_applications(request: HttpRequest, cohort_id: int) -> list[dict[str, Any]]:
    _, rows = services.staff_applications(_user(request), cohort_id)
    return [services.staff_application_json(row) for row in rows]


@router.post(
    "/staff/cohorts/{cohort_id}/close",
    summary="Staff: close a cohort's applications and start blind review",
)
def close(request: HttpRequest, cohort_id: int) -> dict[str, Any]:
    user = _user(request)
    services.close_applications(user, cohort_id)
    item = next(i for i in services.staff_overview(user) if i.cohort.pk == cohort_id)
    return services.counts_json(item)


@router.post(
    "/staff/applications/{application_id}/decline",
    summary="Staff: decline an application (the applicant is told)",
)
def decline(request: HttpRequest, application_id: int) -> dict[str, Any]:
    application = services.decline_application(_user(request), application_id)
    return services.staff_application_json(application)
