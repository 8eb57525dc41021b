"""Template tags of the statistics page: one table cell per rate, written in Python.

A province's unit table has hundreds of rows of five rates each; rendering each cell through a template include
(and Django's floatformat and format_html) cost most of the page's time. The markup is the cell that the
`_stats_rate.html` include used to give.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import mark_safe

from suggestions.stats import Rate

register = template.Library()


@register.simple_tag
def stats_rate_cell(rate: Rate, list_url: str) -> str:
    """A rate as a percentage, with its numerator and denominator each linking to the list it counts."""
    percent = rate.percent
    if percent is None:
        value = '<span class="text-secondary">—</span>'
    else:
        value = f'<span class="fw-semibold">{percent:.1f}%</span>'
    url = escape(str(list_url))
    numerator, denominator = rate.numerator, rate.denominator
    return mark_safe(  # noqa: S308 - the URL and queries are escaped, the rest are numbers
        f'<td class="text-end text-nowrap stats-rate">{value}\n  <div class="small">'
        f'<a href="{url}?{escape(numerator.query)}">{int(numerator.count)}</a> / '
        f'<a href="{url}?{escape(denominator.query)}">{int(denominator.count)}</a></div></td>'
    )
