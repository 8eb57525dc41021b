"""Pure pieces of the engine: the firing map, the SMS gateway body, message checks."""

from __future__ import annotations

import datetime as dt

import pytest

from congress.calendar import WorkingCalendar
from congress.reminders.channels import DeliveryError, _fill
from congress.reminders.messages import check_texts
from congress.reminders.schedule import Firing, date_ranges, firing_map


class BrokenSms:
    """An SMS backend whose gateway is down, for the retry tests."""

    def send(self, *, phone: str, text: str, message_id: str) -> None:
        raise DeliveryError("gateway down")


@pytest.mark.django_db
def test_firing_map_keeps_only_the_latest_firing_of_each_due_date():
    calendar = WorkingCalendar(dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    firings = firing_map(
        offsets=(30, 15, 7, 1),
        shift_to_working_day=True,
        overdue_every=0,
        start=dt.date(2025, 5, 16),
        end=dt.date(2025, 6, 13),
        calendar=calendar,
        max_overdue_days=30,
    )
    assert firings[dt.date(2025, 6, 16)] == Firing(fire_date=dt.date(2025, 6, 13), offset=1)


def test_date_ranges_fold_consecutive_days():
    days = [dt.date(2025, 1, 1), dt.date(2025, 1, 2), dt.date(2025, 1, 5)]
    assert date_ranges(days) == [(days[0], days[1]), (days[2], days[2])]


def test_the_gateway_template_is_filled_inside_its_strings_only():
    template = {"to": "{phone}", "text": "{text}", "list": ["{message_id}"], "n": 1}
    assert _fill(template, {"phone": "138", "text": '他说"好"', "message_id": "d-1"}) == {
        "to": "138",
        "text": '他说"好"',
        "list": ["d-1"],
        "n": 1,
    }


def test_a_template_that_does_not_render_is_refused_with_the_field_named():
    with pytest.raises(ValueError, match="Message|消息"):
        check_texts(title="ok", body="{% if %}", sms="")
    check_texts(title="{{ subject }}", body="{% if days_overdue %}late{% endif %}", sms="{{ status }}")
