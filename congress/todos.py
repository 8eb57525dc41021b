"""The to-do list on a person's home page, assembled from providers that apps register.

A provider takes the user and returns TodoItems; each app registers its own in AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    import datetime as dt

    from congress.models import User


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    detail: str = ""
    due: dt.date | None = None
    level: str = "info"  # info, warning, danger
    count: int | None = None


Provider = Callable[["User"], list[TodoItem]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def todos_for(user: User) -> list[TodoItem]:
    items: list[TodoItem] = []
    for provider in _providers:
        items.extend(provider(user))
    return sorted(items, key=lambda item: (item.due is None, item.due or timezone.localdate()))


def calendar_years_missing(user: User) -> list[TodoItem]:
    """Warn calendar managers while this year's or next year's official calendar is missing."""
    from congress.calendar import years_missing
    from congress.permissions import can_manage_calendar

    if not can_manage_calendar(user):
        return []
    this_year = timezone.localdate().year
    return [
        TodoItem(
            title=_("Enter the official holiday calendar for %(year)s") % {"year": year},
            detail=_(
                "Deadlines that fall in %(year)s are counted on Monday to Friday until the State Council's "
                "holidays and adjusted workdays are entered."
            )
            % {"year": year},
            url=reverse("calendar_year", args=[year]),
            level="warning",
        )
        for year in years_missing([this_year, this_year + 1])
    ]
