from __future__ import annotations

from django.urls import path

from closedset.calendars import views

app_name = "calendars"
urlpatterns = [
    path("", views.page, name="page"),
    path("new/", views.new_address, name="new"),
    path("off/", views.turn_off, name="off"),
    # The address a calendar app subscribes to: anyone holding it reads the feed, no sign-in.
    path("<str:secret>.ics", views.feed, name="feed"),
]
