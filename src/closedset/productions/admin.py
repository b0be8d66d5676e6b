"""Admin for superusers. Sealed data is never shown: only whether it exists."""

from __future__ import annotations

from django.contrib import admin

from closedset.productions.models import (
    Invitation,
    Membership,
    OnePersonCrewAgreement,
    Organisation,
    OrgMembership,
    Production,
    Scene,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Production)
class ProductionAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "allow_one_person_crew"]
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


@admin.register(OnePersonCrewAgreement)
class OnePersonCrewAgreementAdmin(admin.ModelAdmin):
    # Performers' own decisions: recorded by them, never edited here.
    list_display = ["production", "performer", "agreed_at", "withdrawn_at"]
    readonly_fields = ["production", "performer", "agreed_at", "withdrawn_at"]

    def has_add_permission(self, request: object) -> bool:
        return False
