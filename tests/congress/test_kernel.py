"""Small kernel pieces: labels, the event log, roles, the inbox, workflow guards."""

import pytest
from django.core.exceptions import PermissionDenied

from congress.models import Body, CalendarYear, Event, Notification, Role
from congress.services import notification_create, notifications_mark_read, record_event, user_set_roles
from congress.text import chinese_ordinal
from congress.workflow import WorkflowError, ensure, ensure_transition
from tests.congress.factories import BodyFactory, make_user


@pytest.mark.parametrize(
    ("number", "text"), [(1, "一"), (3, "三"), (10, "十"), (18, "十八"), (20, "二十"), (21, "二十一"), (99, "九十九")]
)
def test_chinese_ordinals_read_as_congress_documents_write_them(number, text):
    assert chinese_ordinal(number) == text


@pytest.mark.django_db
def test_term_and_session_labels(county):
    assert county.term.label == "第十八届"
    assert county.session.name == "青山县人民代表大会第十八届第一次会议"


@pytest.mark.django_db
def test_body_paths_nest_and_follow_a_move():
    province = BodyFactory(name="某省人民代表大会", kind=Body.Kind.PROVINCE_CONGRESS)
    county = BodyFactory(name="某县人民代表大会", parent=province)
    assert county.path == f"/{province.pk}/{county.pk}/"
    other = BodyFactory(name="另一省人民代表大会", kind=Body.Kind.PROVINCE_CONGRESS)
    county.parent = other
    county.save()
    county.refresh_from_db()
    assert county.path == f"/{other.pk}/{county.pk}/"


@pytest.mark.django_db
def test_moving_a_body_moves_its_subtree():
    old_root = BodyFactory(name="甲市人民代表大会", kind=Body.Kind.CITY_CONGRESS)
    new_root = BodyFactory(name="乙市人民代表大会", kind=Body.Kind.CITY_CONGRESS)
    county = BodyFactory(name="某县人民代表大会", parent=old_root)
    township = BodyFactory(name="某镇人民代表大会", kind=Body.Kind.TOWNSHIP_CONGRESS, parent=county)

    county.parent = new_root
    county.save()

    township.refresh_from_db()
    assert township.path == f"/{new_root.pk}/{county.pk}/{township.pk}/"
    assert not Body.objects.filter(path__startswith=old_root.path).exclude(pk=old_root.pk).exists()


@pytest.mark.django_db
def test_a_standing_committees_people_oversee_their_congress(county):
    assert county.committee.scope_path == county.congress.path


@pytest.mark.django_db
def test_setting_roles_records_what_changed(county):
    admin = make_user(body=county.committee, roles=[Role.SYSADMIN])
    person = make_user(body=county.committee, roles=[Role.COMMITTEE_MEMBER])

    user_set_roles(user=person, roles=[Role.LEADER, Role.DEPUTY], actor=admin)

    assert person.roles == {Role.LEADER, Role.DEPUTY}
    event = Event.objects.get(kind="roles_changed", object_id=person.pk)
    assert event.actor == admin
    assert event.data == {"added": ["deputy", "leader"], "removed": ["committee_member"]}


@pytest.mark.django_db
def test_an_unknown_role_is_refused(county):
    person = make_user(body=county.committee, roles=[])
    with pytest.raises(ValueError):
        user_set_roles(user=person, roles=["emperor"], actor=None)
    assert person.role_grants.count() == 0


@pytest.mark.django_db
def test_marking_read_touches_only_the_persons_own_notifications(county):
    alice = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    bob = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    mine = notification_create(recipient=alice, title="待办")
    theirs = notification_create(recipient=bob, title="待办")

    assert notifications_mark_read(user=alice, ids=[mine.pk, theirs.pk]) == 1
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert Notification.objects.unread().for_user(alice).count() == 0


@pytest.mark.django_db
def test_events_record_actor_and_states(county):
    staff = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    year = CalendarYear.objects.create(year=2030)

    record_event(year, actor=staff, kind="checked", from_state="a", to_state="b", note="说明")

    event = Event.objects.get(kind="checked")
    assert (event.subject, event.actor, event.from_state, event.to_state) == (year, staff, "a", "b")


class Lamp:
    """A stand-in workflow record for the transition guard."""

    TRANSITIONS = {"off": {"on"}, "on": {"off"}}

    def __init__(self, status):
        self.status = status


def test_a_transition_outside_the_table_is_a_workflow_error():
    ensure_transition(Lamp("off"), to="on")
    with pytest.raises(WorkflowError):
        ensure_transition(Lamp("on"), to="on")


def test_ensure_raises_permission_denied():
    ensure(True)
    with pytest.raises(PermissionDenied):
        ensure(False)


@pytest.mark.django_db
def test_granting_the_sysadmin_role_opens_django_admin_and_removing_it_closes_it(county):
    person = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    user_set_roles(user=person, roles=[Role.SYSADMIN], actor=None)
    person.refresh_from_db()
    assert person.is_staff
    user_set_roles(user=person, roles=[Role.OFFICE_STAFF], actor=None)
    person.refresh_from_db()
    assert not person.is_staff


@pytest.mark.django_db
def test_only_the_longest_matching_nav_item_is_current(county):
    from congress.navigation import nav_for

    staff = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    sections = {section.key: section for section in nav_for(staff, "/deputies/groups/")}
    active = [item["label"] for item in sections["deputies"].items if item["active"]]
    assert len(active) == 1
    assert sections["deputies"].active
    assert not sections["system"].active


@pytest.mark.django_db
def test_the_hourly_purge_drops_only_expired_idempotency_records(county):
    import datetime as dt

    from django.utils import timezone

    from congress.models import IdempotencyRecord
    from congress.tasks import purge_idempotency_records

    user = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    fields = {"user": user, "method": "POST", "path": "/api/v1/deputies/", "request_hash": "x"}
    IdempotencyRecord.objects.create(key="old", created_at=timezone.now() - dt.timedelta(days=2), **fields)
    IdempotencyRecord.objects.create(key="new", **fields)

    assert purge_idempotency_records() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db
def test_the_signed_in_person_arrives_with_body_unit_and_roles_in_one_query(county, django_assert_num_queries):
    from congress.backends import CongressBackend

    person = make_user(body=county.committee, roles=[Role.UNIT_HANDLER], unit=county.office)

    with django_assert_num_queries(1):
        loaded = CongressBackend().get_user(person.pk)
        assert (loaded.body.scope_path, loaded.unit.name, loaded.roles) == (
            county.congress.path,
            county.office.name,
            {Role.UNIT_HANDLER},
        )


@pytest.mark.django_db
@pytest.mark.parametrize("roles", [[], [Role.OFFICE_STAFF, Role.LEADER, Role.DEPUTY]])
def test_the_signed_in_person_arrives_with_every_role_and_none_made_up(county, roles, django_assert_num_queries):
    from congress.backends import CongressBackend

    person = make_user(body=county.committee, roles=roles)

    loaded = CongressBackend().get_user(person.pk)

    with django_assert_num_queries(0):
        assert loaded.roles == frozenset(roles)
        assert loaded.is_committee_side == bool(roles)


@pytest.mark.django_db
def test_a_deactivated_person_is_signed_out(county):
    from congress.backends import CongressBackend

    person = make_user(body=county.committee, roles=[Role.OFFICE_STAFF], is_active=False)

    assert CongressBackend().get_user(person.pk) is None


@pytest.mark.parametrize(
    ("value", "options", "masked"),
    [
        ("13812345678", {}, "138****5678"),
        ("110101199001011234", {"keep_start": 6}, "110101********1234"),
        ("1234567", {}, "*******"),  # too short to keep both ends: nothing shown
        ("", {}, ""),
        (None, {}, ""),
    ],
)
def test_numbers_are_masked_in_the_middle_and_short_ones_whole(value, options, masked):
    from congress.text import mask_number

    assert mask_number(value, **options) == masked
