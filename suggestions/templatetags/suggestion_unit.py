"""Template tags of the handling units' workspace: the to-do table's rows, written in Python.

A unit's page shows fifty rows of a dozen values each; rendered by the template language, one variable, filter
and {% url %} at a time, they cost more than the queries behind the page. The markup is the row the
`todo.html` loop used to give.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from congress.rows import href_for, labels, ymd
from suggestions.models import Assignment
from suggestions.selectors_unit import Kind, Show

register = template.Library()


def _done_row(assignment: Assignment, statuses: dict[str, str]) -> tuple[str, str, str]:
    """The date cell, the phone line under the title and the status cell of an answered assignment."""
    completed = ymd(assignment.completed_at) or "—"
    status = statuses[assignment.status]
    return completed, f"{status} · {completed}", status


def _todo_row(
    assignment: Assignment, kinds: dict[str, str], overdue_badge: str, extension_badge: str
) -> tuple[str, str, str]:
    """The date cell, the phone line under the title and the to-do cell of an assignment still owing something."""
    overdue = assignment.is_overdue
    due = ymd(assignment.due)
    date = f'<span class="{"fw-semibold text-danger" if overdue else ""}">{due}</span>' if due else ""
    if due:
        cell = date + (f"\n            <br>{overdue_badge}" if overdue else "")
    else:
        cell = '<span class="text-secondary">—</span>'
    label = kinds.get(assignment.kind, "")
    phone = f'<span class="badge text-bg-light border">{label}</span> {date}'
    if overdue:
        phone += f" {overdue_badge}"
    if assignment.extension_pending:
        phone += f" {extension_badge}"
    todo = f'<span class="text-nowrap">{label}</span>'
    if assignment.kind == Kind.ACCEPT:
        by = conditional_escape(_("re-route by %(date)s") % {"date": ymd(assignment.reroute_deadline)})
        todo += f'\n            <div class="text-secondary text-nowrap">{by}</div>'
    if assignment.extension_pending:
        todo += f"\n            <div>{extension_badge}</div>"
    return cell, phone, todo


@register.simple_tag
def todo_rows(assignments: Iterable[Assignment], show: str) -> SafeString:
    """The to-do table's rows: due date, suggestion, deputy, the unit's role and what it owes (or its status)."""
    done = show == Show.DONE
    overdue_badge = f'<span class="badge text-bg-danger">{conditional_escape(_("Overdue"))}</span>'
    extension_badge = f'<span class="badge text-bg-warning">{conditional_escape(_("Extension requested"))}</span>'
    not_numbered = conditional_escape(_("Not yet numbered"))
    roles = labels(Assignment.Role.choices)
    statuses = labels(Assignment.Status.choices)
    kinds = labels(Kind.LABELS.items())
    detail_href = href_for("suggestions:detail")
    rows = []
    for assignment in assignments:
        suggestion = assignment.suggestion
        if done:
            cell, phone, last = _done_row(assignment, statuses)
        else:
            cell, phone, last = _todo_row(assignment, kinds, overdue_badge, extension_badge)
        deputy = conditional_escape(suggestion.lead_deputy.name)
        role = roles[assignment.role]
        reference = conditional_escape(suggestion.reference) or not_numbered
        href = detail_href(assignment.suggestion_id)
        # The finished list carries no `is_overdue`: nothing there is late any more.
        marked = ' class="table-danger"' if getattr(assignment, "is_overdue", False) else ""
        rows.append(
            f'      <tr{marked} data-testid="todo-row">\n'
            f'        <td class="d-none d-sm-table-cell text-nowrap small">\n          {cell}\n        </td>\n'
            "        <td>\n"
            f'          <a class="fw-medium" href="{href}">{conditional_escape(suggestion.title)}</a>\n'
            f'          <div class="small text-secondary">{reference}<span class="d-md-none"> · {deputy}</span>'
            f'<span class="d-sm-none"> · {role}</span></div>\n'
            f'          <div class="d-sm-none small mt-1">{phone}</div>\n'
            "        </td>\n"
            f'        <td class="d-none d-md-table-cell small">{deputy}</td>\n'
            f'        <td class="d-none d-sm-table-cell small text-nowrap">{role}</td>\n'
            f'        <td class="d-none d-sm-table-cell small">\n            {last}\n        </td>\n'
            "      </tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value is escaped above
