"""The portal's form renderer: Django's templates, except for the commonest ones, which are written in Python.

Django renders every <option> through its own template include; a filter form with a county's 300
deputies and a few unit lists spent most of a list page's time there (about 0.1 ms an option). The same
holds, less dramatically, for every <input> (two templates each), every checkbox of a multiple choice (four)
and every field's error list (two, even when empty): the staff list's filter bar alone rendered 90 templates.
The output is the same markup the stock templates give (`tests/congress/test_forms_renderer.py` holds them
equal), so a project template overriding one of them would be ignored: override `QUICK_TEMPLATES` instead.
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


def render_input(widget: dict[str, Any]) -> str:
    """`django/forms/widgets/input.html` and the widgets that only include it (text, number, date, checkbox, …)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    name = conditional_escape(widget["name"])
    return mark_safe(
        f'<input type="{conditional_escape(widget["type"])}" name="{name}"{shown}{_attrs(widget["attrs"])}>'
    )  # noqa: S308


def render_textarea(widget: dict[str, Any]) -> str:
    """`django/forms/widgets/textarea.html`: the value after a newline, which browsers drop."""
    value = widget["value"]
    text = conditional_escape(value) if value else ""
    return mark_safe(
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{text}</textarea>'
    )  # noqa: S308


def render_input_option(widget: dict[str, Any]) -> str:
    """`django/forms/widgets/input_option.html`: one checkbox or radio button of a choice, in its label."""
    if not widget["wrap_label"]:
        return render_input(widget)
    label_id = widget["attrs"].get("id")
    target = f' for="{conditional_escape(label_id)}"' if label_id else ""
    # The included input.html ends in a newline, which the stock output keeps inside the label.
    return mark_safe(f"<label{target}>{render_input(widget)}\n {conditional_escape(widget['label'])}</label>")  # noqa: S308


def render_error_list(context: dict[str, Any]) -> str:
    """`django/forms/errors/list/ul.html`: nothing without errors, else a <ul> of them."""
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    marked = f' id="{conditional_escape(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{conditional_escape(error)}</li>" for error in errors)
    return mark_safe(f'<ul class="{conditional_escape(context["error_class"])}"{marked}>{items}</ul>')  # noqa: S308


# The widget templates that are exactly `{% include "django/forms/widgets/input.html" %}`.
INPUT_TEMPLATES = (
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "input",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
)


def _widget(render) -> Any:
    return lambda context: render(context["widget"])


class PortalFormRenderer(DjangoTemplates):
    QUICK_TEMPLATES = {
        SELECT_TEMPLATE: _widget(render_select),
        **{f"django/forms/widgets/{name}.html": _widget(render_input) for name in INPUT_TEMPLATES},
        "django/forms/widgets/textarea.html": _widget(render_textarea),
        "django/forms/widgets/input_option.html": _widget(render_input_option),
        "django/forms/widgets/checkbox_option.html": _widget(render_input_option),
        "django/forms/widgets/radio_option.html": _widget(render_input_option),
        "django/forms/errors/list/default.html": render_error_list,
        "django/forms/errors/list/ul.html": render_error_list,
    }

    def render(self, template_name, context, request=None):
        quick = self.QUICK_TEMPLATES.get(template_name)
        if quick is not None:
            return quick(context)
        return super().render(template_name, context, request=request)
