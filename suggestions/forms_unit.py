"""Forms of the handling units' workspace; each one only reads input, the services check and write."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from suggestions.models import Answer, Assignment, Contact
from suggestions.services.uploads import max_upload_bytes

# What the file picker offers; the service still checks the content, whatever the name says.
LETTER_ACCEPT = ".pdf,.doc,.docx,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def _text(rows: int = 4, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "form-control", "rows": rows, **attrs})


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d")


class AssignmentForm(forms.Form):
    """A form about one assignment, which it keeps for its labels and prefixes."""

    def __init__(self, *args, assignment: Assignment, **kwargs) -> None:
        kwargs.setdefault("prefix", f"a{assignment.pk}")
        super().__init__(*args, **kwargs)
        self.assignment = assignment


class AcceptForm(AssignmentForm):
    """Accepting takes no input: the button is the statement."""


class RerouteForm(AssignmentForm):
    reason = forms.CharField(
        label=_("Why should another unit handle it?"),
        max_length=2000,
        widget=_text(placeholder=_("Which unit's duties it falls under, and why not yours.")),
    )


class ContactForm(AssignmentForm):
    method = forms.ChoiceField(
        label=_("method"), choices=Contact.Method.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    stage = forms.ChoiceField(
        label=_("stage"),
        choices=Contact.Stage.choices,
        initial=Contact.Stage.DURING,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    contacted_on = forms.DateField(label=_("date"), widget=_date())
    participants = forms.CharField(
        label=_("who took part"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("e.g. the deputy, our section chief")}),
    )
    summary = forms.CharField(label=_("what was discussed"), max_length=5000, widget=_text())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contacted_on"].initial = timezone.localdate()
        self.fields["contacted_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        # The service refuses a contact dated before the assignment; the date picker offers none.
        self.fields["contacted_on"].widget.attrs["min"] = timezone.localdate(self.assignment.assigned_at).isoformat()


class CoOpinionForm(AssignmentForm):
    text = forms.CharField(label=_("opinion"), max_length=10000, widget=_text(rows=6))


class ExtensionForm(AssignmentForm):
    requested_until = forms.DateField(label=_("new answer date requested"), widget=_date())
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=_text())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["requested_until"]
        assignment = self.assignment
        if assignment.hard_deadline:
            field.widget.attrs["max"] = assignment.hard_deadline.isoformat()
            field.help_text = _("Current deadline %(due)s; the latest possible date is %(max)s.") % {
                "due": date_format(assignment.answer_due) if assignment.answer_due else "—",
                "max": date_format(assignment.hard_deadline),
            }
        if assignment.answer_due:
            field.widget.attrs["min"] = assignment.answer_due.isoformat()


class AnswerForm(AssignmentForm):
    grade = forms.ChoiceField(
        label=_("result grade"),
        choices=Answer.Grade.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    text = forms.CharField(label=_("answer"), max_length=20000, widget=_text(rows=8))
    letter = forms.FileField(
        label=_("Signed and stamped reply letter"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": LETTER_ACCEPT}),
    )
    is_public = forms.BooleanField(
        label=_("Publish this answer to the public"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["letter"].help_text = _("PDF, Word (.doc, .docx), JPEG or PNG, at most %(size)s.") % {
            "size": filesizeformat(max_upload_bytes())
        }
