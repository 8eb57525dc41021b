"""`Idempotency-Key` on POST: a retried request replays the first answer instead of acting twice.

County systems retry on timeouts. The first request with a key claims a record (committed at once,
so a concurrent duplicate sees it), runs, and stores its answer; a retry with the same body gets the
stored answer with `Idempotent-Replayed: true`, with another body a 409, and while the first is still
running a 409 too. Answers of 5xx are not kept, so a retry after a crash runs again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from congress.api.exceptions import Conflict
from congress.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200
# A claim this old with no answer belongs to a request that died; a retry may take it over.
ABANDONED_AFTER = dt.timedelta(minutes=5)


class _Replay(Exception):
    def __init__(self, record: IdempotencyRecord) -> None:
        self.record = record


def request_fingerprint(request) -> str:
    """Hash what makes two POSTs "the same request": path, query and body.

    A multipart upload (a reply letter) is hashed from its parsed fields and its files read in chunks:
    reading the raw body of a large upload would exceed Django's in-memory limit.
    """
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0" + request.get_full_path().encode() + b"\0")
    if request.content_type.startswith("multipart/"):
        for name in sorted(request.data.keys()):
            for value in request.data.getlist(name):
                digest.update(name.encode() + b"\0")
                if hasattr(value, "chunks"):
                    for chunk in value.chunks():
                        digest.update(chunk)
                    value.seek(0)
                else:
                    digest.update(str(value).encode())
                digest.update(b"\0")
    else:
        digest.update(request._request.body)
    return digest.hexdigest()


class IdempotentMixin:
    """Honour `Idempotency-Key` on every POST of an API view; mix in before the DRF view class."""

    idempotency_exempt = False
    _idempotency_record: IdempotencyRecord | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency_record = None
        if request.method != "POST" or self.idempotency_exempt or not request.user.is_authenticated:
            return
        key = request.headers.get(HEADER)
        if key is None:
            return
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
            raise exceptions.ValidationError(
                {HEADER: [_("Give 1 to %(max)d printable ASCII characters.") % {"max": MAX_KEY_LENGTH}]}
            )
        fingerprint = request_fingerprint(request)
        try:
            # Committed before the view runs (outside any request transaction), so a concurrent
            # duplicate hits the unique constraint at once instead of running the view too.
            with transaction.atomic():
                self._idempotency_record = IdempotencyRecord.objects.create(
                    user=request.user,
                    key=key,
                    method=request.method,
                    path=request.path[:300],
                    request_hash=fingerprint,
                )
        except IntegrityError:
            record = IdempotencyRecord.objects.get(user=request.user, key=key)
            if record.request_hash != fingerprint:
                raise Conflict(
                    _("This Idempotency-Key was already used with a different request."), code="idempotency_mismatch"
                ) from None
            if record.status_code is None and record.created_at < timezone.now() - ABANDONED_AFTER:
                # The first request died before answering (a killed worker): let this retry run it.
                claimed = IdempotencyRecord.objects.filter(
                    pk=record.pk, status_code__isnull=True, created_at=record.created_at
                ).update(created_at=timezone.now())
                if claimed:
                    record.refresh_from_db()
                    self._idempotency_record = record
                    return
            if record.status_code is None:
                raise Conflict(
                    _("A request with this Idempotency-Key is still being processed; retry shortly."),
                    code="idempotency_in_progress",
                ) from None
            raise _Replay(record) from None

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            record = exc.record
            return Response(record.response_body, status=record.status_code, headers={REPLAYED_HEADER: "true"})
        try:
            return super().handle_exception(exc)
        except Exception:
            self._release_idempotency_record()
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = self._idempotency_record
        if record is not None:
            self._idempotency_record = None
            if response.status_code >= 500:
                record.delete()
            else:
                body = json.loads(json.dumps(response.data, cls=JSONEncoder)) if response.data is not None else None
                IdempotencyRecord.objects.filter(pk=record.pk).update(
                    status_code=response.status_code, response_body=body
                )
        return response

    def _release_idempotency_record(self) -> None:
        if self._idempotency_record is not None:
            self._idempotency_record.delete()
            self._idempotency_record = None


def purge_idempotency_records(*, now: dt.datetime | None = None) -> int:
    """Delete records older than API_IDEMPOTENCY_TTL_HOURS; return how many went."""
    now = now or timezone.now()
    hours = getattr(settings, "API_IDEMPOTENCY_TTL_HOURS", 24)
    deleted, _detail = IdempotencyRecord.objects.filter(created_at__lt=now - dt.timedelta(hours=hours)).delete()
    return deleted
