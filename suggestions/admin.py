"""Admin for suggestions: categories and deadlines are edited here; the loop itself is read-only.

A suggestion's status changes only through suggestions.services, so the admin shows suggestions and their
parts without letting anyone edit, add or delete them.
"""

from __future__ import annotations

from django.contrib import admin

from suggestions.models import (
    Answer,
    Assignment,
    Category,
    ExtensionRequest,
    Rating,
    Signer,
    Suggestion,
    SuggestionPolicy,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "body", "sort_order", "is_active"]
    list_filter = ["is_active", "body"]
    search_fields = ["name"]


@admin.register(SuggestionPolicy)
class SuggestionPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "body",
        "answer_months",
        "answer_max_months",
        "reroute_window_working_days",
        "rating_window_working_days",
        "rehandle_months",
        "updated_at",
    ]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class SignerInline(ReadOnlyInline):
    model = Signer
    fields = ["deputy", "role", "invited_at", "confirmed_at"]


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["unit", "role", "status", "reroute_deadline", "co_opinion_due", "answer_due", "hard_deadline"]


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ["assignment", "kind", "grade", "answered_at", "rating_due", "is_public"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["title", "number", "session", "status", "lead_deputy", "lead_unit", "due_date", "is_priority"]
    list_filter = ["status", "is_priority", "is_public", "source", "session"]
    search_fields = ["title", "lead_deputy__name"]
    list_select_related = ["session__term__body", "lead_deputy", "lead_unit"]
    inlines = [SignerInline, AssignmentInline, AnswerInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ["assignment", "requested_until", "status", "requested_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["assignment__unit"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(ExtensionRequestAdmin):
    list_display = ["answer", "deputy", "attitude", "result", "rated_at"]
    list_filter = ["result", "attitude"]
    list_select_related = ["deputy", "answer__assignment__unit"]
