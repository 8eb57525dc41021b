"""The OpenAPI schema's examples: each one fits its own schema, so an example cannot drift from the serializers."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from jsonschema import Draft202012Validator, FormatChecker
from rest_framework import exceptions

from congress.api.exceptions import error_body
from congress.api.schema import FORBIDDEN_MESSAGE, IDEMPOTENCY_MISMATCH_MESSAGE, INVALID_MESSAGE
from congress.workflow import WorkflowError, ensure, ensure_transition
from suggestions.api.examples import CLOSE_REASON_REQUIRED, disallowed_step_message, repeated_step_message
from suggestions.models import Answer, Suggestion
from suggestions.services.closing import reason_required_message

HTTP_METHODS = ("get", "put", "patch", "post", "delete")
# The errors every write in the suggestions API shows an example of.
WRITE_ERRORS = ("400", "403", "409")


def _load_document() -> dict:
    """Build the schema the API serves, without a request (collection time has no database)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


def to_json_schema(schema):
    """Turn an OpenAPI 3.0 schema object into JSON Schema 2020-12, with objects closed to unknown fields.

    OpenAPI 3.0 writes `nullable: true` where JSON Schema wants a "null" type; and an object schema that does
    not say otherwise allows any extra field, which would let an example keep a field the serializer dropped.
    """
    if not isinstance(schema, dict):
        return schema
    result = {key: value for key, value in schema.items() if key not in ("nullable", "readOnly", "writeOnly")}
    if "properties" in result:
        result["properties"] = {name: to_json_schema(value) for name, value in result["properties"].items()}
        result.setdefault("additionalProperties", False)
    for key in ("items", "additionalProperties", "not"):
        if isinstance(result.get(key), dict):
            result[key] = to_json_schema(result[key])
    for key in ("allOf", "anyOf", "oneOf"):
        if key in result:
            result[key] = [to_json_schema(value) for value in result[key]]
    if schema.get("nullable"):
        if isinstance(result.get("type"), str) and "enum" not in result:
            result["type"] = [result["type"], "null"]
        else:
            result = {"anyOf": [result, {"type": "null"}]}
    return result


FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_moment(value) -> bool:
    # As the API writes them: ISO 8601 with an offset.
    return not isinstance(value, str) or dt.datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("uri")
def _is_absolute_url(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _examples(document: dict):
    """Yield (where, schema, example) for every example of a parameter, request body or response."""
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                for name, example in parameter.get("examples", {}).items():
                    yield f"{where} {parameter['in']} {parameter['name']}: {name}", parameter["schema"], example
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                for name, example in content.get("examples", {}).items():
                    yield f"{where} request {media_type}: {name}", content["schema"], example
            for code, response in operation["responses"].items():
                for media_type, content in response.get("content", {}).items():
                    for name, example in content.get("examples", {}).items():
                        yield f"{where} {code} {media_type}: {name}", content["schema"], example


DOCUMENT = _load_document()
COMPONENTS = {name: to_json_schema(schema) for name, schema in DOCUMENT["components"]["schemas"].items()}
EXAMPLES = list(_examples(DOCUMENT))


@pytest.mark.parametrize(("schema", "example"), [(s, e) for _w, s, e in EXAMPLES], ids=[w for w, _s, _e in EXAMPLES])
def test_example_fits_its_schema(schema, example):
    validator = Draft202012Validator(
        {**to_json_schema(schema), "components": {"schemas": COMPONENTS}}, format_checker=FORMATS
    )
    errors = [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator.iter_errors(example["value"])
    ]
    assert not errors, "\n".join(errors)


def test_the_check_refuses_an_example_that_drifted():
    # given the detail's schema and its example with a field renamed, a bad enum value and a bad date
    (schema, example) = next((s, e) for w, s, e in EXAMPLES if w.startswith("GET /api/v1/suggestions/{id}/ 200"))
    drifted = {**example["value"], "status": "done", "due_date": "2025-02-30"}
    drifted["titel"] = drifted.pop("title")
    validator = Draft202012Validator(
        {**to_json_schema(schema), "components": {"schemas": COMPONENTS}}, format_checker=FORMATS
    )

    # when it is checked, then each drift is an error
    messages = " | ".join(error.message for error in validator.iter_errors(drifted))
    assert "'title' is a required property" in messages
    assert "'titel' was unexpected" in messages
    assert "'done' is not one of" in messages
    assert "is not a 'date'" in messages


def _suggestion_operations():
    for path, item in DOCUMENT["paths"].items():
        if path.startswith("/api/v1/suggestions/"):
            for method in HTTP_METHODS:
                if method in item:
                    yield method, path, item[method]


def _example_names(content: dict | None) -> list[str]:
    return list((content or {}).get("examples", {}))


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [(m, p, o) for m, p, o in _suggestion_operations() if m == "post"],
    ids=[f"{m.upper()} {p}" for m, p, _o in _suggestion_operations() if m == "post"],
)
def test_every_suggestion_write_shows_its_body_and_errors(method, path, operation):
    for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
        assert _example_names(content), f"no request example for {media_type}"
    for code in WRITE_ERRORS:
        assert _example_names(operation["responses"][code]["content"]["application/json"]), f"no {code} example"
    if "201" in operation["responses"]:
        # A step that creates an object shows it; the others answer with the suggestion, shown on GET.
        assert _example_names(operation["responses"]["201"]["content"]["application/json"]), "no 201 example"


def test_suggestion_reads_show_an_example():
    paths = DOCUMENT["paths"]
    for path in ("/api/v1/suggestions/", "/api/v1/suggestions/{id}/", "/api/v1/suggestions/stats/"):
        assert _example_names(paths[path]["get"]["responses"]["200"]["content"]["application/json"]), path
    (page,) = paths["/api/v1/suggestions/"]["get"]["responses"]["200"]["content"]["application/json"][
        "examples"
    ].values()
    # A whole page, with its cursor, rather than one row wrapped in a page of placeholder links.
    assert "cursor=" in page["value"]["next"] and len(page["value"]["results"]) > 1
    group_by = next(p for p in paths["/api/v1/suggestions/stats/"]["get"]["parameters"] if p["name"] == "group_by")
    assert [example["value"] for example in group_by["examples"].values()] == ["unit"]


def test_error_examples_carry_the_messages_the_api_writes():
    with translation.override("zh-hans"):
        assert error_body(exceptions.ValidationError({"title": ["x"]}))["message"] == INVALID_MESSAGE
        # A step's 403 comes from its service's permission check.
        with pytest.raises(PermissionDenied) as denied:
            ensure(False)
        assert error_body(exceptions.PermissionDenied(*denied.value.args))["message"] == FORBIDDEN_MESSAGE
        assert translation.gettext("This Idempotency-Key was already used with a different request.") == (
            IDEMPOTENCY_MISMATCH_MESSAGE
        )
        # Closing under follow-up before the second answer, with no reason.
        assert reason_required_message([Answer(grade="B")]) == CLOSE_REASON_REQUIRED % {"grade": "B"}
        for status, to, expected in [
            ("assigned", "assigned", repeated_step_message("已交办")),
            ("assigned", "withdrawn", disallowed_step_message("已交办", "已撤回")),
        ]:
            with pytest.raises(WorkflowError) as raised:
                ensure_transition(Suggestion(status=status), to=to)
            assert str(raised.value) == expected
