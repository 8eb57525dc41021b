"""Forms of the staff suggestion pages: entering a paper suggestion and each decision the office takes.

The forms only parse input and offer the choices the person may see; the services check the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from congress.forms import SessionChoiceField, StyledForm, share_choices
from congress.models import CongressSession, Role, Unit, User
from congress.querysets import in_scope
from deputies.models import Deputy
from suggestions.models import Category, Suggestion
from suggestions.services.closing import awaiting_second_answer, grades_of, reason_required_message

if TYPE_CHECKING:
    from congress.models import Body

APPROVE, REFUSE = "approve", "refuse"
DECISIONS = [(APPROVE, _("Approve")), (REFUSE, _("Refuse"))]


class DeputyField(forms.ModelChoiceField):
    """A deputy picker that finds a deputy by number as well as by name (type either in the list)."""

    def label_from_instance(self, obj: Deputy) -> str:
        return f"{obj.name}（{obj.code}）" if obj.code else obj.name


class DeputiesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Deputy) -> str:
        return f"{obj.name}（{obj.code}）" if obj.code else obj.name


def handling_units(user: User):
    return Unit.objects.visible_to(user).handling().active().order_by("sort_order", "name")


def active_categories(user: User, body: Body | None = None):
    categories = in_scope(Category.objects.filter(is_active=True), user)
    if body is not None:
        categories = categories.filter(body=body)
    return categories.order_by("sort_order", "name")


class SuggestionCreateForm(StyledForm):
    """A paper suggestion entered by office staff on the lead deputy's behalf."""

    lead_deputy = DeputyField(label=_("Lead deputy"), queryset=Deputy.objects.none())
    cosigners = DeputiesField(
        label=_("Co-signers"),
        queryset=Deputy.objects.none(),
        required=False,
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several; type in the box above the list to narrow it."),
    )
    cosigners_signed = forms.BooleanField(
        label=_("The co-signers signed the paper"),
        required=False,
        initial=True,
        help_text=_("Otherwise each co-signer is asked to confirm from their own login."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 8}))
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, empty_label=_("Not yet classified")
    )
    session = SessionChoiceField(
        label=_("Session"),
        queryset=CongressSession.objects.none(),
        required=False,
        empty_label=_("Between sessions"),
    )
    register_now = forms.BooleanField(label=_("Register it at once"), required=False)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        deputies = Deputy.objects.visible_to(user).active().order_by("name", "code", "pk")
        self.fields["lead_deputy"].queryset = deputies
        self.fields["cosigners"].queryset = deputies
        self.fields["cosigners"].widget.attrs["size"] = 8
        self.fields["category"].queryset = active_categories(user)
        self.fields["session"].queryset = (
            CongressSession.objects.visible_to(user).select_related("term").order_by("-start_date", "-pk")
        )

    def clean(self):
        data = super().clean()
        lead, cosigners = data.get("lead_deputy"), data.get("cosigners") or []
        if lead is not None and lead in cosigners:
            self.add_error("cosigners", _("The lead deputy cannot also be a co-signer."))
        return data


class ActionForm(StyledForm):
    """A decision form on the detail page; it may offer choices that depend on the person and the suggestion."""

    def __init__(self, *args, user: User | None = None, suggestion: Suggestion | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.suggestion = user, suggestion


class IdListField(forms.Field):
    """The ids of the ticked rows."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"required": _("Tick some rows first."), "invalid": _("Tick some rows first.")}

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        try:
            return sorted({int(item) for item in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class RegisterForm(ActionForm):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, empty_label=_("Keep as it is")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        suggestion = self.suggestion
        self.fields["category"].queryset = active_categories(self.user, suggestion.body if suggestion else None)
        if suggestion is not None and suggestion.category_id:
            self.fields["category"].initial = suggestion.category_id


class RejectForm(ActionForm):
    # No reason is chosen in advance: the deputy is told it, so the office must pick it on purpose.
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Choose a reason"))] + list(Suggestion.RejectReason.choices),
        error_messages={"required": _("Choose why it is not registered.")},
    )
    note = forms.CharField(
        label=_("Explanation to the deputy"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The deputy reads this; the suggestion is kept as an opinion."),
    )


class AssignForm(ActionForm):
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=Unit.objects.none())
    co_units = forms.ModelMultipleChoiceField(
        label=_("Co-handling units"), queryset=Unit.objects.none(), required=False
    )
    parallel_units = forms.ModelMultipleChoiceField(
        label=_("Parallel units"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        units = handling_units(self.user)
        for name in ("lead_unit", "co_units", "parallel_units"):
            self.fields[name].queryset = units
        for name in ("co_units", "parallel_units"):
            self.fields[name].widget.attrs["size"] = 5
        if not self.is_bound:
            share_choices(self, "lead_unit", "co_units", "parallel_units")

    def clean(self):
        data = super().clean()
        chosen = [data.get("lead_unit"), *(data.get("co_units") or []), *(data.get("parallel_units") or [])]
        chosen = [unit for unit in chosen if unit is not None]
        if len({unit.pk for unit in chosen}) != len(chosen):
            raise forms.ValidationError(_("A unit can take part in a suggestion only once."))
        return data


class BulkForm(AssignForm):
    """The list's bulk actions on the ticked rows: register them, or assign them all to the same units."""

    REGISTER, ASSIGN = "register", "assign"

    action = forms.ChoiceField(choices=[(REGISTER, _("Register")), (ASSIGN, _("Assign"))])
    # Checked against what the person may see by the view, which owns the visible set.
    ids = IdListField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].required = False

    def clean(self):
        data = super().clean()
        if data.get("action") == self.ASSIGN and not data.get("lead_unit"):
            self.add_error("lead_unit", _("Choose the lead unit."))
        return data


class DecideRerouteForm(ActionForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    new_unit = forms.ModelChoiceField(
        label=_("Unit that takes over"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("None: return it to the office"),
    )
    note = forms.CharField(label=_("Note to the unit"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_unit"].queryset = handling_units(self.user)


class DecideExtensionForm(ActionForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note to the unit"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PrioritizeForm(ActionForm):
    priority = forms.TypedChoiceField(
        label=_("Priority supervision"),
        choices=[("true", _("Under priority supervision")), ("false", _("Not priority-supervised"))],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
    )
    supervising_leader = forms.ModelChoiceField(
        label=_("Supervising leader"), queryset=User.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        suggestion = self.suggestion
        self.fields["supervising_leader"].queryset = (
            User.objects.visible_to(self.user)
            .filter(is_active=True, role_grants__role=Role.LEADER)
            .order_by("full_name", "username")
        )
        self.fields["supervising_leader"].label_from_instance = lambda leader: leader.display_name
        if suggestion is not None:
            self.fields["priority"].initial = "true" if suggestion.is_priority else "false"
            self.fields["supervising_leader"].initial = suggestion.supervising_leader_id

    def clean(self):
        data = super().clean()
        if data.get("priority") and not data.get("supervising_leader"):
            self.add_error("supervising_leader", _("Choose the supervising leader."))
        return data


class PublishForm(ActionForm):
    public = forms.TypedChoiceField(
        choices=[("true", _("Publish")), ("false", _("Take off the public pages"))],
        coerce=lambda value: value == "true",
        widget=forms.HiddenInput,
    )


class NoteForm(ActionForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(NoteForm):
    """Close the suggestion; before a B or C matter's second answer (rated or not), only with the reason why."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        suggestion = self.suggestion
        self.awaiting = awaiting_second_answer(suggestion, suggestion.answers.all()) if suggestion else []
        if self.awaiting:
            note = self.fields["note"]
            note.required = True
            note.label = _("Why it is closed without a second answer")
            if suggestion.status == Suggestion.Status.ANSWERED:
                # Closed unrated: the deputy let the window pass, which leaves the matter as open as it was.
                help_text = _(
                    "The deputy did not rate within the rating window, but a grade B or C answer stays under "
                    "follow-up until the unit answers again once it is solved. This one (grade %(grade)s) has had "
                    "no second answer: say why it is closed now, unrated. "
                    "The deputy receives this reason, and the timeline keeps it."
                )
            else:
                help_text = _(
                    "A grade B or C answer stays under follow-up until the unit answers again once it is solved. "
                    "This one (grade %(grade)s) has had no second answer: say why it is closed now. "
                    "The deputy receives this reason, and the timeline keeps it."
                )
            note.help_text = help_text % {"grade": grades_of(self.awaiting)}
            note.error_messages["required"] = reason_required_message(self.awaiting)
            note.widget.attrs["rows"] = 3


class RevisitForm(ActionForm):
    note = forms.CharField(label=_("What the deputy said"), widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(ActionForm):
    """A button with nothing to fill in (archive; send a lapsed round back for re-handling)."""
