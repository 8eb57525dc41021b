"""Deadlines of the suggestion loop, from the body's SuggestionPolicy and the working-day calendar.

The rule, the same for every deadline counted in months (answer, hard maximum, co-handling opinion,
re-handling): add the months on the calendar (the same day of the month, or the month's last day when it
has no such day: 30 November + 3 months = 28 February), then, when that day is not a working day, move to
the next working day. Moving forward, not back, follows the rule of Chinese procedural law that a time
limit ending on a holiday ends on the first working day after it. Deadlines counted in working days
(re-routing window, rating window, assignment of a suggestion filed between sessions) count working days
after the start day, so the start day itself is never counted.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from congress.calendar import WorkingCalendar, add_working_days
from congress.models import Body
from suggestions.models import SuggestionPolicy


def policy_for(body: Body) -> SuggestionPolicy:
    """Return the nearest policy on the body's path (its own, else an ancestor's), else the defaults."""
    ancestor_ids = [int(part) for part in body.path.strip("/").split("/") if part] or [body.pk]
    policies = {policy.body_id: policy for policy in SuggestionPolicy.objects.filter(body_id__in=ancestor_ids)}
    for body_id in reversed(ancestor_ids):
        if body_id in policies:
            return policies[body_id]
    # Unsaved: the defaults of DOMAIN.md §2, without writing a row as a side effect of a read.
    return SuggestionPolicy(body=body)


def add_months(day: dt.date, months: int) -> dt.date:
    """Add calendar months, keeping the day of the month or falling back to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_then_working_day(day: dt.date, months: int) -> dt.date:
    """Add calendar months, then move to the next working day when the result is a holiday or weekend."""
    return add_working_days(add_months(day, months), 0)


@dataclass(frozen=True)
class AssignmentDeadlines:
    reroute_deadline: dt.date
    co_opinion_due: dt.date
    answer_due: dt.date
    hard_deadline: dt.date


def assignment_deadlines(policy: SuggestionPolicy, assigned_on: dt.date) -> AssignmentDeadlines:
    """Compute the deadlines that start running when a unit is assigned on `assigned_on`.

    The same rules as `add_working_days` and `months_then_working_day`, from one read of the calendar.
    """
    reroute_days = policy.reroute_window_working_days
    co_opinion, answer, hard = (
        add_months(assigned_on, months)
        for months in (policy.co_opinion_months, policy.answer_months, policy.answer_max_months)
    )
    # n working days lie within 2n calendar days plus the longest holiday, which `through` adds.
    last = max(co_opinion, answer, hard, assigned_on + dt.timedelta(days=2 * reroute_days))
    working = WorkingCalendar.through(assigned_on, last)
    return AssignmentDeadlines(
        reroute_deadline=working.add_working_days(assigned_on, reroute_days),
        co_opinion_due=working.add_working_days(co_opinion, 0),
        answer_due=working.add_working_days(answer, 0),
        hard_deadline=working.add_working_days(hard, 0),
    )


def assign_due(policy: SuggestionPolicy, registered_on: dt.date) -> dt.date:
    """Return when a suggestion filed between sessions must be assigned."""
    return add_working_days(registered_on, policy.assign_within_working_days)


def rating_due(policy: SuggestionPolicy, answered_on: dt.date) -> dt.date:
    """Return the last day of the deputy's rating window."""
    return add_working_days(answered_on, policy.rating_window_working_days)


def rehandling_due(policy: SuggestionPolicy, rated_on: dt.date) -> dt.date:
    """Return when the new answer is due after an unsatisfied rating."""
    return months_then_working_day(rated_on, policy.rehandle_months)
