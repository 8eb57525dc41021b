"""Date arithmetic of the engine, kept free of queries so it can be tested day by day.

The sweep asks one question per policy: which due dates have a reminder firing on a day between
`start` and `end`? The answer is a small map of calendar dates, turned into an indexed `due IN (…)`
filter, so the database returns only the subjects that are due, however many are open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from congress.calendar import WorkingCalendar

# Longest run of non-working days (National Day plus a weekend), with room to spare.
_LONGEST_BREAK = 15


@dataclass(frozen=True)
class Firing:
    """A reminder firing for one due date: on which day, at which offset, and the how-many-th overdue notice."""

    fire_date: dt.date
    # Calendar days before the due date (0 on the day); negative: working days overdue.
    offset: int
    overdue_count: int = 0


def calendar_for(*, start: dt.date, end: dt.date, max_offset: int, max_overdue_days: int) -> WorkingCalendar:
    """Load the working calendar over every day a firing between `start` and `end` can touch."""
    return WorkingCalendar(
        start - dt.timedelta(days=max_overdue_days + _LONGEST_BREAK),
        end + dt.timedelta(days=max_offset + 3 * _LONGEST_BREAK),
    )


def firing_map(
    *,
    offsets: tuple[int, ...] | list[int],
    shift_to_working_day: bool,
    overdue_every: int,
    start: dt.date,
    end: dt.date,
    calendar: WorkingCalendar,
    max_overdue_days: int,
) -> dict[dt.date, Firing]:
    """Map each due date with a firing on a day from `start` to `end` to its most recent firing.

    After an outage (`start` days back) a due date may have several firings in the window; only the
    latest counts, so a person hears about a subject once, at its current stage.
    """
    candidates: dict[dt.date, Firing] = {}

    def offer(due: dt.date, firing: Firing) -> None:
        best = candidates.get(due)
        if best is None or (firing.fire_date, -firing.offset) > (best.fire_date, -best.offset):
            candidates[due] = firing

    for offset in sorted(set(offsets)):
        due = start + dt.timedelta(days=offset)
        last_due = end + dt.timedelta(days=offset + _LONGEST_BREAK)
        while due <= last_due:
            fire = due - dt.timedelta(days=offset)
            if shift_to_working_day:
                while not calendar.is_working_day(fire):
                    fire -= dt.timedelta(days=1)
            if start <= fire <= end:
                offer(due, Firing(fire_date=fire, offset=offset))
            due += dt.timedelta(days=1)

    if overdue_every > 0:
        first = start - dt.timedelta(days=max_overdue_days + 1)
        # working[i]: working days from `first` (exclusive) up to first + i (inclusive).
        working, count, day = [], 0, first
        while day <= end:
            if day > first and calendar.is_working_day(day):
                count += 1
            working.append(count)
            day += dt.timedelta(days=1)
        fire = start
        while fire <= end:
            if calendar.is_working_day(fire):
                fire_index = (fire - first).days
                due = max(first, fire - dt.timedelta(days=max_overdue_days))
                while due < fire:
                    days_overdue = working[fire_index] - working[(due - first).days]
                    if days_overdue > 0 and days_overdue % overdue_every == 0:
                        offer(
                            due,
                            Firing(fire_date=fire, offset=-days_overdue, overdue_count=days_overdue // overdue_every),
                        )
                    due += dt.timedelta(days=1)
            fire += dt.timedelta(days=1)
    return candidates


def date_ranges(dates: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Fold sorted dates into inclusive runs of consecutive days."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(dates):
        if runs and day == runs[-1][1] + dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def working_hours() -> tuple[dt.time, dt.time] | None:
    """Return the configured opening and closing times (REMINDERS_WORKING_HOURS, e.g. 08:30-17:30).

    None when the setting is empty: messages then go out at any hour of any day.
    """
    raw = (settings.REMINDERS_WORKING_HOURS or "").strip()
    if not raw:
        return None
    try:
        opening, closing = (dt.time.fromisoformat(part.strip()) for part in raw.split("-"))
    except ValueError as error:
        raise ImproperlyConfigured(f"REMINDERS_WORKING_HOURS must look like 08:30-17:30, not {raw!r}") from error
    if opening >= closing:
        raise ImproperlyConfigured("REMINDERS_WORKING_HOURS must open before it closes")
    return opening, closing


def next_working_moment(moment: dt.datetime, calendar: WorkingCalendar | None = None) -> dt.datetime:
    """Return `moment` when it lies in working hours on a working day, else the next working morning."""
    hours = working_hours()
    if hours is None:
        return moment
    opening, closing = hours
    zone = ZoneInfo(settings.TIME_ZONE)
    local = timezone.localtime(moment, zone)
    day = local.date()
    calendar = calendar or WorkingCalendar(day, day + dt.timedelta(days=3 * _LONGEST_BREAK))
    if calendar.is_working_day(day):
        if local.time() < opening:
            return dt.datetime.combine(day, opening, zone)
        if local.time() < closing:
            return moment
    day += dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, opening, zone)


def digest_moment(moment: dt.datetime, calendar: WorkingCalendar | None = None) -> dt.datetime:
    """Return the next working morning's opening time strictly after `moment`, when digests go out."""
    hours = working_hours()
    if hours is None:
        return moment
    opening = hours[0]
    zone = ZoneInfo(settings.TIME_ZONE)
    local = timezone.localtime(moment, zone)
    day = local.date()
    calendar = calendar or WorkingCalendar(day, day + dt.timedelta(days=3 * _LONGEST_BREAK))
    if calendar.is_working_day(day) and local.time() < opening:
        return dt.datetime.combine(day, opening, zone)
    day += dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, opening, zone)
