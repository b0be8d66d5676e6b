from __future__ import annotations

from django.urls import path

from closedset.plans import views

app_name = "plans"
scene = "<int:production_id>/scenes/<int:scene_id>/"
urlpatterns = [
    path("<int:production_id>/", views.index, name="index"),
    path(scene, views.plan, name="plan"),
    path(scene + "beats/add/", views.add_beat, name="add_beat"),
    path(scene + "beats/<int:pk>/edit/", views.edit_beat, name="edit_beat"),
    path(scene + "beats/<int:pk>/delete/", views.delete_beat, name="delete_beat"),
    path(scene + "beats/<int:pk>/move/", views.move_beat, name="move_beat"),
    path(scene + "beats/<int:pk>/history/", views.beat_history, name="beat_history"),
    path(scene + "changes/", views.changes, name="changes"),
    path(scene + "zones/", views.zones, name="zones"),
    path(scene + "roles/add/", views.add_role, name="add_role"),
    path(scene + "roles/<slug:role>/cast/", views.cast_role, name="cast_role"),
    path(scene + "roles/<slug:role>/remove/", views.remove_role, name="remove_role"),
    path(scene + "versions/", views.versions, name="versions"),
    path(scene + "versions/<int:number>/", views.version, name="version"),
    path(scene + "export.yaml", views.export, name="export"),
    path(scene + "import/", views.import_view, name="import"),
    path(scene + "proposals/new/", views.propose, name="propose"),
    path(scene + "proposals/<int:pk>/decide/", views.decide, name="decide"),
    path(scene + "proposals/<int:pk>/amend/", views.amend, name="amend"),
    path(scene + "release/", views.release, name="release"),
]
