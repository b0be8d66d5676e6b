from __future__ import annotations

from django.urls import path

from closedset.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("account/second-factor/setup/", views.otp_setup, name="otp_setup"),
    path("account/second-factor/", views.otp_verify, name="otp_verify"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/delete/", views.token_delete, name="token_delete"),
]
