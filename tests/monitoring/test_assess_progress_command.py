"""`teilhabe assess_progress` (management/commands/assess_progress.py, assessing.calculation_components).

The main test imports the Open SDG development data with `teilhabe import_opensdg` and reproduces
the publisher's indicator_calculation_components.yml from the database, with the exceptions
documented in tests/monitoring/test_opensdg.py (imported, not copied).
"""

import json
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from teilhabe.monitoring.models import Assessment, IndicatorVersion, Observation
from teilhabe.monitoring.opensdg import assess_opensdg_indicator, read_indicator
from tests.monitoring.factories import (
    AreaOfActionFactory,
    CategoryFactory,
    EditionFactory,
    GeographyFactory,
    IndicatorVersionFactory,
    ObservationFactory,
    TargetFactory,
)
from tests.monitoring.test_opensdg import (
    COMPONENT_EXCEPTIONS,
    STATUS_EXCEPTIONS,
    dataset,
    indicator_differences,
    make_repository,
    published,
    series_differences,
)


def assess(*arguments: str) -> str:
    out = StringIO()
    call_command("assess_progress", *arguments, stdout=out)
    return out.getvalue()


def test_import_and_assess_reproduce_the_published_results(db):
    # when
    call_command("import_opensdg", str(dataset()), "--edition", "cif", stdout=StringIO())
    result = json.loads(assess("--edition", "cif", "--format", "json"))
    # then: every published indicator, status and score to 1e-6 ...
    assert set(result) == set(published())
    failures = {
        indicator_id: differences
        for indicator_id in published()
        if indicator_id not in STATUS_EXCEPTIONS
        and (differences := indicator_differences(published()[indicator_id], result[indicator_id]))
    }
    assert not failures, failures
    # ... and every series' components, as when assessing the files.
    failures = {
        indicator_id: differences
        for indicator_id in published()
        if indicator_id not in COMPONENT_EXCEPTIONS
        and (differences := series_differences(published()[indicator_id], result[indicator_id]))
    }
    assert not failures, failures
    for indicator_id in COMPONENT_EXCEPTIONS:
        expected, actual = published()[indicator_id], result[indicator_id]
        assert indicator_differences(expected, actual) + series_differences(expected, actual)
    # The import stored the headline assessments with the same statuses (the job ran at once).
    headlines = dict(
        Assessment.objects.filter(edition__code="cif", series_kind="total").values_list("indicator__code", "status")
    )
    assert len(headlines) == 86
    wrong = {
        indicator_id: (headlines[indicator_id], entry["progress_status"])
        for indicator_id, entry in published().items()
        if indicator_id not in STATUS_EXCEPTIONS
        and headlines[indicator_id] != (entry["progress_status"] if entry["score"] is not None else "not_available")
    }
    assert not wrong, wrong
    # 212,565 data rows, of which 23,188 have no value.
    assert Observation.objects.count() == 189_377


def test_open_sdg_indicators_equal_the_assessment_of_their_files(tmp_path, db):
    """Groups, a Progress column, a duplicate label and a translated column survive the round trip."""
    csv_text = """
        Year,Units,data.Sex,Progress,Value
        2015,Percent,,100,1
        2016,Percent,,101,2
        2015,Percent,data.Women,100,3
        2016,Percent,data.Women,99.5,4
        2015,Percent,Men,100,5
        2016,Percent,Men,,6
        2017,Percent,Men,98,7
        2015,Count,,5,50
        2018,Count,,7,70
    """
    meta = """
        indicator_name: Share
        auto_progress_calculation: true
        progress_calculation_options:
        - direction: positive
          unit: Percent
        - unit: Percent
          target: 90
          group:
          - disaggregation: [{field: Sex, value: Women}]
          - disaggregation: [{field: Sex, value: Men}]
        - unit: Count
          limit: 10
        - unit: Count
    """
    path = make_repository(tmp_path, csv_text, meta)
    (tmp_path / "translations" / "en").mkdir(parents=True)
    (tmp_path / "translations" / "en" / "data.yml").write_text("Sex: Sex\nWomen: Women\n", encoding="utf-8")
    call_command("import_opensdg", str(path), "--edition", "small", stdout=StringIO())

    result = yaml.safe_load(assess("--edition", "small", "--format", "yaml"))

    expected = assess_opensdg_indicator(read_indicator(path, "1-1-1"))
    assert result == {"1-1-1": expected}
    assert set(expected) == {
        "progress_status",
        "score",
        "1-1-1 / Percent",
        "1-1-1 / Percent / Women",
        "1-1-1 / Percent / Men",
        "1-1-1 / Count",
        "1-1-1 / Count (2)",
    }


@pytest.fixture
def native(db):
    """A gap indicator of the current edition with city targets for the value and the gap."""
    edition = EditionFactory(code="concept-2017", is_current=True)
    city = GeographyFactory()
    version = IndicatorVersionFactory(
        indicator__code="B1",
        area=AreaOfActionFactory(edition=edition),
        unit="%",
        comparison=IndicatorVersion.Comparison.GAP,
        group_a=CategoryFactory(code="yes"),
        group_b=CategoryFactory(code="no"),
    )
    for key, values in (
        ("", (80.0, 82.0)),
        ("migration_background=yes", (70.0, 75.0)),
        ("migration_background=no", (85.0, 85.0)),
    ):
        for year, value in zip((2015, 2020), values, strict=True):
            ObservationFactory(indicator=version.indicator, geography=city, year=year, value=value, breakdown_key=key)
    TargetFactory(indicator=version.indicator, edition=edition, geography=city, target_value=90.0)
    TargetFactory(
        indicator=version.indicator, edition=edition, geography=city, kind="gap", baseline_value=-15.0, target_value=0.0
    )
    return version


def test_native_indicators_report_the_total_and_the_gap_series(native):
    result = json.loads(assess("--format", "json"))

    assert list(result) == ["B1"]
    assert list(result["B1"]) == ["progress_status", "score", "B1", "B1 gap"]
    assert result["B1"]["progress_status"] == result["B1"]["B1"]["status"] == "moderate_progress"
    assert result["B1"]["B1 gap"] == {
        "base_value": -15.0,
        "base_year": 2015,
        "current_value": -10.0,
        "current_year": 2020,
        "direction": 1,
        "limit": None,
        "progress_value": pytest.approx(1.0),
        "score": pytest.approx(7.1429 - 4.2857),
        "sign": -1,
        "status": "substantial_progress",
        "target": 0.0,
        "target_year": 2030,
    }


def test_the_command_writes_nothing(native):
    assess("--format", "json")

    assert not Assessment.objects.exists()


def test_table_format(native):
    lines = assess("--format", "table").splitlines()

    assert lines[0].split() == [
        "B1",
        "moderate_progress",
        f"{json.loads(assess('--format', 'json'))['B1']['score']:.4f}",
    ]
    assert lines[1].split()[:2] == ["B1", "moderate_progress"]
    assert lines[2].split()[:3] == ["B1", "gap", "substantial_progress"]


def test_yaml_is_the_default_format(native):
    assert yaml.safe_load(assess()) == json.loads(assess("--format", "json"))


def test_unknown_edition_is_refused(db):
    with pytest.raises(CommandError, match="There is no edition 'nope'."):
        assess("--edition", "nope")


def test_indicators_are_listed_in_natural_order(native):
    for code in ("1-10-1", "1-2-1"):
        IndicatorVersionFactory(indicator__code=code, area=native.area)

    result = json.loads(assess("--format", "json"))

    assert list(result) == ["1-2-1", "1-10-1", "B1"]
    assert result["1-2-1"] == {"progress_status": "not_available", "score": None}
