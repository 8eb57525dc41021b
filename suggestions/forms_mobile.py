"""Forms of the deputy's suggestion pages on a phone: short, touch-sized, and never pre-filling a rating."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from congress.forms import SessionChoiceField
from deputies.models import Deputy
from suggestions.models import Rating
from suggestions.selectors_mobile import categories_for, sessions_for
from suggestions.services import validate_upload

MAX_ATTACHMENTS = 6
# What a phone's file picker should offer: photos first, then documents.
ATTACHMENT_ACCEPT = "image/jpeg,image/png,application/pdf,.doc,.docx"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field taking several files at once (Django's documented pattern)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ATTACHMENT_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class _DeputyChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.code}）"


class SuggestionDraftForm(forms.Form):
    """A deputy's draft: one matter, its category, co-signers and photos; saved as a draft or sent."""

    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(
        label=_("Content"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One matter per suggestion: say what the problem is, where, and what you propose. "
            "Several matters go in separate suggestions."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=None, required=False, empty_label=_("Not sure: the office will choose")
    )
    session = SessionChoiceField(label=_("Filed at"), queryset=None, required=False, empty_label=_("Between sessions"))
    cosigners = _DeputyChoice(
        label=_("Co-signers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each co-signer confirms from their own login before the office decides."),
    )
    cosigner_query = forms.CharField(label=_("Find a deputy by name or number"), required=False, max_length=50)
    attachments = MultipleFileField(
        label=_("Photos or documents"),
        required=False,
        help_text=_("Optional. JPEG or PNG photos, PDF or Word files."),
    )

    def __init__(self, *args, deputy: Deputy, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.deputy = deputy
        self.fields["category"].queryset = categories_for(deputy)
        self.fields["session"].queryset = sessions_for(deputy)
        self.fields["cosigners"].queryset = Deputy.objects.filter(body_id=deputy.body_id, is_active=True).exclude(
            pk=deputy.pk
        )
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-lg"
            elif name not in ("cosigners", "attachments"):
                field.widget.attrs["class"] = "form-control form-control-lg"
        self.fields["attachments"].widget.attrs["class"] = "form-control"
        self.fields["cosigner_query"].widget.attrs.update({"type": "search", "autocomplete": "off"})

    def clean_attachments(self) -> list:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("Attach at most %(count)s files.") % {"count": MAX_ATTACHMENTS})
        for upload in files:
            try:
                validate_upload(upload, field="attachments")
            except ValidationError as error:
                messages = error.message_dict.get("attachments", error.messages)
                raise ValidationError([f"{upload.name}：{message}" for message in messages]) from None
        return files

    def picked_cosigner_ids(self) -> list[int]:
        """Return the co-signers ticked in the submitted data (valid or not), to keep them ticked on error."""
        if not self.is_bound:
            return [deputy.pk for deputy in self.initial.get("cosigners", [])]
        ids = []
        for value in self.data.getlist(self.add_prefix("cosigners")):
            if str(value).isdigit():
                ids.append(int(value))
        return ids

    def service_fields(self) -> dict:
        """Return the cleaned values in the shape the intake services take."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "content": data["content"],
            "category": data["category"],
            "session": data["session"],
            "cosigner_ids": [deputy.pk for deputy in data["cosigners"]],
        }


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Why are you withdrawing it? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control form-control-lg"}),
    )


class RatingForm(forms.Form):
    """The deputy's rating of one answer; no level is ever chosen in advance."""

    attitude = forms.ChoiceField(
        label=_("Handling attitude"), choices=Rating.Level.choices, widget=forms.RadioSelect, required=True
    )
    result = forms.ChoiceField(label=_("Result"), choices=Rating.Level.choices, widget=forms.RadioSelect, required=True)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control form-control-lg"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        # A rating is the deputy's own: refuse any initial value, whoever passes one.
        kwargs.pop("initial", None)
        super().__init__(*args, **kwargs)
        self.fields["attitude"].error_messages["required"] = _("Choose how satisfied you are with the attitude.")
        self.fields["result"].error_messages["required"] = _("Choose how satisfied you are with the result.")
