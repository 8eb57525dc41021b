"""Template tags of the statistics page: the tables' rows, written in Python.

A province's page has some five hundred rows (units, sessions, categories) of a dozen linked numbers each.
Rendered by the template language, one variable and one tag at a time, they took most of the page's time
(about 200 ms of 320); here the query string a row's links share is encoded and escaped once per row, and
each measure's own part once per process. The markup is what the template's loop over the rows gave.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from suggestions.stats import MEASURE_QUERIES, RATES, StatsRow, percent_of

register = template.Library()

# Each measure's own part of a link, escaped for an attribute once.
_MEASURE_HREFS = {measure: escape(query) for measure, query in MEASURE_QUERIES.items()}
# The columns after the group's label, in the table's order: a count, or a rate (by its name in RATES).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("count", "assigned"),
    ("rate", "answer"),
    ("rate", "completion"),
    ("rate", "completion_6m"),
    ("rate", "satisfaction"),
    ("count", "not_rated"),
    ("rate", "solved"),
)


def _row(row: StatsRow, url: str, ranked: bool) -> str:
    counts = row.counts
    # An urlencoded query string holds no character HTML needs escaped but `&`.
    start = f'<a href="{url}?{row.shared_query.replace("&", "&amp;")}&amp;'
    # Each measure's link once: the counts of assigned and answered are linked from several cells.
    links = {measure: f'{start}{href}">{int(counts[measure])}</a>' for measure, href in _MEASURE_HREFS.items()}
    cells = []
    if ranked:
        cells.append(f'<td class="text-end text-secondary">{"—" if row.rank is None else row.rank}</td>')
    label = conditional_escape(row.label)
    if row.sublabel:
        label += f'<div class="small text-secondary">{conditional_escape(row.sublabel)}</div>'
    cells.append(f"<td>{label}</td>")
    for kind, name in COLUMNS:
        if kind == "count":
            cells.append(f'<td class="text-end">{links[name]}</td>')
            continue
        numerator, denominator = RATES[name]
        percent = percent_of(counts[numerator], counts[denominator])
        if percent is None:
            value = '<span class="text-secondary">—</span>'
        else:
            value = f'<span class="fw-semibold">{percent:.1f}%</span>'
        cells.append(
            f'<td class="text-end text-nowrap stats-rate">{value}\n  <div class="small">'
            f"{links[numerator]} / {links[denominator]}</div></td>"
        )
    return "        <tr>\n" + "".join(f"          {cell}\n" for cell in cells) + "        </tr>"


@register.simple_tag
def stats_rows(rows: Iterable[StatsRow], list_url: str, ranked: bool = False) -> SafeString:
    """A table's rows: the group, then each count and rate with its numbers linking to the lists they count."""
    url = escape(str(list_url))
    return mark_safe("\n".join(_row(row, url, bool(ranked)) for row in rows))  # noqa: S308 - labels and links are escaped
