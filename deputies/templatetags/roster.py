"""Template filters for the deputies roster."""

from django import template

register = template.Library()


@register.filter
def mask_phone(number: str) -> str:
    """Hide the middle of a phone number, the way Chinese public lists do: 138****5678."""
    number = (number or "").strip()
    if len(number) >= 7:
        return f"{number[:3]}****{number[-4:]}"
    if number:
        return "*" * len(number)
    return ""
