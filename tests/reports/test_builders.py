"""The concept document and the annual progress report contain what the data says, in both languages."""

import io

import openpyxl
from django.core.files.base import ContentFile
from django.utils import translation
from pypdf import PdfReader

from teilhabe.core.models import SiteProfile
from teilhabe.monitoring.models import Assessment, EditionAttachment, Target
from teilhabe.reports import builders
from tests.monitoring.factories import (
    AreaOfActionFactory,
    DistrictFactory,
    EditionFactory,
    GeographyFactory,
    IndicatorVersionFactory,
    TargetFactory,
)


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
        "Executive summary",
        "Annex: every target",
        "B1 School certificates Total Stadt 80.0% (2015)",
        "90.0% (2030) Moderate progress",
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


def _gap_target(edition, area, city, code, *, base, current, status="moderate_progress", passed=False):
    """A city-wide gap target of a new indicator in `area`, assessed from `base` (2015) to `current` (2023)."""
    version = IndicatorVersionFactory(edition=edition, area=area, indicator__code=code, title=f"Gap {code}")
    target = TargetFactory(
        indicator=version.indicator,
        edition=edition,
        geography=city,
        kind=Target.Kind.GAP,
        baseline_value=base,
        target_value=0.0,
    )
    Assessment.objects.create(
        indicator=version.indicator,
        edition=edition,
        series_kind=Assessment.SeriesKind.GAP,
        geography=city,
        profile="opensdg",
        status=status,
        score=0.0,
        progress_value=0.5,
        components={
            "base_year": 2015,
            "base_value": base,
            "current_year": 2023,
            "current_value": current,
            "target": 0.0,
            "is_target_year_passed": passed,
        },
    )
    return target


def test_summary_names_the_gaps_closing_fastest_and_widening_most(db):
    edition = EditionFactory()
    area = AreaOfActionFactory(edition=edition, code="work", title="Arbeit", title_en="Work")
    city = GeographyFactory()
    # distance to parity per year: G1 closes 1.0, G2 closes 0.5, G3 widens 0.25, G4 crosses zero: |−2| vs |6| → 0.5,
    # G5 has no latest value and is in neither list
    _gap_target(edition, area, city, "G1", base=-10.0, current=-2.0)
    _gap_target(edition, area, city, "G2", base=6.0, current=2.0)
    _gap_target(edition, area, city, "G3", base=4.0, current=6.0, status="deterioration")
    _gap_target(edition, area, city, "G4", base=6.0, current=-2.0)
    _gap_target(edition, area, city, "G5", base=6.0, current=None)
    with translation.override("en"):
        rows = builders.annual_report_rows(edition)
        closing, widening = builders.moving_gaps(rows)
        assert [(r.indicator_code, r.gap_closing_per_year) for r in closing] == [("G1", 1.0), ("G2", 0.5), ("G4", 0.5)]
        assert [(r.indicator_code, r.gap_closing_text) for r in widening] == [("G3", "\u22120.25\u00a0pp")]
    # the minus sign is the formatting layer's choice (core.formatting); compared here as a hyphen
    text = _flat(_text(builders.build_annual_report_pdf(edition, language="en"))).replace("\u2212", "-")
    closing_part = text.split("Gaps closing fastest")[1].split("Gaps widening most")[0]
    widening_part = text.split("Gaps widening most")[1].split("Targets missed")[0]
    assert "G1 Gap G1 -10.0 pp (2015) -2.0 pp (2023) +1.00 pp" in closing_part
    assert "G3" not in closing_part and "G5" not in closing_part
    assert "G3 Gap G3 4.0 pp (2015) 6.0 pp (2023) -0.25 pp" in widening_part
    assert "G1" not in widening_part


def test_summary_lists_the_targets_missed(db):
    edition = EditionFactory()
    area = AreaOfActionFactory(edition=edition, code="work", title="Arbeit", title_en="Work")
    city = GeographyFactory()
    _gap_target(edition, area, city, "M1", base=8.0, current=5.0, status="substantial_progress", passed=True)
    _gap_target(edition, area, city, "M2", base=8.0, current=5.0, status="substantial_progress")
    text = _flat(_text(builders.build_annual_report_pdf(edition, language="en")))
    missed_part = text.split("Targets missed")[1].split("Work")[0]
    assert "M1 Gap M1" in missed_part and "Target missed" in missed_part
    assert "M2" not in missed_part


def test_annual_report_of_two_hundred_targets_fits_sixty_pages(db):
    """Eight fields of action with 25 targets each: a summary, a spread per field, the annex of compact tables."""
    edition = EditionFactory(title="Konzept", title_en="Concept")
    city = GeographyFactory()
    districts = [DistrictFactory(parent=city) for _ in range(3)]
    for field_number in range(8):
        area = AreaOfActionFactory(edition=edition, code=f"field-{field_number}", title_en=f"Field {field_number}")
        for indicator_number in range(5):
            code = f"F{field_number}.{indicator_number}"
            target = _gap_target(edition, area, city, code, base=10.0 + indicator_number, current=8.0 - field_number)
            TargetFactory(indicator=target.indicator, edition=edition, geography=city)
            for district in districts:
                TargetFactory(indicator=target.indicator, edition=edition, geography=district)
    assert Target.objects.filter(edition=edition).count() == 200
    reader = PdfReader(io.BytesIO(builders.build_annual_report_pdf(edition, language="en")))
    text = _flat("\n".join(page.extract_text() for page in reader.pages))
    assert len(reader.pages) <= 60
    for heading in [
        "Executive summary",
        "Where the city stands",
        "Gaps closing fastest",
        "Gaps widening most",
        "Targets missed",
        "Key gaps between groups",
        "Annex: every target",
        "Field 7",
    ]:
        assert heading in text, heading
    assert "The edition sets 200 target values." in text
    assert text.count("F7.4 Gap F7.4") >= 3  # key gaps of its field, the annex: every target row is there


def test_annex_shows_a_value_of_few_cases_in_parentheses(dataset):
    """The district's 2019 value of the group rests on 4 people: the annex marks it as the latest value and says
    what the mark means; a reliable latest value has no mark and no legend."""
    TargetFactory(
        indicator=dataset.indicator,
        edition=dataset.edition,
        geography=dataset.district,
        breakdown_key="migration_background=yes",
    )
    Assessment.objects.create(
        indicator=dataset.indicator,
        edition=dataset.edition,
        series_kind=Assessment.SeriesKind.GROUP,
        breakdown_key="migration_background=yes",
        geography=dataset.district,
        profile="opensdg",
        status="limited_progress",
        components={"base_year": 2019, "base_value": 75.0, "current_year": 2020, "current_value": 77.0},
    )
    with translation.override("en"):
        rows = builders.annual_report_rows(dataset.edition)
    assert [(r.geography, r.current_text, r.current_limited) for r in rows] == [
        ("Stadt", "–", False),
        ("Altona", "77.0%", False),
    ]
    assert "limited reliability" not in _text(builders.build_annual_report_pdf(dataset.edition, language="en"))

    Assessment.objects.filter(geography=dataset.district).update(
        components={"base_year": 2018, "base_value": 70.0, "current_year": 2019, "current_value": 75.0}
    )
    with translation.override("en"):
        rows = builders.annual_report_rows(dataset.edition)
    assert [(r.geography, r.current_text, r.current_limited) for r in rows][1] == ("Altona", "(75.0%)", True)
    text = _flat(_text(builders.build_annual_report_pdf(dataset.edition, language="en")))
    assert "(75.0%) (2019)" in text
    assert "limited reliability: few cases" in text
