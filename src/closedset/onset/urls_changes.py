"""Routes of the shoot day's changes part, in the "onset" namespace (see onset/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from closedset.onset import views_changes as views

run = "runs/<int:run_id>/"
urlpatterns: list[URLPattern] = [
    path(run + "director/", views.director, name="director"),
    path(run + "director/changes/", views.director_changes, name="director_changes"),
    path(run + "changes/console/", views.console_changes, name="console_changes"),
    path(run + "changes/phone/", views.phone_changes, name="phone_changes"),
    path(run + "changes/<int:change_id>/answer/", views.answer, name="answer_change"),
    path(run + "changes/<int:change_id>/plan/", views.to_plan, name="change_to_plan"),
]
