"""Idempotency-Key for write requests: a retry with the same key gets the first response and writes nothing.

The first response is stored for a day under the user and the key, in the counter store
(teilhabe.core.counters, never evicted by the page cache's culling), inside the same transaction as the
write when that store is the database table: a crash before the commit leaves neither the data nor the
stored response, so the retry simply runs; a crash after it replays. With a Redis store the record is
written just after the write (a crash in between could let one retry run
again; the import itself is an upsert, so it then reports the rows as unchanged).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from teilhabe.core.counters import counters

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEEP_SECONDS = 24 * 60 * 60
# While the first request runs, a retry is told to wait; after this long it may run again.
PENDING_SECONDS = 2 * 60
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_PENDING = "pending"


def fingerprint(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _cache_key(request: Request, key: str) -> str:
    scope = hashlib.sha256(f"{request.user.pk}:{request.method}:{request.path}:{key}".encode()).hexdigest()
    return f"teilhabe:idempotency:{scope}"


def _replay(stored: dict, request_fingerprint: str) -> Response:
    if stored["fingerprint"] != request_fingerprint:
        return Response(
            {"detail": _("This Idempotency-Key was used for a different request; use a new key.")},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if stored["state"] == _PENDING:
        return Response(
            {"detail": _("A request with this Idempotency-Key is still being processed; retry shortly.")},
            status=status.HTTP_409_CONFLICT,
            headers={"Retry-After": "5"},
        )
    return Response(stored["body"], status=stored["status"], headers={REPLAYED_HEADER: "true"})


def run_once(request: Request, request_fingerprint: str, action: Callable[[], Response]) -> Response:
    """Run `action` once per Idempotency-Key (if the request has one) and store its response for a day.

    `request_fingerprint` identifies the request's content: the same key with other content is refused
    (422). Exceptions from `action` (e.g. permission denied) are not stored: nothing was written.
    """
    key = request.headers.get(HEADER)
    if key is None:
        return action()
    if not _KEY.match(key):
        return Response(
            {"detail": _("The Idempotency-Key header must be 1 to 255 visible ASCII characters.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    cache = counters()
    cache_key = _cache_key(request, key)
    stored = cache.get(cache_key)
    if stored is not None:
        return _replay(stored, request_fingerprint)
    try:
        with transaction.atomic():
            pending = {"state": _PENDING, "fingerprint": request_fingerprint}
            if not cache.add(cache_key, pending, timeout=PENDING_SECONDS):
                stored = cache.get(cache_key)
                return _replay(stored, request_fingerprint) if stored is not None else action()
            response = action()
            cache.set(
                cache_key,
                {
                    "state": "done",
                    "fingerprint": request_fingerprint,
                    "status": response.status_code,
                    "body": response.data,
                },
                timeout=KEEP_SECONDS,
            )
    except Exception:
        cache.delete(cache_key)  # nothing was written: a retry may run (a no-op for the database store)
        raise
    return response
