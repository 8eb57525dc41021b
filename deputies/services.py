"""Writes to the deputies roster: every create and update checks the actor and records an event."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from congress.models import Body, Term, User
from congress.services import record_event
from congress.workflow import ensure
from deputies.models import Constituency, Deputy, DeputyGroup, Station
from deputies.permissions import can_write_roster

# The fields a roster write may set; the linked login is managed elsewhere.
DEPUTY_FIELDS = (
    "body",
    "term",
    "code",
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "party",
    "occupation",
    "level",
    "constituency",
    "group",
    "station",
    "phone",
    "id_card_number",
    "is_active",
    "note",
)
_SCOPED = {"body": Body, "term": Term, "constituency": Constituency, "group": DeputyGroup, "station": Station}


def _ensure_in_scope(actor: User, fields: dict[str, Any]) -> None:
    for name, model in _SCOPED.items():
        value = fields.get(name)
        if value is not None:
            ensure(model.objects.visible_to(actor).filter(pk=value.pk).exists())
    body = fields["body"]
    for name in ("constituency", "group", "station", "term"):
        value = fields.get(name)
        if value is not None and value.body_id != body.pk:
            raise ValueError(_("The term, constituency, group and station must belong to the deputy's own body."))


def _ensure_code_free(*, body: Body, code: str, exclude: int | None = None) -> None:
    taken = Deputy.objects.filter(body=body, code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValueError(_("Deputy number %(code)s is already on this roster.") % {"code": code})


@transaction.atomic
def deputy_create(*, actor: User, **fields: Any) -> Deputy:
    """Put a deputy on the roster, recording who did it."""
    ensure(can_write_roster(actor))
    fields = {name: value for name, value in fields.items() if name in DEPUTY_FIELDS}
    _ensure_in_scope(actor, fields)
    _ensure_code_free(body=fields["body"], code=fields["code"])
    deputy = Deputy.objects.create(**fields)
    record_event(deputy, actor=actor, kind="deputy_created", data={"code": deputy.code})
    return deputy


@transaction.atomic
def deputy_update(*, deputy_id: int, actor: User, **fields: Any) -> Deputy:
    """Change a deputy's roster entry, recording which fields changed."""
    ensure(can_write_roster(actor))
    deputy = Deputy.objects.select_for_update().get(pk=deputy_id)
    ensure(Deputy.objects.visible_to(actor).filter(pk=deputy.pk).exists())
    wanted = {name: getattr(deputy, name) for name in DEPUTY_FIELDS}
    wanted.update({name: value for name, value in fields.items() if name in DEPUTY_FIELDS})
    _ensure_in_scope(actor, wanted)
    _ensure_code_free(body=wanted["body"], code=wanted["code"], exclude=deputy.pk)
    changed = sorted(name for name, value in wanted.items() if getattr(deputy, name) != value)
    if changed:
        for name in changed:
            setattr(deputy, name, wanted[name])
        deputy.save(update_fields=changed)
        record_event(deputy, actor=actor, kind="deputy_updated", data={"changed": changed})
    return deputy
