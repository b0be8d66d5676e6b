from __future__ import annotations

from django.urls import path

from closedset.boundaries import views

app_name = "boundaries"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("acts/<slug:act>/<slug:direction>/", views.detail, name="detail"),
    path("acts/<slug:act>/<slug:direction>/answer/", views.answer, name="answer"),
    path("groups/<slug:category>/", views.group, name="group"),
    path("review/", views.review, name="review"),
    path("my-boundaries.pdf", views.pdf, name="pdf"),
    path("barrier/", views.barrier, name="barrier"),
    path("history/", views.history, name="history"),
    path("history/<int:number>/", views.version, name="version"),
    path("history/<int:number>/restore/", views.restore, name="restore"),
    path("history/compare/", views.compare, name="compare"),
    path("export.yaml", views.export, name="export"),
    path("import/", views.import_view, name="import"),
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/looks/", views.looks, name="looks"),
    path("sharing/<int:production_id>/share/", views.share, name="share"),
    path("sharing/<int:production_id>/revoke/", views.revoke, name="revoke"),
    path(
        "sharing/<int:production_id>/confirm/<int:membership_id>/",
        views.confirm,
        name="confirm",
    ),
    path("production/<int:production_id>/", views.production_list, name="production"),
    path(
        "production/<int:production_id>/<slug:handle>/",
        views.production_profile,
        name="production_profile",
    ),
]
