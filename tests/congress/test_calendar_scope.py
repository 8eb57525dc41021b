"""The working-day calendar is national: only people who oversee every body of the deployment may change it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from congress.models import Body, CalendarDay, CalendarYear, Role
from congress.permissions import can_manage_calendar
from congress.services import calendar_set_days
from congress.todos import todos_for
from tests.congress.factories import BodyFactory, CountyFactory, make_user

pytestmark = pytest.mark.django_db

HOLIDAY = {"holiday-start": "2027-02-05", "holiday-end": "2027-02-11", "holiday-name": "春节"}
EDITS = [
    ("calendar_holiday_add", HOLIDAY),
    ("calendar_workday_add", {"workday-date": "2027-02-20", "workday-name": "春节"}),
    ("calendar_day_clear", {"clear-date": "2027-01-01"}),
    ("calendar_year_confirm", {}),
]


@pytest.fixture
def province():
    """A province congress and its standing committee at the top, with one county below."""
    congress = BodyFactory(name="青云省人民代表大会", kind=Body.Kind.PROVINCE_CONGRESS)
    committee = BodyFactory(name="青云省人民代表大会常务委员会", kind=Body.Kind.STANDING_COMMITTEE, parent=congress)
    county = CountyFactory(name="青山县")
    county.congress.parent = congress
    county.congress.save()
    county.committee.refresh_from_db()
    return SimpleNamespace(congress=congress, committee=committee, county=county)


def _office(body: Body, **kwargs):
    return make_user(body=body, roles=[Role.OFFICE_STAFF], **kwargs)


def _calendar_untouched() -> bool:
    return (
        not CalendarDay.objects.filter(date__year=2027).exists()
        and not CalendarYear.objects.filter(year=2027, is_official=True).exists()
    )


# A one-county deployment: the county congress on top, its standing committee below it


def test_in_one_county_the_standing_committees_office_edits_the_calendar(client, county):
    staff = _office(county.committee)
    client.force_login(staff)

    page = client.get(reverse("calendar_year", args=[2027])).content.decode()
    response = client.post(reverse("calendar_holiday_add", args=[2027]), HOLIDAY)

    assert 'data-testid="holiday-form"' in page and 'data-testid="calendar-read-only"' not in page
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date__year=2027).count() == 7


def test_in_one_county_a_townships_office_does_not(client, county):
    township = BodyFactory(name="城关镇人民代表大会", kind=Body.Kind.TOWNSHIP_CONGRESS, parent=county.congress)

    assert not can_manage_calendar(_office(township))
    assert can_manage_calendar(make_user(body=county.committee, roles=[Role.SYSADMIN]))


# A province: the province's bodies on top, counties below


@pytest.mark.parametrize(("name", "data"), EDITS)
def test_a_countys_office_cannot_post_to_the_calendar_in_a_province(client, province, name, data):
    client.force_login(_office(province.county.committee))

    response = client.post(reverse(name, args=[2027]), data)

    assert response.status_code == 403
    assert _calendar_untouched()


def test_a_countys_office_and_administrator_are_refused_by_the_service_too(province):
    for user in (_office(province.county.committee), make_user(body=province.county.congress, roles=[Role.SYSADMIN])):
        with pytest.raises(PermissionDenied):
            calendar_set_days(
                start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 1), is_working_day=False, name="x", actor=user
            )
    assert _calendar_untouched()


def test_a_countys_office_sees_the_calendar_read_only_with_who_may_change_it(client, province):
    client.force_login(_office(province.county.committee))

    year = client.get(reverse("calendar_year", args=[2027]))
    years = client.get(reverse("calendar_years"))

    assert year.status_code == 200 and years.status_code == 200
    page = year.content.decode()
    assert 'data-testid="calendar-read-only"' in page and "青云省人民代表大会" in page
    assert "holiday-form" not in page and "confirm-form" not in page
    assert 'data-testid="calendar-read-only"' in years.content.decode()
    assert reverse("calendar_year", args=[2027]) in years.content.decode()  # still readable, year by year


def test_the_provinces_office_edits_the_calendar(client, province):
    client.force_login(_office(province.committee))

    response = client.post(reverse("calendar_holiday_add", args=[2027]), HOLIDAY)

    assert response.status_code == 302
    assert CalendarDay.objects.filter(date__year=2027).count() == 7


def test_only_the_top_is_asked_to_enter_a_missing_year(province):
    def asks(user) -> bool:
        return any(item.url.startswith("/system/calendar/") for item in todos_for(user))

    assert asks(_office(province.committee))
    assert not asks(_office(province.county.committee))


# Several bodies side by side at the top


def test_with_two_counties_on_top_neither_office_edits_but_a_superuser_does(client, county):
    other = CountyFactory(name="白水县")
    superuser = make_user(body=None, roles=[], is_superuser=True)

    assert not can_manage_calendar(_office(county.committee))
    assert not can_manage_calendar(_office(other.committee))
    assert can_manage_calendar(superuser)

    client.force_login(_office(other.committee))
    response = client.get(reverse("calendar_year", args=[2027]))
    assert 'data-testid="calendar-read-only"' in response.content.decode()
    assert "县人民代表大会" not in response.context["read_only_note"]  # no county is the top: no county named
    assert client.post(reverse("calendar_year_confirm", args=[2027])).status_code == 403

    client.force_login(superuser)
    assert client.post(reverse("calendar_holiday_add", args=[2027]), HOLIDAY).status_code == 302


def test_the_read_only_calendar_costs_a_bounded_number_of_queries(client, province, django_assert_max_num_queries):
    client.force_login(_office(province.county.committee))

    with django_assert_max_num_queries(14):
        response = client.get(reverse("calendar_year", args=[2027]))

    assert response.status_code == 200


def test_in_a_province_only_the_provinces_office_is_reminded_to_enter_the_calendar(province):
    from congress.reminders.kinds import calendar_managers

    province_staff = _office(province.committee)
    county_staff = _office(province.county.committee)
    year = CalendarYear.objects.create(year=2027)

    assert calendar_managers([year]) == {year.pk: [province_staff.pk]}
    assert not can_manage_calendar(county_staff)
