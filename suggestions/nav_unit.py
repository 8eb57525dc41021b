"""The handling units' workspace in the staff navigation; SuggestionsConfig.ready() calls register_nav()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from congress import navigation
from suggestions.selectors_unit import is_unit_person


def register_nav() -> None:
    """Add the unit's to-do list to the "suggestions" section, for the people of a handling unit."""
    navigation.register(
        navigation.NavItem("suggestions", _("My unit's suggestions"), "suggestion_unit:todo", is_unit_person, order=20)
    )
