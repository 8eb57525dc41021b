"""The suggestions app's items in the staff navigation, registered from SuggestionsConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from congress import navigation
from suggestions.stats import can_view_suggestion_stats


def register_nav() -> None:
    """Add the statistics page to the "statistics" section."""
    navigation.register(
        navigation.NavItem(
            "statistics", _("Suggestion statistics"), "suggestion_stats:index", can_view_suggestion_stats
        )
    )
