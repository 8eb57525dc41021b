"""Admin for the deputies roster's reference data."""

from django.contrib import admin

from deputies.models import Constituency, Deputy, DeputyGroup, Station


@admin.register(Deputy)
class DeputyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "group", "constituency", "station", "is_active"]
    list_filter = ["level", "is_active", "body"]
    list_select_related = ["group", "constituency", "station"]
    search_fields = ["code", "name", "occupation", "phone"]
    autocomplete_fields = ["group", "constituency", "station", "user"]


@admin.register(DeputyGroup)
class DeputyGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "body", "convenor"]
    list_filter = ["kind", "body"]
    search_fields = ["name"]
    autocomplete_fields = ["convenor"]


@admin.register(Constituency)
class ConstituencyAdmin(admin.ModelAdmin):
    list_display = ["name", "body", "township"]
    search_fields = ["name"]


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "township", "is_active"]
    list_filter = ["kind", "is_active", "body"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["parent", "township"]
