"""A person's choice lists are built once per viewer (`congress.querysets.for_viewer`) and never go stale."""

import pytest

from congress.models import Role, Unit, User
from congress.querysets import for_viewer
from suggestions.filters import SuggestionFilter
from suggestions.models import Suggestion
from tests.congress.factories import CountyFactory, UnitFactory, make_user

pytestmark = pytest.mark.django_db


def _units(user):
    return {"unit": Unit.objects.visible_to(user).order_by("name")}


def test_a_viewers_querysets_are_built_once_and_handed_out_as_fresh_clones():
    county = CountyFactory()
    staff = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    built = []

    def build(user):
        built.append(user.pk)
        return _units(user)

    first = for_viewer("test-units", staff, build)["unit"]
    second = for_viewer("test-units", User.objects.get(pk=staff.pk), build)["unit"]

    assert built == [staff.pk]
    assert first is not second
    assert str(first.query) == str(second.query)


def test_a_kept_queryset_reads_todays_rows():
    county = CountyFactory()
    staff = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    before = list(for_viewer("test-units", staff, _units)["unit"])

    added = UnitFactory(body=county.congress, name="新设局")

    assert added not in before
    assert added in list(for_viewer("test-units", staff, _units)["unit"])


def test_another_role_scope_or_unit_builds_the_viewers_querysets_again():
    county, other = CountyFactory("青山县"), CountyFactory("白水县")
    education = UnitFactory(body=county.congress, name="教育局")
    user = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    assert education in for_viewer("test-units", user, _units)["unit"]

    user.role_grants.all().delete()
    user.role_grants.create(role=Role.UNIT_HANDLER)
    user.unit = county.office
    user.save()
    as_handler = User.objects.get(pk=user.pk)
    assert list(for_viewer("test-units", as_handler, _units)["unit"]) == [county.office]

    as_handler.body = other.committee
    as_handler.unit = other.office
    as_handler.save()
    moved = User.objects.get(pk=user.pk)
    assert list(for_viewer("test-units", moved, _units)["unit"]) == [other.office]


def test_the_suggestion_filters_offer_each_viewer_their_own_scope():
    a, b = CountyFactory("青山县"), CountyFactory("白水县")
    staff_a = make_user(body=a.committee, roles=[Role.OFFICE_STAFF])
    staff_b = make_user(body=b.committee, roles=[Role.OFFICE_STAFF])

    def sessions(user):
        form = SuggestionFilter({}, queryset=Suggestion.objects.none(), user=user).form
        return [value for value, _label in form.fields["session"].choices if value not in ("", "none")]

    for _ in range(2):
        assert [str(value) for value in sessions(staff_a)] == [str(a.session.pk)]
        assert [str(value) for value in sessions(staff_b)] == [str(b.session.pk)]
