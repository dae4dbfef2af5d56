"""Bad input: each case is refused with a message naming file, row and column, and the database is unchanged."""

import shutil
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook

from teilhabe.monitoring import services
from teilhabe.monitoring.importing.problems import ImportFailed
from teilhabe.monitoring.models import (
    AreaOfAction,
    BreakdownCategory,
    Edition,
    Geography,
    Indicator,
    IndicatorVersion,
    Measure,
    Observation,
    SubGoal,
    Target,
)

DATA = Path(__file__).parent / "data" / "concept"
HEADER = "indicator,period,geography,migration_background,sex,value\n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def actor(db):
    return services.get_system_actor("test-import")


@pytest.fixture
def loaded(actor, tmp_path):
    """The sample concept in the database; returns a scratch directory for the bad files."""
    services.import_data(paths=[DATA], user=actor)
    scratch = tmp_path / "bad"
    scratch.mkdir()
    return scratch


def state() -> dict:
    """Everything an import could change, to compare before and after a refusal."""
    models = (
        Edition,
        AreaOfAction,
        SubGoal,
        BreakdownCategory,
        Geography,
        Indicator,
        IndicatorVersion,
        Target,
        Measure,
        Observation,
    )
    result = {model.__name__: model.objects.count() for model in models}
    result.update({f"{model.__name__} history": model.history.count() for model in models if hasattr(model, "history")})
    result["values"] = sorted(
        Observation.objects.values_list("indicator__code", "period", "breakdown_key", "value", "is_provisional")
    )
    result["targets"] = sorted(Target.objects.values_list("target_year", "target_value"))
    return result


def csv_file(name, text, encoding="utf-8"):
    def build(directory: Path) -> Path:
        path = directory / name
        path.write_bytes(text.encode(encoding))
        return path

    return build


def workbook(build_sheet):
    def build(directory: Path) -> Path:
        book = Workbook()
        sheet = book.active
        sheet.title = "observations"
        sheet.append(["indicator", "period", "geography", "value"])
        build_sheet(sheet)
        path = directory / "data.xlsx"
        book.save(path)
        return path

    return build


def _formula(sheet):
    sheet.append(["S2", "2019", "city", "=1+1"])  # openpyxl stores no cached result


def _merged(sheet):
    sheet.append(["S2", "2019", "city", 5])
    sheet.append(["S2", "2020", "city", 6])
    sheet.merge_cells("A3:B3")


def _too_wide(sheet):
    sheet.append(["S2", "2019", "city", 5, None, "stray"])


CASES = [
    (
        "missing column",
        csv_file("observations.csv", "indicator,period,geography\nS1,2016,city\n"),
        "observations.csv, row 1, column 'value': missing column",
    ),
    (
        "unknown column",
        csv_file("observations.csv", "indicator,period,geography,valeu\nS1,2016,city,3\n"),
        "observations.csv, row 1, column 'valeu': unknown column",
    ),
    (
        "unknown indicator",
        csv_file("observations.csv", HEADER + "S1,2016,city,,,3\nX9,2016,city,,,3\n"),
        "observations.csv, row 3, column 'indicator': unknown indicator 'X9'",
    ),
    (
        "unknown district",
        csv_file("observations.csv", HEADER + "S1,2016,atlantis,,,3\n"),
        "observations.csv, row 2, column 'geography': unknown geography 'atlantis'",
    ),
    (
        "unknown category",
        csv_file("observations.csv", HEADER + "S1,2016,city,,diverse,3\n"),
        "observations.csv, row 2, column 'sex': unknown category 'diverse' of dimension 'sex' (known: female, male)",
    ),
    (
        "non-numeric value",
        csv_file("observations.csv", HEADER + "S1,2016,city,,,n/a\n"),
        "observations.csv, row 2, column 'value': 'n/a' is not a number",
    ),
    (
        "ambiguous number",
        csv_file("observations.csv", 'indicator,period,geography,value\nS1,2016,city,"1,234"\n'),
        "observations.csv, row 2, column 'value': '1,234' is ambiguous",
    ),
    (
        "thousands separator",
        csv_file("observations.csv", "indicator;period;geography;value\nS1;2016;city;1.234,5\n"),
        "observations.csv, row 2, column 'value': '1.234,5' uses a thousands separator",
    ),
    (
        "duplicate key rows",
        csv_file("observations.csv", HEADER + "S1,2016,city,yes,,3\nS1,2016,city,yes,,4\n"),
        "observations.csv, row 3: the same observation (indicator S1, period 2016, geography city, breakdown "
        "migration_background=yes) is already given in observations.csv row 2",
    ),
    (
        "duplicate key across files",
        lambda d: (
            csv_file("observations_a.csv", HEADER + "S2,2016/2017,city,,,3\n")(d),
            csv_file("observations_b.csv", HEADER + "S2,2016/17,city,,,3\n")(d),
        )[0],
        "observations_b.csv, row 2: the same observation (indicator S2, period 2016/17, geography city, breakdown "
        "total) is already given in observations_a.csv row 2",
    ),
    (
        "bad period",
        csv_file("observations.csv", HEADER + "S1,2016/18,city,,,3\n"),
        "observations.csv, row 2, column 'period': '2016/18' is not a school year",
    ),
    (
        "period that is no period",
        csv_file("observations.csv", HEADER + "S1,Q3 2016,city,,,3\n"),
        "observations.csv, row 2, column 'period': 'Q3 2016' is not a period",
    ),
    (
        "latin-1 file",
        csv_file(
            "observations.csv", "indicator,period,geography,value,note\nS1,2016,city,3,Schätzung\n", encoding="latin-1"
        ),
        "observations.csv, row 2: the file is not UTF-8 encoded (it may be latin-1 / Windows-1252, as saved by older "
        "Excel versions); save it as 'CSV UTF-8' or pass --encoding latin-1",
    ),
    (
        "empty file",
        csv_file("observations.csv", ""),
        "observations.csv: the file is empty; the first row must name the columns",
    ),
    (
        "too many fields",
        csv_file("observations.csv", HEADER + "S1,2016,city,,,3\nS1,2017,city,,,3,4\n"),
        "observations.csv, row 3: the row has 7 fields but the header has 6: too many fields",
    ),
    (
        "too few fields",
        csv_file("observations.csv", HEADER + "S1,2017,city,3\n"),
        "observations.csv, row 2: the row has 4 fields but the header has 6: too few fields",
    ),
    (
        "negative sample size",
        csv_file("observations.csv", "indicator,period,geography,value,sample_size\nS1,2016,city,3,-5\n"),
        "observations.csv, row 2, column 'sample_size': '-5' is negative",
    ),
    (
        "unknown status",
        csv_file("observations.csv", "indicator,period,geography,value,status\nS1,2016,city,3,draft\n"),
        "observations.csv, row 2, column 'status': 'draft' is not one of: final, provisional",
    ),
    (
        "XLSX formula without cached value",
        workbook(_formula),
        "data.xlsx [observations], row 2, column 'value': the cell holds the formula =1+1 without a saved result",
    ),
    (
        "XLSX merged cells",
        workbook(_merged),
        "data.xlsx [observations], row 3, column 'A': merged cells (A3:B3) are not supported",
    ),
    (
        "XLSX row wider than its header",
        workbook(_too_wide),
        "data.xlsx [observations], row 2: the row has 6 fields but the header has 4: too many fields",
    ),
    (
        "target year before baseline year",
        csv_file(
            "targets.csv",
            "indicator,edition,kind,breakdown,geography,baseline_value,baseline_year,target_value,"
            "target_year\nS1,2017,value,,city,80,2015,90,2010\n",
        ),
        "targets.csv, row 2, column 'target_year': the target year 2010 is not after the baseline year 2015",
    ),
    (
        "target for an unknown category",
        csv_file(
            "targets.csv",
            "indicator,edition,breakdown,geography,baseline_value,baseline_year,target_value,"
            "target_year\nS1,2017,migration_background=maybe,city,80,2015,90,2030\n",
        ),
        "targets.csv, row 2, column 'breakdown': unknown category 'maybe' of dimension 'migration_background'",
    ),
    (
        "area in an unknown edition",
        csv_file("areas.csv", "edition,code,title_de\n2030,health,Gesundheit\n"),
        "areas.csv, row 2, column 'edition': unknown edition '2030'",
    ),
    (
        "duplicate concept rows",
        csv_file("geography.csv", "code,name_de,level,parent\neast,Ost,district,city\neast,Osten,district,city\n"),
        "geography.csv, row 3: the key east is already given in geography.csv row 2",
    ),
    (
        "required value missing",
        csv_file(
            "indicators.csv",
            "code,edition,area,title_de,definition_de,unit_de,direction\nS3,2017,school,,Anteil,%,positive\n",
        ),
        "indicators.csv, row 2, column 'title_de': a value is required",
    ),
    (
        "unknown choice",
        csv_file(
            "indicators.csv",
            "code,edition,area,title_de,definition_de,unit_de,direction\nS3,2017,school,Titel,Anteil,%,upwards\n",
        ),
        "indicators.csv, row 2, column 'direction': 'upwards' is not one of: positive, negative",
    ),
    (
        "gap indicator without groups",
        csv_file(
            "indicators.csv",
            "code,edition,area,title_de,definition_de,unit_de,direction,comparison"
            "\nS3,2017,school,Titel,Anteil,%,positive,gap\n",
        ),
        "indicators.csv, row 2, column 'group_b': a gap indicator compares two groups",
    ),
    (
        "bad JSON",
        csv_file(
            "indicators.csv",
            "code,edition,area,title_de,definition_de,unit_de,direction,"
            "profile_parameters\nS3,2017,school,Titel,Anteil,%,positive,{limit: 1}\n",
        ),
        "indicators.csv, row 2, column 'profile_parameters': not valid JSON",
    ),
    ("file named after no table", csv_file("werte.csv", HEADER), "werte.csv: cannot tell which table the file holds"),
]


@pytest.mark.parametrize(("build", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_is_refused_and_changes_nothing(loaded, actor, build, expected):
    # given
    path = build(loaded)
    before = state()
    # when
    with pytest.raises(ImportFailed) as failure:
        services.import_data(paths=[loaded], user=actor)
    # then
    assert expected in str(failure.value)
    assert state() == before
    assert path.exists()


def test_all_problems_of_a_file_are_reported_at_once(loaded, actor):
    csv_file("observations.csv", HEADER + "S1,2016,city,,,abc\nX1,2016,city,,,3\nS1,2099/01,city,,,3\n")(loaded)
    with pytest.raises(ImportFailed) as failure:
        services.import_data(paths=[loaded], user=actor)
    messages = [str(problem) for problem in failure.value.problems]
    assert messages == [
        "observations.csv, row 2, column 'value': 'abc' is not a number",
        "observations.csv, row 4, column 'period': '2099/01' is not a school year: the second year must follow "
        "the first",
        "observations.csv, row 3, column 'indicator': unknown indicator 'X1'",
    ]


def test_problems_are_capped(loaded, actor):
    rows = "".join(f"S1,{year},city,,,x\n" for year in range(1900, 2100))
    csv_file("observations.csv", HEADER + rows)(loaded)
    with pytest.raises(ImportFailed) as failure:
        services.import_data(paths=[loaded], user=actor)
    assert len(failure.value.problems) == 100
    assert failure.value.truncated
    assert "stopped after 100 problems" in str(failure.value)


def test_a_bad_observation_file_also_blocks_the_concept_files_beside_it(actor, tmp_path):
    """All or nothing across files: a valid concept is not written when an observation row is bad."""
    directory = tmp_path / "concept"
    shutil.copytree(DATA, directory)
    with open(directory / "observations.csv", "a", encoding="utf-8") as handle:
        handle.write("S1,2018,city,,,abc,,,,,final,,,\n")
    with pytest.raises(ImportFailed) as failure:
        services.import_data(paths=[directory], user=actor)
    assert "observations.csv, row 9, column 'value': 'abc' is not a number" in str(failure.value)
    assert not Edition.objects.exists()
    assert not Observation.objects.exists()


def test_references_to_rows_of_the_same_import_are_not_unknown(actor, tmp_path):
    """An indicator defined in indicators.csv may be used by observations.csv in the same import."""
    directory = tmp_path / "concept"
    shutil.copytree(DATA, directory)
    with open(directory / "observations.csv", "a", encoding="utf-8") as handle:
        handle.write("S1,2018,nowhere,,,1,,,,,final,,,\n")
    with pytest.raises(ImportFailed) as failure:
        services.import_data(paths=[directory], user=actor)
    assert [str(p) for p in failure.value.problems] == [
        "observations.csv, row 9, column 'geography': unknown geography 'nowhere'"
    ]
