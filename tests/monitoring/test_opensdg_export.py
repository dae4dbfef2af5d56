"""`teilhabe export_opensdg` (teilhabe/monitoring/opensdg_export.py): an edition as an Open SDG data repository.

The round trip export → import into an empty database → export must give the same bytes, for a
dataset built natively (factories) and for the real repository in tests/data/opensdg-canada-cif.
The "empty database" of the second import is had by rolling the first import back.
"""

import csv
import datetime
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import transaction

from teilhabe.monitoring import services
from teilhabe.monitoring.models import Edition, Geography, Indicator, Observation
from teilhabe.monitoring.opensdg import is_attribute_column, list_indicator_ids, read_indicator
from teilhabe.monitoring.opensdg_export import export_opensdg
from teilhabe.monitoring.opensdg_import import import_opensdg
from tests.monitoring.factories import (
    AreaOfActionFactory,
    CategoryFactory,
    DimensionFactory,
    DistrictFactory,
    EditionFactory,
    GeographyFactory,
    IndicatorFactory,
    IndicatorVersionFactory,
    ObservationFactory,
    TargetFactory,
)

CANADA = Path(__file__).resolve().parents[1] / "data" / "opensdg-canada-cif"


@pytest.fixture
def actor(db):
    return services.get_system_actor("import_opensdg")


def files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def export(edition_code: str, directory: Path) -> dict[str, bytes]:
    export_opensdg(edition=Edition.objects.get(code=edition_code), directory=directory)
    return files(directory)


def reimport_and_export(first: Path, second: Path, actor, edition_code: str) -> dict[str, bytes]:
    assert not Observation.objects.exists() and not Indicator.objects.exists(), "the database is not empty"
    import_opensdg(repository=first, user=actor, edition_code=edition_code)
    return export(edition_code, second)


# Columns that neither split a series nor name one (Units and Series do tell series apart).
NOT_SERIES = {"GeoCode", "Progress"}
META_KEYS = {
    "indicator_number",
    "indicator_name",
    "graph_title",
    "sdg_goal",
    "reporting_status",
    "published",
    "data_non_statistical",
    "graph_type",
    "indicator_definition",
    "auto_progress_calculation",
    "progress_calculation_options",
}


def structure_problems(directory: Path) -> list[str]:
    """What Open SDG's build (InputCsvData, InputYamlMeta, TranslationInputYaml) would not take."""
    problems = []
    config = yaml.safe_load((directory / "config_data.yml").read_text(encoding="utf-8"))
    classes = [entry["class"] for entry in config["inputs"]]
    if classes != ["InputCsvData", "InputYamlMeta"]:
        problems.append(f"config_data.yml: inputs {classes}")
    declared = set(config.get("data_non_disaggregation_columns") or ())
    english = yaml.safe_load((directory / "translations" / "en" / "indicators.yml").read_text(encoding="utf-8"))
    metas = {path.stem for path in (directory / "meta").glob("*.yml")}
    for path in sorted((directory / "data").glob("indicator_*.csv")):
        name = f"data/{path.name}"
        if path.stem.removeprefix("indicator_") not in metas:
            problems.append(f"{name}: no meta file")
        rows = list(csv.reader(StringIO(path.read_text(encoding="utf-8"))))
        header = rows[0]
        if header[0] != "Year" or header[-1] != "Value" or len(set(header)) != len(header):
            problems.append(f"{name}: header {header}")
        series = [
            i
            for i, column in enumerate(header[1:-1], 1)
            if column not in NOT_SERIES | declared and not is_attribute_column(column)
        ]
        seen = set()
        for number, row in enumerate(rows[1:], 2):
            if len(row) != len(header):
                problems.append(f"{name}, row {number}: {len(row)} cells")
                continue
            try:
                float(row[-1] or "nan")
            except ValueError:
                problems.append(f"{name}, row {number}: Value {row[-1]!r}")
            identity = (row[0], *(row[i] for i in series), row[header.index("GeoCode")] if "GeoCode" in header else "")
            if identity in seen:
                problems.append(f"{name}, row {number}: a second row for {identity}")
            seen.add(identity)
    for indicator_id in sorted(metas):
        meta = yaml.safe_load((directory / "meta" / f"{indicator_id}.yml").read_text(encoding="utf-8"))
        if missing := META_KEYS - set(meta):
            problems.append(f"meta/{indicator_id}.yml: missing {sorted(missing)}")
        if meta.get("indicator_name", "").removeprefix("indicators.") not in english:
            problems.append(f"meta/{indicator_id}.yml: {meta.get('indicator_name')!r} has no English text")
        if not isinstance(meta.get("progress_calculation_options"), list):
            problems.append(f"meta/{indicator_id}.yml: progress_calculation_options is not a list")
    return problems


def native_dataset() -> Edition:
    """Two indicators as a city keeps them: German and English titles, a breakdown, districts, a target."""
    edition = EditionFactory(code="konzept-2017", title="Integrationskonzept 2017")
    area = AreaOfActionFactory(edition=edition, code="bildung")
    city = GeographyFactory(code="hh", name="Hamburg")
    altona = DistrictFactory(code="hh-altona", name="Altona", parent=city)
    sex = DimensionFactory(code="sex", name="Geschlecht", name_en="Sex")
    CategoryFactory(dimension=sex, code="female", name="weiblich", name_en="Female")
    school = IndicatorVersionFactory(
        indicator=IndicatorFactory(code="2.1"),
        area=area,
        title="Schulabschlussquote",
        title_en="School-leaving rate",
        title_de="Schulabschlussquote",
        unit="%",
        unit_en="%",
    )
    school.breakdowns.set([sex])
    TargetFactory(indicator=school.indicator, edition=edition, geography=city, baseline_year=2015, target_value=92.5)
    values = {2015: 80.0, 2016: 81.25, 2017: 83.0}
    for year, value in values.items():
        ObservationFactory(indicator=school.indicator, geography=city, year=year, value=value)
        ObservationFactory(
            indicator=school.indicator, geography=city, year=year, value=value + 2, breakdown_key="sex=female"
        )
        ObservationFactory(indicator=school.indicator, geography=altona, year=year, value=value - 5)
    ObservationFactory(
        indicator=school.indicator, geography=city, period="2016/17", value=82.5, note="Schuljahr; vorläufig"
    )
    # Not public: released tomorrow, and withheld for too few cases.
    ObservationFactory(
        indicator=school.indicator,
        geography=city,
        year=2018,
        value=84.0,
        released_on=datetime.date.today() + datetime.timedelta(days=1),
    )
    ObservationFactory(indicator=school.indicator, geography=altona, year=2018, value=71.0, sample_size=2)
    jobs = IndicatorVersionFactory(
        indicator=IndicatorFactory(code="3.4"),
        area=area,
        title="Erwerbstätigenquote",
        title_en="",
        unit="Prozent",
        direction="negative",
    )
    ObservationFactory(indicator=jobs.indicator, geography=city, year=2020, value=61.0)
    return edition


def test_native_export_writes_an_open_sdg_repository(tmp_path, db):
    native_dataset()

    written = export("konzept-2017", tmp_path / "a")

    assert sorted(written) == [
        "config_data.yml",
        "data/indicator_2-1.csv",
        "data/indicator_3-4.csv",
        "meta/2-1.yml",
        "meta/3-4.yml",
        "translations/de/indicators.yml",
        "translations/en/indicators.yml",
    ]
    assert structure_problems(tmp_path / "a") == []
    assert written["data/indicator_2-1.csv"].decode() == (
        "Year,Sex,Units,GeoCode,COMMENT_OBS,Value\n"
        "2015,,%,,,80\n"
        "2016,,%,,,81.25\n"
        "2016/17,,%,,Schuljahr; vorläufig,82.5\n"
        "2017,,%,,,83\n"
        "2015,,%,altona,,75\n"
        "2016,,%,altona,,76.25\n"
        "2017,,%,altona,,78\n"
        "2015,Female,%,,,82\n"
        "2016,Female,%,,,83.25\n"
        "2017,Female,%,,,85\n"
    )
    meta = yaml.safe_load(written["meta/2-1.yml"])
    assert meta["indicator_name"] == "indicators.2-1-title"
    assert meta["progress_calculation_options"] == [
        {"direction": "positive", "target": 92.5, "target_year": 2030, "base_year": 2015}
    ]
    assert yaml.safe_load(written["translations/de/indicators.yml"]) == {
        "2-1-title": "Schulabschlussquote",
        "3-4-title": "Erwerbstätigenquote",
    }
    # No English title: the German one stands in, so that the import names the indicator.
    assert yaml.safe_load(written["translations/en/indicators.yml"])["3-4-title"] == "Erwerbstätigenquote"


def test_withheld_and_unreleased_values_are_not_exported(tmp_path, db):
    native_dataset()

    written = export("konzept-2017", tmp_path / "a")

    assert b"2018" not in written["data/indicator_2-1.csv"]
    assert Observation.objects.filter(period="2018").count() == 2


def test_native_round_trip_is_identical(tmp_path, actor):
    with transaction.atomic():
        native_dataset()
        first = export("konzept-2017", tmp_path / "a")
        transaction.set_rollback(True)

    second = reimport_and_export(tmp_path / "a", tmp_path / "b", actor, "konzept-2017")

    assert second == first
    # The import read what the export wrote: titles in both languages, the unit as an attribute, districts.
    version = Indicator.objects.get(code="2-1").versions.get()
    assert (version.title_de, version.title_en, version.unit_en) == ("Schulabschlussquote", "School-leaving rate", "%")
    assert version.profile_parameters["opensdg"]["attributes"] == {"Units": "%"}
    assert list(version.breakdowns.values_list("name_en", flat=True)) == ["Sex"]
    assert Geography.objects.get(code="konzept-2017-altona").parent.code == "konzept-2017"
    assert Observation.objects.get(indicator=version.indicator, period="2016/17").note == (
        "COMMENT_OBS: Schuljahr; vorläufig"
    )


def test_canada_round_trip_is_identical(tmp_path, actor):
    with transaction.atomic():
        import_opensdg(repository=CANADA, user=actor, edition_code="cif")
        stored = Observation.objects.count()
        result = export_opensdg(edition=Edition.objects.get(code="cif"), directory=tmp_path / "a")
        first = files(tmp_path / "a")
        transaction.set_rollback(True)

    second = reimport_and_export(tmp_path / "a", tmp_path / "b", actor, "cif")

    assert sorted(second) == sorted(first)
    different = [name for name in first if first[name] != second[name]]
    assert not different, different
    # Every stored value was exported but those the disclosure gateway withholds (small head counts).
    exported_rows = sum(
        len(list(csv.reader(StringIO(content.decode())))) - 1
        for name, content in first.items()
        if name.startswith("data/")
    )
    assert exported_rows == result.rows == Observation.objects.count()
    assert result.rows + result.withheld == stored and 0 < result.withheld < stored / 100
    assert list_indicator_ids(tmp_path / "a") == list_indicator_ids(CANADA)


def test_canada_export_keeps_breakdowns_attributes_and_options(tmp_path, actor):
    import_opensdg(repository=CANADA, user=actor, edition_code="cif")

    export("cif", tmp_path / "a")

    assert structure_problems(tmp_path / "a") == []
    original, exported = read_indicator(CANADA, "11-1-1"), read_indicator(tmp_path / "a", "11-1-1")
    assert exported.names["en"] == original.names["en"] and exported.names["fr"] == original.names["fr"]
    assert exported.progress_calculation_options == original.progress_calculation_options
    assert sorted((r.year, r.value, r.cell("Series"), r.cell("Units")) for r in exported.rows) == sorted(
        (r.year, r.value, r.cell("Series"), r.cell("Units")) for r in original.rows if r.value is not None
    )


def test_the_structure_check_names_what_the_build_would_refuse(tmp_path, db):
    native_dataset()
    export("konzept-2017", tmp_path / "a")
    data = tmp_path / "a" / "data" / "indicator_2-1.csv"
    data.write_text(data.read_text(encoding="utf-8") + "2015,,%,,,80\n2016,,%,,,many\n", encoding="utf-8")
    meta = tmp_path / "a" / "meta" / "3-4.yml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("graph_type: line\n", ""), encoding="utf-8")

    assert structure_problems(tmp_path / "a") == [
        "data/indicator_2-1.csv, row 12: a second row for ('2015', '', '%', '')",
        "data/indicator_2-1.csv, row 13: Value 'many'",
        "data/indicator_2-1.csv, row 13: a second row for ('2016', '', '%', '')",
        "meta/3-4.yml: missing ['graph_type']",
    ]


def test_the_command_exports_an_edition_and_refuses_an_unknown_one(tmp_path, db):
    native_dataset()
    out = StringIO()

    call_command("export_opensdg", str(tmp_path / "a"), "--edition", "konzept-2017", stdout=out)

    assert out.getvalue().startswith(
        "Edition konzept-2017: 2 indicators, 11 data rows (1 withheld values and any not yet"
    )
    assert (tmp_path / "a" / "meta" / "2-1.yml").is_file()
    with pytest.raises(CommandError, match="There is no edition 'nope' \\(editions: konzept-2017\\)"):
        call_command("export_opensdg", str(tmp_path / "b"), "--edition", "nope")
    assert not (tmp_path / "b").exists()
