"""The suggestions API on input an integrator gets wrong: each is a 4xx in the error shape and changes nothing."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from congress.models import Event, Role
from suggestions.models import Assignment, Suggestion
from tests.api.helpers import as_key, as_person, client_key
from tests.api.test_suggestions import invited_draft, step_url
from tests.congress.factories import make_user
from tests.suggestions.factories import drive, loop_cast

pytestmark = pytest.mark.django_db

Status = Suggestion.Status
LIST = "/api/v1/suggestions/"


@pytest.fixture
def cast(county):
    return loop_cast(county)


def unchanged(suggestion: Suggestion, status: str, events: int) -> bool:
    suggestion.refresh_from_db()
    return suggestion.status == status and Event.objects.count() == events


def test_a_body_nested_too_deeply_is_bad_input_not_a_server_error(api, cast):
    as_person(api, cast.deputy)

    response = api.post(LIST, "[" * 100_000 + "]" * 100_000, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert not Suggestion.objects.exists()


def test_a_body_over_the_size_limit_is_a_413_in_the_error_shape(api, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    as_person(api, cast.deputy)
    body = {"title": "关于增设路灯的建议", "content": "长" * 2_000}

    plain = api.post(LIST, body, format="json")
    keyed = api.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="big-1")

    assert plain.status_code == keyed.status_code == 413
    assert plain.json()["error"]["code"] == "too_large"
    assert "1000" in plain.json()["error"]["message"]
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("lead_unit", ["3.7", "1e400", '"abc"', "true", "[1]"])
def test_a_unit_id_that_is_not_a_whole_number_is_refused_and_nothing_changes(api, cast, lead_unit):
    suggestion = drive(cast, to=Status.REGISTERED)
    as_person(api, cast.staff)
    events = Event.objects.count()
    # 3.7 must not find unit 3, nor 1e400 (infinity) break the lookup.
    body = f'{{"lead_unit": {lead_unit.replace("3", str(cast.lead_unit.pk))}}}'

    response = api.post(step_url(suggestion, "assign"), body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert "lead_unit" in response.json()["error"]["fields"]
    assert unchanged(suggestion, Status.REGISTERED, events)
    assert not Assignment.objects.exists()


def test_an_id_given_as_its_digits_still_works(api, cast):
    suggestion = drive(cast, to=Status.REGISTERED)

    response = as_person(api, cast.staff).post(
        step_url(suggestion, "assign"), {"lead_unit": str(cast.lead_unit.pk)}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["lead_unit"] == cast.lead_unit.pk


def test_a_session_filter_of_the_statistics_that_is_not_an_id_says_what_to_give(api, cast):
    response = as_person(api, cast.staff).get(f"{LIST}stats/", {"session": "abc"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["session"] == ["请提供编号：整数，例如 12。"]


# The steps that take no body: (step, how to reach it, who takes it).
BODYLESS = [
    ("submit", lambda cast: drive(cast, to=Status.DRAFT), "deputy"),
    ("cosign", invited_draft, "co_deputy"),
    ("archive", lambda cast: drive(cast, to=Status.CLOSED), "staff"),
]


@pytest.mark.parametrize(("step", "reach", "actor"), BODYLESS, ids=[step for step, *_rest in BODYLESS])
def test_a_step_without_a_body_refuses_a_malformed_one_and_changes_nothing(api, cast, step, reach, actor):
    suggestion = reach(cast)
    as_person(api, getattr(cast, actor))
    status, events = suggestion.status, Event.objects.count()

    malformed = api.post(step_url(suggestion, step), "{not json", content_type="application/json")
    wrong_type = api.post(step_url(suggestion, step), "archive please", content_type="text/plain")

    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "parse_error"
    assert wrong_type.status_code == 415
    assert unchanged(suggestion, status, events)
    assert api.post(step_url(suggestion, step), format="json").status_code == 200


def test_a_client_key_without_the_scope_is_told_which_scope_it_lacks(api, cast):
    suggestion = drive(cast, to=Status.SUBMITTED)
    system = make_user(body=cast.county.committee, roles=[Role.API_CLIENT, Role.OFFICE_STAFF], username="oa")
    as_key(api, client_key(system, ["suggestions:read"]))

    response = api.post(step_url(suggestion, "register"), {}, format="json")
    chinese = api.post(step_url(suggestion, "register"), {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 403
    assert "suggestions:write" in response.json()["error"]["message"]
    assert "suggestions:write" in chinese.json()["error"]["message"]
    assert chinese.json()["error"]["message"] != response.json()["error"]["message"]


@pytest.mark.parametrize("query", [{"year": "2026.5"}, {"closed_within_months": "6.5"}, {"year": "1e3"}])
def test_list_refuses_a_fractional_year_or_month_count(api, cast, query):
    response = as_person(api, cast.staff).get(LIST, query)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == list(query)


def test_schema_documents_the_detail_answer_and_the_none_filter_values():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    detail = schema["paths"]["/api/v1/suggestions/{id}/"]["get"]["responses"]["200"]
    parameters = {item["name"]: item for item in schema["paths"]["/api/v1/suggestions/"]["get"]["parameters"]}

    assert detail["content"]["application/json"]["schema"]["$ref"].endswith("/SuggestionDetail")
    for name in ("session", "unit", "lead_unit", "category"):
        assert {"type": "string", "enum": ["none"]} in parameters[name]["schema"]["oneOf"], name
    assert parameters["year"]["schema"]["type"] == parameters["deputy"]["schema"]["type"] == "integer"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (lambda cast: {"co_units": [cast.lead_unit.pk]}, "co_units"),
        (lambda cast: {"co_units": [cast.co_unit.pk], "parallel_units": [cast.co_unit.pk]}, "parallel_units"),
    ],
)
def test_a_unit_named_twice_is_refused_under_the_field_that_repeats_it(api, cast, body, field):
    suggestion = drive(cast, to=Status.REGISTERED)

    response = as_person(api, cast.staff).post(
        step_url(suggestion, "assign"), {"lead_unit": cast.lead_unit.pk, **body(cast)}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert not Assignment.objects.exists()
