"""Routes of the coordinator's report of a production's whole day, in the "onset" namespace
(see onset/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from closedset.onset import views_report as views

urlpatterns: list[URLPattern] = [
    # The day as written in the address ("2026-11-26"): a badly written one is told so.
    path("<int:production_id>/days/<str:day>/report/", views.report_day, name="report_day"),
]
