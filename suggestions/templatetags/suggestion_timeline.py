"""Template filters for the staff timeline: the words for the codes and dates an event's data keeps."""

from __future__ import annotations

import datetime as dt

from django import template

from suggestions.models import Answer, Rating

register = template.Library()


@register.filter
def grade_label(code: str | None) -> str:
    """Return the words for an answer's grade code ("A" → "A: solved or mostly solved")."""
    return Answer.Grade(code).label if code in Answer.Grade.values else code or ""


@register.filter
def rating_label(code: str | None) -> str:
    """Return the words for a rating level code ("basically_satisfied" → "Basically satisfied")."""
    return Rating.Level(code).label if code in Rating.Level.values else code or ""


@register.filter
def iso_date(value: str | None) -> dt.date | None:
    """Read a date the event log keeps as ISO text, for the `date` filter; None when there is none."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
