from __future__ import annotations

from django.urls import path

from closedset.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notices, name="list"),
    path("read/", views.mark_read, name="read"),
    path("settings/", views.settings, name="settings"),
]
