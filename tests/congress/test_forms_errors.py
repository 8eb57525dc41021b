"""A styled form marks the control of each field in error, whoever found the error."""

from __future__ import annotations

from django import forms

from congress.forms import StyledForm


class NoteForm(StyledForm):
    note = forms.CharField(widget=forms.Textarea)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    agree = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "b" and not cleaned.get("agree"):
            self.add_error("agree", "Tick it for B.")
        return cleaned


def _classes(form: NoteForm, name: str) -> list[str]:
    return form.fields[name].widget.attrs["class"].split()


def test_a_field_in_error_is_marked_invalid_and_the_others_are_not():
    form = NoteForm({"note": "", "kind": "a"})

    assert not form.is_valid()
    assert "is-invalid" in _classes(form, "note")
    assert "is-invalid" not in _classes(form, "kind")
    assert 'class="form-control is-invalid"' in str(form["note"])
    assert 'aria-invalid="true"' in str(form["note"])


def test_errors_from_clean_and_from_a_view_are_marked_too_and_only_once():
    form = NoteForm({"note": "写了", "kind": "b"})
    assert not form.is_valid()
    form.add_error("note", "The service refused it.")
    form.add_error(None, "A form-wide error marks no field.")

    assert "is-invalid" in _classes(form, "agree")
    assert _classes(form, "note").count("is-invalid") == 1
    assert "is-invalid" not in _classes(form, "kind")


def test_the_mark_stays_on_the_form_it_was_made_for():
    NoteForm({"note": ""}).is_valid()

    fresh = NoteForm()

    assert "is-invalid" not in _classes(fresh, "note")
    assert "is-invalid" not in str(fresh["note"])
