"""Routes of the shoot day's day part, in the "onset" namespace (see onset/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from closedset.onset import views_day

scene = "<int:production_id>/scenes/<int:scene_id>/day/"
run = "runs/<int:run_id>/"
urlpatterns: list[URLPattern] = [
    # The coordinator's day: call time, closed-set roster, pre-scene checklists.
    path(scene, views_day.day_page, name="day"),
    path(scene + "roster/", views_day.roster_add, name="day_roster_add"),
    path(
        scene + "roster/<int:entry_id>/remove/",
        views_day.roster_remove,
        name="day_roster_remove",
    ),
    path(scene + "checks/", views_day.check_add, name="day_check_add"),
    path(scene + "checks/<int:item_id>/", views_day.check_tick, name="day_check_tick"),
    path(scene + "checks/<int:item_id>/remove/", views_day.check_remove, name="day_check_remove"),
    path("<int:production_id>/day-settings/", views_day.day_settings, name="day_settings"),
    # The console's beats and timeline, and what the coordinator does there.
    path(run + "day/", views_day.console_part, name="day_console"),
    path(run + "beats/", views_day.beat, name="day_beat"),
    path(run + "resume/", views_day.resume, name="day_resume"),
    # The performer's own beats and checklist on her phone.
    path(run + "my-day/", views_day.phone_part, name="day_phone"),
    path(run + "my-checks/<int:item_id>/", views_day.my_check, name="day_my_check"),
]
