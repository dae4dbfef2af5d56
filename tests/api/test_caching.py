"""The public read API's response cache: hits cost no data query, a data change renews every response,
clients revalidate with ETag and Last-Modified, and nothing user-specific or written is cached."""

import datetime
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from teilhabe.accounts.models import Role
from teilhabe.api.caching import last_modified
from teilhabe.core.cache import bump_data_version, get_data_version
from teilhabe.monitoring.models import Observation
from tests.accounts.factories import UserFactory
from tests.monitoring.factories import IndicatorFactory

OBSERVATIONS = "/api/v1/observations/?indicator=B1"
UPLOAD = "/api/v1/observations/upload/"
ROW_2022 = {"indicator": "B1", "period": "2022", "geography": "city", "value": 83.5}


def _data_queries(captured: CaptureQueriesContext) -> list[str]:
    """The queries that are not the database cache's or the counter store's own (rate-limit counter, data
    version, cache lookup)."""
    return [
        query["sql"]
        for query in captured.captured_queries
        if not any(own in query["sql"] for own in ("teilhabe_cache", "teilhabe_counter", "SAVEPOINT"))
    ]


def _get(client, path, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    return response, _data_queries(captured)


@pytest.fixture
def memory_cache(settings):
    """A per-process cache, so that a cache hit needs no database at all (the database cache is a table)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api"},
        "counters": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api-counters"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_client(dataset):
    """Token client of staff of the authority responsible for B1."""
    staff = UserFactory(authority=dataset.edition.indicator_versions.get().authority, roles=[Role.AUTHORITY_STAFF])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    return client


def _upload(client, django_capture_on_commit_callbacks, rows):
    # The service bumps the data version when the transaction commits; the test's transaction never does.
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(UPLOAD, rows, format="json")


# --- hits ----------------------------------------------------------------------------------------------


def test_second_identical_request_is_answered_from_the_cache(api_client, dataset):
    # given
    first, first_queries = _get(api_client, OBSERVATIONS)
    # when
    second, second_queries = _get(api_client, OBSERVATIONS)
    # then
    assert first.status_code == second.status_code == 200
    assert len(first_queries) >= 2  # the count and the page of observations
    assert second_queries == []
    assert second.content == first.content
    assert second["Content-Type"] == "application/json"
    assert second["ETag"] == first["ETag"]


def test_a_hit_costs_no_query_with_an_in_memory_cache(api_client, dataset, memory_cache, django_assert_num_queries):
    first = api_client.get(OBSERVATIONS)
    with django_assert_num_queries(0):
        second = api_client.get(OBSERVATIONS)
    assert (second.status_code, second.content) == (200, first.content)


def test_csv_is_cached_as_csv(api_client, dataset):
    first, _ = _get(api_client, "/api/v1/observations.csv?period=2020&geography=altona")
    second, second_queries = _get(api_client, "/api/v1/observations.csv?period=2020&geography=altona")
    assert second_queries == []
    assert second["Content-Type"] == first["Content-Type"] == "text/csv; charset=utf-8"
    assert second.content == first.content
    assert second.content.decode().splitlines()[1].startswith(f"{dataset.district_total.pk},B1,2020,")


@pytest.mark.parametrize("cached", [False, True], ids=["rendered", "from the cache"])
def test_public_reads_carry_validators_and_cache_headers(api_client, dataset, settings, cached):
    settings.TEILHABE_API_MAX_AGE_SECONDS = 120
    if cached:
        api_client.get(OBSERVATIONS)
    response = api_client.get(OBSERVATIONS)
    version = get_data_version()
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 34  # strong: no W/
    assert response["Last-Modified"] == http_date(version.changed_at)
    assert response["Cache-Control"] == "public, max-age=120"
    assert {"Accept", "Accept-Language"} <= {name.strip() for name in response["Vary"].split(",")}
    assert response["Content-Language"] == "de"


def test_time_to_keep_zero_stores_nothing_but_keeps_the_validators(api_client, dataset, settings):
    settings.TEILHABE_API_CACHE_SECONDS = 0
    first, _ = _get(api_client, OBSERVATIONS)
    second, second_queries = _get(api_client, OBSERVATIONS)
    assert second_queries != []
    assert second["ETag"] == first["ETag"]


# --- invalidation --------------------------------------------------------------------------------------


def test_an_upload_makes_the_next_read_fresh(api_client, staff_client, dataset, django_capture_on_commit_callbacks):
    # given: a cached read without 2022
    path = "/api/v1/observations/?indicator=B1&period=2022"
    before = api_client.get(path)
    assert before.json()["results"] == []
    # when
    upload = _upload(staff_client, django_capture_on_commit_callbacks, [ROW_2022])
    assert upload.json() == {"created": 1, "updated": 0, "unchanged": 0}
    after, after_queries = _get(api_client, path)
    # then
    assert after_queries != []
    assert [(row["period"], row["value"]) for row in after.json()["results"]] == [("2022", 83.5)]
    assert after["ETag"] != before["ETag"]


def test_a_change_shows_once_the_version_is_bumped(api_client, dataset):
    """The cache serves what it rendered until a write bumps the data version; then the next read renders."""
    path = f"/api/v1/observations/{dataset.released.pk}/"
    assert api_client.get(path).json()["value"] == 81.5
    Observation.objects.filter(pk=dataset.released.pk).update(value=82.0)
    assert api_client.get(path).json()["value"] == 81.5  # no bump: still the cached response
    bump_data_version()
    assert api_client.get(path).json()["value"] == 82.0


def test_refusals_are_not_cached(api_client, dataset):
    path = "/api/v1/observations/?indicator=NEW"
    assert api_client.get(path).status_code == 400
    IndicatorFactory(code="NEW")  # no bump: a cached 400 would still be served
    response = api_client.get(path)
    assert (response.status_code, response.json()["count"]) == (200, 0)


# --- revalidation --------------------------------------------------------------------------------------


def test_if_none_match_is_answered_with_304_without_a_query(
    api_client, dataset, memory_cache, django_assert_num_queries
):
    # given
    etag = api_client.get(OBSERVATIONS)["ETag"]
    # when
    with django_assert_num_queries(0):
        response = api_client.get(OBSERVATIONS, HTTP_IF_NONE_MATCH=etag)
    # then
    assert (response.status_code, response.content) == (304, b"")
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, max-age=60"


def test_if_none_match_needs_no_stored_response(api_client, dataset, settings, memory_cache, django_assert_num_queries):
    """The ETag comes from the data version and the request alone: nothing is rendered to compare it."""
    settings.TEILHABE_API_CACHE_SECONDS = 0
    etag = api_client.get(OBSERVATIONS)["ETag"]
    with django_assert_num_queries(0):
        response = api_client.get(OBSERVATIONS, HTTP_IF_NONE_MATCH=f'"other", {etag}')
    assert response.status_code == 304


def test_an_etag_of_older_data_gets_the_fresh_response(api_client, dataset):
    etag = api_client.get(OBSERVATIONS)["ETag"]
    bump_data_version()
    response = api_client.get(OBSERVATIONS, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["count"] == 4


def test_if_modified_since_is_answered_with_304(api_client, dataset, memory_cache, django_assert_num_queries):
    modified = api_client.get(OBSERVATIONS)["Last-Modified"]
    with django_assert_num_queries(0):
        response = api_client.get(OBSERVATIONS, HTTP_IF_MODIFIED_SINCE=modified)
    assert response.status_code == 304
    assert response["Last-Modified"] == modified


def test_if_modified_since_before_the_last_change_gets_the_response(api_client, dataset, monkeypatch):
    # given: a client that fetched before the data changed
    modified = api_client.get(OBSERVATIONS)["Last-Modified"]
    later = time.time() + 5
    with monkeypatch.context() as patch:
        patch.setattr("teilhabe.core.cache.time.time", lambda: later)
        bump_data_version()
    # when
    response = api_client.get(OBSERVATIONS, HTTP_IF_MODIFIED_SINCE=modified)
    # then
    assert response.status_code == 200
    assert response["Last-Modified"] == http_date(int(later))


def test_if_modified_since_without_a_stored_response_renders_first(api_client, dataset, settings):
    """Without a stored response the view runs (it might answer 404); a 200 is then compared."""
    settings.TEILHABE_API_CACHE_SECONDS = 0
    modified = api_client.get(OBSERVATIONS)["Last-Modified"]
    assert api_client.get(OBSERVATIONS, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert api_client.get("/api/v1/observations/999999/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 404


TODAY = datetime.date(2024, 5, 2)
MIDNIGHT = int(timezone.make_aware(datetime.datetime(2024, 5, 2)).timestamp())


@pytest.mark.parametrize(
    ("changed_at", "expected"),
    [(MIDNIGHT + 3600.0, MIDNIGHT + 3600), (MIDNIGHT - 3600.0, MIDNIGHT), (MIDNIGHT + 0.7, MIDNIGHT)],
    ids=["changed today", "changed before today: release dates may have passed", "whole seconds"],
)
def test_last_modified_is_the_change_or_the_start_of_the_day(changed_at, expected):
    assert last_modified(changed_at=changed_at, day=TODAY) == expected


# --- keys ----------------------------------------------------------------------------------------------


def _title(response) -> str:
    return response.json()["title"]


@pytest.mark.parametrize(
    ("first", "second", "read", "expected"),
    [
        (
            ("/api/v1/indicators/B1/?lang=de", {}),
            ("/api/v1/indicators/B1/?lang=en", {}),
            _title,
            ("Schulabschlüsse", "School certificates"),
        ),
        (
            ("/api/v1/indicators/B1/", {"HTTP_ACCEPT_LANGUAGE": "de"}),
            ("/api/v1/indicators/B1/", {"HTTP_ACCEPT_LANGUAGE": "en"}),
            _title,
            ("Schulabschlüsse", "School certificates"),
        ),
        (
            ("/api/v1/indicators/B1/?lang=en&lang=de", {}),
            ("/api/v1/indicators/B1/?lang=de&lang=en", {}),
            _title,
            ("Schulabschlüsse", "School certificates"),
        ),
        (
            ("/api/v1/observations/?period=2019", {}),
            ("/api/v1/observations/?period=2020", {}),
            lambda response: response.json()["count"],
            (2, 2),
        ),
        (
            (OBSERVATIONS, {}),
            (f"{OBSERVATIONS}&format=csv", {}),
            lambda response: response["Content-Type"],
            ("application/json", "text/csv; charset=utf-8"),
        ),
        (
            (OBSERVATIONS, {}),
            (OBSERVATIONS, {"HTTP_ACCEPT": "text/csv"}),
            lambda response: response["Content-Type"],
            ("application/json", "text/csv; charset=utf-8"),
        ),
        (
            (OBSERVATIONS, {}),
            (OBSERVATIONS, {"HTTP_ACCEPT": "application/json; indent=2"}),
            lambda response: response.content.startswith(b"{\n  "),
            (False, True),
        ),
        (
            ("/api/v1/indicators/B1/", {}),
            ("/api/v1/indicators/B1/", {"HTTP_HOST": "daten.example.org"}),
            lambda response: response.json()["page_url"],
            ("http://testserver/indikatoren/B1/", "http://daten.example.org/indikatoren/B1/"),
        ),
    ],
    ids=[
        "lang parameter",
        "Accept-Language",
        "last of a repeated parameter",
        "filter",
        "format parameter",
        "Accept header",
        "media type parameters",
        "host in absolute links",
    ],
)
def test_variants_do_not_collide(api_client, dataset, settings, first, second, read, expected):
    settings.ALLOWED_HOSTS = ["testserver", "daten.example.org"]
    first_response = api_client.get(first[0], **first[1])
    second_response, second_queries = _get(api_client, second[0], **second[1])
    assert (read(first_response), read(second_response)) == expected
    assert second_queries != []  # rendered, not taken from the first's entry
    assert second_response["ETag"] != first_response["ETag"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            ("/api/v1/observations/?indicator=B1&period=2019", {}),
            ("/api/v1/observations/?period=2019&indicator=B1", {}),
        ),
        (("/api/v1/observations/?period=%32%30%31%39", {}), ("/api/v1/observations/?period=2019", {})),
        (
            ("/api/v1/indicators/B1/", {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}),
            ("/api/v1/indicators/B1/", {"HTTP_ACCEPT_LANGUAGE": "en"}),
        ),
    ],
    ids=["parameter order", "percent-encoding", "language by its resolved code"],
)
def test_equivalent_requests_share_an_entry(api_client, dataset, first, second):
    first_response = api_client.get(first[0], **first[1])
    second_response, second_queries = _get(api_client, second[0], **second[1])
    assert second_queries == []
    assert (second_response.content, second_response["ETag"]) == (first_response.content, first_response["ETag"])


# --- who asks ------------------------------------------------------------------------------------------


def test_throttle_counts_cached_and_revalidated_requests(api_client, dataset, settings):
    settings.TEILHABE_RATE_API = "3/m"
    etag = api_client.get(OBSERVATIONS)["ETag"]
    assert api_client.get(OBSERVATIONS).status_code == 200  # from the cache
    assert api_client.get(OBSERVATIONS, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert api_client.get(OBSERVATIONS).status_code == 429
    assert api_client.get(OBSERVATIONS, HTTP_IF_NONE_MATCH=etag).status_code == 429


def test_uploads_are_never_cached(staff_client, dataset, django_capture_on_commit_callbacks):
    # given
    first = _upload(staff_client, django_capture_on_commit_callbacks, [ROW_2022])
    # when: the same request again, then a changed one
    second = _upload(staff_client, django_capture_on_commit_callbacks, [ROW_2022])
    third = _upload(staff_client, django_capture_on_commit_callbacks, [{**ROW_2022, "value": 84.0}])
    # then: each ran
    assert [response.json() for response in (first, second, third)] == [
        {"created": 1, "updated": 0, "unchanged": 0},
        {"created": 0, "updated": 0, "unchanged": 1},
        {"created": 0, "updated": 1, "unchanged": 0},
    ]
    assert Observation.objects.get(period="2022", breakdown_key="").value == 84.0
    assert not any(response.has_header("ETag") for response in (first, third))
    # Signed-in answers say private, no-store (never kept by a shared cache).
    assert all("no-store" in response.get("Cache-Control", "") for response in (first, third))


def test_signed_in_readers_get_the_public_response(api_client, staff_client, dataset):
    """A read does not depend on who asks, so staff share the public entry."""
    public = api_client.get(OBSERVATIONS)
    signed_in, queries = _get(staff_client, OBSERVATIONS)
    # The token and, for tokens of second-factor roles, whether it was made after the second factor.
    assert [query.split(" FROM ")[1].split()[0] for query in queries] == ['"authtoken_token"', '"otp_totp_totpdevice"']
    assert (signed_in.content, signed_in["ETag"]) == (public.content, public["ETag"])
