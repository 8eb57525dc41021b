"""Working-day arithmetic on the Chinese official calendar.

A day is a working day when the calendar table says so; a day not in the table follows the
Monday-to-Friday default. Holidays on weekdays and adjusted weekend workdays (调休) are the rows.
Years whose official calendar has not been entered fall back to Monday to Friday, and the staff
home page warns about them (see `years_missing`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from congress.models import CalendarDay, CalendarYear

# A span long enough for n working days even across the Spring Festival and National Day.
_SLACK_DAYS = 40


class WorkingCalendar:
    """The calendar's exceptions over a date range, loaded in one query and reused."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.start, self.end = start, end
        self._exceptions: dict[dt.date, bool] = dict(
            CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_working_day")
        )

    @classmethod
    def around(cls, day: dt.date, days: int) -> WorkingCalendar:
        span = abs(days) * 2 + _SLACK_DAYS
        return cls(day - dt.timedelta(days=span if days < 0 else 1), day + dt.timedelta(days=span))

    @classmethod
    def through(cls, start: dt.date, last: dt.date) -> WorkingCalendar:
        """Load from `start` to a little past `last`: enough to find the next working day after any day between."""
        return cls(start, last + dt.timedelta(days=_SLACK_DAYS))

    def is_working_day(self, day: dt.date) -> bool:
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} lies outside the loaded range {self.start}..{self.end}")
        if day in self._exceptions:
            return self._exceptions[day]
        return day.weekday() < 5

    def add_working_days(self, day: dt.date, days: int) -> dt.date:
        """Return the day `days` working days after `day` (before it when negative).

        `day` itself is not counted, so a deadline of 5 working days from a Friday assignment falls
        on the following Friday; zero returns `day` if it is a working day, else the next one.
        """
        step = 1 if days >= 0 else -1
        remaining = abs(days)
        current = day
        if remaining == 0:
            while not self.is_working_day(current):
                current += dt.timedelta(days=1)
            return current
        while remaining:
            current += dt.timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Count working days after `start` up to and including `end` (negative when end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1 for offset in range(1, (end - start).days + 1) if self.is_working_day(start + dt.timedelta(days=offset))
        )


def is_working_day(day: dt.date) -> bool:
    return WorkingCalendar(day, day).is_working_day(day)


def add_working_days(day: dt.date, days: int) -> dt.date:
    """Return the day `days` working days after `day`; every deadline in the portal uses this."""
    return WorkingCalendar.around(day, days).add_working_days(day, days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    low, high = sorted((start, end))
    return WorkingCalendar(low, high).working_days_between(start, end)


def years_missing(years: Iterable[int]) -> list[int]:
    """Return those of `years` whose official calendar has not been entered yet."""
    wanted = sorted(set(years))
    official = set(CalendarYear.objects.filter(year__in=wanted, is_official=True).values_list("year", flat=True))
    return [year for year in wanted if year not in official]
