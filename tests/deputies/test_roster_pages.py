"""The deputies roster pages: who may open them, filters, masked phones, scope and query bounds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress.models import Role
from deputies.models import Level, Station
from deputies.templatetags.roster import mask_phone
from tests.congress.factories import CountyFactory, UnitFactory, make_user
from tests.deputies.factories import DeputyFactory, DeputyGroupFactory, StationFactory

pytestmark = pytest.mark.django_db

ROSTER_PAGES = ["deputies:deputy_list", "deputies:group_list", "deputies:station_list"]
LIST_QUERY_BOUND = 16


@pytest.fixture
def staff(county):
    return make_user(body=county.committee, roles=[Role.OFFICE_STAFF])


def _login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ROSTER_PAGES)
@pytest.mark.parametrize("role", [Role.OFFICE_STAFF, Role.LEADER, Role.COMMITTEE_MEMBER, Role.SYSADMIN])
def test_roster_pages_open_for_the_committee_side(client, county, name, role):
    DeputyFactory(body=county.congress)
    user = make_user(body=county.committee, roles=[role])
    response = _login(client, user).get(reverse(name))
    assert response.status_code == 200
    assert b'lang="zh-hans"' in response.content


@pytest.mark.parametrize("name", ROSTER_PAGES)
@pytest.mark.parametrize("role", [Role.UNIT_HANDLER, Role.UNIT_HEAD, Role.DEPUTY])
def test_roster_pages_are_forbidden_outside_the_committee(client, county, name, role):
    user = make_user(body=county.congress, roles=[role], unit=UnitFactory(body=county.congress))
    assert _login(client, user).get(reverse(name)).status_code == 403


def test_a_deputy_cannot_open_even_their_own_roster_entry(client, county):
    user = make_user(body=county.congress, roles=[Role.DEPUTY])
    deputy = DeputyFactory(body=county.congress, user=user)
    assert _login(client, user).get(reverse("deputies:deputy_detail", args=[deputy.pk])).status_code == 403


def test_roster_nav_items_show_for_the_committee_side(client, staff):
    page = _login(client, staff).get(reverse("deputies:group_list")).content.decode()
    assert reverse("deputies:station_list") in page


def test_the_roster_masks_phones_and_the_detail_shows_them(client, county, staff):
    deputy = DeputyFactory(body=county.congress, phone="13812345678")
    client = _login(client, staff)
    listing = client.get(reverse("deputies:deputy_list")).content.decode()
    assert "138****5678" in listing
    assert "13812345678" not in listing
    detail = client.get(reverse("deputies:deputy_detail", args=[deputy.pk])).content.decode()
    assert "13812345678" in detail


def test_the_detail_shows_the_linked_login(client, county, staff):
    login = make_user(body=county.congress, roles=[Role.DEPUTY], username="deputy-li")
    deputy = DeputyFactory(body=county.congress, user=login)
    page = _login(client, staff).get(reverse("deputies:deputy_detail", args=[deputy.pk])).content.decode()
    assert "deputy-li" in page
    assert reverse("user_detail", args=[login.pk]) in page


def test_the_roster_filters_by_level_group_station_and_text(client, county, staff):
    group = DeputyGroupFactory(body=county.congress, name="城关代表小组")
    station = StationFactory(body=county.congress)
    wang = DeputyFactory(body=county.congress, name="王建国", level=Level.CITY, group=group)
    li = DeputyFactory(body=county.congress, name="李秀英", occupation="青山县人民医院院长", station=station)
    retired = DeputyFactory(body=county.congress, name="赵退休", is_active=False)
    client = _login(client, staff)

    def names(**params):
        return {deputy.name for deputy in client.get(reverse("deputies:deputy_list"), params).context["page"]}

    assert names(level=Level.CITY) == {wang.name}
    assert names(group=group.pk) == {wang.name}
    assert names(station=station.pk) == {li.name}
    assert names(q="医院") == {li.name}
    assert names(q=wang.code) == {wang.name}
    assert retired.name not in names(active="true")
    assert names(active="false") == {retired.name}


def test_county_a_staff_cannot_see_county_b_deputies(client, county, staff):
    county_b = CountyFactory(name="白水县")
    b_group = DeputyGroupFactory(body=county_b.congress)
    b_deputy = DeputyFactory(body=county_b.congress, group=b_group)
    DeputyFactory(body=county.congress)
    client = _login(client, staff)
    listed = client.get(reverse("deputies:deputy_list")).context["page"]
    assert b_deputy not in listed and len(listed) == 1
    assert client.get(reverse("deputies:deputy_detail", args=[b_deputy.pk])).status_code == 404
    assert b_group not in client.get(reverse("deputies:group_list")).context["groups"]
    assert b_deputy.station not in client.get(reverse("deputies:station_list")).context["stations"]
    # Another county's group in the filter is not a valid choice, so it does not reveal anything.
    response = client.get(reverse("deputies:deputy_list"), {"group": b_group.pk})
    assert response.context["filter_form"].errors["group"]


def test_groups_show_serving_members_and_the_convenor(client, county, staff):
    group = DeputyGroupFactory(body=county.congress, name="教育代表小组")
    convenor = DeputyFactory(body=county.congress, group=group, name="孙召集")
    DeputyFactory(body=county.congress, group=group)
    DeputyFactory(body=county.congress, group=group, is_active=False)
    group.convenor = convenor
    group.save()
    response = _login(client, staff).get(reverse("deputies:group_list"), {"q": "教育"})
    [listed] = response.context["groups"]
    assert listed.member_count == 2
    assert "孙召集" in response.content.decode()


def test_stations_are_listed_by_kind_with_township_and_deputy_counts(client, county, staff):
    township = UnitFactory(body=county.congress, name="城关镇", kind="township")
    home = StationFactory(body=county.congress, name="城关代表之家", kind=Station.Kind.HOME, township=township)
    point = StationFactory(body=county.congress, name="东街联络点", kind=Station.Kind.POINT, township=township)
    centre = StationFactory(body=county.congress, name="县代表联络中心", kind=Station.Kind.CENTRE)
    DeputyFactory.create_batch(3, body=county.congress, station=home)
    response = _login(client, staff).get(reverse("deputies:station_list"))
    stations = list(response.context["stations"])
    assert stations[:3] == [centre, home, point]
    assert stations[1].deputy_count == 3
    filtered = _login(client, staff).get(reverse("deputies:station_list"), {"township": township.pk})
    assert set(filtered.context["stations"]) == {home, point}


@pytest.mark.parametrize("name", ROSTER_PAGES)
def test_roster_pages_use_the_same_number_of_queries_for_5_and_50_deputies(
    client, county, staff, django_assert_max_num_queries, name
):
    client = _login(client, staff)
    DeputyFactory.create_batch(5, body=county.congress, user=None)
    with django_assert_max_num_queries(LIST_QUERY_BOUND), CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name)).status_code == 200
    DeputyFactory.create_batch(45, body=county.congress)
    with django_assert_max_num_queries(LIST_QUERY_BOUND), CaptureQueriesContext(connection) as large:
        assert client.get(reverse(name)).status_code == 200
    assert len(small) == len(large)


@pytest.mark.parametrize(
    ("number", "masked"),
    [("13812345678", "138****5678"), (" 13900001111 ", "139****1111"), ("12345", "*****"), ("", "")],
)
def test_mask_phone_hides_the_middle_digits(number, masked):
    assert mask_phone(number) == masked
