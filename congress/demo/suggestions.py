"""The demo county's suggestions: the 5th session (January 2026), 235 suggestions in every state of the loop.

Every suggestion goes through the real services (suggestions.services) as the right person: the lead
deputy files, submits, withdraws and rates from their own login, co-signers confirm from theirs, office
staff register, refuse, assign, decide and close, the units' handlers accept, log contacts, send opinions,
ask for more time and answer. Nothing writes a suggestion's state directly.

The services stamp everything with the present moment and count deadlines from today, and take no date
argument. So the history is made now and then moved back in time: each storyline has a fixed offset in
whole weeks (so weekdays stay weekdays), and every date and timestamp of its rows (suggestions, signers,
assignments, contacts, opinions, extension requests, answers, ratings and their events) is moved back by it,
one UPDATE per table and storyline. Finished work moves back to the session; work in progress moves back
only weeks, so its deadlines still run; the overdue storyline moves back to the session too, so its answers
are months late. Deadlines keep the offsets they were given, so a deadline moved onto a holiday stays there.

Moved back whole, finished work (closed, revisited, archived) would close the day it was assigned. So its steps
are first spread over the months after assignment (see `_Spread`): each is dated some whole weeks after the
assignment (accepted within a week, answered well within the three months, rated within the rating window, closed
on that rating or, after an answer "being solved" is followed up, months later, a fifth more than six months on),
and what it wrote is moved forward by them before the storyline moves back, never past today. A deadline moves
with the step that set it, except an extension's date, which counts from the assignment's answer deadline.

The services put their messages in the inboxes only when the seed commits, dated then and naming the
deadlines as they stood before the move ("rate by 18 December" when the answer is now due on the 11th). The
last thing the seed does at commit is move those messages back with their suggestions: their dates, and
every date written in their text, by the same offset (see `shift_messages_back`).

The step is skipped when the session already has suggestions: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import astuple, dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Max
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.formats import date_format

from congress.models import CongressSession, Event, Notification, Role, RoleGrant, User
from deputies.models import Deputy, Level

if TYPE_CHECKING:
    from congress.demo.county import DemoCounty

SESSION_NUMBER = 5
SESSION_DAY = dt.date(2026, 1, 14)
DEPUTY_LOGINS = 40

# Category: (how many, lead unit codes, co-handling unit codes, matters).
CATEGORIES = {
    "教育": (
        30,
        ["D02"],
        ["D05"],
        ["学校食堂改造", "乡村学校教师周转房建设", "校车安全管理", "城区学位供给", "农村幼儿园建设"],
    ),
    "交通": (
        35,
        ["D10"],
        ["D09"],
        ["农村公路提质改造", "城区停车难治理", "公交线路延伸到村", "危桥改造", "县乡道路安全设施"],
    ),
    "医疗卫生": (
        25,
        ["D15"],
        ["D19"],
        ["乡镇卫生院人才引进", "村卫生室标准化建设", "县医院急诊扩容", "慢病药品医保报销"],
    ),
    "农业农村": (
        35,
        ["D12", "T05"],
        ["D11"],
        ["高标准农田建设", "农村饮水安全", "茶叶产业扶持", "农产品冷链物流", "小型水利设施维修"],
    ),
    "城乡建设": (
        35,
        ["D09", "D20"],
        ["E02"],
        ["老旧小区改造", "城区排水防涝", "农村危房改造", "背街小巷路灯安装", "集贸市场改造"],
    ),
    "生态环境": (20, ["D08"], ["D11"], ["南湖水环境治理", "农村生活污水处理", "餐饮油烟整治", "矿山生态修复"]),
    "社会保障": (
        20,
        ["D06", "D04"],
        ["D05"],
        ["农村养老服务站建设", "灵活就业人员参保", "残疾人就业帮扶", "困难群众临时救助"],
    ),
    "文化旅游": (15, ["D14"], ["D13"], ["青山景区配套设施", "乡村文化广场建设", "古村落保护利用"]),
    "其他": (
        20,
        ["D18", "D03", "E01"],
        ["D17"],
        ["农贸市场食品安全", "电动自行车充电设施", "农村电网改造", "城区噪声治理"],
    ),
}

# Storylines: (final status, how many). The totals add up to 235.
PLAN = [
    ("draft", 6),
    ("submitted", 10),
    ("not_registered", 8),
    ("withdrawn", 4),
    ("registered", 5),
    ("assigned", 12),
    ("handling", 22),
    ("overdue", 13),
    ("answered", 15),
    ("rehandling", 8),
    ("follow_up", 12),
    ("closed", 70),
    ("revisited", 30),
    ("archived", 20),
]
PRIORITY_COUNT = 12
# Finished work closes at varied times after assignment: most on the rating of the first answer, some once an
# answer "being solved" (grade B) is followed up and answered again, within six months or (a fifth of all) later,
# as in Zhong county, which closed 79.6% within six months.
FINISHED = ("closed", "revisited", "archived")
LATE_SHARE = 0.2
SOLVED_LATER_SHARE = 0.15

# Weeks each storyline is moved back, at most back to the session (see the module docstring).
RECENT_WEEKS = {"draft": 0, "submitted": 1, "registered": 1, "assigned": 0, "handling": 6, "answered": 1}
RECENT_WEEKS |= {"rehandling": 4}

REJECT_REASONS = [
    ("personal_matter", "所提事项属代表本人亲属的个人诉求，已转相关部门依法处理。"),
    ("in_litigation", "该事项已进入诉讼程序，请依法通过司法途径解决。"),
    ("complaint", "内容属对具体人员的投诉，已转县纪委监委信访室。"),
    ("petition", "系转交的群众来信，已按信访程序转办。"),
    ("no_content", "建议内容空泛，没有具体事项和措施。"),
    ("outside_jurisdiction", "所提事项属市级事权，已转市人大代表工作机构。"),
    ("several_matters", "一件建议包含多个事项，请按一事一议分别提出。"),
]
ANSWERS = {
    "A": "经研究，该事项已列入今年实施计划并已完成，具体情况如下：项目已于近期竣工验收，群众反映良好。",
    "B": "该事项已列入明年计划，目前正在开展前期论证和资金筹措，预计明年底前完成。",
    "C": "受财力和用地条件限制，该事项暂难实施，我们将积极争取上级资金，条件成熟时优先安排。",
    "D": "您的建议对改进工作很有参考价值，我们将在制定相关规划时认真研究吸收。",
}


@dataclass
class _Cast:
    """The logins the storylines act as."""

    office: User
    leader: User
    deputies: list[Deputy]  # with logins; the demo `deputy` login's own record first
    handlers: dict[int, User]  # unit pk -> a handler of that unit
    units: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class _Weeks:
    """How many weeks after its assignment each step of a suggestion is dated."""

    accept: int = 0
    handle: int = 0  # the contacts, the co-handling opinion, an extension
    answer: int = 0
    rate: int = 0
    solved: int | None = None  # the follow-up answer, when the first answer said "being solved"
    close: int = 0  # the rating that closes it: the first answer's, or the follow-up answer's
    revisit: int | None = None
    archive: int | None = None


# Work in progress and storylines that stop short of closing: made in one moment, moved back whole.
AT_ONCE = _Weeks()


@dataclass
class _Spread:
    """Dates each step of finished work some weeks after assignment, though the seed makes it all in a moment.

    `later(weeks)` marks that what the services write from then on is dated `weeks` after the suggestion's
    assignment; `spread_forward` moves it forward by that much. The services' inbox messages are written only at
    commit, so each mark also notes, at commit, the last message written before it.
    """

    moments: list[dt.datetime] = field(default_factory=list)
    weeks: list[int] = field(default_factory=list)
    message_ids: list[int] = field(default_factory=list)
    message_weeks: list[int] = field(default_factory=list)

    def later(self, weeks: int) -> None:
        """Date what the services write from now on `weeks` after the assignment."""
        if weeks == (self.weeks[-1] if self.weeks else 0):
            return
        self.moments.append(timezone.now())
        self.weeks.append(weeks)
        transaction.on_commit(lambda: self._mark_messages(weeks))

    def _mark_messages(self, weeks: int) -> None:
        self.message_ids.append(Notification.objects.aggregate(last=Max("pk"))["last"] or 0)
        self.message_weeks.append(weeks)

    def weeks_at(self, moment: dt.datetime | None) -> int:
        """Return the weeks after assignment of what was written at `moment`."""
        index = bisect_right(self.moments, moment) - 1 if moment is not None else -1
        return self.weeks[index] if index >= 0 else 0

    def weeks_of_message(self, message_id: int) -> int:
        """Return the weeks after assignment of the step that sent the message `message_id`."""
        index = bisect_left(self.message_ids, message_id) - 1
        return self.message_weeks[index] if index >= 0 else 0


def build_suggestions(demo: DemoCounty) -> None:
    """Add the 5th session's suggestions, driven through the services, then moved back to their dates."""
    from suggestions.models import Category, Suggestion

    session = CongressSession.objects.get(term=demo.term, number=SESSION_NUMBER)
    if Suggestion.objects.filter(session=session).exists():
        return
    categories = {
        category.name: category
        for category in Category.objects.bulk_create(
            [
                Category(body=demo.congress, name=name, sort_order=(index + 1) * 10)
                for index, name in enumerate(CATEGORIES)
            ],
            update_conflicts=True,
            unique_fields=["body", "name"],
            update_fields=["sort_order"],
        )
    }
    cast = _cast(demo)
    rng = demo.rng
    messages_before = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    stories = [status for status, count in PLAN for _ in range(count)]
    rng.shuffle(stories)
    topics = [(name, index) for name, (count, *_rest) in CATEGORIES.items() for index in range(count)]
    rng.shuffle(topics)
    # The demo logins' own work: the `deputy` login leads a few in telling states, and the education
    # bureau (the `handler` and `unithead` logins) leads suggestions waiting for acceptance, an answer, or late.
    education = [i for i, (name, _n) in enumerate(topics) if name == "教育"][:6]
    for position, story in zip(
        education, ["assigned", "assigned", "handling", "handling", "overdue", "overdue"], strict=False
    ):
        _place(stories, position, story, keep=set(education))
    leads: list[Deputy | None] = [None] * len(stories)
    for story in ["answered", "handling", "draft", "closed", "submitted", "rehandling"]:
        position = next(i for i, s in enumerate(stories) if s == story and i not in education and leads[i] is None)
        leads[position] = cast.deputies[0]
    priority = set(rng.sample([i for i, s in enumerate(stories) if s in _TAKEN_ON], PRIORITY_COUNT))
    finished = [i for i, s in enumerate(stories) if s in FINISHED]
    late, solved = round(LATE_SHARE * len(finished)), round(SOLVED_LATER_SHARE * len(finished))
    picked = rng.sample(finished, late + solved)
    closings = dict.fromkeys(finished, "first") | dict.fromkeys(picked[:late], "late")
    closings |= dict.fromkeys(picked[late:], "solved")

    today = timezone.localdate()
    to_session = max((today - SESSION_DAY).days // 7, 0)
    spread = _Spread()
    spread_ids: list[int] = []
    moved: dict[int, list[int]] = {}
    for index, (story, (category_name, number)) in enumerate(zip(stories, topics, strict=True)):
        count, lead_codes, co_codes, matters = CATEGORIES[category_name]
        weeks = AT_ONCE
        if index in closings:
            # Finished work moves back to the session: its steps can be dated up to today, `to_session` weeks on.
            weeks = _weeks_after_assignment(rng, story=story, closing=closings[index], room=to_session)
        lead = leads[index] or rng.choice(cast.deputies[1:])
        township = rng.choice(_township_names())
        matter = matters[number % len(matters)]
        suggestion = _drive(
            cast,
            story=story,
            session=session,
            category=categories[category_name],
            lead=lead,
            cosigners=rng.sample([d for d in cast.deputies[1:] if d.pk != lead.pk], rng.choice([0, 0, 0, 1, 2])),
            title=f"关于加快{township}{matter}的建议",
            content=(
                f"{township}{matter}问题群众反映强烈。经走访调研，主要存在投入不足、管护不到位等问题。"
                f"建议县政府统筹资金，明确责任单位和完成时限，切实解决群众急难愁盼问题。"
            ),
            lead_unit=cast.units[rng.choice(lead_codes)],
            co_unit=cast.units[rng.choice(co_codes)] if rng.random() < 0.2 else None,
            priority=index in priority,
            rng=rng,
            weeks=weeks,
            spread=spread,
        )
        spread.later(0)  # the next suggestion starts in the present
        if weeks is not AT_ONCE:
            spread_ids.append(suggestion.pk)
        recent = RECENT_WEEKS.get(story)
        moved.setdefault(-1 if recent is None else recent, []).append(suggestion.pk)
    # The `deputy` login is invited to co-sign one suggestion still under review, and has not confirmed yet.
    invite = Suggestion.objects.filter(session=session, status="submitted").exclude(lead_deputy=cast.deputies[0])
    _invite(invite.order_by("pk").first(), cast.deputies[0])

    spread_forward(spread_ids, spread)
    deltas: dict[int, dt.timedelta] = {}
    for weeks, ids in moved.items():
        delta = dt.timedelta(weeks=to_session if weeks < 0 else min(weeks, to_session))
        shift_back(ids, delta)
        deltas |= dict.fromkeys(ids, delta)
    # Registered after every message the services queued, so it runs once they are in the inboxes.
    move_dates = date_mover(today)
    transaction.on_commit(
        lambda: shift_messages_back(
            deltas, after=messages_before, move_dates=move_dates, weeks_later=spread.weeks_of_message
        )
    )


_TAKEN_ON = {"registered", "assigned", "handling", "overdue", "answered", "rehandling", "follow_up", "closed"}
_TAKEN_ON |= {"revisited", "archived"}


def _weeks_after_assignment(rng, *, story: str, closing: str, room: int) -> _Weeks:
    """Date a finished suggestion's steps in weeks after its assignment, none more than `room` weeks (today).

    `closing` says what closes it: "first", the rating of the first answer; "solved", of a follow-up answer within
    six months; "late", of a follow-up answer seven to eleven months on.
    """
    accept = rng.choice([0, 1])
    handle = accept + rng.choice([0, 1, 2])  # before the co-handling opinion is due, a month after assignment
    answer = rng.randint(handle + 2, 11)  # before the answer is due, three months after assignment
    rate = answer + rng.randint(1, 3)  # within the deputy's 20 working days
    revisit = rng.randint(1, 4) if story == "revisited" or (story == "archived" and rng.random() < 0.5) else None
    archive = rng.randint(2, 8) if story == "archived" else None
    if closing == "first":
        close = rate
    elif closing == "solved":
        close = rng.randint(16, 25)  # 25 weeks are within six calendar months of any day
    else:
        # 31 to 47 weeks are seven to eleven months; what follows, and the last answer's rating window, end by today.
        after = (revisit or 0) + (archive or 0) + 4
        close = rng.randint(31, max(31, min(47, room - after)))
    weeks = _Weeks(
        accept=accept,
        handle=handle,
        answer=answer,
        rate=rate,
        solved=None if closing == "first" else max(rate, close - rng.randint(1, 3)),
        close=close,
        revisit=None if revisit is None else close + revisit,
        archive=None if archive is None else close + (revisit or 0) + archive,
    )
    return _Weeks(*(value if value is None else min(value, room) for value in astuple(weeks)))


def _place(stories: list[str], position: int, story: str, *, keep: set[int]) -> None:
    """Put `story` at `position`, swapping it with a place outside `keep` that holds it, so the totals stay."""
    if stories[position] == story:
        return
    other = next(i for i, s in enumerate(stories) if s == story and i not in keep)
    stories[position], stories[other] = stories[other], stories[position]


def _township_names() -> list[str]:
    from congress.demo.places import TOWNSHIPS

    return [township.name for township in TOWNSHIPS]


def _cast(demo: DemoCounty) -> _Cast:
    """Give the lead deputies and each handling unit a login, sharing the demo password."""
    from congress.demo.county import DEMO_PASSWORD, EDUCATION_UNIT, upsert

    password = make_password(DEMO_PASSWORD)
    own = Deputy.objects.get(user=demo.users["deputy"])
    others = [d for d in demo.deputies if d.level == Level.COUNTY and d.pk != own.pk and d.user_id is None]
    others = sorted(others, key=lambda d: d.code)[: DEPUTY_LOGINS - 1]
    deputy_users = upsert(
        User,
        [
            User(
                username=f"rep-{deputy.code.lower()}",
                password=password,
                full_name=deputy.name,
                phone=deputy.phone,
                body=demo.congress,
                title="县人大代表",
                is_active=True,
            )
            for deputy in others
        ],
        keys=["username"],
    )
    for deputy, user in zip(others, deputy_users, strict=True):
        deputy.user = user
    Deputy.objects.bulk_update(others, ["user"])

    codes = {code for _count, leads, cos, _m in CATEGORIES.values() for code in leads + cos} - {EDUCATION_UNIT}
    unit_users = upsert(
        User,
        [
            User(
                username=f"unit-{code.lower()}",
                password=password,
                full_name=demo.names.make(female=demo.rng.random() < 0.4),
                body=demo.congress,
                unit=demo.units[code],
                title="建议办理联络员",
                is_active=True,
            )
            for code in sorted(codes)
        ],
        keys=["username"],
    )
    grants = [RoleGrant(user=user, role=Role.DEPUTY) for user in deputy_users]
    grants += [RoleGrant(user=user, role=Role.UNIT_HANDLER) for user in unit_users]
    RoleGrant.objects.bulk_create(grants, ignore_conflicts=True)

    handlers = {user.unit_id: User.objects.get(pk=user.pk) for user in unit_users}
    handlers[demo.units[EDUCATION_UNIT].pk] = User.objects.get(username="handler")
    own.user = User.objects.get(username="deputy")
    for deputy, user in zip(others, deputy_users, strict=True):
        deputy.user = User.objects.get(pk=user.pk)  # fresh, so its roles are read from its grants
    return _Cast(
        office=User.objects.get(username="office"),
        leader=User.objects.get(username="leader"),
        deputies=[own, *others],
        handlers=handlers,
        units=demo.units,
    )


def _drive(
    cast: _Cast,
    *,
    story: str,
    session,
    category,
    lead,
    cosigners,
    title,
    content,
    lead_unit,
    co_unit,
    priority: bool,
    rng,
    weeks: _Weeks,
    spread: _Spread,
):
    """Take one new suggestion along its storyline through the services, each step dated by `weeks`."""
    from suggestions import services
    from suggestions.models import Rating

    suggestion = services.suggestion_create(
        body=session.term.body,
        lead_deputy=lead,
        title=title,
        content=content,
        actor=lead.user,
        session=session,
        category=category,
        cosigner_ids=[d.pk for d in cosigners],
    )
    for cosigner in cosigners:
        services.suggestion_cosign(suggestion_id=suggestion.pk, actor=cosigner.user)
    if story == "draft":
        return suggestion
    services.suggestion_submit(suggestion_id=suggestion.pk, actor=lead.user)
    if story == "submitted":
        return suggestion
    if story == "withdrawn":
        return services.suggestion_withdraw(
            suggestion_id=suggestion.pk, actor=lead.user, note="已与相关部门沟通，问题已解决。"
        )
    if story == "not_registered":
        reason, note = rng.choice(REJECT_REASONS)
        return services.suggestion_reject(suggestion_id=suggestion.pk, actor=cast.office, reason=reason, note=note)
    office = cast.office
    services.suggestion_register(suggestion_id=suggestion.pk, actor=office)
    if priority:
        services.suggestion_prioritize(
            suggestion_id=suggestion.pk,
            actor=office,
            supervising_leader=cast.leader,
            note="主任会议确定为重点督办建议。",
        )
    if story == "registered":
        return suggestion
    services.suggestion_assign(
        suggestion_id=suggestion.pk, lead_unit=lead_unit, actor=office, co_units=[co_unit] if co_unit else []
    )
    assignments = {a.unit_id: a for a in suggestion.assignments.all()}
    lead_assignment = assignments[lead_unit.pk]
    handler = cast.handlers[lead_unit.pk]
    if story == "assigned":
        if rng.random() < 0.25 and lead_unit.code != "D02":
            services.assignment_request_reroute(
                assignment_id=lead_assignment.pk, actor=handler, reason="该事项主要职责不在我单位，建议调整承办单位。"
            )
        return suggestion
    spread.later(weeks.accept)
    for assignment in assignments.values():
        services.assignment_accept(assignment_id=assignment.pk, actor=cast.handlers[assignment.unit_id])
    spread.later(weeks.handle)
    # Work in progress has its first contact logged; half the finished work shows it too.
    if story in ("handling", "overdue", "answered") or rng.random() < 0.5:
        services.contact_log(
            assignment_id=lead_assignment.pk,
            actor=handler,
            method=rng.choice(["face_to_face", "phone", "visit"]),
            stage="before",
            contacted_on=timezone.localdate(),
            participants=f"{lead.name}代表、{handler.full_name}",
            summary="办理前与代表面商，了解建议的具体诉求，商定办理方案和时间安排。",
        )
    if co_unit is not None and (story != "handling" or rng.random() < 0.5):
        services.co_opinion_send(
            assignment_id=assignments[co_unit.pk].pk,
            actor=cast.handlers[co_unit.pk],
            text="我单位同意主办单位的办理方案，将在资金和政策上予以配合。",
        )
    if story in ("handling", "overdue"):
        if story == "handling" and rng.random() < 0.2:
            lead_assignment.refresh_from_db()
            services.extension_request(
                assignment_id=lead_assignment.pk,
                actor=handler,
                reason="项目涉及用地审批，需待上级批复后答复。",
                requested_until=lead_assignment.answer_due + dt.timedelta(days=30),
            )
        return suggestion
    if rng.random() < 0.1:
        lead_assignment.refresh_from_db()
        request = services.extension_request(
            assignment_id=lead_assignment.pk,
            actor=handler,
            reason="需会同多个部门现场调研，申请延期答复。",
            requested_until=lead_assignment.answer_due + dt.timedelta(days=21),
        )
        services.extension_decide(request_id=request.pk, actor=office, approve=True, note="同意延期。")
    spread.later(weeks.answer)
    grade = {"follow_up": rng.choice("BC"), "rehandling": rng.choice("BCD")}.get(story) or rng.choice("AAAAD")
    if weeks.solved is not None:
        grade = "B"  # being solved: followed up, and answered again once solved
    public = story in ("closed", "revisited", "archived") and rng.random() < 0.5
    answer = services.suggestion_answer(
        assignment_id=lead_assignment.pk, actor=handler, grade=grade, text=ANSWERS[grade], is_public=public
    )
    if public:
        services.suggestion_publish(suggestion_id=suggestion.pk, actor=office)
    if story == "answered":
        return suggestion
    spread.later(weeks.rate)
    result = (
        Rating.Level.UNSATISFIED
        if story == "rehandling"
        else rng.choice([Rating.Level.SATISFIED] * 4 + [Rating.Level.BASICALLY_SATISFIED])
    )
    services.suggestion_rate(
        answer_id=answer.pk,
        actor=lead.user,
        attitude=Rating.Level.SATISFIED if result != Rating.Level.UNSATISFIED else Rating.Level.BASICALLY_SATISFIED,
        result=result,
        comment="" if result != Rating.Level.UNSATISFIED else "答复没有回应核心问题，希望重新研究。",
    )
    if weeks.solved is not None:
        spread.later(weeks.solved)
        solved = services.suggestion_answer(
            assignment_id=lead_assignment.pk, actor=handler, grade="A", text=ANSWERS["A"], is_public=public
        )
        spread.later(weeks.close)
        services.suggestion_rate(
            answer_id=solved.pk, actor=lead.user, attitude=Rating.Level.SATISFIED, result=Rating.Level.SATISFIED
        )
    if story in ("rehandling", "follow_up", "closed"):
        return suggestion
    if weeks.revisit is not None:
        spread.later(weeks.revisit)
        services.suggestion_revisit(
            suggestion_id=suggestion.pk, actor=office, note="电话回访代表，代表对办理结果表示认可。"
        )
    if story == "archived":
        spread.later(weeks.archive)
        services.suggestion_archive(suggestion_id=suggestion.pk, actor=office)
    return suggestion


def _invite(suggestion, deputy: Deputy) -> None:
    """Invite a deputy to co-sign, left unconfirmed: their login's to-do list shows it."""
    from suggestions.models import Signer

    if suggestion is not None:
        Signer.objects.get_or_create(suggestion=suggestion, deputy=deputy, defaults={"role": Signer.Role.CO})


def shift_back(suggestion_ids: list[int], delta: dt.timedelta) -> None:
    """Move every date and timestamp of these suggestions' rows back by `delta`: one UPDATE per table."""
    from suggestions.models import Answer, Assignment, Contact, CoOpinion, ExtensionRequest, Rating, Signer, Suggestion

    if not suggestion_ids or not delta:
        return
    tables = [
        (
            Suggestion.objects.filter(pk__in=suggestion_ids),
            [
                "due_date",
                "submitted_at",
                "registered_at",
                "assigned_at",
                "answered_at",
                "closed_at",
                "created_at",
                "updated_at",
            ],
        ),
        (Signer.objects.filter(suggestion_id__in=suggestion_ids), ["invited_at", "confirmed_at"]),
        (
            Assignment.objects.filter(suggestion_id__in=suggestion_ids),
            [
                "assigned_at",
                "reroute_deadline",
                "co_opinion_due",
                "answer_due",
                "hard_deadline",
                "accepted_at",
                "completed_at",
            ],
        ),
        (Contact.objects.filter(assignment__suggestion_id__in=suggestion_ids), ["contacted_on", "logged_at"]),
        (CoOpinion.objects.filter(assignment__suggestion_id__in=suggestion_ids), ["sent_at"]),
        (
            ExtensionRequest.objects.filter(assignment__suggestion_id__in=suggestion_ids),
            ["requested_until", "requested_at", "decided_at"],
        ),
        (Answer.objects.filter(suggestion_id__in=suggestion_ids), ["answered_at", "rating_due"]),
        (Rating.objects.filter(answer__suggestion_id__in=suggestion_ids), ["rated_at"]),
        (
            Event.objects.filter(
                content_type=ContentType.objects.get_for_model(Suggestion), object_id__in=suggestion_ids
            ),
            ["created_at"],
        ),
    ]
    for queryset, fields in tables:
        # `updated_at` is auto_now: an UPDATE through the queryset sets only what it is given.
        queryset.update(**{name: F(name) - delta for name in fields})
    # The events' data keep the deadlines they set as ISO dates (answer_due, requested_until …): they move too.
    events = tables[-1][0]
    moved = []
    for event in events.only("data"):
        data = {key: _moved_iso_date(value, delta) for key, value in event.data.items()}
        if data != event.data:
            event.data = data
            moved.append(event)
    Event.objects.bulk_update(moved, ["data"])


def spread_forward(suggestion_ids: list[int], spread: _Spread) -> None:
    """Move what these suggestions' steps wrote forward by the weeks after assignment `spread` dates each step at.

    A timestamp moves with the step that wrote it, a date with the timestamp of its row it was set with. What counts
    from the assignment stays with it: the assignment's deadlines, and an extension's dates (see
    `_counts_from_assignment`). A finished suggestion's own deadline is cleared when it closes: it has none to move.
    """
    from suggestions.models import Answer, Assignment, Contact, CoOpinion, ExtensionRequest, Rating, Signer, Suggestion

    if not suggestion_ids:
        return

    def stamps(*names: str) -> dict[str, str]:
        return {name: name for name in names}

    # Each table's moved fields, with the timestamp whose step each moves with.
    tables = [
        (
            Suggestion.objects.filter(pk__in=suggestion_ids),
            stamps(
                "submitted_at", "registered_at", "assigned_at", "answered_at", "closed_at", "created_at", "updated_at"
            ),
        ),
        (Signer.objects.filter(suggestion_id__in=suggestion_ids), stamps("invited_at", "confirmed_at")),
        (
            Assignment.objects.filter(suggestion_id__in=suggestion_ids),
            stamps("assigned_at", "accepted_at", "completed_at"),
        ),
        (
            Contact.objects.filter(assignment__suggestion_id__in=suggestion_ids),
            {"logged_at": "logged_at", "contacted_on": "logged_at"},
        ),
        (CoOpinion.objects.filter(assignment__suggestion_id__in=suggestion_ids), stamps("sent_at")),
        (
            ExtensionRequest.objects.filter(assignment__suggestion_id__in=suggestion_ids),
            stamps("requested_at", "decided_at"),
        ),
        (
            Answer.objects.filter(suggestion_id__in=suggestion_ids),
            {"answered_at": "answered_at", "rating_due": "answered_at"},
        ),
        (Rating.objects.filter(answer__suggestion_id__in=suggestion_ids), stamps("rated_at")),
    ]
    for queryset, fields in tables:
        rows = []
        for row in queryset.only(*fields):
            weeks = {name: spread.weeks_at(getattr(row, stamp)) for name, stamp in fields.items()}
            if not any(weeks.values()):
                continue
            for name, later in weeks.items():
                if later and getattr(row, name) is not None:
                    setattr(row, name, getattr(row, name) + dt.timedelta(weeks=later))
            rows.append(row)
        queryset.model.objects.bulk_update(rows, list(fields), batch_size=500)

    events = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(Suggestion), object_id__in=suggestion_ids
    ).only("kind", "created_at", "data")
    moved = []
    for event in events:
        later = dt.timedelta(weeks=spread.weeks_at(event.created_at))
        if not later:
            continue
        event.created_at += later
        if not _counts_from_assignment(event.kind):
            event.data = {key: _moved_iso_date(value, -later) for key, value in event.data.items()}
        moved.append(event)
    Event.objects.bulk_update(moved, ["created_at", "data"], batch_size=500)


def _counts_from_assignment(kind: str) -> bool:
    """Tell whether the dates an event or message of this kind names count from the assignment's answer deadline.

    An extension asks for a day after the answer deadline, whenever it is asked: its dates stay with the assignment.
    """
    return kind.startswith("extension_")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _moved_iso_date(value, delta: dt.timedelta):
    """Return an ISO date string moved back by `delta`; any other value as it is."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return (dt.date.fromisoformat(value) - delta).isoformat()
    return value


def date_mover(today: dt.date) -> Callable[[str, dt.timedelta], str]:
    """Return a function that moves every date written in a text back by a delta.

    The dates are matched as the services wrote them (`date_format` in the language active now), over the
    span a deadline set today can fall in.
    """
    span = [today + dt.timedelta(days=offset) for offset in range(-31, 400)]
    written = {date_format(day): day for day in span}
    pattern = re.compile("|".join(re.escape(text) for text in sorted(written, key=len, reverse=True)))

    def move(text: str, delta: dt.timedelta) -> str:
        return pattern.sub(lambda match: date_format(written[match.group()] - delta), text)

    return move


def shift_messages_back(
    deltas: dict[int, dt.timedelta],
    *,
    after: int,
    move_dates: Callable[[str, dt.timedelta], str],
    weeks_later: Callable[[int], int] = lambda message_id: 0,
) -> None:
    """Move the inbox messages about these suggestions (by id, with its delta) back with their history.

    Only messages newer than the message `after` are touched: those this seed's services wrote. A message sent by
    a step dated weeks after the assignment (`weeks_later`, by message id) moves back that much less, as does
    every date it names, unless the date counts from the assignment (`_counts_from_assignment`).
    """
    messages = []
    for message in Notification.objects.filter(pk__gt=after).only("url", "title", "body", "created_at", "kind"):
        delta = deltas.get(linked_suggestion_id(message.url))
        if not delta:
            continue
        later = dt.timedelta(weeks=weeks_later(message.pk))
        message.created_at -= delta - later
        named = delta if _counts_from_assignment(message.kind) else delta - later
        message.title = move_dates(message.title, named)
        message.body = move_dates(message.body, named)
        messages.append(message)
    with transaction.atomic():
        Notification.objects.bulk_update(messages, ["created_at", "title", "body"], batch_size=500)


def linked_suggestion_id(url: str) -> int | None:
    """Return the id of the suggestion a message links to (staff or mobile detail page), if any."""
    try:
        match = resolve(url)
    except Resolver404:
        return None
    if match.namespace not in ("suggestions", "suggestions_mobile") or match.url_name != "detail":
        return None
    return match.kwargs.get("pk")


def suggestion_counts() -> Counter:
    """Count the demo session's suggestions by status, for the summary and the tests."""
    from suggestions.models import Suggestion

    return Counter(Suggestion.objects.filter(session__number=SESSION_NUMBER).values_list("status", flat=True))
