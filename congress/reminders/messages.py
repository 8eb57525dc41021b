"""Message texts: staff-editable templates with {{ placeholders }}, rendered when a reminder is recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context, Engine, Template
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from congress.models import MessageTemplate
from congress.reminders.registry import MessageText, all_kinds

# Plain text: no HTML escaping, and no template library beyond the built-in tags and filters.
_ENGINE = Engine(
    autoescape=False, libraries={}, builtins=["django.template.defaulttags", "django.template.defaultfilters"]
)

DIGEST_KEY = "digest"
NOTICE_KEY = "notice"

DIGEST_TEXT = MessageText(
    title=_("You have {{ count }} reminders"),
    body=_("{{ items }}\nOpen the portal to see them all: {{ url }}"),
    sms=_("You have {{ count }} reminders waiting in the congress portal; the nearest is due on {{ first_due }}."),
)
NOTICE_TEXT = MessageText(title="{{ title }}", body="{{ body }}", sms="{{ title }}")

# Shown to staff beside the template form; every kind's messages can use these.
PLACEHOLDERS = [
    ("subject", _("what the reminder is about")),
    ("kind", _("the kind of reminder")),
    ("due_date", _("the due date")),
    ("days_left", _("calendar days left (0 on the due date)")),
    ("days_overdue", _("working days overdue (0 before the due date)")),
    ("status", _('how far the due date is, e.g. "due in 7 days" or "overdue by 3 working days"')),
    ("recipient", _("the person's name")),
    ("url", _("the link to the subject")),
]


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    sms: str


def default_texts() -> dict[str, MessageText]:
    """Return every template key the engine uses with its default wording."""
    texts = {kind.key: kind.message for kind in all_kinds()}
    texts[DIGEST_KEY] = DIGEST_TEXT
    return texts


def message_templates_ensure() -> None:
    """Create the missing template rows from the defaults, in the portal's language."""
    texts = default_texts()
    existing = set(MessageTemplate.objects.filter(key__in=list(texts)).values_list("key", flat=True))
    missing = [key for key in texts if key not in existing]
    if not missing:
        return
    with translation.override(settings.LANGUAGE_CODE):
        MessageTemplate.objects.bulk_create(
            [
                MessageTemplate(
                    key=key, title=str(texts[key].title), body=str(texts[key].body), sms=str(texts[key].sms)
                )
                for key in missing
            ],
            ignore_conflicts=True,
        )


def compile_text(source: str) -> Template:
    """Compile one template text; raises TemplateSyntaxError when it is malformed."""
    return _ENGINE.from_string(source)


def check_texts(*, title: str, body: str, sms: str) -> None:
    """Raise ValueError naming the field whose template does not compile or render."""
    sample = sample_context()
    for label, source in ((_("Title"), title), (_("Message"), body), (_("Text message"), sms)):
        try:
            compile_text(source).render(Context(sample))
        except Exception as error:  # noqa: BLE001 - any template error is the staff member's to fix
            raise ValueError(f"{label}: {error}") from error


class Renderer:
    """Compiled templates for one sweep, by key, read from the database once."""

    def __init__(self) -> None:
        self._compiled: dict[str, tuple[Template, Template, Template]] = {}

    def _templates(self, key: str) -> tuple[Template, Template, Template]:
        if key not in self._compiled:
            row = MessageTemplate.objects.filter(key=key).first()
            text = row or default_texts().get(key) or NOTICE_TEXT
            self._compiled[key] = tuple(compile_text(str(source)) for source in (text.title, text.body, text.sms))
        return self._compiled[key]

    def render(self, key: str, context: Mapping[str, Any]) -> Rendered:
        title, body, sms = self._templates(key)
        with translation.override(settings.LANGUAGE_CODE):
            values = Context({name: _display(value) for name, value in context.items()})
            return Rendered(
                title=title.render(values).strip()[:200],
                body=body.render(values).strip(),
                sms=sms.render(values).strip()[:500],
            )


def _display(value: Any) -> Any:
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    return value if isinstance(value, int | float) else str(value)


def sample_context() -> dict[str, Any]:
    return {
        "subject": "2027",
        "kind": "kind",
        "due_date": "2027-03-01",
        "days_left": 7,
        "days_overdue": 0,
        "recipient": "name",
        "url": "https://portal.example/",
        "count": 3,
        "items": "a\nb\nc",
        "status": "status",
        "first_due": "2027-03-01",
        "title": "title",
        "body": "body",
    }


def status_phrase(offset: int) -> str:
    """Say how far the due date is, in the portal's language: the {{ status }} placeholder."""
    with translation.override(settings.LANGUAGE_CODE):
        if offset > 0:
            return gettext("due in %(days)s days") % {"days": offset}
        if offset == 0:
            return gettext("due today")
        return gettext("overdue by %(days)s working days") % {"days": -offset}
