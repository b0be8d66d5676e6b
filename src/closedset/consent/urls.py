"""Consent pages: the performer's portal and requests, the coordinator's board, the gate."""

from __future__ import annotations

from django.urls import path

from closedset.consent import views

app_name = "consent"
scene = "<int:production_id>/scenes/<int:scene_id>/"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("requests/<int:request_id>/", views.request_page, name="request"),
    path("requests/<int:request_id>/sign/", views.sign, name="sign"),
    path("decisions/<int:decision_id>/withdraw/", views.withdraw, name="withdraw"),
    path("decisions/<int:decision_id>/receipt.json", views.receipt, name="receipt"),
    path("decisions/<int:decision_id>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path(scene, views.scene, name="scene"),
    path(scene + "final/", views.mark_final, name="mark_final"),
]
