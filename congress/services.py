"""Writes of the shared kernel: the event log, the inbox, the calendar, role grants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.calendar_data import load_official_calendar
from congress.models import Body, CalendarDay, CalendarYear, Event, Notification, Role, RoleGrant, Unit, User
from congress.permissions import body_in_scope, can_edit_user, can_manage_calendar, can_manage_users
from congress.workflow import ensure

# Rows per INSERT when many events or messages are written at once: one statement stays far below PostgreSQL's
# 65,535 parameters however large the batch, and thousands of rows still take only a few round trips.
BULK_BATCH_SIZE = 1000


def event_for(
    subject: models.Model,
    *,
    actor: User | None,
    kind: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Return the unsaved event row that `record_event` writes, for `record_events` to write many at once."""
    return Event(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        body_id=getattr(subject, "body_id", None),
        actor=actor if actor is not None and actor.pk else None,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )


def record_event(
    subject: models.Model,
    *,
    actor: User | None,
    kind: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Append one row to the event log of `subject`; the log is the audit trail and the timeline."""
    event = event_for(subject, actor=actor, kind=kind, from_state=from_state, to_state=to_state, note=note, data=data)
    event.save(force_insert=True)
    return event


def record_events(events: Iterable[Event]) -> list[Event]:
    """Append many rows built by `event_for` to the event log in a few statements, in the order given."""
    return Event.objects.bulk_create(list(events), batch_size=BULK_BATCH_SIZE)


def notification_create(*, recipient: User, title: str, body: str = "", url: str = "", kind: str = "") -> Notification:
    """Put a message in a person's in-app inbox."""
    return Notification.objects.create(recipient=recipient, title=title, body=body, url=url, kind=kind)


def notifications_create(notifications: Iterable[Notification]) -> list[Notification]:
    """Put many messages in their recipients' inboxes in a few statements: unsaved rows, as notification_create's."""
    return Notification.objects.bulk_create(list(notifications), batch_size=BULK_BATCH_SIZE)


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (all of them, or those with `ids`); return how many."""
    qs = Notification.objects.for_user(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def user_set_roles(*, user: User, roles: Iterable[str], actor: User | None) -> User:
    """Replace the user's roles with `roles`, recording what changed."""
    wanted = {Role(role) for role in roles}
    with transaction.atomic():
        current = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
        added, removed = wanted - current, current - wanted
        RoleGrant.objects.filter(user=user, role__in=removed).delete()
        RoleGrant.objects.bulk_create([RoleGrant(user=user, role=role) for role in sorted(added)])
        # Django admin is the system administrators' tool for reference data.
        is_staff = Role.SYSADMIN in wanted or user.is_superuser
        if user.is_staff != is_staff:
            user.is_staff = is_staff
            user.save(update_fields=["is_staff"])
        if added or removed:
            record_event(
                user,
                actor=actor,
                kind="roles_changed",
                data={"added": sorted(added), "removed": sorted(removed)},
            )
    user.__dict__.pop("roles", None)
    return user


@transaction.atomic
def calendar_set_days(
    *, start: dt.date, end: dt.date, is_working_day: bool, name: str, actor: User
) -> list[CalendarDay]:
    """Mark every day from `start` to `end` as a holiday or an adjusted workday, entered by staff."""
    ensure(can_manage_calendar(actor))
    if end < start:
        raise ValueError(_("The end date must not be before the start date."))
    if (end - start).days > 60:
        raise ValueError(_("A single entry may cover at most 60 days."))
    days = []
    current = start
    while current <= end:
        day, _created = CalendarDay.objects.update_or_create(
            date=current,
            defaults={"is_working_day": is_working_day, "name": name, "source": CalendarDay.Source.MANUAL},
        )
        days.append(day)
        current += dt.timedelta(days=1)
    for year in {start.year, end.year}:
        calendar_year, _created = CalendarYear.objects.get_or_create(year=year)
        record_event(
            calendar_year,
            actor=actor,
            kind="calendar_days_set",
            note=name,
            data={"start": start.isoformat(), "end": end.isoformat(), "working": is_working_day},
        )
    return days


@transaction.atomic
def calendar_clear_day(*, day: dt.date, actor: User) -> None:
    """Remove an exception so the day follows the Monday-to-Friday default again."""
    ensure(can_manage_calendar(actor))
    deleted, _detail = CalendarDay.objects.filter(date=day).delete()
    if deleted:
        calendar_year, _created = CalendarYear.objects.get_or_create(year=day.year)
        record_event(calendar_year, actor=actor, kind="calendar_day_cleared", data={"date": day.isoformat()})


@transaction.atomic
def calendar_confirm_year(*, year: int, actor: User) -> CalendarYear:
    """Declare that the year's official holidays and adjusted workdays are all entered."""
    ensure(can_manage_calendar(actor))
    calendar_year, _created = CalendarYear.objects.select_for_update().get_or_create(year=year)
    calendar_year.is_official = True
    calendar_year.confirmed_by = actor
    calendar_year.confirmed_at = timezone.now()
    calendar_year.save(update_fields=["is_official", "confirmed_by", "confirmed_at"])
    record_event(calendar_year, actor=actor, kind="calendar_year_confirmed")
    return calendar_year


@transaction.atomic
def calendar_load_official() -> list[int]:
    """Load every year the chinesecalendar package knows; staff's own entries are kept.

    Return the years loaded. Safe to run again: it is how a package upgrade brings a new year in.
    """
    return load_official_calendar(CalendarDay, CalendarYear)


# Users: created and edited by system administrators; roles only through user_set_roles.
# Imported here because this section was appended after the kernel's own imports.

_UNIT_ROLES = {Role.UNIT_HANDLER, Role.UNIT_HEAD}


def _ensure_user_fields(*, body: Body, unit: Unit | None, roles: Iterable[str], actor: User) -> None:
    """Check that the body and unit lie in the actor's scope and that unit roles come with a unit."""
    ensure(body_in_scope(actor, body))
    if unit is not None:
        ensure(Unit.objects.visible_to(actor).filter(pk=unit.pk).exists())
    if unit is None and _UNIT_ROLES & {Role(role) for role in roles}:
        raise ValueError(_("A unit head or unit handler must belong to a unit."))


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    full_name: str,
    body: Body,
    actor: User,
    phone: str = "",
    unit: Unit | None = None,
    roles: Iterable[str] = (),
) -> User:
    """Create a login with an initial password and its roles, recording who created it."""
    ensure(can_manage_users(actor))
    roles = list(roles)
    _ensure_user_fields(body=body, unit=unit, roles=roles, actor=actor)
    if User.objects.filter(username__iexact=username).exists():
        raise ValueError(_("The username %(username)s is already taken.") % {"username": username})
    user = User(username=username, full_name=full_name, phone=phone, body=body, unit=unit)
    user.set_password(password)
    user.save()
    record_event(user, actor=actor, kind="user_created", data={"username": username})
    return user_set_roles(user=user, roles=roles, actor=actor)


@transaction.atomic
def user_update(
    *,
    user_id: int,
    actor: User,
    full_name: str,
    phone: str,
    body: Body,
    unit: Unit | None,
    is_active: bool,
    roles: Iterable[str],
) -> User:
    """Change a login's profile, unit, body, active flag and roles, recording what changed."""
    ensure(can_manage_users(actor))
    user = User.objects.select_for_update().get(pk=user_id)
    ensure(User.objects.visible_to(actor).filter(pk=user.pk).exists() and can_edit_user(actor, user))
    roles = list(roles)
    _ensure_user_fields(body=body, unit=unit, roles=roles, actor=actor)
    if user.pk == actor.pk and (not is_active or (Role.SYSADMIN in user.roles and Role.SYSADMIN not in roles)):
        # Otherwise a county could lock its last administrator out with one click.
        raise ValueError(_("You cannot deactivate yourself or remove your own system administrator role."))
    wanted = {"full_name": full_name, "phone": phone, "body_id": body.pk, "unit_id": unit.pk if unit else None}
    wanted["is_active"] = is_active
    changed = {field: value for field, value in wanted.items() if getattr(user, field) != value}
    if changed:
        for field, value in changed.items():
            setattr(user, field, value)
        user.save(update_fields=list(changed))
        record_event(user, actor=actor, kind="user_updated", data={"changed": sorted(changed)})
    return user_set_roles(user=user, roles=roles, actor=actor)
