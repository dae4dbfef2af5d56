"""The set-based observation import: plain lines and parsed records read alike; numbers, texts and row numbers
come out exactly as the cell parsers read them, whichever path (database cast or Python) a value takes."""

from pathlib import Path

import pytest
from django.utils import translation

from teilhabe.monitoring import services
from teilhabe.monitoring.importing.cells import DecimalMode
from teilhabe.monitoring.importing.observations import ObservationStage
from teilhabe.monitoring.importing.problems import ImportFailed
from teilhabe.monitoring.models import Observation
from tests.monitoring.factories import ObservationFactory

DATA = Path(__file__).parent / "data" / "concept"
HEADER = "indicator,period,geography,migration_background,value,numerator,sample_size,status,source,note\n"
ROWS = [
    "S1,2018,city,,80.5,1610,2000,final,Survey,",
    "S1,2018,city,yes,-3,,,provisional,Survey,first release",
    "S2,2018/19,north,no,0.125,7,12,,Register,",
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def actor(db):
    actor = services.get_system_actor("test-import")
    services.import_data(paths=[DATA], user=actor)
    return actor


def stored(indicator="S1", period="2018", geography="city", key=""):
    return Observation.objects.get(
        indicator__code=indicator, period=period, geography__code=geography, breakdown_key=key
    )


def snapshot() -> list[tuple]:
    return sorted(
        Observation.objects.filter(period__startswith="2018").values_list(
            "indicator__code",
            "period",
            "geography__code",
            "breakdown_key",
            "value",
            "numerator",
            "sample_size",
            "is_provisional",
            "source",
            "note",
        )
    )


def quoted(line: str) -> str:
    return ",".join(f'"{cell}"' for cell in line.split(","))


def test_plain_lines_and_quoted_records_import_alike(actor, tmp_path):
    """Plain lines go to the database unsplit, quoted ones through the csv reader; the result is the same."""
    # given
    plain = tmp_path / "observations_plain.csv"
    plain.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    quoted_file = tmp_path / "observations_quoted.csv"
    quoted_file.write_text(HEADER + "\n".join(quoted(row) for row in ROWS) + "\n", encoding="utf-8")
    # when
    first = services.import_data(paths=[plain], user=actor)
    imported = snapshot()
    again = services.import_data(paths=[quoted_file], user=actor)
    # then
    assert first.counts() == {"observations": [3, 0, 0]}
    assert again.counts() == {"observations": [0, 0, 3]}
    assert imported == [
        ("S1", "2018", "city", "", 80.5, 1610.0, 2000, False, "Survey", ""),
        ("S1", "2018", "city", "migration_background=yes", -3.0, None, None, True, "Survey", "first release"),
        ("S2", "2018/19", "north", "migration_background=no", 0.125, 7.0, 12, False, "Register", ""),
    ]


@pytest.mark.parametrize(
    ("value", "decimal", "expected"),
    [
        ("80.5", DecimalMode.AUTO, 80.5),
        (" 80.5 ", DecimalMode.AUTO, 80.5),
        ("+3", DecimalMode.AUTO, 3.0),
        ("1e3", DecimalMode.AUTO, 1000.0),
        ("2.5E-3", DecimalMode.AUTO, 0.0025),
        ("80,5", DecimalMode.AUTO, 80.5),
        ("0,125", DecimalMode.AUTO, 0.125),
        ("1,234", DecimalMode.COMMA, 1.234),
        ("007", DecimalMode.POINT, 7.0),
        ("0.1000000000000000055511151231257827", DecimalMode.AUTO, 0.1),
        ("123456789012345678901234567890123", DecimalMode.AUTO, 1.2345678901234569e32),
    ],
    ids=[
        "plain",
        "padded",
        "plus sign",
        "exponent",
        "upper-case exponent",
        "decimal comma",
        "decimal comma below one",
        "three decimals with --decimal comma",
        "leading zeros",
        "long fraction",
        "long number",
    ],
)
def test_numbers_read_as_the_cell_parser_reads_them(actor, tmp_path, value, decimal, expected):
    path = tmp_path / "observations.csv"
    path.write_text(f"indicator;period;geography;value\nS1;2018;city;{value}\n", encoding="utf-8")

    services.import_data(paths=[path], user=actor, decimal=decimal)

    assert stored().value == expected


def test_empty_and_blank_optional_numbers_are_null_and_whole_numbers_may_have_a_zero_fraction(actor, tmp_path):
    path = tmp_path / "observations.csv"
    path.write_text(HEADER + "S1,2018,city,,5,   ,12.0,,,\n", encoding="utf-8")

    services.import_data(paths=[path], user=actor)

    assert (stored().numerator, stored().sample_size) == (None, 12)


def test_codes_and_texts_are_stripped_of_unicode_white_space(actor, tmp_path):
    path = tmp_path / "observations.csv"
    path.write_text(
        HEADER + "S1\u00a0,\u20032018,city , yes,5,,,Provisional ,\u00a0Survey\u00a0, a note \n", encoding="utf-8"
    )

    services.import_data(paths=[path], user=actor)

    row = stored(key="migration_background=yes")
    assert (row.is_provisional, row.source, row.note) == (True, "Survey", "a note")


def test_rows_keep_their_line_numbers_after_a_record_spanning_lines(actor, tmp_path):
    """Rows are numbered by the line they start on, also after a quoted note holding a line break."""
    path = tmp_path / "observations.csv"
    path.write_text(HEADER + 'S1,2018,city,,5,,,,,"two\nlines"\n\n,,,,,,,,,\nS1,2019,city,,x,,,,,\n', encoding="utf-8")
    before = Observation.objects.count()

    with pytest.raises(ImportFailed) as failure:
        services.import_data(paths=[path], user=actor)

    assert [str(problem) for problem in failure.value.problems] == [
        "observations.csv, row 6, column 'value': 'x' is not a number"
    ]
    assert Observation.objects.count() == before


def test_problems_of_every_kind_are_listed_in_row_and_column_order(actor, tmp_path):
    path = tmp_path / "observations.csv"
    path.write_text(
        HEADER
        + "S1,2018,city,,1.5.2,,,,,\n"
        + 'S1,2019,city,,1,"1,234",-5,draft,,\n'
        + "S1,2020,city,,1,2,3000000000,,,"
        + "n" * 501
        + "\n"
        + "S1,2021,city,,,,,,,\n"
        + "S1,2022,city,maybe,1,,,,,\n"
        + "S1,2023,city,,1,2,3\n",
        encoding="utf-8",
    )
    before = Observation.objects.count()

    with pytest.raises(ImportFailed) as failure:
        services.import_data(paths=[path], user=actor)

    assert [str(problem) for problem in failure.value.problems] == [
        "observations.csv, row 2, column 'value': '1.5.2' uses a thousands separator; write the number without it "
        "(e.g. 1234 or 1234.5)",
        "observations.csv, row 3, column 'numerator': '1,234' is ambiguous: the comma could be a decimal comma or a "
        "thousands separator. Write the number without thousands separators (e.g. 1234), or pass --decimal comma "
        "if the comma is the decimal separator",
        "observations.csv, row 3, column 'sample_size': '-5' is negative; a whole number of at least 0 is expected",
        "observations.csv, row 3, column 'status': 'draft' is not one of: final, provisional",
        "observations.csv, row 4, column 'sample_size': '3000000000' is too large",
        "observations.csv, row 4, column 'note': the text has 501 characters; at most 500 are allowed",
        "observations.csv, row 5, column 'value': a value is required",
        "observations.csv, row 6, column 'migration_background': unknown category 'maybe' of dimension "
        "'migration_background' (known: no, yes)",
        "observations.csv, row 7: the row has 7 fields but the header has 10: too few fields; add the missing ones",
    ]
    assert Observation.objects.count() == before


def test_preview_shows_the_old_value_of_a_changed_row(actor, tmp_path):
    path = tmp_path / "observations.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    services.import_data(paths=[path], user=actor)
    path.write_text(HEADER + "\n".join([ROWS[0].replace("80.5", "81"), *ROWS[1:]]) + "\n", encoding="utf-8")

    report = services.import_data(paths=[path], user=actor, dry_run=True)

    assert report.counts() == {"observations": [0, 1, 2]}
    assert report.tables[-1].samples == [
        {
            "file": "observations.csv",
            "row": 2,
            "action": "update",
            "key": "S1 2018 city total",
            "value": "81",
            "old_value": "80.5",
            "status": "final",
            "old_status": "final",
        }
    ]
    assert stored().value == 80.5


def test_an_observation_stored_by_someone_else_meanwhile_refuses_the_import(actor, tmp_path, monkeypatch):
    """Rows found new when the import looked, but stored by a concurrent writer before it wrote: all or nothing."""
    path = tmp_path / "observations.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    classify = ObservationStage._classify

    def classify_then_store_one(stage):
        rows = classify(stage)
        existing = stored(period="2016")
        ObservationFactory(indicator=existing.indicator, geography=existing.geography, year=2018)
        return rows

    monkeypatch.setattr(ObservationStage, "_classify", classify_then_store_one)
    before = Observation.objects.count()

    with pytest.raises(ImportFailed) as failure:
        services.import_data(paths=[path], user=actor)

    assert "were stored by someone else during the import; nothing was written" in str(failure.value)
    assert Observation.objects.count() == before
