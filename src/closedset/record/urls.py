from __future__ import annotations

from django.urls import path

from closedset.record import views

app_name = "record"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
]
