"""Helpers every state change uses: the allowed-transitions check and the permission check."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _


class WorkflowError(Exception):
    """A state change that the record's current state or a workflow rule does not allow (a 409 for the API)."""


class StaleState(WorkflowError):
    """The record is no longer in the state the step was asked from: it moved on, most often by someone else.

    Raised by `ensure_transition`. Pages tell the person that someone else changed the record only for this one;
    any other WorkflowError is a rule refusing the step, which nobody else had a hand in.
    """


def ensure_transition(obj: models.Model, *, to: str, field: str = "status") -> None:
    """Raise StaleState unless the model's TRANSITIONS table allows moving `obj` to `to`."""
    current = getattr(obj, field)
    allowed = type(obj).TRANSITIONS.get(current, ())
    if to in allowed:
        return
    if to == current:
        # Most often a second click or a retry: the step has been taken already.
        raise StaleState(
            _("This record is already %(current)s: someone may have just taken this step.")
            % {"current": _state_label(obj, field, current)}
        )
    raise StaleState(
        _("This record is %(current)s and cannot move to %(target)s; it may have just been changed by someone else.")
        % {"current": _state_label(obj, field, current), "target": _state_label(obj, field, to)}
    )


def ensure(allowed: bool, message: str | None = None) -> None:
    """Raise PermissionDenied unless `allowed`."""
    if not allowed:
        raise PermissionDenied(message or _("You do not have permission to do this."))


def _state_label(obj: models.Model, field: str, value: str) -> str:
    meta = getattr(obj, "_meta", None)
    choices = dict(meta.get_field(field).choices or ()) if meta else {}
    return str(choices.get(value, value))
