"""Routes of the suggestion statistics, included at /suggestions/stats/ (namespace "suggestion_stats")."""

from django.urls import path

from suggestions import views_stats

urlpatterns = [
    path("", views_stats.stats_index, name="index"),
    path("export/", views_stats.stats_export, name="export"),
]
