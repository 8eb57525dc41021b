"""Template filters for the deputies roster."""

from django import template

from congress.text import mask_number

register = template.Library()


@register.filter
def mask_phone(number: str) -> str:
    """Hide the middle of a phone number in lists: 138****5678."""
    return mask_number(number)
