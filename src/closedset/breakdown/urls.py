from __future__ import annotations

from django.urls import path

from closedset.breakdown import views

app_name = "breakdown"
one = "<int:production_id>/imports/<int:import_id>/"
urlpatterns = [
    path("<int:production_id>/", views.script, name="script"),
    path(one, views.script_import, name="import"),
    path(one + "original/", views.original, name="original"),
    path(one + "scenes/<int:pk>/decide/", views.decide, name="decide"),
    path(one + "scenes/<int:pk>/plan/", views.to_plan, name="to_plan"),
    path(one + "scenes/<int:pk>/plan-checked/", views.plan_checked, name="plan_checked"),
]
