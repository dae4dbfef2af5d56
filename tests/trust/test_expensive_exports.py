"""Expensive public exports (issue 11, finding 12): each whole-data download cost about a second of CPU per
request, uncached and unlimited, so anyone could keep the app servers busy by asking again and again.

Now every export is built once per data version (and language) and replayed until the next write, and one
client address gets TEILHABE_RATE_EXPORTS downloads, counted together over all exports; past that, 429 with
Retry-After, while other addresses carry on. Tests fetch the files over HTTP as a visitor or a script would.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from teilhabe.api import open_data
from teilhabe.core import privacy
from teilhabe.core.cache import bump_data_version
from teilhabe.participation import documentation
from teilhabe.participation.models import Contribution
from tests.api.conftest import dataset  # noqa: F401
from tests.participation.factories import ContributionFactory, EventFactory, ProcedureFactory

TITLE = "Mehr Kita-Plätze im Stadtteil"
CHANGED = "Sprachcafé in jeder Bücherhalle"
CONTRIBUTION_TABLE = "participation_contribution"

DOCUMENTATION_CSV = "/beteiligung/konzept/dokumentation/beitraege.csv"
DOCUMENTATION_XLSX = "/beteiligung/konzept/dokumentation/beitraege.xlsx"
API_CSV = "/api/v1/contributions/?format=csv&procedure=konzept"
API_JSON = "/api/v1/contributions/?procedure=konzept"
WORKBOOK = "/api/v1/downloads/data.xlsx"
PACKAGE = "/api/v1/downloads/datapackage.zip"
EXPORTS = [DOCUMENTATION_CSV, DOCUMENTATION_XLSX, API_CSV, WORKBOOK, PACKAGE]


@pytest.fixture
def procedure(db):
    procedure = ProcedureFactory(slug="konzept")
    ContributionFactory(procedure=procedure, title=TITLE)
    return procedure


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """The formats of the documentation files built, in order (the real builder runs)."""
    built: list[str] = []
    real = documentation.export_bytes

    def counting(procedure, format):
        built.append(format)
        return real(procedure, format)

    monkeypatch.setattr(documentation, "export_bytes", counting)
    return built


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _text(content: bytes) -> str:
    """What a reader of the file sees: CSV text, or the cells of an XLSX."""
    return privacy.extracted_text(content) or content.decode("utf-8")


def _fetch(client, url: str, **extra) -> tuple[int, bytes, str]:
    """Status, body and every SQL statement the request ran."""
    with CaptureQueriesContext(connection) as run:
        response = client.get(url, **extra)
        body = _body(response)
    return response.status_code, body, "\n".join(query["sql"] for query in run.captured_queries)


# --- Built once per data version ------------------------------------------------------------------


@pytest.mark.parametrize("url", [DOCUMENTATION_CSV, DOCUMENTATION_XLSX], ids=["csv", "xlsx"])
def test_documentation_download_is_built_once_per_data_version(client, procedure, builds, url):
    # given: the download was fetched once
    status, first, _ = _fetch(client, url)
    assert status == 200 and TITLE in _text(first)
    # when: the contribution changes without a write that bumps the data version, and the file is fetched again
    Contribution.objects.update(title=CHANGED)
    status, second, sql = _fetch(client, url)
    # then: the same bytes come from the cache; no contribution was read and nothing was built
    assert status == 200 and second == first
    assert CONTRIBUTION_TABLE not in sql
    assert len(builds) == 1
    # when: the data version is bumped (what every service write does)
    bump_data_version()
    status, third, sql = _fetch(client, url)
    # then: rebuilt from the current data
    assert status == 200 and CHANGED in _text(third) and TITLE not in _text(third)
    assert CONTRIBUTION_TABLE in sql
    assert len(builds) == 2


def test_each_language_has_its_own_cached_download(client, db, builds):
    # given: an event whose title differs by language
    procedure = ProcedureFactory(slug="konzept")
    event = EventFactory(procedure=procedure, title_de="Stadtteilkonferenz Nord", title_en="District conference North")
    ContributionFactory(procedure=procedure, event=event)
    # when: the German and the English download are fetched, each twice
    german = [_body(client.get(DOCUMENTATION_CSV)).decode() for _ in range(2)]
    english = [_body(client.get("/en" + DOCUMENTATION_CSV)).decode() for _ in range(2)]
    # then: each in its language, each built once
    assert "Stadtteilkonferenz Nord" in german[0] and "District conference North" not in german[0]
    assert "District conference North" in english[0] and "Stadtteilkonferenz Nord" not in english[0]
    assert german[0] == german[1] and english[0] == english[1]
    assert builds == ["csv", "csv"]


def test_api_csv_is_served_from_the_cache_until_the_data_changes(client, procedure):
    status, first, _ = _fetch(client, API_CSV)
    assert status == 200 and TITLE in first.decode()
    Contribution.objects.update(title=CHANGED)
    status, second, sql = _fetch(client, API_CSV)
    assert status == 200 and second == first and CONTRIBUTION_TABLE not in sql
    bump_data_version()
    status, third, sql = _fetch(client, API_CSV)
    assert status == 200 and CHANGED in third.decode() and CONTRIBUTION_TABLE in sql


def test_open_data_is_built_once_per_data_version(client, dataset, monkeypatch):  # noqa: F811
    built: list[str] = []
    real = open_data.build

    def counting(version):
        built.append(version)
        return real(version)

    monkeypatch.setattr(open_data, "build", counting)
    # given / when: the workbook and the package, each fetched twice
    answers = [client.get(url) for url in (WORKBOOK, PACKAGE, WORKBOOK, PACKAGE)]
    # then: one build served all four
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200]
    assert len(built) == 1
    # when the data version changes, the next download is built from the current data
    bump_data_version()
    assert client.get(WORKBOOK).status_code == 200
    assert len(built) == 2 and built[0] != built[1]


# --- Rate-limited per client address ------------------------------------------------------------


@pytest.mark.parametrize("url", EXPORTS)
def test_an_address_past_the_export_rate_gets_429_and_others_carry_on(
    client,
    procedure,
    dataset,  # noqa: F811
    settings,
    builds,
    url,
):
    # given: three downloads an hour per address
    settings.TEILHABE_RATE_EXPORTS = "3/h"
    attacker, neighbour = {"REMOTE_ADDR": "203.0.113.7"}, {"REMOTE_ADDR": "198.51.100.20"}
    statuses = [client.get(url, **attacker).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    built_before = list(builds)
    # when: the fourth from the same address
    refused = client.get(url, **attacker)
    # then: 429 saying when to retry, no file, nothing built
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert TITLE.encode() not in _body(refused)
    assert builds == built_before
    # and another address is not affected
    assert client.get(url, **neighbour).status_code == 200


def test_the_export_budget_is_shared_and_json_reads_do_not_use_it(client, procedure, dataset, settings):  # noqa: F811
    # given: two downloads an hour per address
    settings.TEILHABE_RATE_EXPORTS = "2/h"
    address = {"REMOTE_ADDR": "203.0.113.9"}
    # when: three different exports from one address
    statuses = [client.get(url, **address).status_code for url in (DOCUMENTATION_CSV, API_CSV, WORKBOOK)]
    # then: the third is refused, whichever export it is
    assert statuses == [200, 200, 429]
    # and reading the API as JSON is limited by the API rate only
    assert client.get(API_JSON, **address).status_code == 200
