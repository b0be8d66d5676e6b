"""The one way an application's status changes: saved, and the applicant told at once."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from closedset.academy.models import Application
from closedset.lib.i18n import interpolate_lazy

# What each status means for the applicant, in the words of the e-mail they get.
STATUS_NEWS: dict[str, Any] = {
    Application.Status.SUBMITTED: gettext_lazy(
        "We have your application. You will hear from us when review starts."
    ),
    Application.Status.UNDER_REVIEW: gettext_lazy(
        "Applications are closed and yours is being reviewed. Reviewers do not see your name."
    ),
    Application.Status.OFFERED: gettext_lazy(
        "You are offered a place. Open your application to accept or decline it before the"
        " offer ends."
    ),
    Application.Status.WAITLISTED: gettext_lazy(
        "The cohort is full for now and you are on the waiting list. If a place opens, we"
        " offer it to you by e-mail."
    ),
    Application.Status.DECLINED: gettext_lazy(
        "This application will not go further. You are welcome to apply to a later cohort."
    ),
    Application.Status.ENROLLED: gettext_lazy(
        "You are enrolled. Your course page has the modules, the live sessions and your invoice."
    ),
}


def change_status(application: Application, status: str) -> Application:
    """Set `status` and e-mail the applicant; nothing happens when it is already so."""
    from closedset.notices.models import Kind
    from closedset.notices.services import notify

    if status not in Application.Status.values:
        raise ValueError(f"unknown application status {status!r}")
    if application.status == status:
        return application
    application.status = status
    application.status_changed_at = timezone.now()
    application.save(update_fields=["status", "status_changed_at"])
    label = dict(Application.Status.choices)[status]
    notify(
        application.applicant,
        Kind.ACADEMY_APPLICATION,
        subject=interpolate_lazy(
            pgettext_lazy("mail subject", "Your application to %(cohort)s: %(status)s"),
            cohort=application.cohort.course.title,
            status=label,
        ),
        body=STATUS_NEWS[status],
        url=reverse("academy:mine"),
    )
    return application
