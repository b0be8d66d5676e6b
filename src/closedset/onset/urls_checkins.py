"""Routes of the shoot day's checkins part, in the "onset" namespace (see onset/urls.py):
check-ins on the console and the phone, "Something unplanned", incident reports."""

from __future__ import annotations

from django.urls import URLPattern, path

from closedset.onset import views_checkins as views

run = "runs/<int:run_id>/"
production = "<int:production_id>/incidents/"
urlpatterns: list[URLPattern] = [
    path(run + "checkins/", views.console_checkins, name="checkins"),
    path(run + "checkins/<int:checkin_id>/close/", views.close_checkin, name="checkin_close"),
    path(run + "checkins/answers/<int:answer_id>/talked/", views.talked, name="checkin_talked"),
    path(run + "checkin/", views.phone_checkin, name="checkin"),
    path(run + "unplanned/", views.unplanned, name="unplanned"),
    path(production, views.incident_list, name="incidents"),
    path(production + "new/", views.report, name="incident_new"),
    path(production + "<int:incident_id>/", views.incident_detail, name="incident"),
]
