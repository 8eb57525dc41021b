"""Examples the OpenAPI schema shows for the suggestions API: one suggestion's story, told the way the API tells it.

Every value is what the serializers write or accept; tests/api/test_schema_examples.py validates each example
against its own schema, so an example that drifts from the code fails the tests. The story: deputy 张丽华 files a
suggestion on the old residential compounds of 城关镇 with two co-signers; it is registered, put under priority
supervision, assigned to 县住房和城乡建设局 (lead) and 城关镇人民政府 (co-handling), handled with a site meeting,
a co-handling opinion and an approved extension, answered with grade B, rated, closed under follow-up and revisited.
Messages are shown in zh-hans; the API writes them in the request's Accept-Language.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from congress.api.schema import PageExample, error_example, write_error_examples

ORIGIN = "https://rd.example.gov.cn"

# The county's records the examples refer to, by id.
BODY, SESSION, CATEGORY = 3, 6, 4
SUGGESTION = 1024
LEAD_DEPUTY, CO_DEPUTY, CO_DEPUTY_2 = 58, 61, 73
HOUSING_BUREAU, TRANSPORT_BUREAU, EDUCATION_BUREAU, CHENGGUAN_TOWN = 7, 9, 11, 15
LEAD_ASSIGNMENT, CO_ASSIGNMENT = 2051, 2052
EXTENSION, ANSWER = 27, 688
LEADER = 5
# The lead unit's answer deadline as assigned, three months on; the approved extension moved it to 30 June.
FIRST_ANSWER_DUE = "2025-05-20"

TITLE = "关于加快城关镇老旧小区改造的建议"
CONTENT = (
    "城关镇现有2000年以前建成的老旧小区23个，普遍存在管网老化、雨污混流、无电梯、停车难等问题，居民反映强烈。"
    "建议：一是将东门、西街等问题突出的小区优先纳入2025年改造计划；二是统筹中央补助资金、地方政府专项债券和社会资本，"
    "拓宽改造资金渠道；三是改造前充分征求居民意见，同步增设停车位和充电设施。"
)
ANSWER_TEXT = (
    "张丽华代表：您领衔提出的《关于加快城关镇老旧小区改造的建议》收悉，现答复如下：一、我局会同城关镇人民政府将东门、"
    "西街等7个老旧小区纳入2025年改造计划，总投资约3860万元，已争取中央补助资金2100万元；二、改造内容包括雨污分流、"
    "管网更新、加装电梯和增设停车位、充电桩，东门小区已于6月开工，其余6个小区计划于10月底前全部开工；三、建立小区"
    "居民议事会制度，改造方案经三分之二以上居民同意后实施。感谢您对住房和城乡建设工作的关心和支持。"
)
CO_OPINION_TEXT = (
    "城关镇人民政府同意主办单位的改造方案，负责做好居民意见征集和施工期间的协调工作；东门、西街小区增设停车位所需"
    "用地由镇里协调解决。"
)
CONTACT_PARTICIPANTS = "张丽华代表、陈国平代表，县住建局副局长王磊，城关镇副镇长周敏，东门社区居民代表"
CONTACT_SUMMARY = (
    "实地察看东门、西街小区管网和停车情况，现场商定改造方案和施工时序，代表同意先改造问题最突出的东门小区。"
)
EXTENSION_REASON = "中央补助资金预计6月下达，改造方案需待资金落实后报县政府常务会议审定，申请延期至6月30日答复。"
RATING_COMMENT = "改造已经开工，希望加快进度，年底前全部完工。"


def _suggestion_row(**values) -> dict:
    """A suggestion as the list writes it; `values` override this story's suggestion."""
    return {
        "id": SUGGESTION,
        "body": BODY,
        "session": SESSION,
        "year": 2025,
        "number": 12,
        "reference": "第四次会议第0012号",
        "title": TITLE,
        "status": "revisited",
        "source": "deputy",
        "category": CATEGORY,
        "category_name": "城乡建设",
        "lead_deputy": LEAD_DEPUTY,
        "lead_deputy_name": "张丽华",
        "lead_unit": HOUSING_BUREAU,
        "lead_unit_name": "县住房和城乡建设局",
        "is_priority": True,
        "is_public": False,
        "due_date": None,
        "is_overdue": False,
        "latest_grade": "B",
        "submitted_at": "2025-01-08T17:10:00+08:00",
        "registered_at": "2025-01-15T10:00:00+08:00",
        "assigned_at": "2025-02-20T09:30:00+08:00",
        "answered_at": "2025-06-25T15:00:00+08:00",
        "closed_at": "2025-07-10T16:00:00+08:00",
        "created_at": "2025-01-08T15:20:00+08:00",
        "updated_at": "2025-07-18T10:30:00+08:00",
        **values,
    }


def _signers() -> list[dict]:
    return [
        {
            "id": 4301,
            "deputy": LEAD_DEPUTY,
            "deputy_name": "张丽华",
            "role": "lead",
            "invited_at": "2025-01-08T15:20:00+08:00",
            "confirmed_at": "2025-01-08T15:20:00+08:00",
        },
        {
            "id": 4302,
            "deputy": CO_DEPUTY,
            "deputy_name": "陈国平",
            "role": "co",
            "invited_at": "2025-01-08T15:20:00+08:00",
            "confirmed_at": "2025-01-08T16:05:00+08:00",
        },
        {
            "id": 4303,
            "deputy": CO_DEPUTY_2,
            "deputy_name": "刘红梅",
            "role": "co",
            "invited_at": "2025-01-08T15:20:00+08:00",
            "confirmed_at": "2025-01-08T16:40:00+08:00",
        },
    ]


def _event(
    pk: int, kind: str, at: str, actor: int, actor_name: str, *, states=("", ""), note: str = "", data=None
) -> dict:
    return {
        "id": pk,
        "kind": kind,
        "from_state": states[0],
        "to_state": states[1],
        "note": note,
        "data": data or {},
        "actor": actor,
        "actor_name": actor_name,
        "created_at": at,
    }


CONTACT = {
    "id": 311,
    "assignment": LEAD_ASSIGNMENT,
    "method": "meeting",
    "stage": "during",
    "contacted_on": "2025-04-10",
    "participants": CONTACT_PARTICIPANTS,
    "summary": CONTACT_SUMMARY,
    "logged_at": "2025-04-10T17:00:00+08:00",
}
CO_OPINION = {"id": 96, "assignment": CO_ASSIGNMENT, "text": CO_OPINION_TEXT, "sent_at": "2025-03-14T16:30:00+08:00"}
EXTENSION_PENDING = {
    "id": EXTENSION,
    "assignment": LEAD_ASSIGNMENT,
    "reason": EXTENSION_REASON,
    "requested_until": "2025-06-30",
    "status": "pending",
    "requested_at": "2025-05-12T11:00:00+08:00",
    "decided_at": None,
    "decision_note": "",
}
RATING = {
    "id": 540,
    "answer": ANSWER,
    "deputy": LEAD_DEPUTY,
    "deputy_name": "张丽华",
    "attitude": "satisfied",
    "result": "basically_satisfied",
    "comment": RATING_COMMENT,
    "rated_at": "2025-07-02T20:15:00+08:00",
}


def _answer(*, ratings: list[dict]) -> dict:
    return {
        "id": ANSWER,
        "assignment": LEAD_ASSIGNMENT,
        "unit": HOUSING_BUREAU,
        "unit_name": "县住房和城乡建设局",
        "kind": "first",
        "grade": "B",
        "text": ANSWER_TEXT,
        "is_public": True,
        "answered_at": "2025-06-25T15:00:00+08:00",
        "rating_due": "2025-07-23",
        "letter_name": "关于第0012号建议的答复函.pdf",
        "letter_url": f"{ORIGIN}/api/v1/suggestions/{SUGGESTION}/answers/{ANSWER}/letter/",
        "ratings": ratings,
    }


DETAIL = {
    **_suggestion_row(),
    "content": CONTENT,
    "reject_reason": "",
    "reject_note": "",
    "supervising_leader": LEADER,
    "supervising_leader_name": "李卫东",
    "signers": _signers(),
    "assignments": [
        {
            "id": LEAD_ASSIGNMENT,
            "unit": HOUSING_BUREAU,
            "unit_name": "县住房和城乡建设局",
            "role": "lead",
            "status": "answered",
            "assigned_at": "2025-02-20T09:30:00+08:00",
            "reroute_deadline": "2025-03-03",
            "reroute_reason": "",
            "co_opinion_due": None,
            "answer_due": "2025-06-30",
            "hard_deadline": "2025-08-20",
            "accepted_at": "2025-02-21T10:12:00+08:00",
            "completed_at": "2025-06-25T15:00:00+08:00",
            "contacts": [CONTACT],
            "co_opinion": None,
            "extension_requests": [
                {
                    **EXTENSION_PENDING,
                    "status": "approved",
                    "decided_at": "2025-05-14T09:40:00+08:00",
                    "decision_note": "同意延期至6月30日。",
                }
            ],
        },
        {
            "id": CO_ASSIGNMENT,
            "unit": CHENGGUAN_TOWN,
            "unit_name": "城关镇人民政府",
            "role": "co",
            "status": "opinion_sent",
            "assigned_at": "2025-02-20T09:30:00+08:00",
            "reroute_deadline": "2025-03-03",
            "reroute_reason": "",
            "co_opinion_due": "2025-03-20",
            "answer_due": None,
            "hard_deadline": None,
            "accepted_at": "2025-02-24T09:05:00+08:00",
            "completed_at": "2025-03-14T16:30:00+08:00",
            "contacts": [],
            "co_opinion": CO_OPINION,
            "extension_requests": [],
        },
    ],
    "answers": [_answer(ratings=[RATING])],
    "timeline": [
        _event(
            9001,
            "suggestion_created",
            "2025-01-08T15:20:00+08:00",
            88,
            "张丽华",
            states=("", "draft"),
            data={"source": "deputy", "cosigners": [CO_DEPUTY, CO_DEPUTY_2], "cosigners_confirmed": False},
        ),
        _event(9002, "suggestion_cosigned", "2025-01-08T16:05:00+08:00", 91, "陈国平", data={"deputy": CO_DEPUTY}),
        _event(9003, "suggestion_cosigned", "2025-01-08T16:40:00+08:00", 95, "刘红梅", data={"deputy": CO_DEPUTY_2}),
        _event(9004, "suggestion_submitted", "2025-01-08T17:10:00+08:00", 88, "张丽华", states=("draft", "submitted")),
        _event(
            9010,
            "suggestion_registered",
            "2025-01-15T10:00:00+08:00",
            12,
            "刘洋",
            states=("submitted", "registered"),
            data={"number": 12, "unconfirmed_cosigners": []},
        ),
        _event(
            9011,
            "suggestion_prioritized",
            "2025-02-18T15:00:00+08:00",
            3,
            "王建华",
            note="经主任会议研究，列为重点督办建议，由李卫东副主任督办。",
            data={"supervising_leader": LEADER},
        ),
        _event(
            9020,
            "suggestion_assigned",
            "2025-02-20T09:30:00+08:00",
            12,
            "刘洋",
            states=("registered", "assigned"),
            data={
                "lead": HOUSING_BUREAU,
                "co": [CHENGGUAN_TOWN],
                "parallel": [],
                "answer_due": FIRST_ANSWER_DUE,
                "reroute_deadline": "2025-03-03",
            },
        ),
        _event(
            9021,
            "assignment_accepted",
            "2025-02-21T10:12:00+08:00",
            41,
            "王磊",
            states=("assigned", "accepted"),
            data={
                "assignment": LEAD_ASSIGNMENT,
                "unit": HOUSING_BUREAU,
                "unit_name": "县住房和城乡建设局",
                "role": "lead",
            },
        ),
        _event(
            9022,
            "suggestion_handling_started",
            "2025-02-21T10:12:00+08:00",
            41,
            "王磊",
            states=("assigned", "handling"),
        ),
        _event(
            9023,
            "assignment_accepted",
            "2025-02-24T09:05:00+08:00",
            45,
            "周敏",
            states=("assigned", "accepted"),
            data={"assignment": CO_ASSIGNMENT, "unit": CHENGGUAN_TOWN, "unit_name": "城关镇人民政府", "role": "co"},
        ),
        _event(
            9030,
            "co_opinion_sent",
            "2025-03-14T16:30:00+08:00",
            45,
            "周敏",
            states=("accepted", "opinion_sent"),
            data={"assignment": CO_ASSIGNMENT, "unit": CHENGGUAN_TOWN, "late": False},
        ),
        _event(
            9031,
            "contact_logged",
            "2025-04-10T17:00:00+08:00",
            41,
            "王磊",
            data={"assignment": LEAD_ASSIGNMENT, "contact": CONTACT["id"], "method": "meeting", "stage": "during"},
        ),
        _event(
            9040,
            "extension_requested",
            "2025-05-12T11:00:00+08:00",
            41,
            "王磊",
            states=("", "pending"),
            note=EXTENSION_REASON,
            data={"assignment": LEAD_ASSIGNMENT, "request": EXTENSION, "requested_until": "2025-06-30"},
        ),
        _event(
            9041,
            "extension_approved",
            "2025-05-14T09:40:00+08:00",
            12,
            "刘洋",
            states=("pending", "approved"),
            note="同意延期至6月30日。",
            data={
                "assignment": LEAD_ASSIGNMENT,
                "request": EXTENSION,
                "requested_until": "2025-06-30",
                "previous_due": FIRST_ANSWER_DUE,
            },
        ),
        _event(
            9050,
            "answer_given",
            "2025-06-25T15:00:00+08:00",
            41,
            "王磊",
            states=("accepted", "answered"),
            data={
                "assignment": LEAD_ASSIGNMENT,
                "unit": HOUSING_BUREAU,
                "unit_name": "县住房和城乡建设局",
                "answer": ANSWER,
                "grade": "B",
                "without_co_opinions": [],
                "late": False,
            },
        ),
        _event(
            9051,
            "suggestion_answered",
            "2025-06-25T15:00:00+08:00",
            41,
            "王磊",
            states=("handling", "answered"),
            data={"rating_due": "2025-07-23", "answers": [ANSWER], "grade": "B"},
        ),
        _event(
            9060,
            "answer_rated",
            "2025-07-02T20:15:00+08:00",
            88,
            "张丽华",
            data={
                "answer": ANSWER,
                "unit": HOUSING_BUREAU,
                "unit_name": "县住房和城乡建设局",
                "grade": "B",
                "attitude": "satisfied",
                "result": "basically_satisfied",
                "late": False,
            },
        ),
        _event(
            9061,
            "suggestion_follow_up",
            "2025-07-02T20:15:00+08:00",
            88,
            "张丽华",
            states=("answered", "follow_up"),
            # Follow-up has no date: the unit answers again once the matter is solved.
            data={"assignments": [LEAD_ASSIGNMENT], "unit_names": ["县住房和城乡建设局"], "answer_due": None},
        ),
        _event(
            9065,
            "suggestion_closed",
            "2025-07-10T16:00:00+08:00",
            12,
            "刘洋",
            states=("follow_up", "closed"),
            note="改造项目已全部落实资金并陆续开工，转入跟踪落实，同意办结。",
            # Rated, but closed before the second answer a B grade owes: the note says why.
            data={"rated": True, "without_second_answer": True, "grade": "B", "awaiting_answers": [ANSWER]},
        ),
        _event(
            9070,
            "suggestion_revisited",
            "2025-07-18T10:30:00+08:00",
            12,
            "刘洋",
            states=("closed", "revisited"),
            note="7月18日电话回访张丽华代表，代表对办理结果表示基本满意。",
        ),
    ],
}

CREATED = {
    **_suggestion_row(
        number=None,
        reference="",
        status="submitted",
        source="api",
        lead_unit=None,
        lead_unit_name=None,
        is_priority=False,
        latest_grade="",
        registered_at=None,
        assigned_at=None,
        answered_at=None,
        closed_at=None,
        updated_at="2025-01-08T17:10:00+08:00",
        submitted_at="2025-01-08T17:10:00+08:00",
        created_at="2025-01-08T17:10:00+08:00",
    ),
    "content": CONTENT,
    "reject_reason": "",
    "reject_note": "",
    "supervising_leader": None,
    "supervising_leader_name": None,
    # Co-signers who signed the paper copy are confirmed when the suggestion is filed.
    "signers": [
        {**signer, "invited_at": "2025-01-08T17:10:00+08:00", "confirmed_at": "2025-01-08T17:10:00+08:00"}
        for signer in _signers()
    ],
    "assignments": [],
    "answers": [],
    "timeline": [
        _event(
            9001,
            "suggestion_created",
            "2025-01-08T17:10:00+08:00",
            30,
            "县政务OA",
            states=("", "draft"),
            data={"source": "api", "cosigners": [CO_DEPUTY, CO_DEPUTY_2], "cosigners_confirmed": True},
        ),
        _event(
            9002, "suggestion_submitted", "2025-01-08T17:10:00+08:00", 30, "县政务OA", states=("draft", "submitted")
        ),
    ],
}


# Filing

CREATE_EXAMPLES = [
    OpenApiExample(
        "OnBehalfOfDeputy",
        summary="A county system files a deputy's suggestion with two co-signers, submitted at once",
        description=(
            "The caller's login holds the office-staff role; the co-signers signed the paper copy "
            "(cosigners_confirmed), so they need not confirm online."
        ),
        value={
            "lead_deputy": LEAD_DEPUTY,
            "title": TITLE,
            "content": CONTENT,
            "session": SESSION,
            "category": CATEGORY,
            "cosigner_ids": [CO_DEPUTY, CO_DEPUTY_2],
            "cosigners_confirmed": True,
            "submit": True,
        },
        request_only=True,
    ),
    OpenApiExample(
        "DeputyOwnDraft",
        summary="A deputy keeps a draft of their own and invites two co-signers",
        description="Each invited deputy confirms from their own login with POST …/cosign/.",
        value={"title": TITLE, "content": CONTENT, "session": SESSION, "cosigner_ids": [CO_DEPUTY, CO_DEPUTY_2]},
        request_only=True,
    ),
    OpenApiExample(
        "Filed",
        summary="Filed and submitted: under review, not yet registered",
        value=CREATED,
        response_only=True,
        status_codes=["201"],
    ),
    *write_error_examples(invalid={"title": ["该字段不能为空。"]}, conflict=None),
]


# Reading

_CURSOR = "cD0yMDI1LTAxLTA5KzAxJTNBNDElM0EwMCUyQjAwJTNBMDA%3D"
LIST_EXAMPLES = [
    PageExample(
        "FirstPage",
        summary="The first page of a session's suggestions, two a page (?session=6&page_size=2)",
        description="Follow next, as given, for the following page; previous is null on the first page.",
        value={
            "next": f"{ORIGIN}/api/v1/suggestions/?cursor={_CURSOR}&page_size=2&session={SESSION}",
            "previous": None,
            "results": [
                _suggestion_row(
                    id=1187,
                    number=57,
                    reference="第四次会议第0057号",
                    title="关于在县城新建一所公办幼儿园的建议",
                    status="handling",
                    category=5,
                    category_name="教育",
                    lead_deputy=64,
                    lead_deputy_name="赵文静",
                    lead_unit=EDUCATION_BUREAU,
                    lead_unit_name="县教育局",
                    is_priority=False,
                    due_date="2025-05-20",
                    latest_grade="",
                    submitted_at="2025-01-09T10:02:00+08:00",
                    registered_at="2025-01-16T09:20:00+08:00",
                    answered_at=None,
                    closed_at=None,
                    created_at="2025-01-09T09:55:00+08:00",
                    updated_at="2025-02-24T14:31:00+08:00",
                ),
                _suggestion_row(
                    id=1186,
                    number=56,
                    reference="第四次会议第0056号",
                    title="关于缓解国道318线城区段交通拥堵的建议",
                    status="assigned",
                    category=6,
                    category_name="交通",
                    lead_deputy=CO_DEPUTY,
                    lead_deputy_name="陈国平",
                    lead_unit=TRANSPORT_BUREAU,
                    lead_unit_name="县交通运输局",
                    is_priority=False,
                    due_date="2025-05-20",
                    latest_grade="",
                    submitted_at="2025-01-09T09:48:00+08:00",
                    registered_at="2025-01-16T09:18:00+08:00",
                    answered_at=None,
                    closed_at=None,
                    created_at="2025-01-09T09:41:00+08:00",
                    updated_at="2025-02-20T09:30:00+08:00",
                ),
            ],
        },
        response_only=True,
    ),
]

RETRIEVE_EXAMPLES = [
    OpenApiExample(
        "Revisited",
        summary="Handled by a lead and a co-handling unit, answered (grade B), rated, closed and revisited",
        description=(
            "Contacts, the co-handling opinion and extension requests, and every answer, come only to those taking "
            "part in the handling; anyone else who may see the suggestion reads its published answers."
        ),
        value=DETAIL,
        response_only=True,
    )
]


# Steps: the request bodies, the objects some steps create, and their typical errors.


def _request(name: str, summary: str, value: dict, **kwargs) -> OpenApiExample:
    return OpenApiExample(name, summary=summary, value=value, request_only=True, **kwargs)


def _created(name: str, summary: str, value: dict) -> OpenApiExample:
    return OpenApiExample(name, summary=summary, value=value, response_only=True, status_codes=["201"])


def repeated_step_message(state: str) -> str:
    """The 409 of a step taken twice (congress.workflow.ensure_transition), in zh-hans."""
    return f"该记录已经是“{state}”，可能刚有人办理过这一步，无需重复操作。"


def disallowed_step_message(current: str, target: str) -> str:
    """The 409 of a step the record's state does not allow (congress.workflow.ensure_transition), in zh-hans."""
    return f"该记录当前为“{current}”，不能转为“{target}”；可能刚被他人处理，请刷新后重试。"


NOTE_TOO_LONG = {"note": ["请确保这个字段不能超过 2000 个字符。"]}
# The 400 of closing a B or C matter before its second answer without a reason (suggestion_close), rated or not,
# in zh-hans.
CLOSE_REASON_REQUIRED = "该建议答复为%(grade)s类，此后尚未作第二次答复；请说明未作第二次答复即办结的理由。"
# The 409 of closing unrated while the deputy may still rate (suggestion_close), in zh-hans.
RATING_WINDOW_OPEN = "代表可在%(date)s前评价，期满仍未评价的方可办结。"
# The 409s of closing an answered suggestion whose round has an answer rated unsatisfied (suggestion_close), in
# zh-hans: while the deputy may still rate the others (sending it back then is refused alike, by
# suggestion_settle_round), and once the window has passed (nothing is changed: the office sends it back with
# settle-round or from the suggestion's page, or the hourly sweep does).
UNSATISFIED_ROUND = (
    "代表对%(units)s的答复评价为不满意，该建议应重新办理，不能办结：其余答复评价后即退回重新办理；"
    "至%(date)s仍未评价的，期满后退回。"
)
LAPSED_UNSATISFIED_ROUND = (
    "不能办结：代表对%(units)s的答复评价为不满意，该建议应退回%(units)s重新办理。"
    "可在建议页面点击“现在退回重新办理”立即退回，否则系统将在一小时内自动退回。"
)
# The 409 of sending a round back for re-handling when none of its answers is rated unsatisfied
# (suggestion_settle_round), in zh-hans.
NOTHING_UNSATISFIED = "本轮答复中没有评价为不满意的，无需退回重新办理。"
# A step that takes no body still refuses one that is not a JSON object (or empty).
NOT_AN_OBJECT = {"non_field_errors": ["无效数据。期待为字典类型，得到的是 list 。"]}

STEP_EXAMPLES: dict[str, list[OpenApiExample]] = {
    "submit": write_error_examples(invalid=NOT_AN_OBJECT, conflict=repeated_step_message("已提交，审查中")),
    "withdraw": [
        _request(
            "Withdraw", "The lead deputy withdraws it, saying why", {"note": "已与县住建局当面沟通，问题已解决。"}
        ),
        *write_error_examples(invalid=NOTE_TOO_LONG, conflict=disallowed_step_message("已交办", "已撤回")),
    ],
    "cosign": write_error_examples(invalid=NOT_AN_OBJECT, conflict="您已附议该建议。"),
    "register": [
        _request("Register", "Register it under a category", {"category": CATEGORY}),
        _request("RegisterKeepCategory", "Register it, keeping the category it was filed with", {}),
        *write_error_examples(
            invalid={"category": ["无效主键 “99” － 对象不存在。"]},
            conflict="只有审查中的建议才能立案，这件建议目前为“已立案”。",
        ),
    ],
    "reject": [
        _request(
            "Reject",
            "Not registered: a personal matter, passed to the petition office",
            {
                "reason": "personal_matter",
                "note": "所提事项属代表亲属个人诉求，不符合代表建议立案条件，已转县信访局依法处理。",
            },
        ),
        *write_error_examples(
            invalid={"reason": ["“other” 不是合法选项。"]}, conflict=repeated_step_message("不予立案")
        ),
    ],
    "assign": [
        _request(
            "LeadAndCoUnit",
            "A lead unit and a co-handling unit",
            {"lead_unit": HOUSING_BUREAU, "co_units": [CHENGGUAN_TOWN], "parallel_units": []},
        ),
        *write_error_examples(
            invalid={"co_units": ["同一单位在一件建议中只能承担一种角色。"]}, conflict=repeated_step_message("已交办")
        ),
    ],
    "accept": [
        _request("Accept", "The lead unit accepts its assignment", {"assignment_id": LEAD_ASSIGNMENT}),
        *write_error_examples(
            invalid={"assignment_id": ["该建议没有这项交办。"]}, conflict=repeated_step_message("已签收")
        ),
    ],
    "request-reroute": [
        _request(
            "RequestReroute",
            "The lead unit asks, within the window, to be re-routed",
            {
                "assignment_id": LEAD_ASSIGNMENT,
                "reason": "建议所提国道拥堵治理属县交通运输局职责，申请调整承办单位。",
            },
        ),
        *write_error_examples(invalid={"reason": ["该字段是必填项。"]}, conflict=repeated_step_message("已申请调整")),
    ],
    "decide-reroute": [
        _request(
            "Approve",
            "Approve, naming the unit that takes over",
            {
                "assignment_id": LEAD_ASSIGNMENT,
                "approve": True,
                "note": "同意调整，改由县交通运输局主办。",
                "new_unit": TRANSPORT_BUREAU,
            },
        ),
        _request(
            "Refuse",
            "Refuse: the unit keeps it",
            {"assignment_id": LEAD_ASSIGNMENT, "approve": False, "note": "该事项属本单位职责范围，请继续办理。"},
        ),
        *write_error_examples(invalid={"approve": ["必须是有效的布尔值。"]}, conflict=repeated_step_message("待签收")),
    ],
    "contact": [
        _request(
            "SiteMeeting",
            "A site meeting with the deputies during handling",
            {key: CONTACT[key] for key in ("method", "stage", "contacted_on", "participants", "summary")}
            | {"assignment_id": LEAD_ASSIGNMENT},
        ),
        _created("Logged", "The contact as logged", CONTACT),
        *write_error_examples(
            invalid={"contacted_on": ["日期格式错误。请从这些格式中选择：YYYY-MM-DD。"]},
            conflict="该建议已归档，不能再登记沟通情况。",
        ),
    ],
    "co-opinion": [
        _request(
            "CoOpinion",
            "The co-handling unit's opinion to the lead unit",
            {"assignment_id": CO_ASSIGNMENT, "text": CO_OPINION_TEXT},
        ),
        _created("Sent", "The opinion as sent", CO_OPINION),
        *write_error_examples(
            invalid={"text": ["该字段是必填项。"]}, conflict=repeated_step_message("已向主办单位提出意见")
        ),
    ],
    "request-extension": [
        _request(
            "RequestExtension",
            "Ask to answer by a later date",
            {"assignment_id": LEAD_ASSIGNMENT, "reason": EXTENSION_REASON, "requested_until": "2025-06-30"},
        ),
        _created("Requested", "The request, awaiting the office's decision", EXTENSION_PENDING),
        *write_error_examples(
            invalid={"requested_until": ["申请日期应晚于当前答复期限2025年5月20日。"]},
            conflict="该建议已有待审批的延期申请。",
        ),
    ],
    "decide-extension": [
        _request(
            "Approve",
            "Approve the extension",
            {"extension_id": EXTENSION, "approve": True, "note": "同意延期至6月30日。"},
        ),
        *write_error_examples(
            invalid={"extension_id": ["该建议没有这项延期申请。"]}, conflict=repeated_step_message("已批准")
        ),
    ],
    "answer": [
        _request(
            "WithLetter",
            "Grade B, with the signed and stamped reply letter (multipart/form-data)",
            {
                "assignment_id": LEAD_ASSIGNMENT,
                "grade": "B",
                "text": ANSWER_TEXT,
                "letter": "关于第0012号建议的答复函.pdf",
                "is_public": True,
            },
            description=(
                "letter is the file part of the form, e.g. curl -X POST "
                f"{ORIGIN}/api/v1/suggestions/{SUGGESTION}/answer/ -H 'Authorization: Token …' "
                "-H 'Idempotency-Key: …' -F assignment_id=2051 -F grade=B -F text=… "
                "-F 'letter=@关于第0012号建议的答复函.pdf' -F is_public=true"
            ),
            media_type="multipart/form-data",
        ),
        _request(
            "WithoutLetter",
            "Grade B, without a letter (JSON)",
            {"assignment_id": LEAD_ASSIGNMENT, "grade": "B", "text": ANSWER_TEXT, "is_public": True},
        ),
        _created("Answered", "The answer, awaiting the deputy's rating", _answer(ratings=[])),
        *write_error_examples(invalid={"grade": ["“E” 不是合法选项。"]}, conflict=repeated_step_message("已答复")),
    ],
    "rate": [
        _request(
            "Rate",
            "The lead deputy rates the attitude and the result",
            {"answer_id": ANSWER, "attitude": "satisfied", "result": "basically_satisfied", "comment": RATING_COMMENT},
        ),
        _created("Rated", "The rating as recorded", RATING),
        *write_error_examples(invalid={"attitude": ["“good” 不是合法选项。"]}, conflict="该建议当前不需要您评价。"),
    ],
    "close": [
        _request(
            "CloseWithoutSecondAnswer",
            "Close it under follow-up before the unit's second answer, saying why (the note is required)",
            {"note": "改造项目已全部落实资金并陆续开工，转入跟踪落实，同意办结。"},
        ),
        _request("CloseAfterSecondAnswer", "Close it under follow-up after the unit's second answer", {}),
        _request(
            "CloseUnratedWithoutSecondAnswer",
            "Close it unrated after the rating window, its answer graded B or C, saying why (the note is required)",
            {"note": "代表逾期未评价；该项目受用地条件限制，本届内难以实施，已向代表当面说明，同意办结。"},
        ),
        _request("CloseUnrated", "Close it unrated after the rating window, its answer graded A or D", {}),
        *write_error_examples(
            invalid={"note": [CLOSE_REASON_REQUIRED % {"grade": "B"}]}, conflict=repeated_step_message("已办结")
        ),
        error_example(
            "RatingWindowOpen",
            409,
            code="conflict",
            message=RATING_WINDOW_OPEN % {"date": "2025年4月14日"},
            summary="Answered, not yet rated, and the deputy may still rate: it cannot be closed yet",
        ),
        error_example(
            "UnsatisfiedRating",
            409,
            code="conflict",
            message=UNSATISFIED_ROUND % {"units": "县住建局", "date": "2025年4月14日"},
            summary="A parallel unit's answer is rated unsatisfied, another not yet: it goes back, never to closing",
        ),
        error_example(
            "UnsatisfiedRoundLapsed",
            409,
            code="conflict",
            message=LAPSED_UNSATISFIED_ROUND % {"units": "县住建局"},
            summary="The window passed with an answer rated unsatisfied: nothing changed, it goes back to re-handling",
        ),
    ],
    "settle-round": [
        *write_error_examples(invalid=NOT_AN_OBJECT, conflict=repeated_step_message("重新办理")),
        error_example(
            "UnsatisfiedRatingWindowOpen",
            409,
            code="conflict",
            message=UNSATISFIED_ROUND % {"units": "县住建局", "date": "2025年4月14日"},
            summary="The deputy may still rate the other answers: it goes back once they are rated, or after the date",
        ),
        error_example(
            "NothingUnsatisfied",
            409,
            code="conflict",
            message=NOTHING_UNSATISFIED,
            summary="No answer of the round is rated unsatisfied: there is nothing to send back",
        ),
    ],
    "revisit": [
        _request("Revisit", "Record the revisit", {"note": "7月18日电话回访张丽华代表，代表对办理结果表示基本满意。"}),
        *write_error_examples(invalid={"note": ["该字段是必填项。"]}, conflict=repeated_step_message("已回访")),
    ],
    "archive": write_error_examples(invalid=NOT_AN_OBJECT, conflict=repeated_step_message("已归档")),
    "prioritize": [
        _request(
            "Prioritize",
            "Put it under priority supervision, with its supervising leader",
            {"priority": True, "supervising_leader": LEADER, "note": "经主任会议研究，列为重点督办建议。"},
        ),
        _request(
            "TakeOff", "Take it off priority supervision", {"priority": False, "note": "已办结，不再列为重点督办。"}
        ),
        *write_error_examples(
            invalid={"supervising_leader": ["无效主键 “99” － 对象不存在。"]},
            conflict="只有已立案且未归档的建议可以列为重点督办。",
        ),
    ],
    "publish": [
        _request("Publish", "Publish it on the public pages", {"public": True}),
        _request("TakeDown", "Take it down", {"public": False}),
        *write_error_examples(invalid={"public": ["必须是有效的布尔值。"]}, conflict=None),
    ],
}


# Statistics

_ASSIGNED = "status=assigned&status=handling&status=answered&status=rehandling&status=follow_up"
_ANSWERED = "status=answered&status=rehandling&status=follow_up&status=closed&status=revisited&status=archived"
_CLOSED = "status=closed&status=revisited&status=archived"


def _stats_row(label: str, key: str | None, rank: int | None, counts: dict[str, int]) -> dict:
    """A row of the statistics with its rates and their list filters, as suggestions.stats writes them."""
    scope = "assigned=true" + (f"&lead_unit={key}" if key else "")
    assigned = f"{scope}&{_ASSIGNED}&{_CLOSED}"
    answered = f"{scope}&{_ANSWERED}"

    def rate(numerator: str, denominator: str, numerator_query: str, denominator_query: str) -> dict:
        below = counts[denominator]
        return {
            "numerator": counts[numerator],
            "denominator": below,
            "rate": counts[numerator] / below if below else None,
            "numerator_query": numerator_query,
            "denominator_query": denominator_query,
        }

    return {
        "label": label,
        "key": key,
        "rank": rank,
        "counts": counts,
        "rates": {
            "answer": rate("answered", "assigned", answered, assigned),
            "completion": rate("closed", "assigned", f"{scope}&{_CLOSED}", assigned),
            "completion_6m": rate("closed_6m", "assigned", f"{scope}&{_CLOSED}&closed_within_months=6", assigned),
            "satisfaction": rate(
                "satisfied",
                "rated",
                f"{answered}&satisfaction=satisfied&satisfaction=basically_satisfied",
                f"{answered}&rated=true",
            ),
            "solved": rate("grade_a", "answered", f"{answered}&grade=A", answered),
        },
    }


def _counts(assigned, answered, closed, closed_6m, grade_a, rated, satisfied) -> dict[str, int]:
    return {
        "assigned": assigned,
        "answered": answered,
        "closed": closed,
        "closed_6m": closed_6m,
        "grade_a": grade_a,
        "rated": rated,
        "not_rated": answered - rated,
        "satisfied": satisfied,
        "unsatisfied": rated - satisfied,
    }


_UNITS = [
    ("县交通运输局", TRANSPORT_BUREAU, _counts(12, 12, 11, 11, 8, 12, 11)),
    ("县住房和城乡建设局", HOUSING_BUREAU, _counts(18, 18, 15, 14, 11, 16, 16)),
    ("城关镇人民政府", CHENGGUAN_TOWN, _counts(9, 8, 6, 5, 4, 7, 7)),
]
STATS_EXAMPLES = [
    OpenApiExample(
        "ByUnit",
        value="unit",
        summary="Group by lead unit",
        parameter_only=("group_by", OpenApiParameter.QUERY),
    ),
    OpenApiExample(
        "ByUnitRankedByCompletion",
        summary="group_by=unit: the lead units ranked by completion rate (the default rank_by)",
        value={
            "group_by": "unit",
            "total": _stats_row(
                "全部",
                None,
                None,
                {name: sum(counts[name] for _label, _key, counts in _UNITS) for name in _UNITS[0][2]},
            ),
            "groups": [
                _stats_row(label, str(key), rank, counts) for rank, (label, key, counts) in enumerate(_UNITS, start=1)
            ],
        },
        response_only=True,
    ),
]
