"""Each resource for each kind of caller: allowed, forbidden, and invisible (404) cases."""

from __future__ import annotations

import datetime as dt

import pytest

from congress.models import CalendarDay, Notification, Role, Unit, User
from deputies.models import Deputy
from tests.api.helpers import as_key, as_person, client_key
from tests.congress.factories import CountyFactory, SessionFactory, UnitFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(db):
    """Another county, whose records nobody in the first county may see."""
    other = CountyFactory(name="远山县")
    other.deputy = Deputy.objects.create(body=other.congress, code="X1", name="外县代表", gender="male", level="county")
    other.person = make_user(body=other.committee, roles=[Role.OFFICE_STAFF])
    return other


def make_deputy(people, code="D1", **kwargs) -> Deputy:
    defaults = {"body": people.county.congress, "name": "王建国", "gender": "male", "level": "county"}
    return Deputy.objects.create(code=code, **{**defaults, **kwargs})


# /users/me/


def test_me_describes_a_person_with_roles_unit_and_deputy_record(api, people):
    record = make_deputy(people, user=people.deputy)

    me = as_person(api, people.deputy).get("/api/v1/users/me/").json()

    assert me["roles"] == ["deputy"]
    assert me["deputy"] == {"id": record.pk, "name": record.name}
    assert me["scopes"] is None


def test_me_shows_a_client_key_its_scopes(api, people):
    me = as_key(api, client_key(people.system, ["roster:read"])).get("/api/v1/users/me/").json()

    assert me["credentials"] == "client"
    assert me["scopes"] == ["roster:read"]


# /users/


def test_sysadmin_lists_logins_of_their_county_only(api, people, elsewhere):
    response = as_person(api, people.admin).get("/api/v1/users/")

    usernames = {user["username"] for user in response.json()["results"]}
    assert response.status_code == 200
    assert people.staff.username in usernames
    assert elsewhere.person.username not in usernames


def test_office_staff_may_not_list_logins(api, people):
    assert as_person(api, people.staff).get("/api/v1/users/").status_code == 403


def test_login_of_another_county_is_404(api, people, elsewhere):
    assert as_person(api, people.admin).get(f"/api/v1/users/{elsewhere.person.pk}/").status_code == 404


def test_client_needs_users_read_to_list_logins(api, people):
    assert as_key(api, client_key(people.system, ["roster:read"])).get("/api/v1/users/").status_code == 403
    assert as_key(api, client_key(people.system, ["users:read"])).get("/api/v1/users/").status_code == 200


def test_sysadmin_creates_a_login_with_roles_and_unit(api, people):
    payload = {
        "username": "zhang.handler",
        "password": "long-Enough-1",
        "full_name": "张办理",
        "body": people.county.congress.pk,
        "unit": people.unit.pk,
        "roles": ["unit_handler"],
    }

    response = as_person(api, people.admin).post("/api/v1/users/", payload, format="json")

    created = User.objects.get(username="zhang.handler")
    assert response.status_code == 201
    assert response.json()["roles"] == ["unit_handler"]
    assert created.unit == people.unit
    assert created.check_password("long-Enough-1")


def test_unit_role_without_a_unit_is_refused_with_the_reason(api, people):
    payload = {"username": "nounit", "password": "long-Enough-1", "full_name": "无单位", "roles": ["unit_handler"]}
    payload["body"] = people.county.congress.pk

    response = as_person(api, people.admin).post("/api/v1/users/", payload, format="json")

    assert response.status_code == 400
    assert not User.objects.filter(username="nounit").exists()


def test_hr_system_with_admin_role_and_users_write_syncs_roles(api, people):
    hr = make_user(body=people.county.committee, roles=[Role.API_CLIENT, Role.SYSADMIN], username="hr-system")
    as_key(api, client_key(hr, ["users:read", "users:write"]))

    response = api.patch(f"/api/v1/users/{people.staff.pk}/", {"roles": ["office_staff", "leader"]}, format="json")

    people.staff.__dict__.pop("roles", None)
    assert response.status_code == 200
    assert people.staff.roles == {Role.OFFICE_STAFF, Role.LEADER}


def test_client_without_users_write_cannot_change_logins(api, people):
    hr = make_user(body=people.county.committee, roles=[Role.API_CLIENT, Role.SYSADMIN], username="hr-system")
    as_key(api, client_key(hr, ["users:read"]))

    response = api.patch(f"/api/v1/users/{people.staff.pk}/", {"roles": ["sysadmin"]}, format="json")

    assert response.status_code == 403
    people.staff.__dict__.pop("roles", None)
    assert people.staff.roles == {Role.OFFICE_STAFF}


def test_office_staff_cannot_create_logins(api, people):
    payload = {"username": "x", "password": "long-Enough-1", "full_name": "x", "body": people.county.congress.pk}

    assert as_person(api, people.staff).post("/api/v1/users/", payload, format="json").status_code == 403


# /units/


def test_committee_staff_see_the_county_units(api, people, elsewhere):
    UnitFactory(body=elsewhere.congress)

    response = as_person(api, people.staff).get("/api/v1/units/")

    names = {unit["name"] for unit in response.json()["results"]}
    assert response.status_code == 200
    assert names == set(Unit.objects.filter(body=people.county.congress).values_list("name", flat=True))
    assert response.json()["count"] == len(names)


def test_unit_handler_sees_only_their_own_unit(api, people):
    response = as_person(api, people.handler).get("/api/v1/units/")

    assert [unit["id"] for unit in response.json()["results"]] == [people.unit.pk]
    assert as_person(api, people.handler).get(f"/api/v1/units/{people.county.office.pk}/").status_code == 404


def test_units_need_reference_read_scope(api, people):
    assert as_key(api, client_key(people.system, ["roster:read"])).get("/api/v1/units/").status_code == 403
    assert as_key(api, client_key(people.system, ["reference:read"])).get("/api/v1/units/").status_code == 200


def test_units_filter_by_kind_and_search(api, people):
    as_person(api, people.staff)

    by_kind = api.get("/api/v1/units/", {"kind": "committee_office"}).json()["results"]
    by_search = api.get("/api/v1/units/", {"search": "交通"}).json()["results"]

    assert [unit["id"] for unit in by_kind] == [people.county.office.pk]
    assert [unit["id"] for unit in by_search] == [people.unit.pk]


# /deputies/


def test_staff_list_filter_and_create_deputies(api, people):
    make_deputy(people, code="D1", level="county")
    make_deputy(people, code="D2", level="township", name="李梅")
    as_person(api, people.staff)

    township = api.get("/api/v1/deputies/", {"level": "township"}).json()["results"]
    searched = api.get("/api/v1/deputies/", {"search": "李"}).json()["results"]
    created = api.post(
        "/api/v1/deputies/",
        {"body": people.county.congress.pk, "code": "D3", "name": "赵新", "gender": "female", "level": "county"},
        format="json",
    )

    assert [deputy["code"] for deputy in township] == ["D2"]
    assert [deputy["code"] for deputy in searched] == ["D2"]
    assert created.status_code == 201
    assert Deputy.objects.filter(code="D3").exists()


def test_staff_update_a_deputy(api, people):
    deputy = make_deputy(people)

    response = as_person(api, people.staff).patch(f"/api/v1/deputies/{deputy.pk}/", {"is_active": False}, format="json")

    deputy.refresh_from_db()
    assert response.status_code == 200
    assert deputy.is_active is False


def test_leader_reads_but_may_not_edit_the_roster(api, people):
    deputy = make_deputy(people)
    as_person(api, people.leader)

    assert api.get(f"/api/v1/deputies/{deputy.pk}/").status_code == 200
    assert api.patch(f"/api/v1/deputies/{deputy.pk}/", {"name": "改名"}, format="json").status_code == 403


def test_deputy_sees_only_their_own_record(api, people):
    own = make_deputy(people, code="D1", user=people.deputy)
    other = make_deputy(people, code="D2")
    as_person(api, people.deputy)

    assert [item["id"] for item in api.get("/api/v1/deputies/").json()["results"]] == [own.pk]
    assert api.get(f"/api/v1/deputies/{other.pk}/").status_code == 404


def test_deputy_of_another_county_is_404(api, people, elsewhere):
    assert as_person(api, people.staff).get(f"/api/v1/deputies/{elsewhere.deputy.pk}/").status_code == 404


def test_client_with_roster_write_adds_a_deputy_in_its_county_only(api, people, elsewhere):
    as_key(api, client_key(people.system, ["roster:read", "roster:write"]))
    payload = {"code": "D7", "name": "钱进", "gender": "male", "level": "township"}

    home = api.post("/api/v1/deputies/", {**payload, "body": people.county.congress.pk}, format="json")
    away = api.post("/api/v1/deputies/", {**payload, "body": elsewhere.congress.pk}, format="json")

    assert home.status_code == 201
    assert away.status_code == 400
    assert "body" in away.json()["error"]["fields"]
    assert Deputy.objects.filter(code="D7").count() == 1


# /terms/ and /sessions/


def test_terms_and_sessions_of_the_callers_county(api, people, elsewhere):
    SessionFactory(term=people.county.term, number=2)
    as_person(api, people.staff)

    terms = api.get("/api/v1/terms/").json()
    sessions = api.get("/api/v1/sessions/", {"term": people.county.term.pk}).json()

    assert [term["id"] for term in terms["results"]] == [people.county.term.pk]
    assert sessions["count"] == 2
    assert api.get(f"/api/v1/terms/{elsewhere.term.pk}/").status_code == 404
    assert api.get(f"/api/v1/sessions/{elsewhere.session.pk}/").status_code == 404


def test_sessions_reject_a_term_outside_the_scope(api, people, elsewhere):
    response = as_person(api, people.staff).get("/api/v1/sessions/", {"term": elsewhere.term.pk})

    assert response.status_code == 400
    assert "term" in response.json()["error"]["fields"]


def test_terms_need_reference_read_scope(api, people):
    assert as_key(api, client_key(people.system, ["users:read"])).get("/api/v1/terms/").status_code == 403


# /calendar/


def test_working_days_list_holidays_and_adjusted_workdays(api, people):
    CalendarDay.objects.filter(date__range=(dt.date(2025, 9, 27), dt.date(2025, 10, 1))).delete()
    CalendarDay.objects.create(date=dt.date(2025, 10, 1), is_working_day=False, name="国庆节")
    CalendarDay.objects.create(date=dt.date(2025, 9, 28), is_working_day=True, name="国庆节调休")
    as_person(api, people.staff)

    days = api.get("/api/v1/calendar/working-days/", {"from": "2025-09-27", "to": "2025-10-01"}).json()["results"]

    assert [(day["date"], day["is_working_day"], day["name"]) for day in days] == [
        ("2025-09-27", False, ""),
        ("2025-09-28", True, "国庆节调休"),
        ("2025-09-29", True, ""),
        ("2025-09-30", True, ""),
        ("2025-10-01", False, "国庆节"),
    ]


def test_working_days_refuse_a_long_or_reversed_range(api, people):
    as_person(api, people.staff)

    too_long = api.get("/api/v1/calendar/working-days/", {"from": "2025-01-01", "to": "2026-03-01"})
    reversed_range = api.get("/api/v1/calendar/working-days/", {"from": "2025-02-01", "to": "2025-01-01"})
    missing = api.get("/api/v1/calendar/working-days/", {"to": "2025-01-01"})

    assert [too_long.status_code, reversed_range.status_code, missing.status_code] == [400, 400, 400]
    assert "to" in too_long.json()["error"]["fields"]
    assert "from" in missing.json()["error"]["fields"]


def test_add_working_days_skips_holidays(api, people):
    CalendarDay.objects.filter(date__range=(dt.date(2025, 9, 27), dt.date(2025, 10, 8))).delete()
    CalendarDay.objects.create(date=dt.date(2025, 10, 1), is_working_day=False, name="国庆节")
    as_person(api, people.staff)

    response = api.get("/api/v1/calendar/working-days/add/", {"date": "2025-09-30", "days": 1})

    assert response.json() == {"date": "2025-09-30", "days": 1, "result": "2025-10-02"}


def test_calendar_needs_reference_read_scope(api, people):
    as_key(api, client_key(people.system, ["roster:read"]))

    response = api.get("/api/v1/calendar/working-days/add/", {"date": "2025-09-30", "days": 1})

    assert response.status_code == 403


# /notifications/


def test_inbox_lists_own_notifications_and_marks_them_read(api, people):
    mine = Notification.objects.create(recipient=people.staff, title="请办理")
    Notification.objects.create(recipient=people.staff, title="已读", read_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    theirs = Notification.objects.create(recipient=people.admin, title="别人的")
    as_person(api, people.staff)

    unread = api.get("/api/v1/notifications/", {"unread": "true"}).json()["results"]
    marked = api.post("/api/v1/notifications/mark-read/", {"ids": [mine.pk, theirs.pk]}, format="json")

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert [item["id"] for item in unread] == [mine.pk]
    assert marked.json() == {"marked": 1}
    assert mine.read_at is not None
    assert theirs.read_at is None
    assert api.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404


def test_client_needs_notifications_write_to_mark_read(api, people):
    Notification.objects.create(recipient=people.system, title="系统消息")
    as_key(api, client_key(people.system, ["notifications:read"]))

    assert api.get("/api/v1/notifications/").status_code == 200
    assert api.post("/api/v1/notifications/mark-read/", {}, format="json").status_code == 403


def test_calendar_refuses_dates_beyond_what_it_can_count(api, people):
    as_person(api, people.staff)

    response = api.get("/api/v1/calendar/working-days/add/", {"date": "0003-01-01", "days": -500})

    assert response.status_code == 400
    assert "date" in response.json()["error"]["fields"]
