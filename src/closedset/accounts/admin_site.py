"""The Django admin is for superusers only (who also pass the second factor, see middleware)."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class ClosedsetAdminSite(AdminSite):
    site_header = "closedset administration"
    site_title = "closedset admin"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser and user.is_verified())  # type: ignore[union-attr]


class ClosedsetAdminConfig(AdminConfig):
    default_site = "closedset.accounts.admin_site.ClosedsetAdminSite"
