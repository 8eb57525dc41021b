"""The Excel export of a filtered list of suggestions: streamed in one query, Chinese headers, real dates."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from django.utils import translation

from suggestions.export import export_suggestions
from suggestions.models import Suggestion
from tests.suggestions.stats_data import at, stats_world, suggestion

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
HEADERS = (
    "编号",
    "标题",
    "会议",
    "年份",
    "类别",
    "领衔代表",
    "主办单位",
    "状态",
    "重点督办",
    "答复等级",
    "提交时间",
    "交办时间",
    "办理期限",
    "首次答复时间",
    "办结时间",
)


@pytest.fixture(autouse=True)
def chinese():
    """Write the headers in Chinese whatever language an earlier test's request left active in this thread."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world():
    return stats_world()


def bulk(world, number: int) -> None:
    """Add `number` assigned suggestions in one statement, numbered from 1."""
    Suggestion.objects.bulk_create(
        Suggestion(
            body=world.county.congress,
            session=world.first,
            number=index,
            year=2025,
            title=f"关于第{index}条道路的建议",
            content="内容",
            category=world.roads,
            lead_deputy=world.li,
            lead_unit=world.transport,
            status=Status.HANDLING,
            created_by=world.office,
            submitted_at=at(2025, 1, 11),
            assigned_at=at(2025, 2, 1),
            due_date=dt.date(2025, 5, 1),
            created_at=at(2025, 1, 11) + dt.timedelta(minutes=index),
        )
        for index in range(1, number + 1)
    )


def read(file) -> list[tuple]:
    workbook = openpyxl.load_workbook(file, read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def test_two_thousand_rows_are_written_in_one_query_and_read_back(world, django_assert_max_num_queries):
    bulk(world, 2000)
    queryset = Suggestion.objects.visible_to(world.office).order_by("number")
    assert world.office.roles  # loaded with the session user in a request

    with django_assert_max_num_queries(1):
        file = export_suggestions(queryset)

    rows = read(file)
    assert len(rows) == 2001
    assert rows[0] == HEADERS
    first, last = rows[1], rows[2000]
    handling = str(Status.HANDLING.label)
    assert first[:9] == (
        "第一次会议第0001号",
        "关于第1条道路的建议",
        "第十八届第一次会议",
        2025,
        "交通",
        "李强",
        world.transport.name,
        handling,
        None,
    )
    assert last[0] == "第一次会议第2000号"
    # Dates are Excel dates in the county's local time, not text.
    assert first[10] == dt.datetime(2025, 1, 11, 12, 0)
    assert first[11] == dt.datetime(2025, 2, 1, 12, 0)
    assert first[12] == dt.datetime(2025, 5, 1, 0, 0)
    assert first[13] is None


def test_the_export_keeps_the_querysets_filter_and_marks_priority_and_grade(world):
    flagged = suggestion(
        world, status=Status.CLOSED, is_priority=True, latest_grade="A", closed_at=at(2025, 6, 1), session=None
    )
    suggestion(world, status=Status.HANDLING)

    rows = read(export_suggestions(Suggestion.objects.filter(pk=flagged.pk)))

    assert len(rows) == 2
    assert rows[1][2] == "闭会期间"
    assert rows[1][7:10] == (str(Status.CLOSED.label), "是", "A")
    assert rows[1][14] == dt.datetime(2025, 6, 1, 12, 0)


def test_an_empty_list_exports_the_headers_only(world):
    assert read(export_suggestions(Suggestion.objects.none())) == [HEADERS]


def test_the_deadline_is_a_date_and_the_times_keep_their_hour(world):
    # Given a suggestion whose deadline is a calendar day
    bulk(world, 1)

    # When the list is exported
    sheet = openpyxl.load_workbook(export_suggestions(Suggestion.objects.all())).worksheets[0]

    # Then 办理期限 is a whole day shown as a date (Excel keeps every date as a day number, which openpyxl reads
    # back as midnight), while the moments beside it show their time
    columns = {cell.value: index for index, cell in enumerate(sheet[1])}
    row = sheet[2]
    deadline = row[columns["办理期限"]]
    assert deadline.is_date and deadline.number_format == "yyyy-mm-dd"
    assert deadline.value == dt.datetime(2025, 5, 1)
    assert row[columns["交办时间"]].number_format == "yyyy-mm-dd hh:mm"
