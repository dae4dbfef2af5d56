"""Open data downloads: the data package re-imports into an empty database with the same public content;
unreleased values and small counts appear in no download."""

import csv
import io
import json
import zipfile

import openpyxl
import pytest
from django.core.management import call_command

from teilhabe.accounts.models import Authority
from teilhabe.core.cache import bump_data_version
from teilhabe.monitoring import models

PACKAGE = "/api/v1/downloads/datapackage.zip"


def _download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


def _public_content(client) -> dict:
    """What the public API shows, without database ids and timestamps."""

    def rows(url, drop=("id", "updated_at", "sub_goals", "children", "parent", "area", "observation")):
        return sorted(
            (
                json.dumps({k: v for k, v in row.items() if k not in drop}, sort_keys=True)
                for row in client.get(url, {"page_size": 1000}).json()["results"]
            ),
        )

    return {
        name: rows(f"/api/v1/{name}/")
        for name in ("editions", "areas", "sub-goals", "indicators", "targets", "observations", "measures")
    }


def _empty_database():
    models.Observation.objects.all().delete()
    models.Assessment.objects.all().delete()
    models.Target.objects.all().delete()
    models.Measure.objects.all().delete()
    models.IndicatorVersion.objects.all().delete()
    models.Indicator.objects.all().delete()
    models.AreaOfAction.objects.filter(parent__isnull=False).delete()
    models.Edition.objects.all().delete()
    models.Geography.objects.filter(parent__isnull=False).delete()
    models.Geography.objects.all().delete()
    models.BreakdownDimension.objects.all().delete()
    Authority.objects.all().delete()


def test_data_package_round_trip(client, dataset, tmp_path):
    # given: the public content and its data package
    before = _public_content(client)
    package = zipfile.ZipFile(io.BytesIO(_download(client, PACKAGE)))
    package.extractall(tmp_path / "package")
    # when: imported into an empty database
    _empty_database()
    bump_data_version()
    call_command("import_data", str(tmp_path / "package"), "--quiet", stdout=io.StringIO())
    # then: the public content is the same, but for withheld observations, which the tables leave out
    published = {**before, "observations": [row for row in before["observations"] if '"withheld"' not in row]}
    assert len(published["observations"]) < len(before["observations"])
    assert _public_content(client) == published


def test_package_descriptor(client, dataset):
    package = zipfile.ZipFile(io.BytesIO(_download(client, PACKAGE)))
    descriptor = json.loads(package.read("datapackage.json"))
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["licenses"] == [
        {
            "name": "dl-de-by-2.0",
            "title": "Datenlizenz Deutschland – Namensnennung – Version 2.0",
            "path": "https://www.govdata.de/dl-de/by-2-0",
        }
    ]
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    assert {"editions", "areas", "indicators", "targets", "observations", "opensdg-indicator-b1"} <= set(resources)
    for resource in resources.values():
        assert resource["path"] in package.namelist()
        with package.open(resource["path"]) as handle:
            header = next(csv.reader(io.TextIOWrapper(handle, encoding="utf-8")))
        assert [field["name"] for field in resource["schema"]["fields"]] == header
    fields = {field["name"]: field for field in resources["observations"]["schema"]["fields"]}
    assert fields["value"] == {"name": "value", "type": "number", "constraints": {"required": True}}
    assert fields["sample_size"]["type"] == "integer"
    assert fields["released_on"]["type"] == "date"
    assert fields["migration_background"]["type"] == "string"


def test_licence_is_configurable(client, dataset, settings):
    settings.TEILHABE_DATA_LICENCE = "cc-by-4.0"
    package = zipfile.ZipFile(io.BytesIO(_download(client, PACKAGE)))
    assert json.loads(package.read("datapackage.json"))["licenses"][0]["name"] == "CC-BY-4.0"


def _observation_rows(package: zipfile.ZipFile) -> list[dict]:
    return list(csv.DictReader(io.TextIOWrapper(package.open("observations.csv"), encoding="utf-8")))


def test_no_download_holds_unreleased_values_or_small_counts(client, dataset):
    package = zipfile.ZipFile(io.BytesIO(_download(client, PACKAGE)))
    everything = b"".join(package.read(name) for name in package.namelist())
    workbook = _download(client, "/api/v1/downloads/data.xlsx")
    opensdg = _download(client, "/api/v1/indicators/B1/opensdg.csv")
    cells = [
        str(cell)
        for sheet in openpyxl.load_workbook(io.BytesIO(workbook)).worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    # the unreleased value (99.25, 2021) is nowhere
    assert b"99.25" not in everything and b"9925" not in everything
    assert "99.25" not in cells and "9925" not in cells
    assert b"99.25" not in opensdg and b"2021" not in opensdg
    # the observation with small counts (3 of 4) is withheld: not in the tables, a blank Value in the Open
    # SDG file; the large counts kept
    rows = {(row["period"], row["geography"], row["migration_background"]): row for row in _observation_rows(package)}
    assert ("2019", "altona", "yes") not in rows
    assert "2019,yes,altona," in opensdg.decode().splitlines()
    large = rows[("2019", "city", "")]
    assert (large["numerator"], large["denominator"], large["sample_size"]) == ("815", "1000", "1000")


def test_opensdg_csv_of_one_indicator(client, dataset):
    """Year, breakdown columns, GeoCode (empty for the city), Value; released values only."""
    assert _download(client, "/api/v1/indicators/B1/opensdg.csv").decode().splitlines() == [
        "Year,migration_background,GeoCode,Value",
        "2019,,,81.5",
        "2020,yes,,70",
        "2020,,altona,77",
        "2019,yes,altona,",  # withheld: 3 of 4
    ]


@pytest.mark.parametrize("url", ["/api/v1/indicators/NOPE/opensdg.csv"])
def test_unknown_indicator_download_is_404(client, dataset, url):
    assert client.get(url).status_code == 404


def test_package_is_rebuilt_when_data_change(client, dataset):
    first = _download(client, PACKAGE)
    models.Observation.objects.filter(pk=dataset.released.pk).update(value=12.5)
    assert _download(client, PACKAGE) == first  # same data version: the stored package
    bump_data_version()
    rows = _observation_rows(zipfile.ZipFile(io.BytesIO(_download(client, PACKAGE))))
    assert [
        row["value"]
        for row in rows
        if (row["period"], row["geography"], row["migration_background"]) == ("2019", "city", "")
    ] == ["12.5"]


def test_pending_build_answers_202_with_retry_after(client, dataset):
    from teilhabe.api import open_data

    assert open_data.claim_build(open_data.current_version())  # a worker has started the build
    response = client.get(PACKAGE)
    assert response.status_code == 202
    assert response["Retry-After"] == "10"
    assert open_data.built_directory(open_data.current_version()) is None
