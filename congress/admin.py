"""Admin for system administrators' reference data; workflow records stay read-only here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from congress.models import (
    Body,
    CalendarDay,
    CalendarYear,
    CongressSession,
    Event,
    Notification,
    RoleGrant,
    Term,
    Unit,
    User,
    WorkerHeartbeat,
)


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "region_code"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "region_code"]
    autocomplete_fields = ["parent"]


class SessionInline(admin.TabularInline):
    model = CongressSession
    extra = 0


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["__str__", "body", "number", "start_date", "end_date"]
    list_filter = ["body"]
    list_select_related = ["body"]
    inlines = [SessionInline]


@admin.register(CongressSession)
class CongressSessionAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "location"]
    list_select_related = ["term__body"]
    list_filter = ["term__body"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "body", "is_active", "sort_order"]
    list_filter = ["kind", "is_active", "body"]
    list_select_related = ["body"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    fields = ["role", "granted_at"]
    readonly_fields = ["granted_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "body", "unit", "is_active", "last_login"]
    list_filter = ["is_active", "is_superuser", "role_grants__role", "body"]
    list_select_related = ["body", "unit"]
    search_fields = ["username", "full_name", "phone", "email"]
    autocomplete_fields = ["unit", "body"]
    inlines = [RoleGrantInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "title", "phone", "email", "body", "unit")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2", "full_name", "body", "unit")}),
    )


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "is_official", "source", "confirmed_by", "confirmed_at"]
    readonly_fields = ["confirmed_by", "confirmed_at"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "name", "source"]
    list_filter = ["is_working_day", "source"]
    date_hierarchy = "date"


class ReadOnlyAdmin(admin.ModelAdmin):
    """The event log and inboxes are written by services only."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "content_type", "object_id", "actor", "from_state", "to_state"]
    list_filter = ["kind", "content_type"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "title", "read_at"]
    list_select_related = ["recipient"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["hostname", "last_seen"]
