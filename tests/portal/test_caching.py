"""Page cache and data version: fast repeat views, fresh pages after a write, client revalidation."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from teilhabe.core import cache as page_cache
from teilhabe.monitoring.models import Observation

pytestmark = pytest.mark.django_db


def test_a_repeat_view_is_served_from_the_cache(client, portal_data, django_assert_max_num_queries):
    # given a rendered page
    first = client.get("/en/indikatoren/B1/")
    # when it is requested again
    # two reads: the data version (counter store) and the page (page cache); both are tables in tests
    with django_assert_max_num_queries(2):
        second = client.get("/en/indikatoren/B1/")
    # then
    assert second.status_code == 200
    assert second.content == first.content


def test_a_changed_observation_shows_on_the_next_request(client, portal_data):
    # given a cached page showing 47.0 for 2022
    assert "47.0%" in client.get("/en/konzept/2017/schule/").content.decode()  # English as CLDR writes it
    # when the value is corrected and the writer bumps the data version
    Observation.objects.filter(
        indicator=portal_data.gap_indicator, period="2022", breakdown_key="", geography=portal_data.city
    ).update(value=48.5)
    page_cache.bump_data_version()
    # then
    page = client.get("/en/konzept/2017/schule/").content.decode()
    assert "48.5%" in page and "Latest: 47.0" not in page


def test_without_a_bump_the_cached_page_is_kept(client, portal_data):
    client.get("/en/konzept/2017/schule/")
    Observation.objects.filter(
        indicator=portal_data.gap_indicator, period="2022", breakdown_key="", geography=portal_data.city
    ).update(value=48.5)
    assert "48.5" not in client.get("/en/konzept/2017/schule/").content.decode()


def test_pages_carry_etag_and_last_modified_and_revalidate_with_304(client, portal_data):
    # given
    version = page_cache.get_data_version()
    response = client.get("/en/indikatoren/B1/")
    # then
    assert response["Last-Modified"] == version.last_modified
    etag = response["ETag"]
    # when the client revalidates
    assert client.get("/en/indikatoren/B1/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/en/indikatoren/B1/", HTTP_IF_MODIFIED_SINCE=version.last_modified).status_code == 304
    # and after a write it gets the new page
    page_cache.bump_data_version()
    assert client.get("/en/indikatoren/B1/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_languages_and_paths_are_cached_apart(client, portal_data):
    german = client.get("/indikatoren/B1/").content.decode()
    english = client.get("/en/indikatoren/B1/").content.decode()
    assert '<html lang="de"' in german and '<html lang="en"' in english
    assert client.get("/indikatoren/B1/").content.decode() == german


def test_visitors_with_a_session_get_a_fresh_page(portal_data):
    # given a signed-in reader (a session cookie)
    client = Client()
    client.cookies["sessionid"] = "anything"
    client.get("/en/indikatoren/B1/")
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/indikatoren/B1/")
    # then the page was rendered, not taken from the cache
    assert response.status_code == 200
    assert len(queries) > 5


def test_pages_with_a_csrf_token_are_not_cached(client, portal_data):
    # The accessibility page holds the feedback form with a CSRF token bound to its visitor.
    client.get("/en/barrierefreiheit/")
    other = Client()
    response = other.get("/en/barrierefreiheit/")
    assert "csrftoken" in response.cookies


def test_the_data_version_changes_on_every_bump(db):
    first = page_cache.get_data_version()
    assert page_cache.get_data_version() == first
    second = page_cache.bump_data_version()
    assert second.token != first.token
    assert page_cache.get_data_version() == second
    assert page_cache.versioned_key("x") == f"teilhabe:{second.token}:x"


def test_a_cache_hit_keeps_the_security_headers_of_the_first_response(client, portal_data):
    first = client.get("/en/indikatoren/B1/")
    second = client.get("/en/indikatoren/B1/")
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "Content-Language",
        "ETag",
        "Last-Modified",
        "Content-Type",
    ):
        assert second[header] == first[header], header
    assert second["Content-Language"] == "en"


def test_without_the_middleware_the_decorator_caches_by_itself(
    client, portal_data, settings, django_assert_max_num_queries
):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "teilhabe.core.cache.PublicPageCacheMiddleware"]
    first = client.get("/en/indikatoren/B1/")
    with django_assert_max_num_queries(2):  # data version and page
        second = client.get("/en/indikatoren/B1/")
    assert second.content == first.content


def test_pages_of_other_apps_cost_no_cache_access(client, portal_data, django_assert_num_queries):
    # A page that is not a cached public page (here: a 404) makes no cache query.
    with django_assert_num_queries(0):
        assert client.get("/en/nowhere-at-all/").status_code == 404
