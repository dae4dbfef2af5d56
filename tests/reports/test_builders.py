"""The concept document and the annual progress report contain what the data says, in both languages."""

import io

import openpyxl
from django.core.files.base import ContentFile
from django.utils import translation
from pypdf import PdfReader

from teilhabe.core.models import SiteProfile
from teilhabe.monitoring.models import EditionAttachment
from teilhabe.reports import builders
from tests.monitoring.factories import TargetFactory


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_concept_document_in_german(dataset):
    EditionAttachment.objects.create(
        edition=dataset.edition,
        title="Senatsdrucksache 21/7",
        title_en="Senate paper",
        file=ContentFile(b"%PDF-1.4", name="drucksache.pdf"),
    )
    text = _flat(_text(builders.build_concept_pdf(dataset.edition, language="de")))
    for expected in [
        "Integrationskonzept 2017",
        "Bildung",
        "Schule",
        "Wir sorgen dafür, dass alle gleich teilhaben.",
        "Mehr Abschlüsse",
        "B1 Schulabschlüsse",
        "Share of school leavers with at least a lower secondary certificate.",
        "Schulbehörde",
        "80,0 % (2015)",
        "90,0 % (2030)",
        "Senatsdrucksache 21/7",
    ]:
        assert expected in text, expected
    assert "Illustrative" not in text


def test_concept_document_in_english(dataset):
    text = _flat(_text(builders.build_concept_pdf(dataset.edition, language="en")))
    for expected in [
        "Integration concept 2017",
        "Education",
        "School",
        "We make sure everyone participates equally.",
        "More certificates",
        "B1 School certificates",
        "Targets for B1",
        "80.0% (2015)",
    ]:
        assert expected in text, expected


def test_documents_of_illustrative_data_say_so(dataset):
    SiteProfile.objects.create(city_name="Musterstadt", is_illustrative=True)
    assert "Illustrative data." in _text(builders.build_concept_pdf(dataset.edition, language="en"))
    assert "Illustrative data." in _text(builders.build_annual_report_pdf(dataset.edition, language="en"))


def test_annual_report_lists_every_target_with_its_assessment(dataset):
    text = _flat(_text(builders.build_annual_report_pdf(dataset.edition, language="en")))
    for expected in [
        "Annual progress report",
        "B1 School certificates – Total, Stadt",
        "Moderate progress",
        "Base year 2019",
        "Latest year 2020",
    ]:
        assert expected in text, expected


def test_annual_report_rows(dataset):
    with translation.override("en"):
        rows = builders.annual_report_rows(dataset.edition)
    assert [
        (r.indicator_code, r.group, r.geography, r.baseline_value, r.target_value, r.status, r.score, r.explanation)
        for r in rows
    ] == [("B1", "Total", "Stadt", 80.0, 90.0, "moderate_progress", 1.5, "Moderate progress.")]


def test_a_target_without_assessment_reads_not_available(dataset):
    TargetFactory(indicator=dataset.indicator, edition=dataset.edition, geography=dataset.district)
    with translation.override("en"):
        rows = builders.annual_report_rows(dataset.edition)
    assert [(r.geography, r.status, r.status_label, r.components) for r in rows] == [
        ("Stadt", "moderate_progress", "Moderate progress", (("Base year", "2019"), ("Latest year", "2020"))),
        ("Altona", "not_available", "No assessment possible", ()),
    ]


def test_annual_report_workbook(dataset):
    content = builders.build_annual_report_xlsx(dataset.edition, language="en")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Summary", "Targets"]
    targets = list(workbook["Targets"].iter_rows(values_only=True))
    assert targets[0][:11] == (
        "Area of action",
        "Indicator",
        "Title",
        "Unit",
        "Group",
        "Geography",
        "Baseline year",
        "Baseline value",
        "Target year",
        "Target value",
        "Status",
    )
    assert targets[1][:15] == (
        "School",
        "B1",
        "School certificates",
        "%",
        "Total",
        "Stadt",
        2015,
        80,
        2030,
        90,
        "Moderate progress",
        "no",
        1.5,
        0.7,
        "Moderate progress.",
    )
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True) if len(row) > 1}
    assert summary["Moderate progress"] == 1
    assert summary["Substantial progress"] == 0
