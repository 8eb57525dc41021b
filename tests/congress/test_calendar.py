"""Working-day arithmetic on the official calendar (loaded by the data migration)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from congress.calendar import WorkingCalendar, add_working_days, is_working_day, working_days_between, years_missing
from congress.models import CalendarDay, CalendarYear, Role
from congress.services import calendar_clear_day, calendar_confirm_year, calendar_load_official, calendar_set_days
from tests.congress.factories import make_user

pytestmark = pytest.mark.django_db

D = dt.date


def test_national_day_holiday_is_off_and_adjusted_sunday_is_on():
    # 2025: 1-8 October off; Sunday 28 September and Saturday 11 October are adjusted workdays.
    assert not is_working_day(D(2025, 10, 1))
    assert not is_working_day(D(2025, 10, 8))
    assert is_working_day(D(2025, 9, 28))
    assert is_working_day(D(2025, 10, 11))
    assert not is_working_day(D(2025, 10, 12))


def test_adding_working_days_skips_the_holiday_and_counts_the_adjusted_workday():
    # Given Friday 26 September 2025, the next working day is the adjusted Sunday the 28th.
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    # Tuesday 30 September + 1 working day jumps the whole National Day holiday.
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    # 5 working days from Friday 26 September: 28, 29, 30 Sep, then 9 and 10 Oct.
    assert add_working_days(D(2025, 9, 26), 5) == D(2025, 10, 10)


def test_zero_days_moves_a_holiday_to_the_next_working_day():
    assert add_working_days(D(2025, 10, 3), 0) == D(2025, 10, 9)
    assert add_working_days(D(2025, 10, 9), 0) == D(2025, 10, 9)


def test_negative_days_count_backwards_across_the_holiday():
    assert add_working_days(D(2025, 10, 9), -1) == D(2025, 9, 30)


def test_working_days_between_is_consistent_with_adding():
    start = D(2025, 9, 20)
    for days in (1, 5, 20, 60):
        end = add_working_days(start, days)
        assert working_days_between(start, end) == days
        assert working_days_between(end, start) == -days


def test_spring_festival_2026_is_a_long_holiday():
    # 2026 Spring Festival: 15-23 February off, 14 and 28 February adjusted workdays.
    assert not any(is_working_day(D(2026, 2, day)) for day in range(15, 24))
    assert is_working_day(D(2026, 2, 14))
    assert is_working_day(D(2026, 2, 28))


def test_a_year_the_package_does_not_know_falls_back_to_monday_to_friday():
    assert years_missing([2026, 2027]) == [2027]
    assert is_working_day(D(2027, 1, 1))  # a Friday: New Year's Day, unknown until staff enter it
    assert not is_working_day(D(2027, 1, 2))  # Saturday
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)


def test_staff_entering_next_years_calendar_changes_deadlines_and_clears_the_warning(county):
    staff = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    calendar_set_days(start=D(2027, 1, 1), end=D(2027, 1, 3), is_working_day=False, name="元旦", actor=staff)
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert years_missing([2027]) == [2027]

    calendar_confirm_year(year=2027, actor=staff)

    assert years_missing([2027]) == []
    assert CalendarYear.objects.get(year=2027).confirmed_by == staff


def test_clearing_a_day_restores_the_weekday_default(county):
    staff = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    calendar_set_days(start=D(2027, 2, 6), end=D(2027, 2, 6), is_working_day=True, name="春节调休", actor=staff)
    assert is_working_day(D(2027, 2, 6))
    calendar_clear_day(day=D(2027, 2, 6), actor=staff)
    assert not is_working_day(D(2027, 2, 6))


def test_a_reversed_range_is_refused_and_changes_nothing(county):
    staff = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    before = CalendarDay.objects.count()
    with pytest.raises(ValueError):
        calendar_set_days(start=D(2027, 5, 5), end=D(2027, 5, 1), is_working_day=False, name="劳动节", actor=staff)
    assert CalendarDay.objects.count() == before


def test_only_office_staff_and_administrators_may_edit_the_calendar(county):
    handler = make_user(body=county.committee, roles=[Role.UNIT_HANDLER], unit=county.office)
    deputy = make_user(body=county.congress, roles=[Role.DEPUTY])
    for actor in (handler, deputy):
        with pytest.raises(PermissionDenied):
            calendar_set_days(start=D(2027, 1, 1), end=D(2027, 1, 1), is_working_day=False, name="x", actor=actor)
        with pytest.raises(PermissionDenied):
            calendar_confirm_year(year=2027, actor=actor)


def test_reloading_the_package_keeps_days_staff_entered(county):
    staff = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    # Staff correct a day the package knows; a later sync must not overwrite the correction.
    calendar_set_days(start=D(2026, 10, 9), end=D(2026, 10, 9), is_working_day=False, name="本地调整", actor=staff)
    years = calendar_load_official()
    assert years[0] == 2004 and 2026 in years
    assert not is_working_day(D(2026, 10, 9))
    assert CalendarDay.objects.get(date=D(2026, 10, 9)).source == CalendarDay.Source.MANUAL


def test_a_loaded_calendar_answers_many_questions_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        calendar = WorkingCalendar(D(2025, 1, 1), D(2025, 12, 31))
    with django_assert_num_queries(0):
        deadlines = [calendar.add_working_days(D(2025, 3, day), 20) for day in range(1, 29)]
    assert all(deadline > D(2025, 3, 1) for deadline in deadlines)
