"""Importing Open SDG data repositories (teilhabe/monitoring/opensdg_import.py, `teilhabe import_opensdg`).

Small repositories written per test; the full development data set is imported in
tests/monitoring/test_assess_progress_command.py, where the published results are reproduced.
"""

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from teilhabe.monitoring import services
from teilhabe.monitoring.models import (
    AreaOfAction,
    Assessment,
    BreakdownCategory,
    BreakdownDimension,
    Edition,
    Geography,
    Indicator,
    IndicatorVersion,
    Observation,
)
from teilhabe.monitoring.opensdg_import import SOURCE, OpenSdgImportFailed, import_opensdg
from tests.accounts.factories import UserFactory
from tests.monitoring.factories import GeographyFactory, IndicatorFactory, ObservationFactory
from tests.monitoring.test_opensdg import make_repository

CSV = """
    Year,Units,Sex,Geography,GeoCode,Value
    2015,Percent,,Canada,,14.5
    2020,Percent,,Canada,,12.0
    2015,Percent,Men+,Canada,,15.0
    2020,Percent,Men+,Canada,,13.0
    2015,Percent,Men,Canada,,16.0
    2015,Percent,,Ontario,35,13.0
    2020,Percent,,Ontario,35,11.0
    2021,Percent,,Ontario,35,
"""
META = """
    indicator_name: Poverty rate
    computation_units: Percentage
    national_indicator_description: Share of persons below the poverty line.
    auto_progress_calculation: true
    progress_calculation_options:
    - direction: negative
      target: 7.25
      unit: Percent
      disaggregation: [{field: Geography, value: Canada}, {field: Sex, value: null}]
"""


def repository(tmp_path, csv_text=CSV, meta=META, indicator_id="1-1-1"):
    return make_repository(tmp_path, csv_text, meta, indicator_id=indicator_id)


@pytest.fixture
def actor(db):
    return services.get_system_actor("import_opensdg")


def run(path, actor, **options):
    return import_opensdg(repository=path, user=actor, edition_code=options.pop("edition", "cif"), **options)


def database_state() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Edition,
            AreaOfAction,
            Indicator,
            IndicatorVersion,
            Observation,
            Geography,
            BreakdownDimension,
            BreakdownCategory,
            Observation.history.model,
        )
    }


# --------------------------------------------------------------------------- what is imported


def test_imports_concept_observations_and_settings(tmp_path, actor):
    (tmp_path / "meta" / "fr").mkdir(parents=True)
    (tmp_path / "meta" / "fr" / "1-1-1.md").write_text("---\nindicator_name: Taux de pauvreté\n---\n", "utf-8")
    # when
    report = run(repository(tmp_path), actor, title="Canadian Indicator Framework")
    # then
    assert (report.indicators, report.created, report.rows_without_value) == (1, 7, 1)
    edition = Edition.objects.get(code="cif")
    assert edition.title_en == "Canadian Indicator Framework"
    area = AreaOfAction.objects.get(edition=edition)
    assert (area.code, area.title_en, area.title_de) == ("1", "Goal 1", "Ziel 1")
    version = IndicatorVersion.objects.get(indicator__code="1-1-1", edition=edition)
    assert version.title_en == "Poverty rate"
    assert version.definition_en == "Share of persons below the poverty line."
    assert version.unit_en == "Percentage"
    assert version.direction == "negative" and version.profile == "opensdg"
    settings = version.profile_parameters["opensdg"]
    assert settings["names"] == {"fr": "Taux de pauvreté"}
    assert settings["progress_calculation_options"][0]["target"] == 7.25
    assert settings["auto_progress_calculation"] is True
    assert settings["columns"] == ["Year", "Units", "Sex", "Geography", "GeoCode", "Value"]
    # Units holds one value in every row: an attribute of the series, not a breakdown.
    assert sorted(version.breakdowns.values_list("name_en", flat=True)) == ["Geography", "Sex"]
    assert settings["attributes"] == {"Units": "Percent"}


def test_breakdowns_become_keys_and_geocodes_geographies(tmp_path, actor):
    run(repository(tmp_path), actor)

    root = Geography.objects.get(code="cif")
    ontario = Geography.objects.get(code="cif-35")
    assert (root.level, root.parent) == ("city", None)
    assert (ontario.level, ontario.parent, ontario.name_en) == ("district", root, "Ontario")
    keys = sorted(set(Observation.objects.values_list("breakdown_key", "geography__code")))
    assert keys == [
        ("geography=canada", "cif"),
        ("geography=canada|sex=men", "cif"),
        ("geography=canada|sex=men-plus", "cif"),
        ("geography=ontario", "cif-35"),
    ]
    # "Men+" and "Men" keep their own categories and exact labels.
    labels = dict(BreakdownCategory.objects.filter(dimension__code="sex").values_list("code", "name_en"))
    assert labels == {"men-plus": "Men+", "men": "Men"}
    observation = Observation.objects.get(breakdown_key="geography=ontario", period="2020")
    assert (observation.value, observation.source, observation.period_kind) == (11.0, SOURCE, "year")


def test_progress_column_year_ranges_and_school_years(tmp_path, actor):
    csv_text = """
        Year,Progress,Value
        2015-2016,50,10
        2016/2017,45,11
        2019 Q4,40,20
    """
    run(repository(tmp_path, csv_text, "auto_progress_calculation: true"), actor)

    rows = list(
        Observation.objects.order_by("period_start").values_list(
            "period", "period_kind", "progress_value", "value", "note"
        )
    )
    assert rows == [
        ("2015", "year", 50.0, 10.0, "Open SDG year: 2015-2016"),
        ("2016/17", "school_year", 45.0, 11.0, ""),
        ("2019-Q4", "quarter", 40.0, 20.0, ""),
    ]


def test_manual_status_is_kept(tmp_path, actor):
    run(repository(tmp_path, "Year,Value\n2015,1\n", "progress_status: not_available_manual"), actor)

    version = IndicatorVersion.objects.get()
    assert version.profile_parameters["opensdg"]["progress_status"] == "not_available_manual"
    assert version.profile_parameters["opensdg"]["auto_progress_calculation"] is False
    headline = Assessment.objects.get()
    assert headline.status == "not_available"
    assert headline.components["manual_status"] == "not_available_manual"


def test_the_import_triggers_the_assessment(tmp_path, actor):
    """With the immediate task backend the job runs inside the import."""
    run(repository(tmp_path), actor)

    headline = Assessment.objects.get(indicator__code="1-1-1", series_kind="total", geography__code="cif")
    # Selection: Percent, Geography = Canada -> the headline rows of Canada: 14.5 (2015) -> 12.0 (2020).
    assert headline.components["base_value"] == 14.5
    assert headline.components["current_value"] == 12.0
    assert headline.components["target"] == 7.25
    assert headline.status == headline.components["opensdg"]["progress_status"]
    assert headline.explanation_en.startswith("From 2015 to 2020 the value fell from 14.5% to 12.0%")


# --------------------------------------------------------------------------- running again


def test_running_again_changes_nothing(tmp_path, actor):
    path = repository(tmp_path)
    run(path, actor)
    before = database_state()

    report = run(path, actor)

    assert (report.created, report.updated, report.deleted, report.unchanged) == (0, 0, 0, 7)
    assert database_state() == before


def test_running_again_updates_changed_and_removes_missing_rows(tmp_path, actor):
    path = repository(tmp_path)
    run(path, actor)
    changed = CSV.replace("2020,Percent,,Canada,,12.0", "2020,Percent,,Canada,,11.5").replace(
        "    2015,Percent,Men,Canada,,16.0\n", ""
    )
    repository(tmp_path, changed)

    report = run(path, actor)

    assert (report.created, report.updated, report.deleted, report.unchanged) == (0, 1, 1, 5)
    observation = Observation.objects.get(breakdown_key="geography=canada", period="2020")
    assert observation.value == 11.5
    assert [h.history_type for h in observation.history.order_by("history_date")] == ["+", "~"]
    assert observation.history.latest().history_change_reason == "Open SDG import"
    assert not Observation.objects.filter(breakdown_key="geography=canada|sex=men").exists()


def test_the_command_reports_counts(tmp_path, actor):
    path = repository(tmp_path)
    out = StringIO()
    call_command("import_opensdg", str(path), "--edition", "cif", stdout=out)

    assert out.getvalue().strip() == (
        "Edition cif: 1 indicators; observations 7 created, 0 updated, 0 deleted, 0 unchanged; "
        "1 rows without a value and 0 rows that are not data left out."
    )


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("csv_text", "meta", "problem"),
    [
        pytest.param(
            "Year,Value\n2015,1\n2016,abc\n",
            "",
            "data/indicator_1-1-1.csv, row 3, column Value: 'abc' is not a number",
            id="value not a number",
        ),
        pytest.param(
            "Year,Value\n2015,1\n,2\n",
            "",
            "data/indicator_1-1-1.csv, row 3, column Year: the period is empty",
            id="no period",
        ),
        pytest.param(
            "Year,Value\n2015,1\n2015,2\n",
            "",
            "data/indicator_1-1-1.csv, row 3: same period, breakdowns and GeoCode as row 2",
            id="two rows in one cell",
        ),
        pytest.param(
            "Year,Progress,Value\n2015,12a,1\n",
            "",
            "data/indicator_1-1-1.csv, row 2, column Progress: '12a' is not a number",
            id="progress not a number",
        ),
        pytest.param(
            "Year,Amount\n2015,1\n",
            "",
            "data/indicator_1-1-1.csv, row 1: the columns Year and Value are required",
            id="no value column",
        ),
        pytest.param(
            "Year,Value\n2015,1\n",
            "progress_calculation_options: {direction: positive}",
            "settings of 1-1-1 (meta/1-1-1.md, indicator-config/1-1-1.yml): progress_calculation_options "
            "must be a list of settings",
            id="options not a list",
        ),
        pytest.param(
            "Year,Value\n2015,1\n",
            "progress_calculation_options:\n- target: seven",
            "settings of 1-1-1 (meta/1-1-1.md, indicator-config/1-1-1.yml): could not convert string to float: 'seven'",
            id="target not a number",
        ),
    ],
)
def test_bad_files_are_refused_naming_file_and_row(tmp_path, actor, csv_text, meta, problem):
    """With --strict, any row that is not data refuses the whole repository."""
    path = repository(tmp_path, csv_text, meta or "auto_progress_calculation: true")
    before = database_state()

    with pytest.raises(OpenSdgImportFailed) as failure:
        run(path, actor, strict=True)

    assert failure.value.problems == [problem]
    assert database_state() == before


def test_every_problem_is_reported_at_once(tmp_path, actor):
    path = repository(tmp_path, "Year,Value\n2015,abc\n2016,def\n", "auto_progress_calculation: true")
    make_repository(tmp_path, "Year,Value\n,1\n", "auto_progress_calculation: true", indicator_id="2-1-1")

    with pytest.raises(OpenSdgImportFailed) as failure:
        run(path, actor, strict=True)

    assert len(failure.value.problems) == 3
    assert not Edition.objects.exists()


def test_an_empty_directory_is_refused(tmp_path, actor):
    with pytest.raises(OpenSdgImportFailed, match="no indicators found"):
        run(tmp_path, actor)


def test_indicator_with_observations_from_another_source_is_refused(tmp_path, actor):
    ObservationFactory(indicator=IndicatorFactory(code="1-1-1"), geography=GeographyFactory(), source="Statistikamt")
    before = database_state()

    with pytest.raises(OpenSdgImportFailed, match="indicator 1-1-1: it already has observations from another"):
        run(repository(tmp_path), actor)

    assert database_state() == before


def test_only_importers_may_import(tmp_path, db):
    path = repository(tmp_path)

    with pytest.raises(PermissionDenied):
        import_opensdg(repository=path, user=UserFactory(), edition_code="cif")

    assert not Edition.objects.exists()


def test_the_command_names_the_problems(tmp_path, db):
    path = repository(tmp_path, "Year,Value\n2015,abc\n", "auto_progress_calculation: true")

    with pytest.raises(CommandError) as failure:
        call_command("import_opensdg", str(path), "--strict")

    assert str(failure.value) == (
        "Nothing was imported; 1 problem(s):\n- data/indicator_1-1-1.csv, row 2, column Value: 'abc' is not a number"
    )


def test_long_labels_get_short_codes(tmp_path, actor):
    label = "Innovations with environmental benefits related to the end user or consumer"
    csv_text = f"Year,Innovations with environmental benefits,Value\n2015,{label},1\n2016,{label},2\n"
    run(repository(tmp_path, csv_text, "auto_progress_calculation: true"), actor)

    dimension = BreakdownDimension.objects.get(name_en="Innovations with environmental benefits")
    category = BreakdownCategory.objects.get(dimension=dimension)
    assert len(dimension.code) <= 30 and len(category.code) <= 30
    assert category.name_en == label
