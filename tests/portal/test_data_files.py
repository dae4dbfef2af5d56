"""The data behind the portal's pages (teilhabe.portal.data_files): what an area's, a district's and an
indicator's files hold, read through the public gateway; bad addresses are a 404 and build nothing."""

import csv
import io

import openpyxl
import pytest

from teilhabe.monitoring.models import Observation
from tests.portal.dataset import UNRELEASED_VALUE

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_area_file_holds_the_public_observations_of_its_indicators(client, portal_data):
    # when
    rows = _csv(client.get("/en/konzept/2017/bildung/daten.csv"))
    # then: B1 and B2 (the field and its topic), not A1 of another field
    assert {row["indicator"] for row in rows} == {"B1", "B2"}
    # every released observation of those indicators, none before its release date
    released = Observation.objects.filter(indicator__code__in=["B1", "B2"], released_on__isnull=True).count()
    assert len(rows) == released
    assert str(UNRELEASED_VALUE) not in {row["value"] for row in rows}
    # the small count's group value is withheld: empty, and said so
    withheld = [row for row in rows if row["reliability"] == "withheld"]
    assert withheld and all(row["value"] == "" for row in withheld)
    # labels as on the pages, codes beside them
    yes = next(row for row in rows if row["breakdown_key"] == "migration_background=yes" and row["period"] == "2016")
    assert (yes["series"], yes["geography_code"], yes["geography"]) == (
        "with immigrant background",
        "city",
        "Musterstadt",
    )
    assert (yes["value"], yes["unit"]) == ("31.5", "per cent (share of 100)")


def test_district_file_holds_that_district_only(client, portal_data):
    rows = _csv(client.get("/bezirke/d2/daten.csv"))
    assert rows and {row["geography_code"] for row in rows} == {"d2"}
    assert {row["geography"] for row in rows} == {"Nordhafen"}


def test_workbook_shows_values_rounded_as_on_the_page(client, portal_data):
    response = client.get("/indikatoren/B1/daten/all.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["data"]
    header = [cell.value for cell in sheet[1]]
    value = sheet.cell(row=2, column=header.index("value") + 1)
    assert value.value == 40 and value.number_format == "#,##0.0"  # the total of 2015, shown with one place


@pytest.mark.parametrize(
    "url",
    [
        "/indikatoren/B1/daten/everything.csv",
        "/indikatoren/B1/daten/groups.pdf",
        "/indikatoren/NOPE/daten/groups.csv",
        "/indikatoren/B1/daten/groups.csv?edition=1999",
        "/konzept/2017/nope/daten.csv",
        "/bezirke/city/daten.csv",
    ],
    ids=["unknown chart", "unknown format", "unknown indicator", "unknown edition", "unknown area", "not a district"],
)
def test_bad_addresses_are_not_found(client, portal_data, url):
    assert client.get(url).status_code == 404


def test_district_chart_file_holds_every_district_series_and_no_city_row(client, portal_data):
    rows = _csv(client.get("/en/indikatoren/B1/daten/districts.csv"))
    assert {row["geography"] for row in rows} == {"Altstadt", "Nordhafen", "Südpark"}
    nordhafen_2016 = next(row for row in rows if row["geography_code"] == "d2" and row["period"] == "2016")
    assert (nordhafen_2016["series"], nordhafen_2016["value"]) == ("Total", "41.0")  # 35 + 5 × 1 + 1
