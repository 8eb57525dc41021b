"""Template tags of the office's suggestion list: its table's rows, written in Python.

The markup is the row the `_list_table.html` loop used to give (tests hold the two equal); fifty rows of it in
the template language cost more than the list's queries. The view sets `badge` and `overdue` on each row.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.forms import BoundField, Form
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from congress.rows import href_for, labels, ymd
from suggestions.models import Suggestion

register = template.Library()


def _row(suggestion: Suggestion, *, can_act: bool, href: str, status: str, words: dict[str, str]) -> str:
    overdue = suggestion.overdue
    title = conditional_escape(suggestion.title)
    reference = conditional_escape(suggestion.reference)
    category = conditional_escape(suggestion.category.name) if suggestion.category else ""
    deputy = conditional_escape(suggestion.lead_deputy.name) if suggestion.lead_deputy else ""
    unit = conditional_escape(suggestion.lead_unit.name) if suggestion.lead_unit else ""
    due = ymd(suggestion.due_date)
    pick = ""
    if can_act:
        label = conditional_escape(_("Select %(title)s")) % {"title": title}
        pick = (
            f'<td class="text-center"><input class="form-check-input" type="checkbox" name="bulk-ids" '
            f'value="{suggestion.pk}" id="pick-{suggestion.pk}" data-row-pick aria-label="{label}"></td>'
        )
    priority = f" {words['priority']}" if suggestion.is_priority else ""
    due_cell = (due + (f" {words['overdue']}" if overdue else "")) if due else "—"
    late = " text-danger fw-semibold" if overdue else ""
    grade = suggestion.latest_grade
    grade_cell = f'<span class="badge text-bg-light border">{conditional_escape(grade)}</span>' if grade else "—"
    marked = ' class="table-danger-subtle"' if overdue else ""
    return (
        f'      <tr{marked} data-testid="suggestion-row">\n'
        f"        {pick}\n"
        f'        <td class="d-none d-md-table-cell small text-nowrap">{reference or "—"}</td>\n'
        f'        <td class="title-cell"><a href="{href}">{title}</a>\n'
        f"          {priority}\n"
        f'          <div class="small text-secondary">{category}<span class="d-lg-none">'
        f'{" · " if suggestion.category else ""}{deputy}</span><span class="d-md-none">'
        f"{f' · {reference}' if reference else ''}</span></div></td>\n"
        f'        <td class="d-none d-lg-table-cell small text-nowrap">{deputy}</td>\n'
        f'        <td class="d-none d-md-table-cell small">{unit or "—"}</td>\n'
        f'        <td><span class="badge {suggestion.badge}">{status}</span>\n'
        f'          <div class="small d-sm-none{late or " text-secondary"}">{due}</div></td>\n'
        f'        <td class="d-none d-sm-table-cell small text-nowrap{late}">{due_cell}</td>\n'
        f'        <td class="d-none d-lg-table-cell text-center">{grade_cell}</td>\n'
        "      </tr>"
    )


@register.simple_tag
def suggestion_rows(suggestions: Iterable[Suggestion], can_act: bool) -> SafeString:
    """The list table's rows: number, title (with category, deputy and priority), deputy, unit, status, due, grade."""
    priority = conditional_escape(_("Priority supervision"))
    # Outside the f-string: makemessages cannot see a gettext call inside one, and the badge stayed English.
    priority_badge = conditional_escape(_("Priority"))
    words = {
        "priority": f'<span class="badge text-bg-danger" title="{priority}"><i class="bi bi-flag-fill"></i> '
        f"{priority_badge}</span>",
        "overdue": f'<span class="badge text-bg-danger" data-testid="overdue">{conditional_escape(_("Overdue"))}'
        "</span>",
    }
    statuses = labels(Suggestion.Status.choices)
    detail_href = href_for("suggestions:detail")
    rows = []
    for suggestion in suggestions:
        status = statuses[suggestion.status]
        rows.append(_row(suggestion, can_act=can_act, href=detail_href(suggestion.pk), status=status, words=words))
    return mark_safe("\n".join(rows))  # noqa: S308 - every value is escaped above


@register.simple_tag
def filter_field(field: BoundField) -> SafeString:
    """One field of the list's filter bar: its label, its control and its errors.

    A field of several checkboxes is a dropdown saying how many are chosen. The markup is what the template
    `_list_filter_field.html` gave, eight times a page (tests hold the two equal); as a template include it cost a
    fifth of the filter bar.
    """
    label = f'<label class="form-label small text-secondary mb-1" for="{conditional_escape(field.id_for_label)}">'
    label += f"{conditional_escape(field.label)}</label>\n"
    if field.widget_type != "checkboxselectmultiple":
        return mark_safe(f"{label}{field}\n{field.errors}\n")  # noqa: S308 - the field and its errors escape themselves
    chosen = len(field.value() or ())
    summary = _("%(counter)s chosen") % {"counter": chosen} if chosen else _("All")
    toggle = conditional_escape(f"{field.auto_id}_toggle")
    choices = "".join(
        f'<div class="form-check text-nowrap">{choice.tag()} <label class="form-check-label" '
        f'for="{conditional_escape(choice.id_for_label)}">{conditional_escape(choice.choice_label)}</label></div>'
        for choice in field
    )
    return mark_safe(  # noqa: S308 - every value is escaped above
        f'{label}\n<div class="dropdown">\n'
        f'  <button class="form-select text-start text-truncate" type="button" id="{toggle}" '
        f'data-bs-toggle="dropdown" data-bs-auto-close="outside" aria-expanded="false">'
        f"{conditional_escape(summary)}</button>\n"
        f'  <div class="dropdown-menu p-2 filter-choices" aria-labelledby="{toggle}">\n'
        f"    {choices}\n"
        "  </div>\n"
        "</div>\n\n"
        f"{field.errors}\n"
    )


@register.simple_tag
def hidden_filters(form: Form, names: Iterable[str]) -> SafeString:
    """Hidden inputs keeping the values of the filters in `names` that the bar does not show (a link set them)."""
    inputs = []
    for name in names:
        if name not in form.fields:
            continue
        field = form[name]
        if field.value():
            inputs.append(
                f'<input type="hidden" name="{conditional_escape(field.html_name)}" '
                f'value="{conditional_escape(field.value())}">'
            )
    return mark_safe("".join(inputs))  # noqa: S308 - every value is escaped above
