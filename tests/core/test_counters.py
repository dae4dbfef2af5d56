"""The counter store: rate-limit counts are atomic under parallel clients (database table and Redis), and
filling the page cache until it culls resets neither a blocked rate limit nor the data version."""

from __future__ import annotations

import os
import threading
import uuid

import pytest
import redis
from django.core.cache import cache, caches
from django.test import RequestFactory

from teilhabe.core.cache import get_data_version
from teilhabe.core.counters import counters
from teilhabe.core.ratelimit import is_ratelimited

THREADS = 16
REQUESTS_PER_THREAD = 12
LIMIT = 50
REDIS_DB = int(os.environ.get("TEILHABE_TEST_REDIS_DB", "13"))


def _admitted_in_parallel(group: str) -> int:
    """16 clients from one address send 12 requests each at the same moment; how many are let through."""
    admitted = []
    errors = []
    start = threading.Barrier(THREADS)

    def client() -> None:
        from django.db import connection

        request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
        try:
            start.wait()
            for _ in range(REQUESTS_PER_THREAD):
                if not is_ratelimited(request, group=group, key="ip", rate=f"{LIMIT}/h", increment=True):
                    admitted.append(1)
        except Exception as error:  # reported below: a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return len(admitted)


# PostgreSQL: the test database on SQLite is an in-memory database whose shared-cache locks do not wait
# (production SQLite is a file in WAL mode with a busy timeout, where the same single UPDATE is atomic).
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_clients_get_exactly_the_limit_on_the_database_store():
    # given 192 requests against a limit of 50, all at once
    # when / then exactly 50 pass: every increment is one UPDATE ... RETURNING
    assert _admitted_in_parallel("parallel-db") == LIMIT


@pytest.fixture
def redis_counters(settings):
    client = redis.Redis.from_url(f"redis://127.0.0.1:6379/{REDIS_DB}")
    client.ping()  # fails loudly when Redis is not running: CI starts it
    prefix = f"test-counters-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "counters": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "KEY_PREFIX": prefix,
        },
    }
    yield
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_parallel_clients_get_exactly_the_limit_on_redis(redis_counters):
    assert caches["counters"].__class__.__name__ == "RedisCache"
    assert _admitted_in_parallel("parallel-redis") == LIMIT


@pytest.mark.django_db
def test_a_full_page_cache_culls_pages_but_not_a_blocked_rate_limit(settings):
    # given a page cache that culls at 50 entries, and an address that has used up its form limit
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "OPTIONS": {"MAX_ENTRIES": 50, "CULL_FREQUENCY": 2}},
    }
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.4")
    for _ in range(3):
        is_ratelimited(request, group="flooded-form", key="ip", rate="3/h", method="POST", increment=True)
    assert is_ratelimited(request, group="flooded-form", key="ip", rate="3/h", method="POST", increment=True)
    version = get_data_version()
    # when the page cache is filled far past its cull threshold (it culls many times)
    for number in range(300):
        cache.set(f"teilhabe:page:flood-{number}", b"x" * 100)
    assert len([n for n in range(300) if cache.get(f"teilhabe:page:flood-{n}") is not None]) < 60
    # then the address is still blocked and the data version is unchanged
    assert is_ratelimited(request, group="flooded-form", key="ip", rate="3/h", method="POST", increment=True)
    assert get_data_version() == version


@pytest.mark.django_db
def test_the_database_store_expires_entries_and_adds_only_once():
    store = counters()
    assert store.add("k", 1, timeout=60) is True
    assert store.add("k", 5, timeout=60) is False
    assert store.incr("k", 2) == 3
    store.set("obj", {"state": "done", "body": [1, "a"]}, timeout=60)
    assert store.get("obj") == {"state": "done", "body": [1, "a"]}
    assert store.get_many(["k", "obj", "missing"]) == {"k": 3, "obj": {"state": "done", "body": [1, "a"]}}
    # an expired entry is gone and may be added again
    store.set("old", 7, timeout=-1)
    assert store.get("old") is None
    assert store.add("gone", 1, timeout=60)
    from teilhabe.core.models import Counter

    Counter.objects.filter(key__endswith="gone").update(expires_at="2000-01-01T00:00:00Z")
    assert store.get("gone") is None
    with pytest.raises(ValueError):
        store.incr("gone")
    assert store.add("gone", 9, timeout=60) is True
    assert store.get("gone") == 9
