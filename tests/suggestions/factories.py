"""factory_boy factories for suggestions, and a cast of logins that walks a suggestion through the services.

`SuggestionFactory` writes a row directly (for list and query tests). `loop_cast(county)` builds everyone the
loop needs, and `drive(cast, to=Status.X)` takes a new suggestion to status X through the real services, so
the events, deadlines and denormalised fields are exactly what production would hold.
"""

from __future__ import annotations

from types import SimpleNamespace

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory

from congress.models import Role, Unit
from suggestions import services
from suggestions.models import Answer, Assignment, Category, Rating, Signer, Suggestion
from tests.congress.factories import BodyFactory, CountyFactory, UnitFactory, UserFactory, make_user
from tests.deputies.factories import DeputyFactory

Status = Suggestion.Status

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf_letter(name: str = "答复函.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    body = factory.SubFactory(BodyFactory)
    name = factory.Sequence(lambda n: f"类别{n}")


class SuggestionFactory(DjangoModelFactory):
    """A suggestion row written directly, with its lead deputy as a confirmed signer; no workflow is run."""

    class Meta:
        model = Suggestion
        skip_postgeneration_save = True

    body = factory.SubFactory(BodyFactory)
    year = 2025
    title = factory.Sequence(lambda n: f"关于改善第{n}村道路的建议")
    content = "村道年久失修，雨天积水，建议列入年度计划予以硬化。"
    lead_deputy = factory.SubFactory(DeputyFactory, body=factory.SelfAttribute("..body"))
    created_by = factory.SubFactory(UserFactory, body=factory.SelfAttribute("..body"))

    @factory.post_generation
    def lead_signer(self, create: bool, extracted, **kwargs) -> None:
        if create:
            Signer.objects.create(
                suggestion=self, deputy=self.lead_deputy, role=Signer.Role.LEAD, confirmed_at=self.created_at
            )


def loop_cast(county: SimpleNamespace | None = None) -> SimpleNamespace:
    """Build a county's people for the loop: staff, a leader, deputies with logins, four units with handlers."""
    county = county or CountyFactory()
    congress, committee = county.congress, county.committee

    def deputy_with_login(name: str):
        user = make_user(body=congress, roles=[Role.DEPUTY], full_name=name)
        return DeputyFactory(body=congress, name=name, user=user), user

    lead_deputy, deputy = deputy_with_login("王芳")
    co_deputy_record, co_deputy = deputy_with_login("李强")
    other_deputy_record, other_deputy = deputy_with_login("赵敏")
    units = {
        key: UnitFactory(body=congress, name=name, kind=Unit.Kind.GOVERNMENT_DEPARTMENT)
        for key, name in [("lead", "县交通运输局"), ("co", "县财政局"), ("parallel", "县住建局"), ("other", "县教育局")]
    }
    handlers = {key: make_user(body=congress, unit=unit, roles=[Role.UNIT_HANDLER]) for key, unit in units.items()}
    foreign = CountyFactory(name="白水县")
    return SimpleNamespace(
        county=county,
        body=congress,
        session=county.session,
        staff=make_user(body=committee, roles=[Role.OFFICE_STAFF]),
        leader=make_user(body=committee, roles=[Role.LEADER]),
        member=make_user(body=committee, roles=[Role.COMMITTEE_MEMBER]),
        foreign_staff=make_user(body=foreign.committee, roles=[Role.OFFICE_STAFF]),
        lead_deputy=lead_deputy,
        deputy=deputy,
        co_deputy_record=co_deputy_record,
        co_deputy=co_deputy,
        other_deputy_record=other_deputy_record,
        other_deputy=other_deputy,
        lead_unit=units["lead"],
        co_unit=units["co"],
        parallel_unit=units["parallel"],
        other_unit=units["other"],
        lead_handler=handlers["lead"],
        lead_head=make_user(body=congress, unit=units["lead"], roles=[Role.UNIT_HEAD]),
        co_handler=handlers["co"],
        parallel_handler=handlers["parallel"],
        other_handler=handlers["other"],
        category=Category.objects.create(body=congress, name="交通"),
    )


def assignment_of(suggestion: Suggestion, unit: Unit) -> Assignment:
    return suggestion.assignments.exclude(status=Assignment.Status.WITHDRAWN).get(unit=unit)


def approved_reroutes(cast: SimpleNamespace) -> Suggestion:
    """A suggestion whose lead unit let it go to another unit and whose co-handling unit let it go to none."""
    suggestion = drive(cast, to=Suggestion.Status.ASSIGNED, co=True)
    for unit, handler, new_unit in (
        (cast.lead_unit, cast.lead_handler, cast.other_unit),
        (cast.co_unit, cast.co_handler, None),
    ):
        assignment = assignment_of(suggestion, unit)
        services.assignment_request_reroute(assignment_id=assignment.pk, actor=handler, reason="不属本单位职责")
        services.assignment_decide_reroute(
            assignment_id=assignment.pk, actor=cast.staff, approve=True, new_unit=new_unit
        )
    return suggestion


def drive(
    cast: SimpleNamespace,
    *,
    to: str,
    co: bool = False,
    parallel: bool = False,
    cosigned: bool = False,
    grade: str = Answer.Grade.A,
    session: bool = True,
) -> Suggestion:
    """Take a new suggestion by `cast.deputy` to status `to` through the services, as the right people.

    `co` / `parallel` add the co-handling and parallel units; `cosigned` adds `cast.co_deputy` as a confirmed
    co-signer; `grade` is the grade of the answers given on the way.
    """
    order = [
        Status.DRAFT,
        Status.SUBMITTED,
        Status.REGISTERED,
        Status.ASSIGNED,
        Status.HANDLING,
        Status.ANSWERED,
        Status.CLOSED,
        Status.REVISITED,
        Status.ARCHIVED,
    ]
    suggestion = services.suggestion_create(
        body=cast.body,
        lead_deputy=cast.lead_deputy,
        title="关于整治县城老旧小区停车难的建议",
        content="老旧小区车位不足，建议利用边角地块增设停车位。",
        actor=cast.deputy,
        session=cast.session if session else None,
        category=cast.category,
        cosigner_ids=[cast.co_deputy_record.pk] if cosigned else (),
    )
    if cosigned:
        services.suggestion_cosign(suggestion_id=suggestion.pk, actor=cast.co_deputy)
    if to == Status.DRAFT:
        return _fresh(suggestion)
    services.suggestion_submit(suggestion_id=suggestion.pk, actor=cast.deputy)
    if to == Status.WITHDRAWN:
        return services.suggestion_withdraw(suggestion_id=suggestion.pk, actor=cast.deputy, note="已当面沟通解决")
    if to == Status.NOT_REGISTERED:
        return services.suggestion_reject(
            suggestion_id=suggestion.pk,
            actor=cast.staff,
            reason=Suggestion.RejectReason.PERSONAL_MATTER,
            note="属个人诉求，已转信访渠道。",
        )
    if to == Status.SUBMITTED:
        return _fresh(suggestion)
    services.suggestion_register(suggestion_id=suggestion.pk, actor=cast.staff)
    if to == Status.REGISTERED:
        return _fresh(suggestion)
    services.suggestion_assign(
        suggestion_id=suggestion.pk,
        lead_unit=cast.lead_unit,
        actor=cast.staff,
        co_units=[cast.co_unit] if co else [],
        parallel_units=[cast.parallel_unit] if parallel else [],
    )
    if to == Status.ASSIGNED:
        return _fresh(suggestion)
    answering = [(cast.lead_unit, cast.lead_handler)] + (
        [(cast.parallel_unit, cast.parallel_handler)] if parallel else []
    )
    for unit, handler in answering + ([(cast.co_unit, cast.co_handler)] if co else []):
        services.assignment_accept(assignment_id=assignment_of(suggestion, unit).pk, actor=handler)
    if to == Status.HANDLING:
        return _fresh(suggestion)
    for unit, handler in answering:
        services.suggestion_answer(
            assignment_id=assignment_of(suggestion, unit).pk, actor=handler, grade=grade, text="已列入计划，正在实施。"
        )
    if to == Status.ANSWERED:
        return _fresh(suggestion)
    result = {
        Status.REHANDLING: Rating.Level.UNSATISFIED,
        Status.FOLLOW_UP: Rating.Level.SATISFIED,
    }.get(to, Rating.Level.SATISFIED)
    if to == Status.FOLLOW_UP and grade not in (Answer.Grade.B, Answer.Grade.C):
        raise ValueError("a suggestion reaches follow-up only with a B or C grade")
    for answer in suggestion.answers.all():
        services.suggestion_rate(answer_id=answer.pk, actor=cast.deputy, attitude=Rating.Level.SATISFIED, result=result)
    if to in (Status.REHANDLING, Status.FOLLOW_UP, Status.CLOSED):
        return _fresh(suggestion)
    services.suggestion_revisit(suggestion_id=suggestion.pk, actor=cast.staff, note="回访代表，表示满意。")
    if to == Status.REVISITED:
        return _fresh(suggestion)
    if to == Status.ARCHIVED:
        services.suggestion_archive(suggestion_id=suggestion.pk, actor=cast.staff)
        return _fresh(suggestion)
    raise ValueError(f"drive() does not know how to reach {to!r}; known: {order}")


def _fresh(suggestion: Suggestion) -> Suggestion:
    return Suggestion.objects.get(pk=suggestion.pk)
