"""Visibility rules: one body's people never see another county; a unit sees only its own."""

import pytest

from congress.models import Body, CongressSession, Role, Term, Unit, User
from deputies.models import Deputy, Level
from tests.congress.factories import BodyFactory, CountyFactory, UnitFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_counties():
    a, b = CountyFactory("青山县"), CountyFactory("白水县")
    for county in (a, b):
        county.education = UnitFactory(body=county.congress, name="教育局")
        county.health = UnitFactory(body=county.congress, name="卫生健康委员会")
        county.deputy = Deputy.objects.create(
            body=county.congress, term=county.term, code="D1", name="王芳", gender="female", level=Level.COUNTY
        )
    return a, b


def test_committee_staff_see_their_whole_county_and_nothing_of_another(two_counties):
    a, b = two_counties
    staff = make_user(body=a.committee, roles=[Role.OFFICE_STAFF])

    assert set(Unit.objects.visible_to(staff)) == {a.office, a.education, a.health}
    assert list(Deputy.objects.visible_to(staff)) == [a.deputy]
    assert list(Term.objects.visible_to(staff)) == [a.term]
    assert list(CongressSession.objects.visible_to(staff)) == [a.session]
    assert set(Body.objects.visible_to(staff)) == {a.congress, a.committee}


def test_a_unit_handler_sees_only_their_own_unit_and_colleagues(two_counties):
    a, _b = two_counties
    handler = make_user(body=a.committee, roles=[Role.UNIT_HANDLER], unit=a.education)
    colleague = make_user(body=a.committee, roles=[Role.UNIT_HEAD], unit=a.education)
    other = make_user(body=a.committee, roles=[Role.UNIT_HANDLER], unit=a.health)

    assert list(Unit.objects.visible_to(handler)) == [a.education]
    assert set(User.objects.visible_to(handler)) == {handler, colleague}
    assert other not in User.objects.visible_to(handler)
    assert not Deputy.objects.visible_to(handler).exists()


def test_a_deputy_sees_their_own_record_only(two_counties):
    a, _b = two_counties
    login = make_user(body=a.congress, roles=[Role.DEPUTY])
    a.deputy.user = login
    a.deputy.save()
    Deputy.objects.create(body=a.congress, code="D2", name="李强", gender="male", level=Level.COUNTY)

    assert list(Deputy.objects.visible_to(login)) == [a.deputy]
    assert list(User.objects.visible_to(login)) == [login]


def test_township_staff_see_their_township_but_not_the_county(two_counties):
    a, _b = two_counties
    township = BodyFactory(name="青山县城关镇人民代表大会", kind=Body.Kind.TOWNSHIP_CONGRESS, parent=a.congress)
    town_unit = UnitFactory(body=township, name="城关镇人民政府", kind=Unit.Kind.TOWNSHIP)
    town_staff = make_user(body=township, roles=[Role.OFFICE_STAFF])
    county_staff = make_user(body=a.committee, roles=[Role.OFFICE_STAFF])

    assert list(Unit.objects.visible_to(town_staff)) == [town_unit]
    assert town_unit in Unit.objects.visible_to(county_staff)


def test_a_login_without_body_or_role_sees_nothing(two_counties):
    nobody = make_user(body=None, roles=[])
    roleless = make_user(body=two_counties[0].committee, roles=[])

    for user in (nobody, roleless):
        assert not Unit.objects.visible_to(user).exists()
        assert not Deputy.objects.visible_to(user).exists()


def test_a_deactivated_login_sees_nothing(two_counties):
    staff = make_user(body=two_counties[0].committee, roles=[Role.OFFICE_STAFF], is_active=False)

    assert not Unit.objects.visible_to(staff).exists()
    assert not User.objects.visible_to(staff).exists()


def test_a_superuser_sees_every_county(two_counties):
    root = make_user(body=None, roles=[], is_superuser=True)

    assert Deputy.objects.visible_to(root).count() == 2


def test_a_county_system_login_sees_its_countys_people_and_units(two_counties):
    a, b = two_counties
    client = make_user(body=a.committee, roles=[Role.API_CLIENT])
    staff_a = make_user(body=a.committee, roles=[Role.OFFICE_STAFF])
    staff_b = make_user(body=b.committee, roles=[Role.OFFICE_STAFF])

    people = set(User.objects.visible_to(client))
    assert {client, staff_a} <= people
    assert staff_b not in people
    assert a.education in Unit.objects.visible_to(client)


def test_anonymous_visitors_see_no_units():
    from django.contrib.auth.models import AnonymousUser

    assert not Unit.objects.visible_to(AnonymousUser()).exists()
