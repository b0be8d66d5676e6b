"""Admin for superusers. Sealed data is never shown: only whether it exists."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from closedset.accounts.models import ApiToken, User

SEALED = "sealed"


def sealed_or_none(value: object) -> str:
    return SEALED if value else "none"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "handle", "is_active", "is_superuser"]
    search_fields = ["email", "display_name", "handle"]
    readonly_fields = ["data_key", "kek_id", "date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["display_name", "handle"]}),
        ("Encryption", {"fields": ["data_key", "kek_id"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "display_name", "handle", "password1", "password2"]})
    ]
    filter_horizontal = []
    list_filter = ["is_active", "is_superuser"]

    @admin.display(description="Data key")
    def data_key(self, obj: User) -> str:
        return sealed_or_none(obj.wrapped_data_key)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "access", "created_at", "expires_at", "last_used_at"]
    exclude = ["token_hash"]
    # What a token may do is its owner's choice; an admin may only revoke (delete) it.
    readonly_fields = [
        "user",
        "prefix",
        "access",
        "production",
        "created_at",
        "expires_at",
        "last_used_at",
    ]

    def has_add_permission(self, request: object) -> bool:
        return False  # tokens are created by their owner, shown once
