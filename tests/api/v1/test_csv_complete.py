"""The API's CSV is never silently cut: complete (streamed when long) or, when a page is asked for, labelled
as that page in its headers and its file name. Issue #13: /api/v1/observations/?format=csv gave 100 of 336 rows."""

import csv
import io

import pytest

from teilhabe.api import views
from tests.monitoring.factories import ObservationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/observations/"
EXTRA_ROWS = 150  # more than one page (100) on top of the dataset's released observations


@pytest.fixture
def many(dataset):
    for offset in range(EXTRA_ROWS):
        ObservationFactory(indicator=dataset.indicator, geography=dataset.district, year=1850 + offset, value=offset)
    return dataset


def _rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def _all_ids_through_json_pages(client) -> list[str]:
    ids, url = [], URL + "?page_size=100"
    while url:
        page = client.get(url).json()
        ids += [str(row["id"]) for row in page["results"]]
        url = page["next"]
    return ids


def test_csv_holds_every_row_the_json_pages_hold(api_client, many):
    # given: more public rows than one JSON page
    expected = _all_ids_through_json_pages(api_client)
    assert len(expected) > 100
    # when
    response = api_client.get(URL + "?format=csv")
    # then: every row, in the same order, and the header says how many
    assert response.status_code == 200
    assert [row["id"] for row in _rows(response.content)] == expected
    assert response["X-Total-Count"] == str(len(expected))


def test_a_long_csv_is_streamed_with_the_same_bytes(api_client, many, monkeypatch):
    # given: the rendered (cached) answer for the complete list
    rendered = api_client.get(URL + "?format=csv&lang=en")
    assert not rendered.streaming
    # when the list is longer than what is rendered at once
    monkeypatch.setattr(views, "CSV_STREAM_ROWS", 10)
    monkeypatch.setattr(views, "CSV_CHUNK", 7)  # several chunks
    streamed = api_client.get(URL + "?format=csv&lang=en&indicator=B1")  # B1 is every row; another cache key
    # then it comes as a stream, row by row, with the same rows and columns as the rendered file
    assert streamed.streaming
    assert streamed["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(streamed.streaming_content)
    assert content == rendered.content
    assert streamed["X-Total-Count"] == str(len(_rows(content)))


def test_an_asked_for_page_says_so_in_headers_and_file_name(api_client, many):
    total = len(_all_ids_through_json_pages(api_client))
    # when
    response = api_client.get(URL + "?format=csv&page=2")
    # then
    rows = _rows(response.content)
    assert len(rows) == min(100, total - 100)
    assert response["X-Total-Count"] == str(total)
    assert (response["X-Page"], response["X-Page-Size"]) == ("2", "100")
    assert response["Link"].endswith('; rel="prev"') and "page_size" not in response["Link"]
    pages = -(-total // 100)
    assert response["Content-Disposition"] == f'attachment; filename="observations-page-2-of-{pages}.csv"'
