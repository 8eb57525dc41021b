"""Routes of the suggestions API, included in /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from suggestions.api.views import SuggestionStatsView, SuggestionViewSet

router = SimpleRouter()
router.register("suggestions", SuggestionViewSet, basename="api-suggestion")

urlpatterns = [
    path("suggestions/stats/", SuggestionStatsView.as_view(), name="api-suggestion-stats"),
    *router.urls,
]
