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


# API keys: only the hash is stored, so a new key's plain text is shown once, in the success message.
from django import forms  # noqa: E402
from django.contrib import messages  # noqa: E402

from congress.apikeys import SCOPES, apikey_create, apikey_revoke, validate_allowed_ips  # noqa: E402
from congress.models import ApiKey  # noqa: E402


class ApiKeyCreateForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=list(SCOPES.items()), widget=forms.CheckboxSelectMultiple, required=False
    )
    allowed_ips = forms.CharField(
        label=_("allowed IP addresses"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One address or network (CIDR) per line; leave empty to allow any address."),
    )

    class Meta:
        model = ApiKey
        fields = ["user", "name", "scopes", "allowed_ips", "expires_at"]

    def clean_allowed_ips(self):
        lines = [line.strip() for line in self.cleaned_data["allowed_ips"].splitlines() if line.strip()]
        try:
            return validate_allowed_ips(lines)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "kind", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["kind", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A key's powers are fixed once issued: to change them, issue a new key and revoke this one.
        return [field.name for field in ApiKey._meta.fields if field.name != "name"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "scopes", "allowed_ips", "expires_at"]
        return super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        api_key, plain = apikey_create(
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            actor=request.user,
            scopes=form.cleaned_data["scopes"],
            allowed_ips=form.cleaned_data["allowed_ips"],
            expires_at=form.cleaned_data["expires_at"],
        )
        obj.pk, obj.prefix, obj.key_hash = api_key.pk, api_key.prefix, api_key.key_hash
        obj._state.adding = False
        messages.warning(
            request,
            _("Copy this key now; it is stored only as a hash and cannot be shown again: %(key)s") % {"key": plain},
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for api_key in queryset:
            apikey_revoke(api_key=api_key, actor=request.user)
        self.message_user(request, _("%(count)d keys revoked.") % {"count": queryset.count()})
