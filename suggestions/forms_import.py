"""Forms of the spreadsheet import: the upload with its choices, and the confirmation."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from congress.models import CongressSession
from suggestions.importing import max_rows, max_upload_bytes


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CongressSession) -> str:
        return f"{obj.term.label}{obj.label}（{obj.start_date:%Y-%m-%d}）"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}),
    )
    session = SessionChoiceField(
        label=_("Session"),
        queryset=CongressSession.objects.none(),
        required=False,
        empty_label=_("Between sessions (no session)"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    register = forms.BooleanField(
        label=_("Register the imported suggestions at once (立案), numbering them in the file's order"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, sessions: list[CongressSession], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        field.queryset = (
            CongressSession.objects.filter(pk__in=[session.pk for session in sessions])
            .select_related("term")
            .order_by("-start_date", "-number")
        )
        if sessions and not self.is_bound:
            self.initial.setdefault("session", sessions[0].pk)
        self.fields["file"].help_text = _(
            "Excel workbook (.xlsx), or CSV in UTF-8 or GBK; at most %(rows)s rows and %(size)s."
        ) % {"rows": max_rows(), "size": filesizeformat(max_upload_bytes())}


class ImportConfirmForm(forms.Form):
    all_or_nothing = forms.BooleanField(
        label=_("All or nothing: import only if every row is valid"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
