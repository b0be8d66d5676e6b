from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from closedset.api.api import api

urlpatterns = [
    path("", include("closedset.accounts.urls")),
    path("", include("closedset.productions.urls")),
    path("boundaries/", include("closedset.boundaries.urls")),
    path("plans/", include("closedset.plans.urls")),
    path("plans/", include("closedset.plans.history_urls")),
    path("scenes/", include("closedset.plans.performer_urls")),
    path("notices/", include("closedset.notices.urls")),
    path("consent/", include("closedset.consent.urls")),
    path("compliance/", include("closedset.compliance.urls")),
    path("rider/", include("closedset.rider.urls")),
    path("onset/", include("closedset.onset.urls")),
    path("breakdown/", include("closedset.breakdown.urls")),
    path("calendar/", include("closedset.calendars.urls")),
    path("callsheet/", include("closedset.callsheets.urls")),
    path("", include("closedset.record.urls")),
    path("academy/", include("closedset.academy.urls")),
    path("academy/review/", include("closedset.academy.review_urls")),
    path("academy/learn/", include("closedset.academy.enrolment_urls")),
    path("certificates/", include("closedset.certificates.urls")),
    path("registry/", include("closedset.registry.urls")),
    # Passkeys as a second factor (closedset.accounts.passkeys).
    path("account/passkeys/webauthn/", include("closedset.accounts.passkeys")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# A URL no route matches under /api/ still answers JSON (closedset.api.api.not_found).
handler404 = "closedset.api.api.not_found"
