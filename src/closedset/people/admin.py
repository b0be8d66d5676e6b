"""Admin for superusers. Sealed data is never shown: only whether it exists."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from closedset.people.models import (
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    OrgMembership,
    Production,
    Scene,
    User,
)

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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Production)
class ProductionAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Scene)
class SceneAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "production"]


@admin.register(OrgMembership)
class OrgMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "production", "state", "expires_at"]
    # The link itself is never stored; the hash is of no use to anyone here.
    exclude = ["token_hash"]
    readonly_fields = ["accepted_at", "accepted_by", "invited_by", "created_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    exclude = ["token_hash"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request: object) -> bool:
        return False  # tokens are created by their owner, shown once
