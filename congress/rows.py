"""Pieces for writing a long table's rows in Python rather than in the template language.

A list page of fifty rows with a dozen values each costs more in `{{ }}`, filters and `{% url %}` than in the
queries behind it; the pages' row tags (e.g. suggestions.templatetags.suggestion_list) write the same markup with
these, working out once per table what does not change from row to row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape

# An id no object has, to find where the id stands in an address.
_SENTINEL = 987654321


def ymd(value: dt.date | dt.datetime | None) -> str:
    """Write a date as the `date:"Y-m-d"` filter does, a moment in the portal's time zone; "" for none."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.isoformat()


def href_for(name: str) -> Callable[[int], str]:
    """Return a function giving the (escaped) address of route `name` for an id, reversed once for a whole table."""
    head, _sentinel, tail = reverse(name, args=[_SENTINEL]).rpartition(str(_SENTINEL))
    head, tail = conditional_escape(head), conditional_escape(tail)
    return lambda pk: f"{head}{int(pk)}{tail}"


def labels(choices: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each choice's label, translated and escaped once for a whole table rather than once a row."""
    return {value: conditional_escape(label) for value, label in choices}
