"""Deadlines from the policy and the working-day calendar (2025 National Day: 1-8 October off;
Sunday 28 September and Saturday 11 October are adjusted workdays)."""

from __future__ import annotations

import datetime as dt

import pytest

from congress.calendar import add_working_days
from suggestions.deadlines import (
    add_months,
    assign_due,
    assignment_deadlines,
    months_then_working_day,
    policy_for,
    rating_due,
    rehandling_due,
)
from suggestions.models import SuggestionPolicy
from tests.congress.factories import BodyFactory

pytestmark = pytest.mark.django_db

D = dt.date


def test_months_are_added_on_the_calendar_and_fall_back_to_the_months_last_day():
    assert add_months(D(2025, 3, 3), 3) == D(2025, 6, 3)
    assert add_months(D(2024, 11, 30), 3) == D(2025, 2, 28)
    assert add_months(D(2023, 8, 31), 6) == D(2024, 2, 29)
    assert add_months(D(2025, 12, 15), 1) == D(2026, 1, 15)


def test_a_month_deadline_on_national_day_moves_to_the_first_working_day_after_it():
    assert months_then_working_day(D(2025, 7, 1), 3) == D(2025, 10, 9)
    # Landing on a weekend moves to Monday; landing on the adjusted Saturday stays there.
    assert months_then_working_day(D(2025, 5, 14), 1) == D(2025, 6, 16)
    assert months_then_working_day(D(2025, 7, 11), 3) == D(2025, 10, 11)


def test_assignment_deadlines_across_the_holiday_and_an_adjusted_workday(county):
    policy = policy_for(county.congress)
    deadlines = assignment_deadlines(policy, D(2025, 9, 26))
    # 7 working days: 28 Sep (adjusted Sunday), 29, 30 Sep, 9, 10, 11 Oct (adjusted Saturday), 13 Oct.
    assert deadlines.reroute_deadline == D(2025, 10, 13)
    assert deadlines.co_opinion_due == D(2025, 10, 27)
    assert deadlines.answer_due == D(2025, 12, 26)
    assert deadlines.hard_deadline == D(2026, 3, 26)


def test_the_rating_window_counts_twenty_working_days_across_national_day(county):
    # From Monday 22 September 2025: 23-26, 28-30 Sep (7), 9-11 Oct (10), 13-17 (15), 20-24 Oct (20).
    assert rating_due(policy_for(county.congress), D(2025, 9, 22)) == D(2025, 10, 24)


def test_staff_change_the_deadlines_per_body_and_a_township_inherits_its_county(county):
    SuggestionPolicy.objects.create(
        body=county.congress, answer_months=2, rehandle_months=1, reroute_window_working_days=5
    )
    township = BodyFactory(name="青山镇人民代表大会", kind="township_congress", parent=county.congress)
    policy = policy_for(township)
    assert policy.body_id == county.congress.pk
    assert assignment_deadlines(policy, D(2025, 3, 3)).answer_due == D(2025, 5, 6)  # 3 May is a Saturday in the holiday
    assert rehandling_due(policy, D(2025, 3, 3)) == D(2025, 4, 3)
    assert assign_due(policy, D(2025, 3, 3)) == D(2025, 3, 10)

    SuggestionPolicy.objects.create(body=township, answer_months=1)
    assert policy_for(township).answer_months == 1


def test_without_a_policy_the_domain_defaults_apply_and_nothing_is_written(county):
    policy = policy_for(county.congress)
    assert (policy.answer_months, policy.answer_max_months, policy.rating_window_working_days) == (3, 6, 20)
    assert (policy.rehandle_months, policy.reroute_window_working_days, policy.co_opinion_months) == (2, 7, 1)
    assert SuggestionPolicy.objects.count() == 0


def test_assignment_deadlines_read_the_calendar_once_and_agree_with_each_rule(county, django_assert_num_queries):
    policy = policy_for(county.congress)
    policy.reroute_window_working_days = 7
    for offset in range(0, 400, 3):  # every third day of a year and a month, the Spring Festival and National Day
        day = D(2025, 1, 1) + dt.timedelta(days=offset)
        with django_assert_num_queries(1):
            deadlines = assignment_deadlines(policy, day)
        assert deadlines.reroute_deadline == add_working_days(day, 7)
        assert deadlines.co_opinion_due == months_then_working_day(day, policy.co_opinion_months)
        assert deadlines.answer_due == months_then_working_day(day, policy.answer_months)
        assert deadlines.hard_deadline == months_then_working_day(day, policy.answer_max_months)
