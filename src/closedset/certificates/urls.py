from __future__ import annotations

from django.urls import path

from closedset.certificates import views

app_name = "certificates"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    path("mine/", views.mine, name="mine"),
    path("<int:certificate_id>/certificate.pdf", views.pdf, name="pdf"),
    path("<int:certificate_id>/credential.jwt", views.credential, name="credential"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:certificate_id>/revoke/", views.revoke, name="revoke"),
    path("issuer.json", views.issuer, name="issuer"),
    path("jwks.json", views.jwks, name="jwks"),
    path("keys/<str:fingerprint>.json", views.key, name="key"),
    path("status/revocation", views.status_list, name="status_list"),
]
