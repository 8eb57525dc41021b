"""Template tags for the deputy's mobile home: the counts on the "my suggestions" card."""

from __future__ import annotations

from django import template

from suggestions.selectors_mobile import my_suggestion_counts

register = template.Library()


@register.simple_tag
def suggestion_counts(user, deputy) -> dict[str, int]:
    """Return the deputy's drafts, invitations, answers to rate and suggestions in progress (one query)."""
    if deputy is None:
        return {}
    return my_suggestion_counts(user=user, deputy=deputy)
