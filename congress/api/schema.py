"""OpenAPI: every operation documents the shared error shape and, for POST, the Idempotency-Key.

Also the helpers that document examples of that shape, and of whole list pages.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_examples_list
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorDetail",
            fields={
                "code": serializers.CharField(help_text="Machine-readable code, e.g. invalid, not_found, conflict."),
                "message": serializers.CharField(help_text="Human-readable message in the request's language."),
                "fields": serializers.DictField(
                    child=serializers.JSONField(),
                    help_text="Per-field messages for invalid input; empty otherwise.",
                ),
            },
        )
    },
)

_ERRORS = {
    "400": "Bad input: malformed JSON, wrong types, overlong or NUL-containing strings, unknown filter values.",
    "401": "No credentials, or a key that is unknown, revoked, expired or used from a disallowed address.",
    "403": "Authenticated, but the role or the key's scopes do not allow this.",
    "404": "No such object, or it lies outside what the caller may see.",
    "405": "Method not allowed on this path.",
    "406": "Only application/json responses are offered.",
    "429": "Throttled; retry after the number of seconds in Retry-After.",
}
_WRITE_ERRORS = {
    "409": "Conflicting state change, or an Idempotency-Key reused with another body or still in progress.",
    "413": "The body is larger than the server accepts (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB by default).",
    "415": "Send the body as application/json (or as the operation's request body documents).",
}

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name="Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description=(
        "Any unique string up to 200 characters. A retry with the same key and body returns the first "
        "answer (header Idempotent-Replayed: true) instead of acting again; another body gets a 409."
    ),
)


class ApiAutoSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST" and not getattr(self.view, "idempotency_exempt", False):
            parameters.append(IDEMPOTENCY_PARAMETER)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(_ERRORS)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors.update(_WRITE_ERRORS)
        for code, description in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(response=ErrorSerializer, description=description), code, direction=direction
                )
        return responses

    def _get_examples(self, serializer, direction, media_type, status_code=None, extras=None):
        examples = super()._get_examples(serializer, direction, media_type, status_code, extras)
        for example in self.get_examples():
            if isinstance(example, PageExample):
                (key,) = build_examples_list([example])
                if key in examples:
                    # Undo the wrapping in a page of one: the example is the page already.
                    examples[key]["value"] = example.value
        return examples


class PageExample(OpenApiExample):
    """An example of a whole list page, `{"next", "previous", "results"}`, given as the page itself.

    drf-spectacular takes a list view's example to be one row and wraps it in a page of one, with the
    paginator's placeholder links; a PageExample shows a real page, with its cursor links, as it is.
    """


# Messages of the commonest errors in the default language (zh-hans), as the API writes them; the examples
# show these, and tests/api/test_schema_examples.py holds them to the translations.
INVALID_MESSAGE = "请求包含无效数据，详见各字段说明。"
FORBIDDEN_MESSAGE = "您没有执行此操作的权限。"
IDEMPOTENCY_MISMATCH_MESSAGE = "此 Idempotency-Key 已用于另一个不同的请求。"


def error_example(
    name: str, status_code: int, *, code: str, message: str, fields: dict | None = None, summary: str = ""
) -> OpenApiExample:
    """Document one error response in the shared shape, `{"error": {"code", "message", "fields"}}`."""
    return OpenApiExample(
        name,
        summary=summary,
        value={"error": {"code": code, "message": message, "fields": fields or {}}},
        response_only=True,
        status_codes=[str(status_code)],
    )


def write_error_examples(*, invalid: dict[str, list[str]], conflict: str | None) -> list[OpenApiExample]:
    """Document a write's typical errors: bad input (400), a caller not allowed (403), a conflicting state (409).

    `invalid` gives the 400's per-field messages; `conflict` the 409's message (None for a write that never
    conflicts with a record's state). Every write also gets the 409 of an Idempotency-Key reused.
    """
    examples = [
        error_example(
            "ValidationError",
            400,
            code="invalid",
            message=INVALID_MESSAGE,
            fields=invalid,
            summary="The body fails validation; fields name what is wrong",
        ),
        error_example(
            "Forbidden",
            403,
            code="permission_denied",
            message=FORBIDDEN_MESSAGE,
            summary="The caller's roles, or the key's scopes, do not allow this",
        ),
        error_example(
            "IdempotencyKeyReused",
            409,
            code="idempotency_mismatch",
            message=IDEMPOTENCY_MISMATCH_MESSAGE,
            summary="The Idempotency-Key was sent before with another body",
        ),
    ]
    if conflict is not None:
        examples.append(
            error_example(
                "Conflict",
                409,
                code="conflict",
                message=conflict,
                summary="The record's current state does not allow this step",
            )
        )
    return examples
