"""Admin for superusers: who holds an academy role, and the courses and cohorts. Applications
are read only here: their status changes through academy.status (which tells the applicant),
and reviewers' work through the review pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from closedset.academy.models import AcademyRole, Application, Cohort, Course, Criterion, Module


@admin.register(AcademyRole)
class AcademyRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "created_at"]
    list_filter = ["role"]
    autocomplete_fields = ["user"]


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ["week", "position", "title", "needs_confirmation"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "created_at"]
    search_fields = ["title"]
    inlines = [ModuleInline]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "course", "starts_on", "application_deadline", "applications_closed_at"]
    list_filter = ["course"]
    inlines = [CriterionInline]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["reference", "cohort", "status", "scholarship", "submitted_at"]
    list_filter = ["status", "cohort"]
    search_fields = ["reference"]
    # Only what tells the application apart; who applied is on the staff pages.
    fields = ("reference", "cohort", "status", "scholarship", "submitted_at", "final_score")
    readonly_fields = fields

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
