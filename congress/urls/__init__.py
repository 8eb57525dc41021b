"""Root URL configuration: each area of the portal keeps its routes in its own module."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("congress.urls.portal")),
    path("m/", include(("congress.urls.mobile", "mobile"))),
    path("system/", include("congress.urls.system")),
    path("system/reminders/", include(("congress.urls.reminders", "reminders"))),
    path("deputies/", include(("deputies.urls", "deputies"))),
    path("suggestions/import/", include(("suggestions.urls_import", "suggestion_import"))),
    path("suggestions/stats/", include(("suggestions.urls_stats", "suggestion_stats"))),
    path("suggestions/unit/", include(("suggestions.urls_unit", "suggestion_unit"))),
    path("suggestions/", include(("suggestions.urls", "suggestions"))),
    path("m/suggestions/", include(("suggestions.urls_mobile", "suggestions_mobile"))),
    path("public/", include(("suggestions.urls_public", "public"))),
    path("api/v1/", include("congress.api.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
