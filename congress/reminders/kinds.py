"""The kernel's own reminder kind: next year's official holiday calendar not yet entered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import CharField, DateField, F, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from congress.models import CalendarYear, Role, User
from congress.reminders.registry import MessageText, Policy, ReminderKind, register

CALENDAR_YEAR_MISSING = "congress.calendar_year_missing"


def _open_years():
    return CalendarYear.objects.filter(is_official=False)


def _people_with(role: str, subjects: Sequence[CalendarYear]) -> dict[int, list[int]]:
    people = list(User.objects.filter(is_active=True, role_grants__role=role).values_list("pk", flat=True).distinct())
    return {year.pk: people for year in subjects}


def calendar_managers(subjects: Sequence[CalendarYear]) -> dict[int, list[int]]:
    """The office staff who may change the shared calendar enter it (in a province, the province's)."""
    from congress.permissions import calendar_managers_among

    staff = User.objects.filter(is_active=True, role_grants__role=Role.OFFICE_STAFF).distinct()
    staff = staff.select_related("body__parent").prefetch_related("role_grants")
    people = [user.pk for user in calendar_managers_among(staff)]
    return {year.pk: people for year in subjects}


def system_administrators(subjects: Sequence[CalendarYear]) -> dict[int, list[int]]:
    return _people_with(Role.SYSADMIN, subjects)


def calendar_years_prepare(today: dt.date) -> None:
    """Make sure next year has a row, so the reminder has a subject before anyone opens the year."""
    for year in (today.year, today.year + 1):
        CalendarYear.objects.get_or_create(year=year)


def register_kernel_kinds() -> None:
    register(
        ReminderKind(
            name=CALENDAR_YEAR_MISSING,
            label=_("Official holiday calendar not entered"),
            queryset=_open_years,
            # Due on 1 December of the year before: deadlines reaching into January need it by then.
            due_expression=Cast(
                Concat(Cast(F("year") - 1, output_field=CharField()), Value("-12-01"), output_field=CharField()),
                output_field=DateField(),
            ),
            recipients=calendar_managers,
            escalation_recipients=system_administrators,
            body_field=None,
            default_policy=Policy(
                offsets=(30, 15, 7, 1, 0), overdue_every=5, escalate_after=2, channels=("in_app", "email")
            ),
            message=MessageText(
                title=_("Enter the official holiday calendar for {{ subject }}"),
                body=_(
                    "Deadlines in {{ subject }} are counted on Monday to Friday until the State Council's holidays "
                    "and adjusted workdays are entered ({{ status }}, {{ due_date }}): {{ url }}"
                ),
                sms=_(
                    "Congress portal: please enter the {{ subject }} holiday calendar ({{ status }}, {{ due_date }})."
                ),
            ),
            url=lambda year: reverse("calendar_year", args=[year.year]),
            prepare=calendar_years_prepare,
        )
    )
