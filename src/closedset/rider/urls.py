"""/rider/<production>/<scene>/ (the coordinator's list) and /rider/<production>/<scene>/<handle>/
(one performer's rider: the coordinator edits, the performer reads their own)."""

from __future__ import annotations

from django.urls import path

from closedset.rider import views

app_name = "rider"
urlpatterns = [
    path("<int:production_id>/<int:scene_id>/", views.cast, name="cast"),
    path("<int:production_id>/<int:scene_id>/<slug:handle>/", views.rider, name="rider"),
    path("<int:production_id>/<int:scene_id>/<slug:handle>/pdf/", views.rider_pdf, name="pdf"),
]
