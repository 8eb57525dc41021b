"""The staff suggestion pages' items in the navigation, registered from SuggestionsConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from congress import navigation
from congress.models import Role, User


def can_read_suggestions(user: User) -> bool:
    return user.is_authenticated and user.is_committee_side


def can_enter_suggestions(user: User) -> bool:
    # The same people the services let enter suggestions: office staff (a bare superuser is refused there).
    return user.is_authenticated and user.has_role(Role.OFFICE_STAFF)


def register_nav() -> None:
    """Add the list, entering a paper suggestion and the spreadsheet import to the "suggestions" section."""
    for label, url_name, allowed, order in [
        (_("List of suggestions"), "suggestions:list", can_read_suggestions, 10),
        (_("Enter a suggestion"), "suggestions:create", can_enter_suggestions, 20),
        (_("Import suggestions"), "suggestion_import:upload", can_enter_suggestions, 30),
    ]:
        navigation.register(navigation.NavItem("suggestions", label, url_name, allowed, order=order))
