"""The shoot day's pages: starting a scene, the coordinator's console, the performer's phone."""

from __future__ import annotations

from django.urls import include, path

from closedset.onset import views

app_name = "onset"
run = "runs/<int:run_id>/"
urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("icon-<int:size>.png", views.icon, name="icon"),
    path("<int:production_id>/scenes/<int:scene_id>/", views.start, name="start"),
    path(run, views.phone, name="phone"),
    path(run + "console/", views.console, name="console"),
    path(run + "signals/", views.signals, name="signals"),
    path("signals/<int:signal_id>/ack/", views.acknowledge, name="acknowledge"),
    # The day, the closed set, beat statuses and the timeline (onset/urls_day.py).
    path("", include("closedset.onset.urls_day")),
    # Check-ins, deviations and incidents (onset/urls_checkins.py).
    path("", include("closedset.onset.urls_checkins")),
    # Change requests: the blind no (onset/urls_changes.py).
    path("", include("closedset.onset.urls_changes")),
    # Closure, feedback, the day's report and the producer's screen (onset/urls_closure.py).
    path("", include("closedset.onset.urls_closure")),
    # The coordinator's report of a production's whole day (onset/urls_report.py).
    path("", include("closedset.onset.urls_report")),
]
