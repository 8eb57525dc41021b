"""The engine's staff pages: the ledger, policies, message texts and personal preferences."""

from __future__ import annotations

import pytest
from django.urls import reverse

from congress.models import Delivery, MessageTemplate, NotificationPreference, Reminder, ReminderPolicy, Role
from congress.reminders.kinds import CALENDAR_YEAR_MISSING
from tests.congress.factories import make_user


@pytest.fixture
def office(county):
    return make_user(body=county.committee, roles=[Role.OFFICE_STAFF])


def ledger_rows(person, count: int, *, status=Delivery.Status.SENT) -> None:
    for number in range(count):
        reminder = Reminder.objects.create(kind="test", recipient=person, title=f"提醒{number}")
        Delivery.objects.create(reminder=reminder, recipient=person, channel="in_app", status=status)
        Delivery.objects.create(
            reminder=reminder, recipient=person, channel="sms", status=Delivery.Status.FAILED, last_error="HTTP 500"
        )


@pytest.mark.parametrize("rows", [3, 30])
def test_the_ledger_shows_one_page_of_reminders_with_failures_within_a_query_bound(
    client, county, office, rows, django_assert_max_num_queries
):
    ledger_rows(office, rows)
    client.force_login(office)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("reminders:ledger"), {"status": "failed"})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("HTTP 500") == min(rows, 25)
    assert f"提醒{rows - 1}" in page


def test_the_ledger_and_policies_are_closed_to_a_unit_handler(client, county):
    handler = make_user(body=county.congress, roles=[Role.UNIT_HANDLER], unit=county.office)
    client.force_login(handler)
    for name in ("reminders:ledger", "reminders:policies", "reminders:templates"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("reminders:preferences")).status_code == 200


def test_the_ledger_shows_only_people_in_the_staff_members_scope(client, county, office):
    from tests.congress.factories import CountyFactory

    elsewhere = CountyFactory(name="白水县")
    stranger = make_user(body=elsewhere.committee, roles=[Role.OFFICE_STAFF])
    Reminder.objects.create(kind="test", recipient=stranger, title="别县的提醒")
    client.force_login(office)
    assert "别县的提醒" not in client.get(reverse("reminders:ledger")).content.decode()


def test_a_failed_delivery_can_be_sent_again_from_the_ledger(client, county, office):
    ledger_rows(office, 1)
    failed = Delivery.objects.get(status=Delivery.Status.FAILED)
    client.force_login(office)

    response = client.post(reverse("reminders:delivery_retry", args=[failed.pk]))

    failed.refresh_from_db()
    assert response.status_code == 302
    assert (failed.status, failed.attempts) in {(Delivery.Status.PENDING, 0), (Delivery.Status.SENT, 1)}


def test_a_policy_with_bad_values_is_refused_and_unchanged_and_a_good_one_is_saved(client, county, office):
    client.force_login(office)
    client.get(reverse("reminders:policies"))
    policy = ReminderPolicy.objects.get(kind=CALENDAR_YEAR_MISSING, body=None)
    url = reverse("reminders:policy_edit", args=[policy.pk])

    bad = client.post(url, {"offsets": "30, abc", "overdue_every": "5", "escalate_after": "2", "channels": ["in_app"]})
    no_channel = client.post(url, {"offsets": "30", "overdue_every": "0", "escalate_after": "2"})
    assert bad.status_code == 200 and no_channel.status_code == 200
    assert "30, abc" in bad.content.decode()
    assert ReminderPolicy.objects.get(pk=policy.pk).offsets == [30, 15, 7, 1, 0]

    good = client.post(
        url,
        {
            "offsets": "20，10, 3",
            "overdue_every": "1",
            "escalate_after": "3",
            "channels": ["in_app", "sms"],
            "is_active": "on",
        },
    )
    policy.refresh_from_db()
    assert good.status_code == 302
    assert (policy.offsets, policy.overdue_every, policy.channels, policy.updated_by) == (
        [20, 10, 3],
        1,
        ["in_app", "sms"],
        office,
    )


def test_a_kind_with_one_policy_for_every_body_refuses_a_body_of_its_own(county, office):
    from congress.reminders.policies import reminder_policy_create_for_body

    with pytest.raises(ValueError):
        reminder_policy_create_for_body(kind_name=CALENDAR_YEAR_MISSING, body=county.congress, actor=office)


def test_a_message_template_that_does_not_render_is_refused_and_a_good_one_is_saved(client, county, office):
    client.force_login(office)
    client.get(reverse("reminders:templates"))
    template = MessageTemplate.objects.get(key=CALENDAR_YEAR_MISSING)
    url = reverse("reminders:template_edit", args=[template.pk])

    bad = client.post(url, {"title": "{% if %}坏", "body": "", "sms": ""})
    assert bad.status_code == 200
    assert "{% if %}坏" in bad.content.decode()
    assert MessageTemplate.objects.get(pk=template.pk).title == template.title

    good = client.post(url, {"title": "请录入{{ subject }}年节假日", "body": "{{ status }}", "sms": "短信"})
    assert good.status_code == 302
    assert MessageTemplate.objects.get(pk=template.pk).title == "请录入{{ subject }}年节假日"


def test_a_person_chooses_channels_and_the_digest_and_can_send_a_test_message(
    client, county, django_capture_on_commit_callbacks
):
    member = make_user(body=county.committee, roles=[Role.COMMITTEE_MEMBER], phone="13800000000")
    client.force_login(member)

    response = client.post(reverse("reminders:preferences"), {"sms": "on", "digest": "on"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=member)
    assert (preference.email, preference.sms, preference.digest) == (False, True, True)

    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("reminders:preferences_test"))
    assert set(Delivery.objects.filter(recipient=member).values_list("channel", flat=True)) == {"in_app", "sms"}


def test_the_system_menu_lists_the_reminder_pages_for_office_staff(client, county, office):
    client.force_login(office)
    page = client.get(reverse("reminders:preferences")).content.decode()
    for name in ("reminders:ledger", "reminders:policies", "reminders:templates"):
        assert reverse(name) in page
