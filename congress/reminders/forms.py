"""Forms of the engine's pages: the ledger filter, a policy, a message template, personal preferences."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.forms import StyledForm
from congress.models import Body, Channel, Delivery
from congress.reminders.policies import clean_policy_values
from congress.reminders.registry import all_kinds


class LedgerFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(label=_("Delivery status"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["status"].choices = everything + list(Delivery.Status.choices)
        self.fields["channel"].choices = everything + list(Channel.choices)
        self.fields["kind"].choices = everything + [(kind.name, kind.label) for kind in all_kinds()]


class PolicyForm(StyledForm):
    offsets = forms.CharField(
        label=_("Days before the due date"),
        required=False,
        max_length=200,
        help_text=_("Separated by commas, e.g. 30, 15, 7, 1, 0 (0 is the due date itself)."),
    )
    shift_to_working_day = forms.BooleanField(
        label=_("When a reminder falls on a non-working day, send it on the working day before"), required=False
    )
    overdue_every = forms.IntegerField(
        label=_("Overdue notice every N working days"),
        min_value=0,
        max_value=60,
        help_text=_("0: no overdue notices."),
    )
    escalate_after = forms.IntegerField(
        label=_("Escalate after N overdue notices"),
        min_value=0,
        max_value=100,
        help_text=_("From that notice on, the escalation recipients are told too. 0: never."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)

    @classmethod
    def initial_for(cls, policy) -> dict:
        return {
            "offsets": ", ".join(str(offset) for offset in policy.offsets),
            "shift_to_working_day": policy.shift_to_working_day,
            "overdue_every": policy.overdue_every,
            "escalate_after": policy.escalate_after,
            "channels": policy.channels,
            "is_active": policy.is_active,
        }

    def clean_offsets(self) -> list[int]:
        raw = self.cleaned_data["offsets"].replace("，", ",")
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError as error:
            raise forms.ValidationError(_("Enter whole numbers separated by commas.")) from error

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["offsets"], data["channels"] = clean_policy_values(
                offsets=data["offsets"],
                overdue_every=data["overdue_every"],
                escalate_after=data["escalate_after"],
                channels=data["channels"],
            )
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        return data


class PolicyBodyForm(StyledForm):
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none())

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.visible_to(user)


class MessageTemplateForm(StyledForm):
    title = forms.CharField(label=_("Title and e-mail subject"), max_length=200)
    body = forms.CharField(label=_("Message and e-mail text"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    sms = forms.CharField(
        label=_("Text message"), required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class PreferenceForm(StyledForm):
    email = forms.BooleanField(label=_("Send reminders by e-mail"), required=False)
    sms = forms.BooleanField(label=_("Send reminders by text message"), required=False)
    digest = forms.BooleanField(
        label=_("Fold e-mails and text messages into one digest each working morning"), required=False
    )
