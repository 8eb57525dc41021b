"""OpenAPI: every operation documents the shared error shape and, for POST, the Idempotency-Key."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
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
