"""Small ORM builders for the statistics tests: statuses, grades, ratings and timestamps set by hand.

The statistics only read suggestions, so these write rows directly instead of walking the workflow
through the services; every field the rates look at is explicit in the test that builds it.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from congress.models import Role, Unit
from deputies.models import Deputy, Level
from suggestions.models import Answer, Assignment, Category, Rating, Suggestion
from suggestions.services.closing import latest_rating_of
from tests.congress.factories import CountyFactory, SessionFactory, UnitFactory, make_user

Status = Suggestion.Status


def at(year: int, month: int, day: int) -> dt.datetime:
    """Return noon of a local calendar day, the time of day the tests use."""
    return timezone.make_aware(dt.datetime(year, month, day, 12))


def stats_world(name: str = "青山县") -> SimpleNamespace:
    """Build a county with two sessions, two units, two categories, two deputies and an office login."""
    county = CountyFactory(name=name)
    second = SessionFactory(term=county.term, number=2, start_date=dt.date(2026, 1, 9), end_date=dt.date(2026, 1, 12))
    education = UnitFactory(body=county.congress, name=f"{name}教育局", kind=Unit.Kind.GOVERNMENT_DEPARTMENT)
    transport = UnitFactory(body=county.congress, name=f"{name}交通运输局", kind=Unit.Kind.GOVERNMENT_DEPARTMENT)
    schools = Category.objects.create(body=county.congress, name="教育", sort_order=1)
    roads = Category.objects.create(body=county.congress, name="交通", sort_order=2)
    wang = Deputy.objects.create(
        body=county.congress, code=f"{name}-D1", name="王芳", gender="female", level=Level.COUNTY
    )
    li = Deputy.objects.create(body=county.congress, code=f"{name}-D2", name="李强", gender="male", level=Level.COUNTY)
    office = make_user(body=county.committee, roles=[Role.OFFICE_STAFF])
    return SimpleNamespace(
        county=county,
        first=county.session,
        second=second,
        education=education,
        transport=transport,
        schools=schools,
        roads=roads,
        wang=wang,
        li=li,
        office=office,
    )


def suggestion(world: SimpleNamespace, *, status: str, **fields) -> Suggestion:
    """Create a suggestion in `status`; assigned ones get a lead unit, an assignment date and an assignment row."""
    assigned = status in Suggestion.ASSIGNED_STATUSES and fields.get("assigned_at", at(2025, 2, 1)) is not None
    values = {
        "body": world.county.congress,
        "session": world.first,
        "year": 2025,
        "title": "关于改善农村道路的建议",
        "content": "建议内容",
        "category": world.schools,
        "lead_deputy": world.wang,
        "created_by": world.office,
        "status": status,
        "submitted_at": at(2025, 1, 11),
    }
    if assigned:
        values |= {"lead_unit": world.education, "assigned_at": at(2025, 2, 1), "registered_at": at(2025, 1, 20)}
    values |= fields
    created = Suggestion.objects.create(**values)
    if assigned:
        Assignment.objects.create(
            suggestion=created,
            unit=created.lead_unit,
            role=Assignment.Role.LEAD,
            status=Assignment.Status.ANSWERED if status in ANSWERED else Assignment.Status.ACCEPTED,
            assigned_at=created.assigned_at,
            assigned_by=world.office,
            reroute_deadline=created.assigned_at.date() + dt.timedelta(days=9),
        )
    return created


ANSWERED = {Status.ANSWERED, Status.REHANDLING, Status.FOLLOW_UP, Status.CLOSED, Status.REVISITED, Status.ARCHIVED}


def answer(world: SimpleNamespace, item: Suggestion, *, grade: str, answered_at: dt.datetime) -> Answer:
    """Record an answer with `grade` and keep the suggestion's latest grade in step, as the service does."""
    created = Answer.objects.create(
        suggestion=item,
        assignment=item.assignments.get(role=Assignment.Role.LEAD),
        grade=grade,
        text="答复内容",
        answered_by=world.office,
        answered_at=answered_at,
    )
    Suggestion.objects.filter(pk=item.pk).update(latest_grade=grade, answered_at=item.answered_at or answered_at)
    item.refresh_from_db()
    return created


def rate(world: SimpleNamespace, given: Answer, *, result: str, deputy: Deputy | None = None, rated_at=None) -> Rating:
    """Record a deputy's rating of an answer (the lead deputy unless told otherwise)."""
    deputy = deputy or given.suggestion.lead_deputy
    rating = Rating.objects.create(
        answer=given,
        deputy=deputy,
        attitude=result,
        result=result,
        rated_by=world.office,
        rated_at=rated_at or given.answered_at + dt.timedelta(days=5),
    )
    # Keep the denormalised rating as the rating service does.
    suggestion = given.suggestion
    Suggestion.objects.filter(pk=suggestion.pk).update(latest_rating=latest_rating_of(suggestion))
    return rating
