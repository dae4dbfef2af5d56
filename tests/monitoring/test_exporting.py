"""Export: the import format, round trip byte-identical, Open SDG files, public-only package."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from teilhabe.accounts.models import Authority
from teilhabe.monitoring import services
from teilhabe.monitoring.exporting import export_concept
from teilhabe.monitoring.models import (
    AreaOfAction,
    BreakdownCategory,
    BreakdownDimension,
    Edition,
    Geography,
    Indicator,
    Measure,
    Observation,
    Target,
)

DATA = Path(__file__).parent / "data" / "concept"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def actor(db):
    return services.get_system_actor("test-export")


def empty_database() -> None:
    for model in (
        Observation,
        Target,
        Measure,
        Indicator,
        AreaOfAction,
        Edition,
        Geography,
        BreakdownCategory,
        BreakdownDimension,
        Authority,
    ):
        if model is Geography:
            Geography.objects.filter(parent__isnull=False).delete()
        if model is Edition:
            Edition.objects.update(supersedes=None)
        model.objects.all().delete()


def files_of(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes() for path in sorted(directory.rglob("*")) if path.is_file()
    }


def test_export_writes_the_import_format(actor, tmp_path):
    services.import_data(paths=[DATA], user=actor)

    result = export_concept(tmp_path)

    assert result.rows == {
        "authorities": 2,
        "editions": 2,
        "breakdowns": 4,
        "geography": 3,
        "areas": 2,
        "sub_goals": 2,
        "indicators": 2,
        "measures": 1,
        "targets": 2,
        "observations": 7,
    }
    observations = (tmp_path / "csv" / "observations.csv").read_text(encoding="utf-8").splitlines()
    assert observations[0] == (
        "indicator,period,geography,migration_background,sex,value,numerator,denominator,"
        "standard_error,sample_size,progress_value,status,source,released_on,note"
    )
    assert observations[4] == "S1,2017,city,yes,,79,1580,2000,0.9,2000,,provisional,Illustrative data (demo),,"
    assert observations[6] == "S2,2016/17,city,,,23.5,,,,,,final,Illustrative data (demo),,"
    targets = (tmp_path / "csv" / "targets.csv").read_text(encoding="utf-8").splitlines()
    assert targets[1] == "S1,2017,gap,,city,12.5,2015,5,2025,,"
    assert {path.name for path in (tmp_path / "opensdg").iterdir()} == {"indicator_S1.csv", "indicator_S2.csv"}


def test_export_import_export_is_byte_identical(actor, tmp_path):
    """Export → import into an empty database → export gives the same bytes, CSV, XLSX and Open SDG alike."""
    services.import_data(paths=[DATA], user=actor)
    export_concept(tmp_path / "first")
    empty_database()
    assert not Observation.objects.exists()

    services.import_data(paths=[tmp_path / "first" / "csv"], user=actor)
    export_concept(tmp_path / "second")

    first, second = files_of(tmp_path / "first"), files_of(tmp_path / "second")
    assert list(first) == list(second)
    assert first == second


def test_xlsx_export_imports_back_identically(actor, tmp_path):
    services.import_data(paths=[DATA], user=actor)
    export_concept(tmp_path / "first")
    empty_database()

    report = services.import_data(paths=[tmp_path / "first" / "concept.xlsx"], user=actor)
    export_concept(tmp_path / "second")

    assert report.counts()["observations"] == [7, 0, 0]
    assert files_of(tmp_path / "first") == files_of(tmp_path / "second")


def test_opensdg_file_per_indicator(actor, tmp_path):
    """Year, one column per breakdown dimension used, GeoCode (empty for the city), Value."""
    services.import_data(paths=[DATA], user=actor)

    export_concept(tmp_path, formats=("csv",))

    assert (tmp_path / "opensdg" / "indicator_S1.csv").read_text(encoding="utf-8") == (
        "Year,migration_background,sex,GeoCode,Value\n"
        "2016,,,,85.2\n"
        "2016,no,,,90.1\n"
        "2016,yes,,,78.4\n"
        "2017,yes,,,79\n"
        "2017,yes,female,north,81.25\n"
    )
    assert (tmp_path / "opensdg" / "indicator_S2.csv").read_text(encoding="utf-8") == (
        "Year,GeoCode,Value\n2016,,23.5\n2017,south,21\n"
    )


def test_public_only_hides_unreleased_rows_and_withholds_small_counts(actor, tmp_path, settings):
    """A row with a small count loses every figure (value, counts, SE, progress value), not only the count:
    value × denominator would give the numerator back."""
    settings.TEILHABE_MIN_PUBLIC_COUNT = 2500
    services.import_data(paths=[DATA], user=actor)
    Observation.objects.filter(indicator__code="S2", period="2016/17").update(released_on=date(2030, 1, 1))

    export_concept(tmp_path, formats=("csv",), public_only=True, today=date(2025, 1, 1))

    rows = (tmp_path / "csv" / "observations.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 5
    assert not any(row.startswith("S2,2016/17") for row in rows)
    # withheld: left out (the import format needs a value); blank in the Open SDG file
    assert not any(row.startswith("S1,2017,city,yes,") for row in rows)
    assert "S1,2017,north,yes,female,81.25,,,,,,final,Illustrative data (demo),," in rows
    opensdg = (tmp_path / "opensdg" / "indicator_S1.csv").read_text(encoding="utf-8").splitlines()
    assert "2017,yes,,," in opensdg and not any("79" in row for row in opensdg)


def test_illustrative_marking_survives_the_export(actor, tmp_path):
    services.import_data(paths=[DATA], user=actor)
    export_concept(tmp_path, formats=("csv",), opensdg=False)
    editions = (tmp_path / "csv" / "editions.csv").read_text(encoding="utf-8").splitlines()
    assert editions[0].endswith("is_current,is_illustrative")
    assert all(line.endswith(",true") for line in editions[1:])
    assert (tmp_path / "csv" / "observations.csv").read_text(encoding="utf-8").count("Illustrative data (demo)") == 7


def test_export_command(actor, tmp_path, capsys):
    services.import_data(paths=[DATA], user=actor)
    call_command("export_data", str(tmp_path), "--format", "csv")
    assert "observations: 7 rows" in capsys.readouterr().out
    assert (tmp_path / "csv" / "editions.csv").exists()
    assert not (tmp_path / "concept.xlsx").exists()
