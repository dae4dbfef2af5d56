"""The counter store: rate-limit counts, idempotency records and the data version, never evicted.

It is the cache alias "counters" (settings.CACHES). With `TEILHABE_COUNTERS_REDIS_URL` it is Redis (run
with `maxmemory-policy noeviction`: counts are created with SET NX and raised with INCRBY, both atomic);
otherwise it is `DatabaseCounterStore`, a table with no culling whose increment is one
`UPDATE ... SET number = number + 1 ... RETURNING number`. The page cache ("default") may be bounded and
culled as it likes: a flood of pages there cannot reset a blocked rate limit or a stored idempotent answer.
"""

from __future__ import annotations

import datetime
import pickle
import random

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q
from django.utils import timezone

ALIAS = "counters"
# Expired rows are removed now and then (never live ones): on about one write in this many.
_PURGE_ONE_IN = 200


def counters() -> BaseCache:
    """The counter store (Redis or the database table)."""
    return caches[ALIAS]


def _encode(value: object) -> tuple[int | None, bytes | None]:
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None
    return None, pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _decode(number: int | None, value: bytes | None) -> object:
    if number is not None:
        return number
    return pickle.loads(bytes(value))


class DatabaseCounterStore(BaseCache):
    """A cache backend on the `Counter` table: atomic add and incr, expiry, no culling (MAX_ENTRIES is ignored)."""

    def __init__(self, location: str, params: dict):
        super().__init__(params)

    @staticmethod
    def _model():
        from .models import Counter

        return Counter

    def _expiry(self, timeout) -> datetime.datetime | None:
        seconds = self.get_backend_timeout(timeout)
        if seconds is None:
            return None
        return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)

    @staticmethod
    def _live(now: datetime.datetime) -> Q:
        return Q(expires_at__isnull=True) | Q(expires_at__gt=now)

    def _purge_now_and_then(self, now: datetime.datetime) -> None:
        if random.randrange(_PURGE_ONE_IN) == 0:
            self._model().objects.filter(expires_at__lte=now).delete()

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        now = timezone.now()
        row = self._model().objects.filter(self._live(now), key=key).values_list("number", "value").first()
        return default if row is None else _decode(*row)

    def get_many(self, keys, version=None):
        made = {self.make_and_validate_key(key, version=version): key for key in keys}
        now = timezone.now()
        rows = self._model().objects.filter(self._live(now), key__in=list(made)).values_list("key", "number", "value")
        return {made[key]: _decode(number, value) for key, number, value in rows}

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._model().objects.filter(self._live(timezone.now()), key=key).exists()

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        number, blob = _encode(value)
        expires_at = self._expiry(timeout)
        if expires_at is not None and expires_at <= timezone.now():
            self._model().objects.filter(key=key).delete()
            return
        self._model().objects.update_or_create(
            key=key, defaults={"number": number, "value": blob, "expires_at": expires_at}
        )
        self._purge_now_and_then(timezone.now())

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        """Store the value only if the key holds nothing live; True if this call stored it (atomic)."""
        key = self.make_and_validate_key(key, version=version)
        number, blob = _encode(value)
        expires_at = self._expiry(timeout)
        now = timezone.now()
        model = self._model()
        try:
            with transaction.atomic(using=router.db_for_write(model)):
                model.objects.create(key=key, number=number, value=blob, expires_at=expires_at)
        except IntegrityError:
            # Taken: free again only if expired, which one conditional UPDATE decides for concurrent callers.
            taken_over = model.objects.filter(key=key, expires_at__lte=now).update(
                number=number, value=blob, expires_at=expires_at
            )
            return taken_over == 1
        self._purge_now_and_then(now)
        return True

    def incr(self, key, delta=1, version=None) -> int:
        """Raise a live integer by `delta` in one statement and return the new value; ValueError if absent."""
        key = self.make_and_validate_key(key, version=version)
        model = self._model()
        connection = connections[router.db_for_write(model)]
        quote = connection.ops.quote_name
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        sql = (
            f"UPDATE {quote(model._meta.db_table)} SET {quote('number')} = {quote('number')} + %s "
            f"WHERE {quote('key')} = %s AND {quote('number')} IS NOT NULL "
            f"AND ({quote('expires_at')} IS NULL OR {quote('expires_at')} > %s) RETURNING {quote('number')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [delta, key, now])
            row = cursor.fetchone()
        if row is None:
            raise ValueError(f"Key '{key}' not found.")
        return row[0]

    def decr(self, key, delta=1, version=None) -> int:
        return self.incr(key, -delta, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        now = timezone.now()
        return self._model().objects.filter(self._live(now), key=key).update(expires_at=self._expiry(timeout)) == 1

    def delete(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        deleted, _ = self._model().objects.filter(key=key).delete()
        return bool(deleted)

    def clear(self) -> None:
        self._model().objects.all().delete()
