from __future__ import annotations

from django.urls import path

from closedset.plans import history_views

app_name = "plan_history"
versions = "<int:production_id>/scenes/<int:scene_id>/versions/"
urlpatterns = [
    path(versions + "compare/", history_views.compare, name="compare"),
    path(versions + "<int:number>/restore/", history_views.restore, name="restore"),
]
