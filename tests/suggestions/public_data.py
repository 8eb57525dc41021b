"""ORM builders for the search and public-page tests: suggestions, signers, assignments and answers set by hand.

Search and the public pages only read suggestions, so these write rows directly instead of walking the
workflow through the services; every field the pages show is explicit here or in the test.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from congress.models import Role, Unit
from deputies.models import Deputy, Level
from suggestions.models import Answer, Assignment, Category, Rating, Signer, Suggestion
from tests.congress.factories import CountyFactory, UnitFactory, make_user

Status = Suggestion.Status
# Phone numbers the deputies carry, which must never reach a public page.
WANG_PHONE = "13800138001"
LI_PHONE = "13900139002"
_ANSWERED = {Status.ANSWERED, Status.REHANDLING, Status.FOLLOW_UP, Status.CLOSED, Status.REVISITED, Status.ARCHIVED}
_ASSIGNED = set(Suggestion.ASSIGNED_STATUSES)


def at(year: int, month: int, day: int) -> dt.datetime:
    """Return noon of a local calendar day."""
    return timezone.make_aware(dt.datetime(year, month, day, 12))


def public_world(name: str = "青山县") -> SimpleNamespace:
    """Build a county with two units, two categories, two deputies with phone numbers and an office login."""
    county = CountyFactory(name=name)
    housing = UnitFactory(body=county.congress, name=f"{name}住房和城乡建设局", kind=Unit.Kind.GOVERNMENT_DEPARTMENT)
    water = UnitFactory(body=county.congress, name=f"{name}水利局", kind=Unit.Kind.GOVERNMENT_DEPARTMENT)
    towns = Category.objects.create(body=county.congress, name="城乡建设", sort_order=1)
    farming = Category.objects.create(body=county.congress, name="农业农村", sort_order=2)
    wang = Deputy.objects.create(
        body=county.congress, code=f"{name}-P1", name="王芳", gender="female", level=Level.COUNTY, phone=WANG_PHONE
    )
    li = Deputy.objects.create(
        body=county.congress, code=f"{name}-P2", name="李强", gender="male", level=Level.COUNTY, phone=LI_PHONE
    )
    office = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    return SimpleNamespace(
        county=county,
        session=county.session,
        housing=housing,
        water=water,
        towns=towns,
        farming=farming,
        wang=wang,
        li=li,
        office=office,
    )


def suggestion(
    world: SimpleNamespace,
    *,
    title: str = "关于加快城关镇老旧小区改造的建议",
    content: str = "城关镇不少小区建于上世纪九十年代，管网老化，建议列入改造计划。",
    status: str = Status.CLOSED,
    is_public: bool = True,
    co_signers: tuple[Deputy, ...] = (),
    **fields,
) -> Suggestion:
    """Create a suggestion in `status` with its lead signer, the milestones of that status and its lead unit."""
    values = {
        "body": world.county.congress,
        "session": world.session,
        "year": 2025,
        "title": title,
        "content": content,
        "category": world.towns,
        "lead_deputy": world.wang,
        "created_by": world.office,
        "status": status,
        "is_public": is_public,
        "submitted_at": at(2025, 1, 11),
    }
    if status not in (Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN, Status.NOT_REGISTERED):
        values |= {"registered_at": at(2025, 1, 20)}
    if status in _ASSIGNED:
        values |= {"lead_unit": world.housing, "assigned_at": at(2025, 2, 1), "due_date": dt.date(2025, 5, 1)}
    if status in _ANSWERED:
        values |= {"answered_at": at(2025, 4, 10)}
    if status in (Status.CLOSED, Status.REVISITED, Status.ARCHIVED):
        values |= {"closed_at": at(2025, 5, 20)}
    if status == Status.NOT_REGISTERED:
        values |= {"reject_reason": Suggestion.RejectReason.NO_CONTENT}
    values |= fields
    created = Suggestion.objects.create(**values)
    Signer.objects.create(
        suggestion=created, deputy=created.lead_deputy, role=Signer.Role.LEAD, confirmed_at=created.submitted_at
    )
    for deputy in co_signers:
        Signer.objects.create(suggestion=created, deputy=deputy, role=Signer.Role.CO, confirmed_at=created.submitted_at)
    if created.lead_unit_id:
        Assignment.objects.create(
            suggestion=created,
            unit=created.lead_unit,
            role=Assignment.Role.LEAD,
            status=Assignment.Status.ANSWERED if status in _ANSWERED else Assignment.Status.ACCEPTED,
            assigned_at=created.assigned_at,
            assigned_by=world.office,
            reroute_deadline=created.assigned_at.date() + dt.timedelta(days=9),
        )
    return created


def answer(
    world: SimpleNamespace,
    item: Suggestion,
    *,
    text: str = "已将城关镇老旧小区列入年度改造计划，预计年底前完工。",
    grade: str = Answer.Grade.A,
    is_public: bool = True,
    answered_at: dt.datetime | None = None,
) -> Answer:
    """Record the lead unit's answer to `item`."""
    return Answer.objects.create(
        suggestion=item,
        assignment=item.assignments.get(role=Assignment.Role.LEAD),
        grade=grade,
        text=text,
        is_public=is_public,
        answered_by=world.office,
        answered_at=answered_at or item.answered_at or at(2025, 4, 10),
    )


def rate(world: SimpleNamespace, given: Answer, *, result: str, comment: str = "") -> Rating:
    """Record the lead deputy's rating of an answer."""
    return Rating.objects.create(
        answer=given,
        deputy=given.suggestion.lead_deputy,
        attitude=result,
        result=result,
        comment=comment,
        rated_by=world.office,
        rated_at=given.answered_at + dt.timedelta(days=5),
    )
