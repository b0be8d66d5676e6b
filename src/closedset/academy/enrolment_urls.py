"""Participants' pages (offers, my courses, course pages, ICS, invoice) and the staff's
(awards, participants, payments, confirmations), at /academy/learn/."""

from __future__ import annotations

from django.urls import path

from closedset.academy import enrolment_views as views

app_name = "learning"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("offers/<int:offer_id>/", views.offer, name="offer"),
    path("<int:enrolment_id>/", views.course, name="course"),
    path("<int:enrolment_id>/modules/<int:module_id>/done/", views.done, name="done"),
    path(
        "<int:enrolment_id>/materials/<int:material_id>/",
        views.material,
        name="material",
    ),
    path("<int:enrolment_id>/sessions.ics", views.sessions_ics, name="ics"),
    path("<int:enrolment_id>/invoice.pdf", views.invoice_pdf, name="invoice"),
    path("staff/", views.staff_cohorts, name="staff"),
    path("staff/<int:cohort_id>/", views.staff_cohort, name="staff_cohort"),
    path(
        "staff/enrolments/<int:enrolment_id>/",
        views.staff_enrolment,
        name="staff_enrolment",
    ),
    path(
        "staff/enrolments/<int:enrolment_id>/modules/<int:module_id>/confirm/",
        views.confirm,
        name="confirm",
    ),
    path(
        "staff/enrolments/<int:enrolment_id>/payments/",
        views.payment,
        name="payment",
    ),
]
