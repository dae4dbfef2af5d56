"""Real Open SDG repositories as they are: each trait seen in public repositories, in a small synthetic copy.

Each trait once refused a whole repository; now everything that is data is imported and every row
that is not is named in the report (file, row, column, reason).
"""

from io import StringIO

import pytest
from django.core.management import call_command

from teilhabe.monitoring import services
from teilhabe.monitoring.models import Assessment, BreakdownDimension, Indicator, IndicatorVersion, Observation
from teilhabe.monitoring.opensdg import list_indicator_ids, natural_key
from teilhabe.monitoring.opensdg_import import OpenSdgImportFailed
from tests.monitoring.test_opensdg import make_repository
from tests.monitoring.test_opensdg_import import database_state, run


@pytest.fixture
def actor(db):
    """The system actor an import records, as in test_opensdg_import."""
    return services.get_system_actor("import_opensdg")


def observations() -> list[tuple]:
    return list(
        Observation.objects.order_by("indicator__code", "breakdown_key", "period_start").values_list(
            "indicator__code", "period", "period_kind", "value", "note"
        )
    )


def test_ids_with_letters_are_sorted_naturally(tmp_path):
    for indicator_id in ("17-b-1", "1-a-1", "1-10-1", "1-2-1", "1-1-1", "17-2-1"):
        make_repository(tmp_path, "Year,Value\n2015,1\n", "", indicator_id=indicator_id)

    assert list_indicator_ids(tmp_path) == ["1-1-1", "1-2-1", "1-10-1", "1-a-1", "17-2-1", "17-b-1"]
    assert sorted(["1-a-1", "1-1-1"], key=natural_key) == ["1-1-1", "1-a-1"]


def test_a_repository_with_letter_ids_imports(tmp_path, actor):
    make_repository(tmp_path, "Year,Value\n2015,1\n2016,2\n", "indicator_name: A", indicator_id="1-a-1")
    make_repository(tmp_path, "Year,Value\n2015,3\n", "indicator_name: B", indicator_id="1-1-1")

    report = run(tmp_path, actor)

    assert (report.indicators, report.created) == (2, 3)
    assert sorted(Indicator.objects.values_list("code", flat=True)) == ["1-1-1", "1-a-1"]


def test_empty_target_lists_and_several_option_sets(tmp_path, actor):
    meta = """
        auto_progress_calculation: true
        progress_calculation_options:
        - direction: negative
          target: []
        - direction: positive
          target: [12.5]
          target_year: [2030]
    """
    make_repository(tmp_path, "Year,Value\n2015,10\n2020,11\n", meta)

    report = run(tmp_path, actor)

    assert report.created == 2
    assert Assessment.objects.exists()


@pytest.mark.parametrize("marker", ["", "..", "-", "x", "n/a", "NaN", "Inf", "-inf", "N/A"])
def test_missing_value_markers_are_counted_not_refused(tmp_path, actor, marker):
    make_repository(tmp_path, f"Year,Value\n2015,1\n2016,{marker}\n2017,3\n", "")

    report = run(tmp_path, actor, strict=True)

    assert report.rows_without_value == 1
    assert report.left_out == []
    assert [row[1] for row in observations()] == ["2015", "2017"]


def test_a_configured_missing_marker(tmp_path, actor):
    make_repository(tmp_path, "Year,Value\n2015,1\n2016,(c)\n", "")

    report = run(tmp_path, actor, strict=True, missing_markers=("(c)",))

    assert (report.rows_without_value, report.created) == (1, 1)


def test_quarters_are_periods_of_their_own(tmp_path, actor):
    rows = "".join(f"{year} Q{quarter},{year - 2000 + quarter}\n" for year in (2023, 2024) for quarter in (1, 2, 3, 4))
    make_repository(tmp_path, "Year,Value\n" + rows, "")

    report = run(tmp_path, actor, strict=True)

    assert report.created == 8
    assert observations()[:2] == [("1-1-1", "2023-Q1", "quarter", 24.0, ""), ("1-1-1", "2023-Q2", "quarter", 25.0, "")]


def test_months_and_fieldwork_ranges(tmp_path, actor):
    make_repository(
        tmp_path,
        'Year,Value\n2024-03,1\nMarch 2024,2\n"17 May to 11 June 2023",3\n2011-12,4\n',
        "",
    )

    report = run(tmp_path, actor)

    assert report.left_out == ["data/indicator_1-1-1.csv, row 3: same period, breakdowns and GeoCode as row 2"]
    assert observations() == [
        ("1-1-1", "2011", "year", 4.0, "Open SDG year: 2011-12"),
        ("1-1-1", "2023-05-17/2023-06-11", "range", 3.0, ""),
        ("1-1-1", "2024-03", "month", 1.0, ""),
    ]


def test_an_index_with_a_season_column_keeps_its_order(tmp_path, actor):
    make_repository(tmp_path, "Year,Season,Value\n1,Winter,5\n2,Spring,6\n3,Summer,7\n10,Autumn,8\n", "")

    run(tmp_path, actor, strict=True)

    rows = list(Observation.objects.order_by("period_start").values_list("period", "period_kind"))
    assert rows == [("1", "label"), ("2", "label"), ("3", "label"), ("10", "label")]


@pytest.mark.parametrize("sentence", ["There is no data for this indicator yet", "This is a non-statistical indicator"])
def test_a_placeholder_file_gives_an_indicator_without_data(tmp_path, actor, sentence):
    make_repository(tmp_path, "Year,Value\n2015,1\n", "indicator_name: With data", indicator_id="1-1-1")
    make_repository(tmp_path, f'Year,Value\n"{sentence}",\n', "indicator_name: Placeholder", indicator_id="1-2-1")

    report = run(tmp_path, actor, strict=True)

    assert report.placeholders == ["1-2-1"]
    version = IndicatorVersion.objects.get(indicator__code="1-2-1")
    parameters = version.profile_parameters["opensdg"]
    assert (parameters["has_data"], parameters["placeholder_note"]) == (False, sentence)
    assert not Observation.objects.filter(indicator__code="1-2-1").exists()


def test_five_long_breakdown_columns_fit(tmp_path, actor):
    columns = [f"Disaggregation number {n} with a long name" for n in range(5)]
    cells = [f"A long category label number {n} of this breakdown" for n in range(5)]
    csv_text = "Year," + ",".join(columns) + ",Value\n" + "2015," + ",".join(cells) + ",1\n2015," + ",,,,,2\n"
    make_repository(tmp_path, csv_text, "")

    report = run(tmp_path, actor, strict=True)

    assert report.created == 2
    assert Observation.objects.filter(breakdown_key="").count() == 1
    assert len(Observation.objects.exclude(breakdown_key="").get().breakdown_key) > 200


def test_observation_attributes_are_not_breakdowns(tmp_path, actor):
    make_repository(
        tmp_path,
        "Year,COMMENT_OBS_0,COMMENT_OBS_1,Value\n2015,estimated,,10\n2020,,break in series,8\n",
        "auto_progress_calculation: true\nprogress_calculation_options:\n- direction: negative\n  target: 5",
    )

    run(tmp_path, actor, strict=True)

    assert set(Observation.objects.values_list("breakdown_key", flat=True)) == {""}
    assert sorted(Observation.objects.values_list("note", flat=True)) == [
        "COMMENT_OBS_0: estimated",
        "COMMENT_OBS_1: break in series",
    ]
    headline = Assessment.objects.get(indicator__code="1-1-1", series_kind="total")
    assert (headline.components["base_value"], headline.components["current_value"]) == (10.0, 8.0)


def test_rows_that_are_not_data_are_named_and_the_rest_imported(tmp_path, actor):
    make_repository(tmp_path, "Year,Value\n2015,1\n2016,12a\n2017,3\n,4\n", "")

    report = run(tmp_path, actor)

    assert report.left_out == [
        "data/indicator_1-1-1.csv, row 3, column Value: '12a' is not a number",
        "data/indicator_1-1-1.csv, row 5, column Year: the period is empty",
    ]
    assert [row[1] for row in observations()] == ["2015", "2017"]


def test_strict_refuses_the_same_rows_and_stores_nothing(tmp_path, actor):
    make_repository(tmp_path, "Year,Value\n2015,1\n2016,12a\n", "")
    before = database_state()

    with pytest.raises(OpenSdgImportFailed) as failure:
        run(tmp_path, actor, strict=True)

    assert failure.value.problems == ["data/indicator_1-1-1.csv, row 3, column Value: '12a' is not a number"]
    assert database_state() == before


def test_the_command_lists_what_it_left_out(tmp_path, actor):
    make_repository(tmp_path, "Year,Value\n2015,1\n2016,12a\n", "")
    report_file = tmp_path / "left-out.txt"
    out = StringIO()

    call_command("import_opensdg", str(tmp_path), "--edition", "foreign", "--report", str(report_file), stdout=out)

    assert "1 rows that are not data left out" in out.getvalue()
    assert "- data/indicator_1-1-1.csv, row 3, column Value: '12a' is not a number" in out.getvalue()
    assert report_file.read_text() == "data/indicator_1-1-1.csv, row 3, column Value: '12a' is not a number\n"


def test_every_option_set_selects_its_series_and_is_assessed(tmp_path, actor):
    """Three option sets, each with its own unit/series/disaggregation and target (one empty): none dropped."""
    make_repository(
        tmp_path,
        """
        Year,Units,Series,Sex,Value
        2015,Percent,Rate,,10
        2020,Percent,Rate,,8
        2015,Percent,Rate,Female,12
        2020,Percent,Rate,Female,9
        2015,Number,Count,,1000
        2020,Number,Count,,1500
        """,
        """
        auto_progress_calculation: true
        progress_calculation_options:
        - unit: Percent
          series: Rate
          direction: negative
          target: []
        - unit: Percent
          series: Rate
          disaggregation:
          - field: Sex
            value: Female
          direction: negative
          target: [5]
          target_year: [2030]
        - unit: Number
          series: Count
          direction: positive
          target: 2000
        """,
    )

    run(tmp_path, actor, strict=True)

    headline = Assessment.objects.get(indicator__code="1-1-1", series_kind="total")
    shape = headline.components["opensdg"]
    series = {label: entry for label, entry in shape.items() if label not in ("progress_status", "score")}
    assert sorted(series) == ["1-1-1 / Count / Number", "1-1-1 / Rate / Percent", "1-1-1 / Rate / Percent / Female"]
    picked = {label: (entry["base_value"], entry["current_value"], entry["target"]) for label, entry in series.items()}
    assert picked == {
        "1-1-1 / Rate / Percent": (10.0, 8.0, None),
        "1-1-1 / Rate / Percent / Female": (12.0, 9.0, 5.0),
        "1-1-1 / Count / Number": (1000.0, 1500.0, 2000.0),
    }
    assert all(entry["status"] not in ("not_available", "") for entry in series.values())


def test_data_prefixed_keys_become_labels_and_keep_the_key_as_code(tmp_path, actor):
    make_repository(
        tmp_path,
        "Year,data.SEX,Value\n2015,,10\n2015,data.Female,12\n2016,data.Male,7\n",
        "",
    )
    for language, sex, female, male in (("en", "Sex", "Female", "Male"), ("de", "Geschlecht", "Weiblich", "Männlich")):
        folder = tmp_path / "translations" / language
        folder.mkdir(parents=True)
        (folder / "data.yml").write_text(f"SEX: {sex}\nFemale: {female}\nMale: {male}\n", encoding="utf-8")

    run(tmp_path, actor, strict=True)

    dimension = BreakdownDimension.objects.get(name_en="Sex")
    assert (dimension.name_en, dimension.name_de) == ("Sex", "Geschlecht")
    categories = {c.code: (c.name_en, c.name_de) for c in dimension.categories.all()}
    assert categories == {"female": ("Female", "Weiblich"), "male": ("Male", "Männlich")}
    assert sorted(Observation.objects.values_list("breakdown_key", flat=True)) == ["", "sex=female", "sex=male"]


def test_several_units_each_selected_series_is_assessed_and_the_report_names_it(tmp_path, actor):
    make_repository(
        tmp_path,
        """
        Year,Units,Sex,Value
        2015,Percent,,10
        2020,Percent,,8
        2015,Percent,Female,12
        2020,Percent,Female,11
        2015,Number,,1000
        2020,Number,,900
        """,
        """
        auto_progress_calculation: true
        progress_calculation_options:
        - unit: Percent
          direction: negative
          target: 5
        - unit: Number
          direction: negative
        """,
    )

    report = run(tmp_path, actor, strict=True)

    assert report.several_series == [
        "data/indicator_1-1-1.csv: Units has several values (Number, Percent), so it stays in the breakdown key; "
        "the progress options select the total series Units = Percent, Units = Number"
    ]
    keys = set(Observation.objects.values_list("breakdown_key", flat=True))
    assert len(keys) == 3 and "" not in keys  # Units tells the series apart: no row without a breakdown
    shape = Assessment.objects.get(indicator__code="1-1-1", series_kind="total").components["opensdg"]
    picked = {label: (shape[label]["base_value"], shape[label]["current_value"]) for label in shape if "/" in label}
    assert picked == {"1-1-1 / Percent": (10.0, 8.0), "1-1-1 / Number": (1000.0, 900.0)}
    assert shape["progress_status"] not in ("not_available", "")


def test_several_series_without_an_option_that_selects_one_are_named(tmp_path, actor):
    make_repository(
        tmp_path,
        "Year,Series,Value\n2015,Rate,10\n2020,Rate,8\n2015,Count,100\n2020,Count,90\n",
        "auto_progress_calculation: true\nprogress_calculation_options:\n- direction: negative\n",
    )

    out = StringIO()
    call_command("import_opensdg", str(tmp_path), "--edition", "cif", "--strict", stdout=out)

    assert [line for line in out.getvalue().splitlines() if "several values" in line] == [
        "data/indicator_1-1-1.csv: Series has several values (Count, Rate), so it stays in the breakdown key; "
        "no progress option selects one of them (`series:`), so the indicator has no total series to assess"
    ]
    shape = Assessment.objects.get(indicator__code="1-1-1", series_kind="total").components["opensdg"]
    assert shape["1-1-1"]["status"] == "not_available"


def test_a_data_key_whose_text_changed_keeps_its_category(tmp_path, actor):
    make_repository(tmp_path, "Year,data.SEX,Value\n2015,data.Female,12\n", "")
    folder = tmp_path / "translations" / "en"
    folder.mkdir(parents=True)
    (folder / "data.yml").write_text("SEX: Sex\nFemale: Female\n", encoding="utf-8")
    run(tmp_path, actor, strict=True)
    (folder / "data.yml").write_text("SEX: Sex\nFemale: Women\n", encoding="utf-8")

    report = run(tmp_path, actor, strict=True)

    assert (report.created, report.unchanged) == (0, 1)
    assert list(BreakdownDimension.objects.get(name_en="Sex").categories.values_list("code", flat=True)) == ["female"]
