from __future__ import annotations

from django.urls import path

from closedset.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("language/", views.language, name="language"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("account/second-factor/setup/", views.otp_setup, name="otp_setup"),
    path("account/second-factor/", views.otp_verify, name="otp_verify"),
    path("account/second-factor/recovery/", views.otp_recovery, name="otp_recovery"),
    path("account/second-factor/replace/", views.otp_replace, name="otp_replace"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/", views.account, name="account"),
    path("account/passkeys/<int:passkey_id>/remove/", views.passkey_remove, name="passkey_remove"),
    path("account/email/", views.email_pending, name="email_pending"),
    path("account/email/confirm/<str:key>/", views.email_confirm, name="email_confirm"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/delete/", views.token_delete, name="token_delete"),
    path("account/sessions/", views.sessions, name="sessions"),
    path("account/sessions/<int:session_id>/end/", views.session_end, name="session_end"),
    path("account/sessions/end-all/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("account/export/", views.export_data, name="export"),
    path("account/erase/", views.erase_account, name="erase"),
]
