"""Excel exports: any filtered list of suggestions, and the statistics page.

Workbooks are written by XlsxWriter in constant-memory mode (each row is flushed to disk once written)
into an anonymous temporary file, so a 100,000-row export holds one chunk of rows in memory, never the
whole list; the caller hands the returned file to FileResponse, which closes (and so deletes) it.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

import xlsxwriter
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suggestions.models import Suggestion

if TYPE_CHECKING:
    from suggestions.stats import StatsRow, SuggestionStats

CHUNK_SIZE = 2000
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0.0%"


def _local(value: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: write the time as people in the county read it.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _suggestion_columns() -> list[tuple[str, Callable[[Suggestion], Any], int]]:
    """Return (header, value, width) for each column, headers in the active language."""
    return [
        (_("Number"), lambda s: s.reference, 22),
        (_("Title"), lambda s: s.title, 40),
        (
            _("Session"),
            lambda s: f"{s.session.term.label}{s.session.label}" if s.session_id else _("Between sessions"),
            18,
        ),
        (_("Year"), lambda s: s.year, 8),
        (_("Category"), lambda s: s.category.name if s.category_id else "", 12),
        (_("Lead deputy"), lambda s: s.lead_deputy.name, 12),
        (_("Lead unit"), lambda s: s.lead_unit.name if s.lead_unit_id else "", 24),
        (_("Status"), lambda s: s.get_status_display(), 14),
        (_("Priority supervision"), lambda s: _("Yes") if s.is_priority else "", 10),
        (_("Result grade"), lambda s: s.latest_grade, 10),
        (_("Submitted at"), lambda s: _local(s.submitted_at), 17),
        (_("Assigned at"), lambda s: _local(s.assigned_at), 17),
        (_("Current deadline"), lambda s: s.due_date, 12),
        (_("First answered at"), lambda s: _local(s.answered_at), 17),
        (_("Closed at"), lambda s: _local(s.closed_at), 17),
    ]


def _new_workbook() -> tuple[IO[bytes], xlsxwriter.Workbook]:
    # Not a context manager: the file outlives this function, and FileResponse closes it after sending.
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    # constant_memory writes each row out as soon as the next one starts; strings go inline for the same reason.
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "remove_timezone": True})
    return output, workbook


def _finish(output: IO[bytes], workbook: xlsxwriter.Workbook) -> IO[bytes]:
    workbook.close()
    output.seek(0)
    return output


def export_suggestions(queryset: models.QuerySet) -> IO[bytes]:
    """Write the suggestions of `queryset`, in its order, to an .xlsx file and return it opened at the start."""
    output, workbook = _new_workbook()
    header = workbook.add_format({"bold": True, "bg_color": "#F3EDE4", "border": 1})
    formats = {
        dt.datetime: workbook.add_format({"num_format": DATETIME_FORMAT}),
        dt.date: workbook.add_format({"num_format": DATE_FORMAT}),
    }
    sheet = workbook.add_worksheet(_("Suggestion list"))
    columns = _suggestion_columns()
    for col, (title, _value, width) in enumerate(columns):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, title, header)
    sheet.freeze_panes(1, 0)
    rows = queryset.select_related("session__term", "category", "lead_deputy", "lead_unit").iterator(
        chunk_size=CHUNK_SIZE
    )
    row_number = 0
    for row_number, suggestion in enumerate(rows, start=1):
        for col, (_title, value, _width) in enumerate(columns):
            cell = value(suggestion)
            if cell is None or cell == "":
                continue
            if isinstance(cell, dt.datetime):
                sheet.write_datetime(row_number, col, cell, formats[dt.datetime])
            elif isinstance(cell, dt.date):
                sheet.write_datetime(row_number, col, cell, formats[dt.date])
            elif isinstance(cell, int):
                sheet.write_number(row_number, col, cell)
            else:
                sheet.write_string(row_number, col, str(cell))
    if row_number:
        sheet.autofilter(0, 0, row_number, len(columns) - 1)
    return _finish(output, workbook)


STATS_COLUMNS = [
    # (header, measure or rate, is_rate)
    (gettext_lazy("Number assigned"), "assigned", False),
    (gettext_lazy("Number answered"), "answered", False),
    (gettext_lazy("Answer rate"), "answer", True),
    (gettext_lazy("Number closed"), "closed", False),
    (gettext_lazy("Completion rate"), "completion", True),
    (gettext_lazy("Closed within 6 months"), "closed_6m", False),
    (gettext_lazy("6-month completion rate"), "completion_6m", True),
    (gettext_lazy("Number rated"), "rated", False),
    (gettext_lazy("Not rated"), "not_rated", False),
    (gettext_lazy("Satisfied or basically satisfied"), "satisfied", False),
    (gettext_lazy("Rated unsatisfied"), "unsatisfied", False),
    (gettext_lazy("Satisfaction rate"), "satisfaction", True),
    (gettext_lazy("Grade A answers"), "grade_a", False),
    (gettext_lazy("Solved rate"), "solved", True),
]


def export_stats(stats: SuggestionStats) -> IO[bytes]:
    """Write the statistics, in total and by session, unit, category and priority, one sheet each."""
    output, workbook = _new_workbook()
    header = workbook.add_format({"bold": True, "bg_color": "#F3EDE4", "border": 1, "text_wrap": True})
    percent = workbook.add_format({"num_format": PERCENT_FORMAT})
    bold = workbook.add_format({"bold": True})
    sheets: list[tuple[str, list[StatsRow], bool]] = [
        (_("Total"), [stats.total], False),
        (_("By session"), stats.by_session, False),
        (_("By lead unit"), stats.by_unit, True),
        (_("By category"), stats.by_category, False),
        (_("By priority supervision"), stats.by_priority, False),
    ]
    for title, rows, ranked in sheets:
        sheet = workbook.add_worksheet(title)
        first = [_("Rank")] if ranked else []
        headers = [*first, _("Group"), *(str(name) for name, _key, _is_rate in STATS_COLUMNS)]
        for col, text in enumerate(headers):
            sheet.write_string(0, col, text, header)
        sheet.set_row(0, 32)
        sheet.set_column(len(first), len(first), 28)
        sheet.set_column(len(first) + 1, len(headers) - 1, 11)
        sheet.freeze_panes(1, len(first) + 1)
        for number, row in enumerate(rows, start=1):
            col = 0
            if ranked:
                if row.rank is not None:
                    sheet.write_number(number, 0, row.rank)
                col = 1
            sheet.write_string(number, col, row.label, bold)
            for offset, (_name, key, is_rate) in enumerate(STATS_COLUMNS, start=col + 1):
                if is_rate:
                    value = row.rate(key).value
                    if value is not None:
                        sheet.write_number(number, offset, value, percent)
                else:
                    sheet.write_number(number, offset, row.counts[key])
    return _finish(output, workbook)
