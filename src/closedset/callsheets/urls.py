from __future__ import annotations

from django.urls import path

from closedset.callsheets import views

app_name = "callsheets"
urlpatterns = [
    path("<int:production_id>/", views.page, name="page"),
    # The day as written in the address ("2026-11-26"): a badly written one is told so.
    path("<int:production_id>/<str:day>.pdf", views.sheet_pdf, name="pdf"),
]
