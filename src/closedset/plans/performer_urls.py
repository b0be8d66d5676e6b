"""The performer's scenes in plain words: /scenes/ and /scenes/<production>/<scene>/."""

from __future__ import annotations

from django.urls import path

from closedset.plans import performer_views

app_name = "scenes"
urlpatterns = [
    path("", performer_views.mine, name="mine"),
    path("<int:production_id>/<int:scene_id>/", performer_views.scene, name="scene"),
]
