from __future__ import annotations

from django.urls import path

from closedset.productions import views

app_name = "productions"
urlpatterns = [
    path("", views.home, name="home"),
    path("p/new/", views.production_create, name="production_create"),
    path("p/<int:production_id>/", views.production, name="production"),
    path("p/<int:production_id>/scenes/", views.scene_create, name="scene_create"),
    path("p/<int:production_id>/language/", views.production_language, name="language"),
    path("p/<int:production_id>/invitations/", views.invitations, name="invitations"),
    path(
        "p/<int:production_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "p/<int:production_id>/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path("p/<int:production_id>/one-person-crew/", views.one_person_crew, name="one_person_crew"),
    path(
        "p/<int:production_id>/one-person-crew/setting/",
        views.one_person_crew_setting,
        name="one_person_crew_setting",
    ),
    path(
        "p/<int:production_id>/one-person-crew/agreement/",
        views.one_person_crew_agreement,
        name="one_person_crew_agreement",
    ),
    path("invite/<str:key>/", views.invitation, name="invitation"),
]
