"""One error shape for every API response: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from congress.workflow import WorkflowError


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The request conflicts with the current state of the record.")
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


# Messages for the status codes whose DRF default text is generic or missing.
_MESSAGES = {
    "invalid": gettext_lazy("The request contains invalid data; see the fields for details."),
}


def api_exception_handler(exc, context):
    """Turn every handled exception into the shared error shape; unhandled ones stay 500s and get logged."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, WorkflowError):
        exc = Conflict(str(exc), code="conflict")
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_validation_detail(exc))
    elif isinstance(exc, RequestDataTooBig):
        # Django raises it reading the body; left alone it becomes an HTML 400 page.
        exc = PayloadTooLarge(
            gettext("The request body is larger than the %(max)d bytes allowed.")
            % {"max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ParseError(gettext("The form has too many fields or files."))
    response = exception_handler(exc, context)
    if response is None:
        return None
    response.data = {"error": error_body(exc)}
    return response


def error_body(exc: exceptions.APIException) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            return {"code": "invalid", "message": str(_MESSAGES["invalid"]), "fields": _plain(detail)}
        messages = _plain(detail if isinstance(detail, list) else [detail])
        first = messages[0] if messages else str(_MESSAGES["invalid"])
        return {"code": "invalid", "message": first if isinstance(first, str) else str(first), "fields": {}}
    detail = exc.detail
    code = exc.get_codes() if hasattr(exc, "get_codes") else exc.default_code
    if isinstance(detail, dict | list):
        message, fields = str(exc.default_detail), _plain(detail if isinstance(detail, dict) else {})
    else:
        message, fields = str(detail), {}
    return {"code": code if isinstance(code, str) else exc.default_code, "message": message, "fields": fields}


def _plain(detail):
    """Return the detail with ErrorDetail strings turned into plain ones, keeping its nesting."""
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(item) for item in detail]
    return str(detail)


def _django_validation_detail(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return {field: [str(message) for message in messages] for field, messages in error.message_dict.items()}
    return [str(message) for message in error.messages]


@contextmanager
def service_errors(field: str | None = None):
    """Turn a service's ValueError (a rule about the input) into a 400 naming `field` when given."""
    try:
        yield
    except ValueError as error:
        message = str(error)
        raise exceptions.ValidationError({field: [message]} if field else [message]) from error
