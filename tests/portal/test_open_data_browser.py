"""A journalist, tried as a new user would (issue #13, deliver 4): from a chart to the data behind it in one
click, and from the navigation to the open-data page and the whole workbook."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.utils import translation

from teilhabe.core import formatting
from teilhabe.monitoring.models import IndicatorVersion
from tests.portal.dataset import UNRELEASED_VALUE

pytestmark = pytest.mark.browser


@pytest.fixture
def portal_site(transactional_db, live_server):
    from tests.portal.dataset import build_portal_dataset

    return build_portal_dataset()


# The first chart of a test run is rendered while the page loads; on a busy machine that takes a while.
SLOW_PAGE_MS = 60_000


def _downloaded(download) -> bytes:
    with open(download.path(), "rb") as handle:
        return handle.read()


def test_the_csv_under_a_chart_holds_the_rows_of_its_data_table(page, live_server, portal_site):
    # given the indicator page with its chart of the groups
    page.set_default_timeout(SLOW_PAGE_MS)
    page.goto(live_server.url + "/indikatoren/B1/")
    figure = page.locator("figure.chart").filter(has=page.locator("[id^=chart-groups]"))
    # when the reader clicks the visible "Download CSV" under the chart
    link = figure.get_by_role("link", name="CSV herunterladen")
    assert link.is_visible()
    with page.expect_download() as event:
        link.click()
    download = event.value
    # then a CSV file arrives, named after the indicator and the chart
    assert download.suggested_filename == "b1-groups.csv"
    rows = list(csv.DictReader(io.StringIO(_downloaded(download).decode("utf-8-sig"))))
    # and its rows are the cells of the chart's data table, value for value
    figure.locator("details.chart-data summary").click()
    header = figure.locator("thead th").all_inner_texts()
    table = {}
    for row in figure.locator("tbody tr").all():
        period = row.locator("th").inner_text()
        for series, cell in zip(header[1:], row.locator("td").all_inner_texts(), strict=True):
            if cell != "–":  # no value for this period
                table[(period, series)] = cell
    decimals = IndicatorVersion.objects.get(indicator__code="B1", edition__is_current=True).decimals
    with translation.override("de"):
        from_file = {
            (row["period"], row["series"]): formatting.mark_reliability(
                formatting.format_number(float(row["value"]) if row["value"] else None, decimals), row["reliability"]
            )
            for row in rows
        }
    assert len(table) >= 10  # the total and two groups over several years
    assert from_file == table
    assert {row["indicator"] for row in rows} == {"B1"}
    assert {row["reliability"] for row in rows} >= {"withheld", "published"}  # a small count stays withheld
    assert not any(row["value"] == str(UNRELEASED_VALUE) for row in rows)


def test_open_data_is_in_the_navigation_and_gives_the_workbook(page, live_server, portal_site, axe_check):
    # given the home page
    page.set_default_timeout(SLOW_PAGE_MS)
    page.goto(live_server.url + "/en/")
    # when the reader follows "Open data" in the main navigation
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Open data").click()
    # then the open-data page opens in the site's frame, in the reader's language
    assert page.url == live_server.url + "/en/offene-daten/"
    assert page.get_by_role("heading", level=1).inner_text() == "Open data"
    assert page.get_by_role("heading", name="Licence").is_visible()
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in page.locator("main").inner_text()
    assert "Amt für Integration: Integration monitoring Musterstadt, open data" in page.locator("main").inner_text()
    axe_check(page)
    # and the workbook downloads with every table, the observations without the unreleased value
    with page.expect_download() as event:
        page.get_by_role("link", name="Workbook (XLSX)").click()
    workbook = openpyxl.load_workbook(io.BytesIO(_downloaded(event.value)), read_only=True)
    assert "observations" in workbook.sheetnames
    values = [cell for row in workbook["observations"].iter_rows(values_only=True) for cell in row]
    assert "B1" in values
    assert UNRELEASED_VALUE not in values
    # and each indicator's own files are one click away
    indicator_row = page.get_by_role("row").filter(has_text="B1")
    with page.expect_download() as event:
        indicator_row.get_by_role("link", name="XLSX B1").click()
    assert event.value.suggested_filename == "b1-all.xlsx"


def test_the_api_documentation_leads_back_to_the_open_data_page(page, live_server, portal_site):
    # given the developers' documentation, reached from the open-data page
    page.set_default_timeout(SLOW_PAGE_MS)
    page.goto(live_server.url + "/en/offene-daten/")
    page.get_by_role("link", name="API documentation").click()
    assert page.url == live_server.url + "/api/docs/?lang=en"
    # when the reader wants to go back
    page.get_by_role("link", name="Back to the open data page").click()
    # then they are on the open-data page again, in their language
    assert page.url == live_server.url + "/en/offene-daten/"
    assert page.get_by_role("heading", level=1).inner_text() == "Open data"
