"""Reads the API needs that the kernel's selectors do not offer yet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from congress.calendar import WorkingCalendar
from congress.models import CalendarDay


@dataclass(frozen=True)
class WorkingDay:
    date: dt.date
    is_working_day: bool
    name: str


def working_days(*, start: dt.date, end: dt.date) -> list[WorkingDay]:
    """Return every day from `start` to `end` with its working flag and holiday name (two queries)."""
    calendar = WorkingCalendar(start, end)
    names = dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "name"))
    days = []
    current = start
    while current <= end:
        days.append(WorkingDay(current, calendar.is_working_day(current), names.get(current, "")))
        current += dt.timedelta(days=1)
    return days
