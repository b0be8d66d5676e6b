from __future__ import annotations

from django.urls import path

from closedset.academy import review_views as views

app_name = "review"
urlpatterns = [
    path("", views.assignment_list, name="list"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("mine.csv", views.export, name="export"),
    path("staff/<int:cohort_id>/", views.staff_progress, name="staff"),
    path("<int:assignment_id>/", views.assignment_page, name="assignment"),
    path("<int:assignment_id>/recuse/", views.recuse, name="recuse"),
]
