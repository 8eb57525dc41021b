"""The demo county's suggestions: the 5th session (January 2026), 235 suggestions in every state of the loop,
and a few filed between sessions since.

Every suggestion goes through the real services (suggestions.services) as the right person: the lead
deputy files, submits, withdraws and rates from their own login, co-signers confirm from theirs, office
staff register, refuse, assign, decide and close, the units' handlers accept, log contacts, send opinions,
ask for more time and answer. Nothing writes a suggestion's state directly.

The services stamp everything with the present moment and take no date argument. So each storyline's steps are
planned first on working days (`_Days`): the session's suggestions are filed during the session, registered in
the days after it and assigned at one assignment meeting a few weeks later; finished work then closes at varied
times (accepted within days, answered well within the three months, rated within the rating window, closed on
that rating or, after an answer "being solved" is followed up, months later, a fifth more than six months on),
and the rest stops at its state: overdue and under follow-up from the same meeting, work in progress (and the
suggestions filed between sessions) planned back from a latest step some weeks before today, so its deadlines
still run. Every step comes after the one before it and none after today. Then the storylines are driven now,
each step marked with its day, and moved onto those days with their deadlines counted again by the policy and
their inbox messages dated with their steps (see congress.demo.history).

The step is skipped when the session already has suggestions: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from congress.demo.history import (
    History,
    StepDays,
    date_messages,
    date_rating_windows,
    move_stamps,
    redate_deadlines,
)
from congress.models import CongressSession, Notification, Role, RoleGrant, User
from deputies.models import Deputy, Level

if TYPE_CHECKING:
    from congress.demo.county import DemoCounty

SESSION_NUMBER = 5
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

# Storylines: (final status, how many). The totals add up to 235. "returned" ends registered again: its lead unit
# was let go on re-routing, and the office has yet to choose another (未定主办单位). "lapsed" and "settled" are
# answered by a lead and a parallel unit (分别办理): the deputy rated the parallel unit's answer unsatisfied and left
# the lead's unrated past the rating window. "lapsed" ends answered, its window closed a few working days ago, so it
# cannot be closed; the office sends it back for re-handling from its page, or beat's hourly sweep does
# (suggestions.tasks.settle_lapsed_rounds). "settled" was sent back by the office the working day after its window
# closed, some weeks ago, and ends re-handling, its deadline running.
PLAN = [
    ("draft", 6),
    ("submitted", 10),
    ("not_registered", 8),
    ("withdrawn", 4),
    ("registered", 3),
    ("returned", 2),
    ("assigned", 12),
    ("handling", 22),
    ("overdue", 13),
    ("answered", 14),
    ("lapsed", 1),
    ("rehandling", 7),
    ("settled", 1),
    ("follow_up", 12),
    ("closed", 70),
    ("revisited", 30),
    ("archived", 20),
]
PRIORITY_COUNT = 12
# Suggestions their deputy filed without a category and the office registered as they were (未分类), among those
# assigned, so the statistics count them.
UNCATEGORISED = 6
# Finished work closes at varied times after assignment: most on the rating of the first answer, some once an
# answer "being solved" (grade B) is followed up and answered again, within six months or (a fifth of all) later,
# as in Zhong county, which closed 79.6% within six months.
FINISHED = ("closed", "revisited", "archived")
LATE_SHARE = 0.2
SOLVED_LATER_SHARE = 0.15
# The assignment meeting (交办会), this many working days after the session ends: everything is registered by then.
MEETING_AFTER_SESSION = 12
# The storylines of a lead and a parallel unit whose rating window closed with an answer rated unsatisfied (PLAN).
PARALLEL_ROUNDS = ("lapsed", "settled")

# Weeks before today the latest step of each storyline in progress is dated, so its deadlines still run; the others
# start at the session.
RECENT_WEEKS = {"draft": 0, "submitted": 1, "registered": 1, "returned": 1, "assigned": 0, "handling": 6}
RECENT_WEEKS |= {"answered": 1, "rehandling": 4}
# Filed between sessions (闭会期间) since the session: (storyline, weeks before today of its latest step, category
# or None). Finished ones are planned on from their filing, some months back.
BETWEEN_SESSIONS = [
    ("submitted", 0, "交通"),
    ("registered", 0, "生态环境"),
    ("assigned", 0, "城乡建设"),
    ("handling", 5, None),
    ("handling", 9, "农业农村"),
    ("answered", 1, "社会保障"),
    ("closed", None, "医疗卫生"),
    ("closed", None, None),
]

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

    body: object  # the congress the suggestions are filed with
    office: User
    leader: User
    deputies: list[Deputy]  # with logins; the demo `deputy` login's own record first
    handlers: dict[int, User]  # unit pk -> a handler of that unit
    units: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class _Days:
    """The working day each step of a storyline is dated; None for a step it does not take."""

    filed: dt.date
    registered: dt.date | None = None  # or refused, or withdrawn by the deputy
    assigned: dt.date | None = None
    reroute: dt.date | None = None  # the lead unit asks to be re-routed
    rerouted: dt.date | None = None  # the office lets it go
    accepted: dt.date | None = None
    handled: dt.date | None = None  # the contacts, the co-handling opinion, an extension
    parallel_answered: dt.date | None = None  # a parallel unit's answer, before the lead unit's
    answered: dt.date | None = None  # the answer that opens the deputy's rating window
    rated: dt.date | None = None
    settled: dt.date | None = None  # a round whose window closed with an answer rated unsatisfied is sent back
    solved: dt.date | None = None  # the follow-up answer, when the first answer said "being solved"
    closed: dt.date | None = None  # the rating that closes it: the first answer's, or the follow-up answer's
    revisited: dt.date | None = None
    archived: dt.date | None = None

    def ordered(self, days: StepDays, *, not_before: dt.date) -> _Days:
        """Return these days with each step on or after the one before it, none before `not_before`."""
        previous = days.on(not_before)
        moved = {}
        for step in fields(self):
            day = getattr(self, step.name)
            if day is not None:
                previous = moved[step.name] = max(day, previous)
        return replace(self, **moved)


def build_suggestions(demo: DemoCounty) -> None:
    """Add the 5th session's suggestions and a few filed since, driven through the services, then dated."""
    from suggestions.deadlines import policy_for
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
    uncategorised = set(rng.sample([i for i, s in enumerate(stories) if s in _ASSIGNED], UNCATEGORISED))

    days = StepDays(session.start_date, timezone.localdate())
    meeting = days.after(session.end_date, MEETING_AFTER_SESSION)
    rating_window = policy_for(cast.body).rating_window_working_days
    history = History()
    planned: dict[int, _Days] = {}
    for index, (story, (category_name, number)) in enumerate(zip(stories, topics, strict=True)):
        count, lead_codes, co_codes, matters = CATEGORIES[category_name]
        plan = _session_days(
            rng,
            story,
            days=days,
            session=session,
            meeting=meeting,
            closing=closings.get(index),
            rating_window=rating_window,
        )
        lead = leads[index] or rng.choice(cast.deputies[1:])
        suggestion = _drive(
            cast,
            story=story,
            session=session,
            category=None if index in uncategorised else categories[category_name],
            lead=lead,
            cosigners=rng.sample([d for d in cast.deputies[1:] if d.pk != lead.pk], rng.choice([0, 0, 0, 1, 2])),
            **_matter(rng, matters[number % len(matters)]),
            lead_unit=(lead_unit := cast.units[rng.choice(lead_codes)]),
            # Let go without another unit, the lead unit must have been the only one; a parallel unit answers alone.
            co_unit=(
                cast.units[rng.choice(co_codes)]
                if rng.random() < 0.2 and story not in ("returned", *PARALLEL_ROUNDS)
                else None
            ),
            parallel_unit=_parallel_unit(cast, lead_unit, lead_codes + co_codes) if story in PARALLEL_ROUNDS else None,
            priority=index in priority,
            rng=rng,
            days=plan,
            history=history,
        )
        planned[suggestion.pk] = plan
    for story, weeks, category_name in BETWEEN_SESSIONS:
        count, lead_codes, co_codes, matters = CATEGORIES[category_name or rng.choice(list(CATEGORIES))]
        plan = _between_sessions_days(rng, story, days=days, after=session.end_date, weeks=weeks)
        lead = rng.choice(cast.deputies[1:])
        suggestion = _drive(
            cast,
            story=story,
            session=None,
            category=categories[category_name] if category_name else None,
            lead=lead,
            cosigners=[],
            **_matter(rng, rng.choice(matters)),
            lead_unit=cast.units[rng.choice(lead_codes)],
            co_unit=None,
            priority=False,
            rng=rng,
            days=plan,
            history=history,
        )
        planned[suggestion.pk] = plan
    # The `deputy` login is invited to co-sign one suggestion still under review, and has not confirmed yet.
    invite = Suggestion.objects.filter(session=session, status="submitted").exclude(lead_deputy=cast.deputies[0])
    invite = invite.order_by("pk").first()
    if invite is not None:
        history.at(planned[invite.pk].filed)
        _invite(invite, cast.deputies[0])

    ids = list(planned)
    redate_deadlines(ids, history)
    move_stamps(ids, history)
    # Registered after every message the services queued, so it runs once they are in the inboxes.
    transaction.on_commit(lambda: date_messages(set(ids), after=messages_before, history=history))


_TAKEN_ON = {"registered", "assigned", "handling", "overdue", "answered", "rehandling", "follow_up", "closed"}
_TAKEN_ON |= {"revisited", "archived", *PARALLEL_ROUNDS}
# The storylines that end assigned (or further), which the statistics count.
_ASSIGNED = _TAKEN_ON - {"registered"}


def _matter(rng, matter: str) -> dict[str, str]:
    township = rng.choice(_township_names())
    return {
        "title": f"关于加快{township}{matter}的建议",
        "content": (
            f"{township}{matter}问题群众反映强烈。经走访调研，主要存在投入不足、管护不到位等问题。"
            f"建议县政府统筹资金，明确责任单位和完成时限，切实解决群众急难愁盼问题。"
        ),
    }


def _session_days(
    rng, story: str, *, days: StepDays, session, meeting: dt.date, closing: str | None, rating_window: int
) -> _Days:
    """Plan the days of a storyline of the session.

    `closing` says what closes finished work: "first", the rating of the first answer; "solved", of a follow-up
    answer within six months; "late", of a follow-up answer seven to eleven months on. `rating_window` is the
    policy's, in working days.
    """
    if story in PARALLEL_ROUNDS:
        plan = _parallel_round_days(rng, story, days=days, rating_window=rating_window)
        return plan.ordered(days, not_before=session.start_date)
    if story in RECENT_WEEKS:
        latest = days.before(days.on(days.last - dt.timedelta(weeks=RECENT_WEEKS[story])), rng.randint(0, 4))
        return _in_progress_days(rng, story, days=days, latest=latest).ordered(days, not_before=session.start_date)
    filed = days.on(
        session.start_date + dt.timedelta(days=rng.randint(0, (session.end_date - session.start_date).days))
    )
    if story == "withdrawn":  # before the office decides
        return _Days(filed=filed, registered=days.after(filed, rng.randint(1, 6))).ordered(days, not_before=filed)
    registered = days.after(session.end_date, rng.randint(1, MEETING_AFTER_SESSION - 4))
    if story == "not_registered":
        return _Days(filed=filed, registered=registered).ordered(days, not_before=filed)
    plan = _assigned_days(rng, story, days=days, filed=filed, registered=registered, assigned=meeting, closing=closing)
    return plan.ordered(days, not_before=filed)


def _between_sessions_days(rng, story: str, *, days: StepDays, after: dt.date, weeks: int | None) -> _Days:
    """Plan the days of a suggestion filed between sessions, after the session ending `after`, this year."""
    first = days.on(max(after + dt.timedelta(days=1), dt.date(days.last.year, 1, 1)))
    # Between sessions the office assigns within the policy's few working days.
    assign_within = 4
    if weeks is not None:
        latest = days.before(days.on(days.last - dt.timedelta(weeks=weeks)), rng.randint(0, 4))
        plan = _in_progress_days(rng, story, days=days, latest=latest, assign_within=assign_within)
        return plan.ordered(days, not_before=first)
    filed = days.on(first + (days.last - first) * rng.uniform(0.05, 0.35))
    registered = days.after(filed, rng.randint(1, 3))
    assigned = days.after(registered, rng.randint(1, assign_within))
    plan = _assigned_days(rng, story, days=days, filed=filed, registered=registered, assigned=assigned, closing="first")
    return plan.ordered(days, not_before=first)


# Working days before each step of a storyline in progress that the step before it is dated.
_GAP_BEFORE = {
    "registered": (2, 8),
    "assigned": (3, 15),
    "reroute": (0, 4),  # inside the re-routing window
    "rerouted": (1, 3),
    "accepted": (0, 4),
    "handled": (2, 10),  # before the co-handling opinion is due, a month after assignment
    "answered": (10, 30),  # well within the three months
    "rated": (3, 15),  # within the deputy's 20 working days
}
# The steps each storyline in progress takes, its latest last.
_IN_PROGRESS = {
    "draft": ("filed",),
    "submitted": ("filed",),
    "registered": ("filed", "registered"),
    "returned": ("filed", "registered", "assigned", "reroute", "rerouted"),
    "assigned": ("filed", "registered", "assigned"),
    "handling": ("filed", "registered", "assigned", "accepted", "handled"),
    "answered": ("filed", "registered", "assigned", "accepted", "handled", "answered"),
    "rehandling": ("filed", "registered", "assigned", "accepted", "handled", "answered", "rated"),
}


def _in_progress_days(rng, story: str, *, days: StepDays, latest: dt.date, assign_within: int | None = None) -> _Days:
    """Plan a storyline in progress back from its latest step, dated `latest`."""
    steps = _IN_PROGRESS[story]
    planned = {steps[-1]: latest}
    if story == "draft":
        planned["filed"] = days.before(latest, rng.randint(0, 5))
    for step, earlier in zip(reversed(steps), reversed(steps[:-1]), strict=False):
        low, high = _GAP_BEFORE[step]
        if step == "assigned" and assign_within is not None:
            low, high = 1, assign_within
        planned[earlier] = days.before(planned[step], rng.randint(low, high))
    if story == "assigned" and rng.random() < 0.25:
        # Some units ask, within the window, to be re-routed; the office has not decided yet.
        planned["reroute"] = min(days.after(latest, rng.randint(0, 2)), days.last)
    return _Days(**planned)


def _parallel_round_days(rng, story: str, *, days: StepDays, rating_window: int) -> _Days:
    """Plan a round of a lead and a parallel unit back from the day its rating window closed.

    "lapsed" waits for the office: its window closed a few working days before today. "settled" was sent back on
    the working day after its window closed, a few weeks ago, so its re-handling deadline, months on, still runs.
    """
    if story == "lapsed":
        window_closed, settled = days.before(days.last, rng.randint(2, 5)), None
    else:
        settled = days.before(days.last, rng.randint(10, 25))
        window_closed = days.before(settled, 1)
    # The window opens when the last of the units answers; the deputy rates one answer inside it.
    answered = days.before(window_closed, rating_window)
    plan = _in_progress_days(rng, "answered", days=days, latest=answered)
    return replace(
        plan,
        parallel_answered=days.before(answered, rng.randint(1, 8)),
        rated=days.after(answered, rng.randint(3, min(15, rating_window - 1))),
        settled=settled,
    )


def _assigned_days(
    rng, story: str, *, days: StepDays, filed: dt.date, registered: dt.date, assigned: dt.date, closing: str | None
) -> _Days:
    """Plan the days from the assignment on of a storyline that starts at the session or some months back."""
    accepted = days.after(assigned, rng.randint(0, 4))
    handled = days.after(accepted, rng.randint(2, 10))  # before the co-handling opinion is due, a month on
    start = _Days(filed=filed, registered=registered, assigned=assigned, accepted=accepted, handled=handled)
    if story == "overdue":
        return start
    # Well within the three months the answer is due in.
    answered = max(days.after(handled, 5), days.weeks_after(assigned, rng.randint(3, 11), and_days=rng.randint(0, 4)))
    rated = days.after(answered, rng.randint(3, 15))  # within the deputy's 20 working days
    if story == "follow_up":
        return replace(start, answered=answered, rated=rated)
    revisit = rng.randint(1, 4) if story == "revisited" or (story == "archived" and rng.random() < 0.5) else None
    archive = rng.randint(2, 8) if story == "archived" else None
    room = (days.last - assigned).days // 7
    solved = None
    if closing == "first":
        closed = rated
    else:
        if closing == "solved":
            weeks = rng.randint(16, 24)  # 24 weeks and some days are within six calendar months of any day
        else:
            # 31 to 46 weeks and some days are seven to eleven months; what follows, and the last answer's rating
            # window, end by today.
            weeks = rng.randint(31, max(31, min(46, room - (revisit or 0) - (archive or 0) - 4)))
        closed = days.weeks_after(assigned, weeks, and_days=rng.randint(0, 4))
        solved = max(rated, days.before(closed, rng.randint(5, 15)))
    revisited = days.weeks_after(closed, revisit, and_days=rng.randint(0, 4)) if revisit is not None else None
    archived = days.weeks_after(revisited or closed, archive, and_days=rng.randint(0, 4)) if archive else None
    return replace(
        start,
        answered=answered,
        rated=rated,
        solved=solved,
        closed=closed,
        revisited=revisited,
        archived=archived,
    )


def _parallel_unit(cast: _Cast, lead_unit, codes: list[str]):
    """A unit to handle the matter apart from the lead unit, from the units that take its category's matters."""
    return next(cast.units[code] for code in codes if cast.units[code].pk != lead_unit.pk)


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
        body=demo.congress,
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
    parallel_unit=None,
    rng,
    days: _Days,
    history: History,
):
    """Take one new suggestion along its storyline through the services, each step marked with its day."""
    from suggestions import services
    from suggestions.models import Rating

    history.at(days.filed)
    suggestion = services.suggestion_create(
        body=cast.body,
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
    history.at(days.registered)
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
    history.at(days.assigned)
    services.suggestion_assign(
        suggestion_id=suggestion.pk,
        lead_unit=lead_unit,
        actor=office,
        co_units=[co_unit] if co_unit else [],
        parallel_units=[parallel_unit] if parallel_unit else [],
    )
    assignments = {a.unit_id: a for a in suggestion.assignments.all()}
    lead_assignment = assignments[lead_unit.pk]
    handler = cast.handlers[lead_unit.pk]
    # The education bureau's (the `handler` login's) are left to accept.
    if days.reroute is not None and (story == "returned" or lead_unit.code != "D02"):
        history.at(days.reroute)
        services.assignment_request_reroute(
            assignment_id=lead_assignment.pk, actor=handler, reason="该事项主要职责不在我单位，建议调整承办单位。"
        )
    if story == "returned":
        history.at(days.rerouted)
        return services.assignment_decide_reroute(
            assignment_id=lead_assignment.pk, actor=office, approve=True, note="同意调整，另行研究确定主办单位。"
        ).suggestion
    if story == "assigned":
        return suggestion
    history.at(days.accepted)
    for assignment in assignments.values():
        services.assignment_accept(assignment_id=assignment.pk, actor=cast.handlers[assignment.unit_id])
    history.at(days.handled)
    # Work in progress has its first contact logged; half the finished work shows it too.
    if story in ("handling", "overdue", "answered", *PARALLEL_ROUNDS) or rng.random() < 0.5:
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
    parallel = None
    if parallel_unit is not None:
        # The parallel unit answers for its own part first; the lead unit's answer opens the rating window.
        history.at(days.parallel_answered)
        parallel = services.suggestion_answer(
            assignment_id=assignments[parallel_unit.pk].pk,
            actor=cast.handlers[parallel_unit.pk],
            grade="D",
            text=ANSWERS["D"],
            is_public=False,
        )
    history.at(days.answered)
    grade = {"follow_up": rng.choice("BC"), "rehandling": rng.choice("BCD")}.get(story) or rng.choice("AAAAD")
    if days.solved is not None:
        grade = "B"  # being solved: followed up, and answered again once solved
    public = story in ("closed", "revisited", "archived") and rng.random() < 0.5
    answer = services.suggestion_answer(
        assignment_id=lead_assignment.pk, actor=handler, grade=grade, text=ANSWERS[grade], is_public=public
    )
    if public:
        services.suggestion_publish(suggestion_id=suggestion.pk, actor=office)
    if story == "answered":
        return suggestion
    if parallel is not None:
        # The deputy rates the parallel unit's answer unsatisfied and never rates the lead's.
        history.at(days.rated)
        services.suggestion_rate(
            answer_id=parallel.pk,
            actor=lead.user,
            attitude=Rating.Level.BASICALLY_SATISFIED,
            result=Rating.Level.UNSATISFIED,
            comment="该单位的答复只是原则表态，没有具体措施，希望重新研究办理。",
        )
        if story == "settled":
            # Sent back from its page once the window closed. Counted from today, as the services counted it, the
            # window is still open, and the service would refuse: it is dated first.
            date_rating_windows(suggestion.pk, history)
            history.at(days.settled)
            services.suggestion_settle_round(suggestion_id=suggestion.pk, actor=office)
        return suggestion
    history.at(days.rated)
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
    if days.solved is not None:
        history.at(days.solved)
        solved = services.suggestion_answer(
            assignment_id=lead_assignment.pk, actor=handler, grade="A", text=ANSWERS["A"], is_public=public
        )
        history.at(days.closed)
        services.suggestion_rate(
            answer_id=solved.pk, actor=lead.user, attitude=Rating.Level.SATISFIED, result=Rating.Level.SATISFIED
        )
    if story in ("rehandling", "follow_up", "closed"):
        return suggestion
    if days.revisited is not None:
        history.at(days.revisited)
        services.suggestion_revisit(
            suggestion_id=suggestion.pk, actor=office, note="电话回访代表，代表对办理结果表示认可。"
        )
    if story == "archived":
        history.at(days.archived)
        services.suggestion_archive(suggestion_id=suggestion.pk, actor=office)
    return suggestion


def _invite(suggestion, deputy: Deputy) -> None:
    """Invite a deputy to co-sign, left unconfirmed: their login's to-do list shows it."""
    from suggestions.models import Signer

    if suggestion is not None:
        Signer.objects.get_or_create(suggestion=suggestion, deputy=deputy, defaults={"role": Signer.Role.CO})


def suggestion_counts() -> Counter:
    """Count the demo session's suggestions by status, for the summary and the tests."""
    from suggestions.models import Suggestion

    return Counter(Suggestion.objects.filter(session__number=SESSION_NUMBER).values_list("status", flat=True))
