"""Routes of the shoot day's closure part, in the "onset" namespace (see onset/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from closedset.onset import views_closure as views

run = "runs/<int:run_id>/"
urlpatterns: list[URLPattern] = [
    path(run + "closure/", views.closure, name="closure"),
    path(run + "closure/console/", views.console_part, name="closure_console"),
    path(run + "closure/phone/", views.phone_part, name="closure_phone"),
    path(run + "feedback/", views.feedback, name="feedback"),
    path(run + "report/", views.report, name="report"),
    path("<int:production_id>/today/", views.today, name="today"),
    path("<int:production_id>/today/live/", views.today_live, name="today_live"),
]
