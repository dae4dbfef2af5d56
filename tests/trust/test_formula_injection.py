"""Formula injection (issue 11, finding 3): a resident's text or a staff-typed title that starts like a formula
goes through every CSV and XLSX export, public and staff, and comes out as inert text; numbers stay numbers.

Each export is fetched as its users fetch it (HTTP for downloads and the API, the builder for the annual report
and the survey exports, which the staff pages call the same way) and read back with csv and openpyxl.
"""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from teilhabe.core.tabular import FORMULA_TRIGGERS
from teilhabe.monitoring.models import IndicatorVersion, Measure
from teilhabe.reports import builders
from teilhabe.surveys import exports
from teilhabe.surveys import services as survey_services
from tests.accounts.factories import AuthorityFactory
from tests.api.conftest import dataset  # noqa: F401
from tests.participation.factories import (
    ContributionFactory,
    ProcedureFactory,
    authority_staff,
    department_admin,
    evaluate,
)
from tests.surveys.factories import all_kinds_survey

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


def _plain_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _assert_safe_csv(name: str, content: bytes, payload: str) -> list[str]:
    cells = _csv_cells(content)
    dangerous = [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS) and not _plain_number(cell)]
    assert dangerous == [], f"{name}: {dangerous}"
    return cells


def _assert_safe_xlsx(name: str, content: bytes) -> list:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    formulas = [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert formulas == [], f"{name}: formula cells {formulas}"
    dangerous = [
        cell.value
        for cell in cells
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS) and not _plain_number(cell.value)
    ]
    assert dangerous == [], f"{name}: {dangerous}"
    return cells


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def poisoned(dataset, request):  # noqa: F811
    """The payload as a resident's contribution (published and pending), its evaluation, an indicator and a
    measure title, and a survey's free-text answer."""
    payload = request.param
    IndicatorVersion.objects.filter(indicator=dataset.indicator).update(title_de=payload, title_en=payload)
    Measure.objects.update(title_de=payload, title_en=payload)
    procedure = ProcedureFactory(slug="konzept", edition=dataset.edition)
    department, lead = department_admin(), authority_staff(AuthorityFactory(code="schools"))
    published = ContributionFactory(procedure=procedure, title=payload, text=payload)
    evaluate(
        published.review,
        department=department,
        lead=lead,
        justification=payload + " because the city already funds such courses in every district",
        measures=list(Measure.objects.all()),
    )
    ContributionFactory(procedure=procedure, moderation_state="pending", title=payload, text=payload)
    kinds = all_kinds_survey()
    survey_services.submit_response(
        survey=kinds.survey,
        on=dataset.released.period_start,
        answers={
            kinds.single.pk: kinds.option(kinds.single, "yes").pk,
            kinds.free_text.pk: payload,
            kinds.number.pk: 12.5,
        },
    )
    return payload, procedure, department, kinds


@pytest.mark.parametrize("poisoned", PAYLOADS, indirect=True, ids=repr)
def test_no_export_carries_a_live_formula(poisoned, client, dataset):  # noqa: F811
    payload, procedure, department, kinds = poisoned
    guarded = "'" + payload
    csvs: dict[str, bytes] = {
        "documentation.csv": _body(
            client.get(reverse("participation:documentation_download", args=("konzept", "csv")))
        ),
        "api contributions.csv": _body(client.get("/api/v1/contributions/", {"format": "csv"})),
        "api indicators.csv": _body(client.get("/api/v1/indicators/", {"format": "csv"})),
        "api measures.csv": _body(client.get("/api/v1/measures/", {"format": "csv"})),
        "survey.csv": exports.export_survey(kinds.survey, "csv"),
    }
    package = zipfile.ZipFile(io.BytesIO(_body(client.get("/api/v1/downloads/datapackage.zip"))))
    csvs.update({f"datapackage {name}": package.read(name) for name in package.namelist() if name.endswith(".csv")})
    workbooks: dict[str, bytes] = {
        "documentation.xlsx": _body(
            client.get(reverse("participation:documentation_download", args=("konzept", "xlsx")))
        ),
        "data.xlsx": _body(client.get("/api/v1/downloads/data.xlsx")),
        "annual report": builders.build_annual_report_xlsx(dataset.edition, language="en"),
        "survey.xlsx": exports.export_survey(kinds.survey, "xlsx"),
    }
    client.force_login(department)
    csvs["work queue"] = _body(client.get(reverse("participation:work_queue"), {"format": "csv"}))

    # Files with "\n" line ends carry a carriage return inside a text as "\n" (tabular.CSVWriter).
    found_in_csv = {
        name: {guarded, guarded.replace("\r", "\n")} & set(_assert_safe_csv(name, content, payload)) != set()
        for name, content in csvs.items()
    }
    found_in_xlsx = {name: [c.value for c in _assert_safe_xlsx(name, content)] for name, content in workbooks.items()}
    # The payload did go through each export that shows the poisoned texts (so the checks above saw it).
    for name in (
        "documentation.csv",
        "api contributions.csv",
        "api indicators.csv",
        "api measures.csv",
        "survey.csv",
        "datapackage measures.csv",
        "datapackage indicators.csv",
        "work queue",
    ):
        assert found_in_csv[name], name
    for name in ("documentation.xlsx", "data.xlsx", "annual report", "survey.xlsx"):
        assert {guarded, guarded.replace("\r", "\n")} & set(found_in_xlsx[name]), name  # XML reads \r as \n
    # Numbers stay numbers.
    assert 12.5 in found_in_xlsx["survey.xlsx"]
    assert any(isinstance(value, float | int) and not isinstance(value, bool) for value in found_in_xlsx["data.xlsx"])
    assert "12.5" in _csv_cells(csvs["survey.csv"])
