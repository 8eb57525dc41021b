"""The portal's form renderer: Django's templates, except for <select>, which is written in Python.

Django renders every <option> through its own template include; a filter form with a county's 300
deputies and a few unit lists spent most of a list page's time there (about 0.1 ms an option). The
output is the same markup the stock templates give (`django/forms/widgets/select.html`), so a project
template overriding it would be ignored: override `QUICK_TEMPLATES` instead.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"


def _attrs(attrs: dict[str, Any]) -> str:
    """Write attributes as django/forms/widgets/attrs.html does: False left out, True as a bare name."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def render_select(widget: dict[str, Any]) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            value = conditional_escape(str(option["value"]))
            label = conditional_escape(option["label"])
            parts.append(f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


class PortalFormRenderer(DjangoTemplates):
    QUICK_TEMPLATES = {SELECT_TEMPLATE: render_select}

    def render(self, template_name, context, request=None):
        quick = self.QUICK_TEMPLATES.get(template_name)
        if quick is not None:
            return quick(context["widget"])
        return super().render(template_name, context, request=request)
