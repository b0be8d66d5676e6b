"""The academy's public catalogue, applications and the staff's setup (namespace "academy")."""

from __future__ import annotations

from django.urls import path

from closedset.academy import views

app_name = "academy"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("cohorts/<int:cohort_id>/", views.cohort, name="cohort"),
    path("cohorts/<int:cohort_id>/apply/", views.apply, name="apply"),
    path("applications/", views.mine, name="mine"),
    # Staff only; anyone else is told there is nothing here (404).
    path("staff/", views.staff, name="staff"),
    path("staff/courses/new/", views.course_new, name="course_new"),
    path("staff/courses/<int:course_id>/", views.course, name="course"),
    path("staff/courses/<int:course_id>/modules/new/", views.module_new, name="module_new"),
    path("staff/modules/<int:module_id>/", views.module, name="module"),
    path("staff/modules/<int:module_id>/materials/new/", views.material_new, name="material_new"),
    path("staff/materials/<int:material_id>/", views.material, name="material"),
    path("staff/materials/<int:material_id>/file/", views.material_file, name="material_file"),
    path("staff/cohorts/new/", views.cohort_new, name="cohort_new"),
    path("staff/cohorts/<int:cohort_id>/", views.staff_cohort, name="staff_cohort"),
    path("staff/cohorts/<int:cohort_id>/criteria/new/", views.criterion_new, name="criterion_new"),
    path("staff/criteria/<int:criterion_id>/", views.criterion, name="criterion"),
    path("staff/cohorts/<int:cohort_id>/sessions/new/", views.session_new, name="session_new"),
    path("staff/sessions/<int:session_id>/", views.session, name="session"),
    path(
        "staff/cohorts/<int:cohort_id>/applications/",
        views.staff_applications,
        name="staff_applications",
    ),
    path("staff/cohorts/<int:cohort_id>/close/", views.close, name="close"),
    path(
        "staff/applications/<int:application_id>/",
        views.staff_application,
        name="staff_application",
    ),
    path("staff/applications/<int:application_id>/decline/", views.decline, name="decline"),
]
