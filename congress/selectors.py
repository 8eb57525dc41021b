"""Reads of the shared kernel for the system pages: calendar, units, users, terms, status."""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, models
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone

from congress.calendar import years_missing
from congress.filters import UnitFilter, UserFilter
from congress.models import (
    UNIT_ROLES,
    CalendarDay,
    CalendarYear,
    CongressSession,
    Notification,
    Role,
    Term,
    Unit,
    User,
    WorkerHeartbeat,
)
from congress.permissions import can_view_roster

# The calendar pages accept any year in this range; outside it a year is a typing mistake.
CALENDAR_YEAR_RANGE = range(2000, 2101)
HEARTBEAT_STALE_AFTER = dt.timedelta(minutes=5)


# Calendar


@dataclass(frozen=True)
class CalendarYearRow:
    year: int
    record: CalendarYear | None
    holidays: int
    workdays: int
    needs_warning: bool

    @property
    def is_official(self) -> bool:
        return bool(self.record and self.record.is_official)


@dataclass(frozen=True)
class CalendarRun:
    """Consecutive days entered with the same name and kind, e.g. National Day, 1–8 October."""

    start: dt.date
    end: dt.date
    name: str
    is_working_day: bool
    source: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class DayCell:
    date: dt.date
    in_month: bool
    is_weekend: bool
    entry: CalendarDay | None
    is_today: bool

    @property
    def is_holiday(self) -> bool:
        return self.entry is not None and not self.entry.is_working_day

    @property
    def is_adjusted_workday(self) -> bool:
        return self.entry is not None and self.entry.is_working_day

    @property
    def is_working_day(self) -> bool:
        return self.entry.is_working_day if self.entry is not None else not self.is_weekend


@dataclass
class MonthGrid:
    year: int
    month: int
    weeks: list[list[DayCell]]
    runs: list[CalendarRun] = field(default_factory=list)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)


@dataclass
class CalendarYearDetail:
    year: int
    record: CalendarYear | None
    months: list[MonthGrid]
    runs: list[CalendarRun]

    @property
    def is_official(self) -> bool:
        return bool(self.record and self.record.is_official)

    @property
    def holidays(self) -> int:
        return sum(run.days for run in self.runs if not run.is_working_day)

    @property
    def workdays(self) -> int:
        return sum(run.days for run in self.runs if run.is_working_day)


def calendar_year_list(*, today: dt.date | None = None) -> list[CalendarYearRow]:
    """List every year from the earliest one loaded to next year, newest first, with its status."""
    today = today or timezone.localdate()
    records = {record.year: record for record in CalendarYear.objects.select_related("confirmed_by")}
    counts: dict[tuple[int, bool], int] = {
        (row["year"], row["is_working_day"]): row["n"]
        for row in CalendarDay.objects.annotate(year=ExtractYear("date"))
        .values("year", "is_working_day")
        .annotate(n=models.Count("pk"))
        .order_by()
    }
    known_years = set(records) | {year for year, _working in counts}
    first = min(known_years | {today.year})
    last = max(known_years | {today.year + 1})
    watched = {today.year, today.year + 1}
    rows = []
    for year in range(last, first - 1, -1):
        record = records.get(year)
        rows.append(
            CalendarYearRow(
                year=year,
                record=record,
                holidays=counts.get((year, False), 0),
                workdays=counts.get((year, True), 0),
                needs_warning=year in watched and not (record and record.is_official),
            )
        )
    return rows


def calendar_year_get(*, year: int, today: dt.date | None = None) -> CalendarYearDetail:
    """Return the year's twelve month grids with its holidays and adjusted workdays marked."""
    if year not in CALENDAR_YEAR_RANGE:
        raise Http404
    today = today or timezone.localdate()
    record = CalendarYear.objects.select_related("confirmed_by").filter(year=year).first()
    # The grids show the days of neighbouring months that fill the first and last weeks.
    entries = {
        day.date: day
        for day in CalendarDay.objects.filter(
            date__range=(dt.date(year, 1, 1) - dt.timedelta(days=7), dt.date(year, 12, 31) + dt.timedelta(days=7))
        )
    }
    runs = _runs([day for date, day in sorted(entries.items()) if date.year == year])
    weeks_of = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar
    months = []
    for month in range(1, 13):
        weeks = [
            [
                DayCell(
                    date=date,
                    in_month=date.month == month,
                    is_weekend=date.weekday() >= 5,
                    entry=entries.get(date),
                    is_today=date == today,
                )
                for date in week
            ]
            for week in weeks_of(year, month)
        ]
        month_runs = [run for run in runs if run.start.month <= month <= run.end.month]
        months.append(MonthGrid(year=year, month=month, weeks=weeks, runs=month_runs))
    return CalendarYearDetail(year=year, record=record, months=months, runs=runs)


def _runs(days: list[CalendarDay]) -> list[CalendarRun]:
    runs: list[CalendarRun] = []
    for day in days:
        last = runs[-1] if runs else None
        if (
            last is not None
            and last.end + dt.timedelta(days=1) == day.date
            and last.name == day.name
            and last.is_working_day == day.is_working_day
        ):
            runs[-1] = CalendarRun(last.start, day.date, last.name, last.is_working_day, last.source)
        else:
            runs.append(CalendarRun(day.date, day.date, day.name, day.is_working_day, day.source))
    return runs


# Units


def unit_list(*, user: User, filters: Mapping[str, str] | None = None) -> models.QuerySet[Unit]:
    """Return the units the user may see, filtered, with their parent and people counted."""
    qs = (
        Unit.objects.visible_to(user)
        .select_related("body", "parent")
        .annotate(
            people_count=models.Count(
                "members",
                filter=models.Q(members__role_grants__role__in=UNIT_ROLES, members__is_active=True),
                distinct=True,
            )
        )
    )
    return UnitFilter(filters, queryset=qs, user=user).qs.order_by("body__path", "sort_order", "code", "pk")


def unit_get(*, user: User, pk: int) -> Unit:
    """Return one unit the user may see, or raise Http404."""
    try:
        return Unit.objects.visible_to(user).select_related("body", "parent").get(pk=pk)
    except Unit.DoesNotExist as error:
        raise Http404 from error


def unit_people(*, user: User, unit: Unit) -> dict[str, list[User]]:
    """Return the unit's heads and handlers that the user may see."""
    people = (
        User.objects.visible_to(user)
        .filter(unit=unit, role_grants__role__in=UNIT_ROLES)
        .distinct()
        .with_roles_prefetched()
        .order_by("-is_active", "full_name", "username")
    )
    heads, handlers = [], []
    for person in people:
        (heads if person.has_role(Role.UNIT_HEAD) else handlers).append(person)
    return {"heads": heads, "handlers": handlers}


def unit_children(*, user: User, unit: Unit) -> models.QuerySet[Unit]:
    return Unit.objects.visible_to(user).filter(parent=unit)


# Users


def user_list(*, user: User, filters: Mapping[str, str] | None = None) -> models.QuerySet[User]:
    """Return the logins the user may see, filtered, with roles, unit and body loaded."""
    qs = User.objects.visible_to(user).select_related("unit", "body").with_roles_prefetched()
    return UserFilter(filters, queryset=qs, user=user).qs.order_by("-is_active", "username")


def user_get(*, user: User, pk: int) -> User:
    """Return one login the user may see, or raise Http404."""
    try:
        return User.objects.visible_to(user).select_related("unit", "body").with_roles_prefetched().get(pk=pk)
    except User.DoesNotExist as error:
        raise Http404 from error


def user_events(*, subject: User, limit: int = 20) -> models.QuerySet:
    """Return the latest events recorded about a login (created, changed, roles)."""
    from django.contrib.contenttypes.models import ContentType

    from congress.models import Event

    return (
        Event.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=subject.pk)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


# Terms


def term_list(*, user: User) -> models.QuerySet[Term]:
    """Return the terms the user may see, newest first, each with its sessions."""
    return (
        Term.objects.visible_to(user)
        .select_related("body")
        .prefetch_related("sessions")
        .order_by("body__path", "-number")
    )


# System status


@dataclass(frozen=True)
class SystemStatus:
    database_vendor: str
    database_version: str
    broker_kind: str
    broker_location: str
    heartbeats: list[WorkerHeartbeat]
    workers_alive: bool
    years_missing: list[int]
    counts: dict[str, int]


def system_status(*, user: User, now: dt.datetime | None = None) -> SystemStatus:
    """Return what an administrator checks first: database, broker, workers, calendar, counts."""
    from deputies.models import Deputy

    now = now or timezone.now()
    heartbeats = list(WorkerHeartbeat.objects.order_by("-last_seen"))
    this_year = timezone.localdate(now).year
    kind, location = broker_description(settings.CELERY_BROKER_URL)
    return SystemStatus(
        database_vendor=connection.display_name,
        database_version=_database_version(),
        broker_kind=kind,
        broker_location=location,
        heartbeats=heartbeats,
        workers_alive=any(now - beat.last_seen <= HEARTBEAT_STALE_AFTER for beat in heartbeats),
        years_missing=years_missing([this_year, this_year + 1]),
        counts={
            "users": User.objects.visible_to(user).filter(is_active=True).count(),
            "units": Unit.objects.visible_to(user).filter(is_active=True).count(),
            "deputies": Deputy.objects.visible_to(user).filter(is_active=True).count(),
        },
    )


def broker_description(url: str) -> tuple[str, str]:
    """Return the broker's kind and where it lives, never the credentials in its URL."""
    parts = urlsplit(url)
    if parts.scheme in ("redis", "rediss"):
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        return "redis", f"{host}{port}{parts.path or ''}"
    if parts.scheme == "filesystem":
        return "filesystem", str(getattr(settings, "CELERY_BROKER_DIR", ""))
    return parts.scheme or "unknown", parts.hostname or ""


def _database_version() -> str:
    version = connection.Database.sqlite_version if connection.vendor == "sqlite" else None
    if version is None and connection.vendor == "postgresql":
        version = ".".join(str(part) for part in divmod(connection.pg_version, 10000))
    return version or ""


@dataclass(frozen=True)
class ScopeFacts:
    term: Term | None
    session: CongressSession | None
    handling_units: int | None  # None where the person's role does not count units
    serving_deputies: int | None  # None where the person may not see the roster


def scope_facts(*, user: User) -> ScopeFacts:
    """Return the current term, its latest session and the counts the home page shows for the user's scope."""
    from deputies.models import Deputy

    term = Term.objects.visible_to(user).current().select_related("body").order_by("body__path", "-number").first()
    sessions = CongressSession.objects.visible_to(user)
    if term is not None:
        sessions = sessions.filter(term=term)
    return ScopeFacts(
        term=term,
        session=sessions.order_by("-start_date", "-number").first(),
        handling_units=(Unit.objects.visible_to(user).active().handling().count() if user.is_committee_side else None),
        serving_deputies=Deputy.objects.visible_to(user).active().count() if can_view_roster(user) else None,
    )


def notifications_latest_unread(*, user: User, limit: int) -> list[Notification]:
    """Return the person's newest unread notifications."""
    return list(Notification.objects.for_user(user).unread()[:limit])
