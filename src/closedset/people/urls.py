from __future__ import annotations

from django.urls import path

from closedset.people import views

app_name = "people"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("account/second-factor/setup/", views.otp_setup, name="otp_setup"),
    path("account/second-factor/", views.otp_verify, name="otp_verify"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/delete/", views.token_delete, name="token_delete"),
    path("p/new/", views.production_create, name="production_create"),
    path("p/<int:production_id>/", views.production, name="production"),
    path("p/<int:production_id>/scenes/", views.scene_create, name="scene_create"),
    path("p/<int:production_id>/invitations/", views.invitations, name="invitations"),
    path(
        "p/<int:production_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invite/<str:key>/", views.invitation, name="invitation"),
]
