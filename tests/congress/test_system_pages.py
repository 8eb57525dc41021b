"""The system pages: who may open them, what they show, and calendar and user edits through them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress.models import CalendarDay, CalendarYear, Event, Role, User, WorkerHeartbeat
from congress.selectors import broker_description
from tests.congress.factories import CountyFactory, UnitFactory, make_user

pytestmark = pytest.mark.django_db

SYSTEM_PAGES = [
    ("calendar_years", []),
    ("calendar_year", [2026]),
    ("user_list", []),
    ("term_list", []),
    ("system_status", []),
]
# Every page renders with the layout (session, user, roles, unread count, nav) plus its own few reads.
LIST_QUERY_BOUND = 14


@pytest.fixture
def sysadmin(county):
    return make_user(body=county.committee, roles=[Role.SYSADMIN], username="admin-a")


@pytest.fixture
def staff(county):
    return make_user(body=county.committee, roles=[Role.OFFICE_STAFF], username="staff-a")


def _login(client, user):
    client.force_login(user)
    return client


# Who may open the system pages


@pytest.mark.parametrize(("name", "args"), SYSTEM_PAGES)
@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.OFFICE_STAFF])
def test_system_pages_open_for_sysadmins_and_office_staff(client, county, name, args, role):
    user = make_user(body=county.committee, roles=[role])
    response = _login(client, user).get(reverse(name, args=args))
    assert response.status_code == 200
    assert b'lang="zh-hans"' in response.content


@pytest.mark.parametrize(("name", "args"), SYSTEM_PAGES)
@pytest.mark.parametrize("role", [Role.LEADER, Role.COMMITTEE_MEMBER, Role.UNIT_HANDLER, Role.DEPUTY])
def test_system_pages_are_forbidden_to_other_roles(client, county, name, args, role):
    unit = UnitFactory(body=county.congress)
    user = make_user(body=county.committee, roles=[role], unit=unit)
    assert _login(client, user).get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize(("name", "args"), SYSTEM_PAGES)
def test_system_pages_send_anonymous_visitors_to_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_system_nav_items_show_for_staff_and_not_for_a_unit_handler(client, county, staff):
    page = _login(client, staff).get(reverse("term_list")).content.decode()
    assert reverse("calendar_years") in page and reverse("system_status") in page
    handler = make_user(body=county.committee, roles=[Role.UNIT_HANDLER], unit=UnitFactory(body=county.congress))
    client.force_login(handler)
    unit_page = client.get(reverse("unit_list")).content.decode()
    assert reverse("system_status") not in unit_page


# Working-day calendar


@time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC))
def test_calendar_years_warn_that_next_year_is_missing(client, staff):
    response = _login(client, staff).get(reverse("calendar_years"))
    page = response.content.decode()
    rows = {row.year: row for row in response.context["rows"]}
    assert rows[2026].is_official and not rows[2026].needs_warning
    assert not rows[2027].is_official and rows[2027].needs_warning
    assert min(rows) == 2004  # the earliest year the package loaded
    assert reverse("calendar_year", args=[2027]) in page
    assert page.count('data-testid="calendar-warning"') == 1


def test_calendar_year_page_marks_holidays_and_adjusted_workdays(client, staff):
    response = _login(client, staff).get(reverse("calendar_year", args=[2025]))
    detail = response.context["detail"]
    october = detail.months[9]
    cells = {cell.date: cell for week in october.weeks for cell in week if cell.in_month}
    assert cells[dt.date(2025, 10, 1)].is_holiday
    assert cells[dt.date(2025, 10, 11)].is_adjusted_workday
    # 2025's National Day holiday took in the Mid-autumn Festival on the 6th.
    assert [run.name for run in october.runs if not run.is_working_day] == ["国庆节", "中秋节", "国庆节"]
    assert 'data-date="2025-10-01"' in response.content.decode()


def test_a_year_out_of_range_is_not_found(client, staff):
    assert _login(client, staff).get(reverse("calendar_year", args=[1900])).status_code == 404


def test_staff_enter_a_holiday_range_for_2027_through_the_page(client, staff):
    url = reverse("calendar_holiday_add", args=[2027])
    response = _login(client, staff).post(
        url, {"holiday-start": "2027-02-05", "holiday-end": "2027-02-11", "holiday-name": "春节"}
    )
    assert response.status_code == 302
    days = CalendarDay.objects.filter(date__year=2027)
    assert days.count() == 7
    assert set(days.values_list("name", "is_working_day", "source")) == {("春节", False, CalendarDay.Source.MANUAL)}


def test_an_adjusted_workday_is_entered_on_a_weekend_day(client, staff):
    response = _login(client, staff).post(
        reverse("calendar_workday_add", args=[2027]), {"workday-date": "2027-02-20", "workday-name": "春节"}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=dt.date(2027, 2, 20)).is_working_day


def test_a_weekday_cannot_be_an_adjusted_workday(client, staff):
    response = _login(client, staff).post(
        reverse("calendar_workday_add", args=[2027]), {"workday-date": "2027-02-17", "workday-name": "春节"}
    )
    assert response.status_code == 200
    assert response.context["workday_form"].errors["date"]
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_an_end_before_the_start_is_a_form_error_and_changes_nothing(client, staff):
    response = _login(client, staff).post(
        reverse("calendar_holiday_add", args=[2027]),
        {"holiday-start": "2027-10-07", "holiday-end": "2027-10-01", "holiday-name": "国庆节"},
    )
    assert response.status_code == 200
    form = response.context["holiday_form"]
    assert form.errors["end"]
    assert form["name"].value() == "国庆节"  # what the person typed is kept
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_a_range_the_service_refuses_is_shown_as_a_form_error(client, staff):
    # More than 60 days in one entry: the form passes it, the service raises ValueError.
    response = _login(client, staff).post(
        reverse("calendar_holiday_add", args=[2027]),
        {"holiday-start": "2027-01-01", "holiday-end": "2027-04-30", "holiday-name": "错误"},
    )
    assert response.status_code == 200
    assert response.context["holiday_form"].non_field_errors()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_dates_outside_the_year_of_the_page_are_refused(client, staff):
    response = _login(client, staff).post(
        reverse("calendar_holiday_add", args=[2027]),
        {"holiday-start": "2028-01-01", "holiday-end": "2028-01-01", "holiday-name": "元旦"},
    )
    assert response.context["holiday_form"].non_field_errors()
    assert not CalendarDay.objects.filter(date__year=2028).exists()


def test_htmx_entry_returns_the_year_partial_with_the_new_holiday(client, staff):
    response = _login(client, staff).post(
        reverse("calendar_holiday_add", args=[2027]),
        {"holiday-start": "2027-01-01", "holiday-end": "2027-01-03", "holiday-name": "元旦"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert 'data-testid="calendar-notice"' in page
    assert 'data-date="2027-01-01"' in page


def test_clearing_a_day_puts_it_back_on_monday_to_friday(client, staff):
    client = _login(client, staff)
    client.post(
        reverse("calendar_holiday_add", args=[2027]),
        {"holiday-start": "2027-01-01", "holiday-end": "2027-01-01", "holiday-name": "元旦"},
    )
    response = client.post(reverse("calendar_day_clear", args=[2027]), {"clear-date": "2027-01-01"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(date=dt.date(2027, 1, 1)).exists()


def test_confirming_the_year_makes_it_official(client, staff):
    response = _login(client, staff).post(reverse("calendar_year_confirm", args=[2027]))
    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2027)
    assert year.is_official and year.confirmed_by == staff


@pytest.mark.parametrize("name", ["calendar_holiday_add", "calendar_workday_add", "calendar_day_clear"])
def test_a_leader_cannot_change_the_calendar(client, county, name):
    leader = make_user(body=county.committee, roles=[Role.LEADER])
    response = _login(client, leader).post(reverse(name, args=[2027]), {"clear-date": "2027-01-01"})
    assert response.status_code == 403


def test_a_leader_cannot_confirm_a_year(client, county):
    leader = make_user(body=county.committee, roles=[Role.LEADER])
    assert _login(client, leader).post(reverse("calendar_year_confirm", args=[2027])).status_code == 403
    assert not CalendarYear.objects.filter(year=2027, is_official=True).exists()


# Units


def test_staff_list_and_filter_the_county_units(client, county, staff):
    UnitFactory(body=county.congress, name="县教育局", kind="government_department")
    UnitFactory(body=county.congress, name="城关镇", kind="township")
    UnitFactory(body=county.congress, name="旧局", is_active=False)
    client = _login(client, staff)
    names = lambda response: {unit.name for unit in response.context["page"]}  # noqa: E731
    assert names(client.get(reverse("unit_list"), {"kind": "township"})) == {"城关镇"}
    assert names(client.get(reverse("unit_list"), {"q": "教育"})) == {"县教育局"}
    assert "旧局" not in names(client.get(reverse("unit_list"), {"active": "true"}))


def test_unit_detail_lists_heads_and_handlers(client, county, staff):
    unit = UnitFactory(body=county.congress)
    make_user(body=county.congress, roles=[Role.UNIT_HEAD], unit=unit, full_name="张局长")
    make_user(body=county.congress, roles=[Role.UNIT_HANDLER], unit=unit, full_name="李经办")
    make_user(body=county.congress, roles=[Role.UNIT_HANDLER], unit=UnitFactory(body=county.congress))
    response = _login(client, staff).get(reverse("unit_detail", args=[unit.pk]))
    assert [person.full_name for person in response.context["heads"]] == ["张局长"]
    assert [person.full_name for person in response.context["handlers"]] == ["李经办"]


def test_a_unit_handler_sees_only_their_own_unit(client, county):
    own, other = UnitFactory(body=county.congress), UnitFactory(body=county.congress)
    handler = make_user(body=county.congress, roles=[Role.UNIT_HANDLER], unit=own)
    client = _login(client, handler)
    assert [unit.pk for unit in client.get(reverse("unit_list")).context["page"]] == [own.pk]
    assert client.get(reverse("unit_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("unit_detail", args=[other.pk])).status_code == 404


def test_a_deputy_without_other_roles_cannot_open_units(client, county):
    deputy = make_user(body=county.congress, roles=[Role.DEPUTY])
    assert _login(client, deputy).get(reverse("unit_list")).status_code == 403


def test_county_a_staff_cannot_see_county_b_units(client, staff):
    county_b = CountyFactory(name="白水县")
    b_unit = UnitFactory(body=county_b.congress, name="白水县财政局")
    client = _login(client, staff)
    listed = {unit.pk for unit in client.get(reverse("unit_list")).context["page"]}
    assert b_unit.pk not in listed and county_b.office.pk not in listed
    assert client.get(reverse("unit_detail", args=[b_unit.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "model_factory"),
    [
        ("unit_list", lambda county, n: [UnitFactory(body=county.congress) for _ in range(n)]),
        (
            "user_list",
            lambda county, n: [
                make_user(body=county.congress, roles=[Role.UNIT_HANDLER, Role.DEPUTY], unit=county.office)
                for _ in range(n)
            ],
        ),
        ("term_list", lambda county, n: None),
    ],
)
def test_list_pages_use_the_same_number_of_queries_for_5_and_50_rows(
    client, county, sysadmin, django_assert_max_num_queries, name, model_factory
):
    client = _login(client, sysadmin)
    model_factory(county, 5)
    with django_assert_max_num_queries(LIST_QUERY_BOUND), CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name)).status_code == 200
    model_factory(county, 45)
    with django_assert_max_num_queries(LIST_QUERY_BOUND), CaptureQueriesContext(connection) as large:
        assert client.get(reverse(name)).status_code == 200
    assert len(small) == len(large)


# Users


def _user_form(**overrides):
    data = {
        "full_name": "王芳",
        "phone": "13800001111",
        "roles": [Role.OFFICE_STAFF],
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_sysadmin_creates_a_login_with_an_initial_password(client, county, sysadmin):
    data = _user_form(username="wangfang", password="Qingshan-2027!", body=county.committee.pk)
    response = _login(client, sysadmin).post(reverse("user_create"), data)
    created = User.objects.get(username="wangfang")
    assert response.status_code == 302 and response["Location"] == reverse("user_detail", args=[created.pk])
    assert created.check_password("Qingshan-2027!")
    assert created.roles == {Role.OFFICE_STAFF}
    assert Event.objects.filter(object_id=created.pk, kind="user_created", actor=sysadmin).exists()


def test_a_weak_or_duplicate_login_is_refused_and_the_input_kept(client, county, sysadmin):
    data = _user_form(username=sysadmin.username.upper(), password="123", body=county.committee.pk)
    response = _login(client, sysadmin).post(reverse("user_create"), data)
    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["username"] and form.errors["password"]
    assert form["full_name"].value() == "王芳"
    assert not User.objects.filter(full_name="王芳").exists()


def test_sysadmin_edits_roles_unit_and_active_flag(client, county, sysadmin):
    unit = UnitFactory(body=county.congress)
    person = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    data = _user_form(body=county.congress.pk, unit=unit.pk, roles=[Role.UNIT_HEAD], is_active="")
    response = _login(client, sysadmin).post(reverse("user_edit", args=[person.pk]), data)
    assert response.status_code == 302
    person = User.objects.get(pk=person.pk)
    assert person.roles == {Role.UNIT_HEAD}
    assert (person.unit, person.body, person.is_active) == (unit, county.congress, False)
    kinds = set(Event.objects.filter(object_id=person.pk).values_list("kind", flat=True))
    assert {"user_updated", "roles_changed"} <= kinds


def test_a_unit_role_without_a_unit_is_a_form_error(client, county, sysadmin):
    person = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    data = _user_form(body=county.committee.pk, roles=[Role.UNIT_HANDLER])
    response = _login(client, sysadmin).post(reverse("user_edit", args=[person.pk]), data)
    assert response.context["form"].errors["unit"]
    assert User.objects.get(pk=person.pk).roles == {Role.OFFICE_STAFF}


def test_sysadmin_cannot_remove_their_own_admin_role(client, county, sysadmin):
    data = _user_form(body=county.committee.pk, roles=[Role.OFFICE_STAFF])
    response = _login(client, sysadmin).post(reverse("user_edit", args=[sysadmin.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert User.objects.get(pk=sysadmin.pk).roles == {Role.SYSADMIN}


def test_office_staff_read_users_but_cannot_edit_or_create(client, county, staff):
    person = make_user(body=county.committee, roles=[Role.LEADER])
    client = _login(client, staff)
    detail = client.get(reverse("user_detail", args=[person.pk]))
    assert detail.status_code == 200
    assert reverse("user_edit", args=[person.pk]) not in detail.content.decode()
    assert reverse("user_create") not in client.get(reverse("user_list")).content.decode()
    data = _user_form(body=county.committee.pk, roles=[Role.SYSADMIN])
    assert client.post(reverse("user_edit", args=[person.pk]), data).status_code == 403
    assert client.get(reverse("user_create")).status_code == 403
    assert User.objects.get(pk=person.pk).roles == {Role.LEADER}


def test_users_are_filtered_by_role_and_search(client, county, staff):
    make_user(body=county.committee, roles=[Role.LEADER, Role.COMMITTEE_MEMBER], full_name="赵主任")
    make_user(body=county.committee, roles=[Role.DEPUTY], full_name="钱代表")
    client = _login(client, staff)
    leaders = client.get(reverse("user_list"), {"role": Role.LEADER}).context["page"]
    assert [person.full_name for person in leaders] == ["赵主任"]
    found = client.get(reverse("user_list"), {"q": "钱"}).context["page"]
    assert [person.full_name for person in found] == ["钱代表"]


def test_county_a_sysadmin_cannot_see_or_edit_county_b_users(client, sysadmin):
    county_b = CountyFactory(name="白水县")
    b_person = make_user(body=county_b.committee, roles=[Role.OFFICE_STAFF])
    client = _login(client, sysadmin)
    assert b_person not in client.get(reverse("user_list")).context["page"]
    assert client.get(reverse("user_detail", args=[b_person.pk])).status_code == 404
    assert client.get(reverse("user_edit", args=[b_person.pk])).status_code == 404


def test_a_sysadmin_cannot_move_a_user_into_another_county(client, county, sysadmin):
    county_b = CountyFactory(name="白水县")
    person = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    data = _user_form(body=county_b.committee.pk)
    response = _login(client, sysadmin).post(reverse("user_edit", args=[person.pk]), data)
    assert response.context["form"].errors["body"]
    assert User.objects.get(pk=person.pk).body == county.committee


# Terms and status


def test_terms_are_listed_with_their_sessions_in_scope(client, county, staff):
    CountyFactory(name="白水县")
    response = _login(client, staff).get(reverse("term_list"))
    assert [term.body for term in response.context["terms"]] == [county.congress]
    assert county.session.label in response.content.decode()


def test_status_warns_when_no_worker_reported_in_five_minutes(client, staff):
    WorkerHeartbeat.objects.create(hostname="worker-1", last_seen=timezone.now() - dt.timedelta(minutes=6))
    page = _login(client, staff).get(reverse("system_status")).content.decode()
    assert 'data-testid="workers-missing"' in page
    assert "worker-1" in page


def test_status_shows_a_live_worker_and_counts_in_scope(client, county, staff):
    WorkerHeartbeat.objects.create(hostname="worker-1", last_seen=timezone.now())
    UnitFactory(body=CountyFactory(name="白水县").congress)
    response = _login(client, staff).get(reverse("system_status"))
    assert 'data-testid="workers-ok"' in response.content.decode()
    assert response.context["status"].counts["units"] == 1  # only county A's office


@pytest.mark.parametrize(
    ("url", "kind", "location"),
    [
        ("redis://:s3cret@cache.internal:6380/2", "redis", "cache.internal:6380/2"),
        ("redis://admin:s3cret@localhost/0", "redis", "localhost/0"),
        ("filesystem://", "filesystem", None),
    ],
)
def test_broker_description_never_shows_credentials(url, kind, location):
    described_kind, described_location = broker_description(url)
    assert described_kind == kind
    assert "s3cret" not in described_location and "admin" not in described_location
    if location is not None:
        assert described_location == location
