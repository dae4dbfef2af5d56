"""Flooding the page cache: made-up query parameters and foreign Host headers get no cache entries of their own."""

import pytest
from django.core.cache import cache

from teilhabe.core.cache import bump_data_version

pytestmark = pytest.mark.django_db

PAGE = "/en/indikatoren/B1/"


def _page_entries() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM teilhabe_cache WHERE cache_key LIKE %s", ["%teilhabe:page:%"])
        return cursor.fetchone()[0]


def test_made_up_parameters_are_redirected_and_cached_nowhere(client, portal_data):
    # given the page, rendered and cached once
    assert client.get(PAGE).status_code == 200
    entries = _page_entries()
    assert entries == 1
    # when an attacker asks for it 500 times with made-up parameters
    for number in range(500):
        response = client.get(f"{PAGE}?utm_{number}=x&page={number}")
        # then each is sent to the canonical page, which the cache already holds
        assert response.status_code == 301
        assert response["Location"] == PAGE
    assert _page_entries() == entries


def test_a_declared_parameter_is_kept_in_its_canonical_spelling(client, portal_data):
    edition = portal_data.edition.code if hasattr(portal_data, "edition") else None
    response = client.get(f"{PAGE}?edition=zz-unknown&x=1")
    assert (response.status_code, response["Location"]) == (301, f"{PAGE}?edition=zz-unknown")
    # a value the view does not have is its 404, which is not cached
    assert client.get(f"{PAGE}?edition=zz-unknown").status_code == 404
    assert _page_entries() == 0
    if edition:
        assert client.get(f"{PAGE}?edition={edition}").status_code == 200


def test_unknown_editions_in_the_comparison_are_dropped(client, portal_data):
    response = client.get("/en/konzept/?from=nothing-like-this&to=nor-this")
    assert (response.status_code, response["Location"]) == (301, "/en/konzept/")


def test_a_foreign_host_gets_400_not_the_cached_page(client, portal_data, settings):
    # given a cached page
    settings.ALLOWED_HOSTS = ["teilhabe.example.org"]
    first = client.get(PAGE, HTTP_HOST="teilhabe.example.org")
    assert first.status_code == 200
    # when it is asked for under a Host the site does not serve
    response = client.get(PAGE, HTTP_HOST="attacker.example.com")
    # then the answer is 400, not the page
    assert response.status_code == 400
    assert response.content != first.content


def test_the_host_is_part_of_the_key(client, portal_data, settings):
    settings.ALLOWED_HOSTS = ["a.example.org", "b.example.org"]
    client.get(PAGE, HTTP_HOST="a.example.org")
    client.get(PAGE, HTTP_HOST="b.example.org")
    assert _page_entries() == 2


def test_a_page_past_the_last_is_not_found(client):
    from tests.participation.factories import EventFactory

    event = EventFactory()
    bump_data_version()
    url = event.get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get(f"{url}?page=0002").status_code == 301
    assert client.get(f"{url}?page=2").status_code == 404
    cache.clear()
