from __future__ import annotations

from django.urls import path

from closedset.compliance import views

app_name = "compliance"
P = "<int:production_id>/"
urlpatterns = [
    path(P, views.index, name="index"),
    path(P + "records/", views.records, name="records"),
    path(P + "records/new/", views.record_new, name="record_new"),
    path(P + "records/<int:record_id>/", views.record, name="record"),
    path(P + "records/<int:record_id>/verify/", views.record_verify, name="record_verify"),
    path(P + "records/<int:record_id>/document/", views.record_document, name="record_document"),
    path(P + "clearances/", views.clearances, name="clearances"),
    path(P + "scenes/<int:scene_id>/", views.scene, name="scene"),
    path(P + "hold/", views.hold, name="hold"),
    path(P + "settings/", views.settings_view, name="settings"),
]
