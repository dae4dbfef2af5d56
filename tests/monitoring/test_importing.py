"""Importing the concept and observations: happy paths, idempotent re-import, upserts with history, commands."""

import shutil
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from teilhabe.monitoring import services
from teilhabe.monitoring.importing.cells import DecimalMode
from teilhabe.monitoring.importing.problems import ImportFailed
from teilhabe.monitoring.models import (
    AreaOfAction,
    BreakdownCategory,
    Edition,
    IndicatorVersion,
    Measure,
    Observation,
    Target,
)
from tests.accounts.factories import UserFactory

DATA = Path(__file__).parent / "data" / "concept"
CONCEPT_COUNTS = {
    "authorities": [2, 0, 0],
    "editions": [2, 0, 0],
    "breakdowns": [6, 0, 0],
    "geography": [3, 0, 0],
    "areas": [2, 0, 0],
    "sub_goals": [2, 0, 0],
    "indicators": [2, 0, 0],
    "measures": [1, 0, 0],
    "targets": [2, 0, 0],
    "observations": [7, 0, 0],
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def actor(db):
    return services.get_system_actor("test-import")


@pytest.fixture
def concept(tmp_path):
    """A writable copy of the sample concept (tests/monitoring/data/concept)."""
    target = tmp_path / "concept"
    shutil.copytree(DATA, target)
    return target


def observation(indicator="S1", period="2016", geography="city", key=""):
    return Observation.objects.get(
        indicator__code=indicator, period=period, geography__code=geography, breakdown_key=key
    )


def test_import_a_directory_of_csv_files(actor):
    """Every table of the sample concept is created, with its relations, translations and observations."""
    report = services.import_data(paths=[DATA], user=actor)

    assert report.counts() == CONCEPT_COUNTS
    edition = Edition.objects.get(code="2017")
    assert (edition.title_de, edition.title_en, edition.supersedes.code, edition.is_current) == (
        "Integrationskonzept 2017",
        "Integration concept 2017",
        "2013",
        True,
    )
    assert edition.description_de == 'Fortschreibung mit Beteiligung, "Wir"-Aussagen'
    assert AreaOfAction.objects.get(code="school").parent.code == "education"
    version = IndicatorVersion.objects.get(indicator__code="S1")
    assert (version.comparison, version.group_a.key, version.group_b.key) == (
        "gap",
        "migration_background=yes",
        "migration_background=no",
    )
    assert sorted(version.breakdowns.values_list("code", flat=True)) == ["migration_background", "sex"]
    assert [g.code for g in version.sub_goals.all()] == ["leavers"]
    assert version.profile_parameters == {"limit": 100}
    assert version.authority.code == "school"
    measure = Measure.objects.get(code="m-language")
    assert [g.code for g in measure.sub_goals.all()] == ["language"]
    assert [i.code for i in measure.indicators.all()] == ["S2"]
    target = Target.objects.get(kind="value")
    assert (target.breakdown_key, target.baseline_value, target.target_value, target.target_year) == (
        "migration_background=yes",
        80.0,
        88.5,
        2025,
    )
    provisional = observation(period="2017", key="migration_background=yes")
    assert (
        provisional.value,
        provisional.numerator,
        provisional.denominator,
        provisional.standard_error,
        provisional.sample_size,
        provisional.is_provisional,
    ) == (79.0, 1580.0, 2000.0, 0.9, 2000, True)
    combined = observation(period="2017", geography="north", key="migration_background=yes|sex=female")
    assert combined.value == 81.25
    school_year = observation(indicator="S2", period="2016/17")
    assert (school_year.period_kind, school_year.period_start, school_year.period_end) == (
        "school_year",
        date(2016, 8, 1),
        date(2017, 7, 31),
    )
    assert observation(indicator="S2", period="2017-12-31", geography="south").period_kind == "reference_date"
    assert observation().released_on == date(2017, 3, 1)
    assert observation().source == "Illustrative data (demo)"


def test_second_import_of_the_same_files_changes_nothing(actor):
    """Re-importing is idempotent: all rows unchanged and not one new history revision."""
    services.import_data(paths=[DATA], user=actor)
    history_before = (
        Observation.history.count(),
        Edition.history.count(),
        IndicatorVersion.history.count(),
        Target.history.count(),
        Measure.history.count(),
        AreaOfAction.history.count(),
    )

    report = services.import_data(paths=[DATA], user=actor)

    assert report.counts() == {kind: [0, 0, created] for kind, (created, _u, _n) in CONCEPT_COUNTS.items()}
    assert (
        Observation.history.count(),
        Edition.history.count(),
        IndicatorVersion.history.count(),
        Target.history.count(),
        Measure.history.count(),
        AreaOfAction.history.count(),
    ) == history_before


def test_changed_value_and_provisional_to_final_are_revisions(actor, concept):
    """An upsert updates changed rows only, each with a history record naming the acting user."""
    services.import_data(paths=[concept], user=actor)
    path = concept / "observations.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("S1,2016,city,,,85.2,", "S1,2016,city,,,85.7,")
    text = text.replace("79,1580,2000,0.9,2000,provisional", "79,1580,2000,0.9,2000,final")
    path.write_text(text, encoding="utf-8")

    report = services.import_data(paths=[path], user=actor, reason="corrected figures")

    assert report.counts() == {"observations": [0, 2, 5]}
    changed = observation()
    assert changed.value == 85.7
    revisions = list(changed.history.order_by("history_id"))
    assert [(r.history_type, r.value) for r in revisions] == [("+", 85.2), ("~", 85.7)]
    assert (revisions[-1].history_user, revisions[-1].history_change_reason) == (actor, "corrected figures")
    final = observation(period="2017", key="migration_background=yes")
    assert not final.is_provisional
    assert [r.is_provisional for r in final.history.order_by("history_id")] == [True, False]
    unchanged = observation(indicator="S2", period="2016/17")
    assert unchanged.history.count() == 0  # a new row's audit record is its import run
    assert unchanged.import_run.user == actor


def test_rows_absent_from_a_reimport_stay(actor, concept):
    services.import_data(paths=[concept], user=actor)
    path = concept / "observations.csv"
    path.write_text("indicator,period,geography,value\nS2,2018,city,19.5\n", encoding="utf-8")

    report = services.import_data(paths=[path], user=actor)

    assert report.counts() == {"observations": [1, 0, 0]}
    assert Observation.objects.count() == 8


def test_absent_optional_columns_keep_stored_values(actor, concept):
    """A file without the source column updates values but leaves each row's source alone."""
    services.import_data(paths=[concept], user=actor)
    path = concept / "observations.csv"
    path.write_text("indicator,period,geography,value\nS1,2016,city,85.2\nS2,2016/17,city,24\n", encoding="utf-8")

    report = services.import_data(paths=[path], user=actor)

    assert report.counts() == {"observations": [0, 1, 1]}
    assert (
        observation(indicator="S2", period="2016/17").value,
        observation(indicator="S2", period="2016/17").source,
    ) == (24.0, "Illustrative data (demo)")


def test_semicolon_separated_file_with_bom_and_decimal_commas(actor, concept):
    """Excel's German CSV: UTF-8 with BOM, ';' between fields, decimal commas."""
    services.import_data(paths=[concept], user=actor)
    path = concept / "observations_2018.csv"
    path.write_bytes(
        "\ufeffindicator;period;geography;migration_background;value;status\nS1;2018;city;yes;80,5;vorläufig\n".replace(
            ";vorläufig", ";provisional"
        ).encode("utf-8")
    )

    report = services.import_data(paths=[path], user=actor)

    assert report.counts() == {"observations": [1, 0, 0]}
    row = observation(period="2018", key="migration_background=yes")
    assert (row.value, row.is_provisional) == (80.5, True)


def test_decimal_comma_option_reads_three_digit_fractions(actor, concept):
    """'1,234' is ambiguous on its own; with --decimal comma it is 1.234."""
    services.import_data(paths=[concept], user=actor)
    path = concept / "observations_2019.csv"
    path.write_text("indicator;period;geography;value\nS2;2019;city;1,234\n", encoding="utf-8")

    services.import_data(paths=[path], user=actor, decimal=DecimalMode.COMMA)

    assert observation(indicator="S2", period="2019").value == 1.234


def test_latin1_file_imports_with_its_encoding(actor, concept):
    services.import_data(paths=[concept], user=actor)
    path = concept / "observations_latin1.csv"
    path.write_bytes("indicator,period,geography,value,note\nS2,2019,city,3,Schätzung\n".encode("latin-1"))

    services.import_data(paths=[path], user=actor, encoding="latin-1")

    assert observation(indicator="S2", period="2019").note == "Schätzung"


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(actor, concept):
    """Blank rows (also ';;;' rows as Excel writes them) are skipped; later errors still name the right row."""
    services.import_data(paths=[concept], user=actor)
    path = concept / "observations_2020.csv"
    path.write_text("indicator,period,geography,value\nS2,2020,city,3\n,,,\n\nS2,2021,city,x\n", encoding="utf-8")

    with pytest.raises(ImportFailed) as failure:
        services.import_data(paths=[path], user=actor)

    assert "observations_2020.csv, row 5, column 'value': 'x' is not a number" in str(failure.value)
    path.write_text("indicator,period,geography,value\nS2,2020,city,3\n,,,\n\nS2,2021,city,4\n", encoding="utf-8")
    assert services.import_data(paths=[path], user=actor).counts() == {"observations": [2, 0, 0]}


def _workbook_from_csv(directory: Path, target: Path) -> Path:
    import csv

    workbook = Workbook()
    workbook.remove(workbook.active)
    for path in sorted(directory.glob("*.csv")):
        sheet = workbook.create_sheet(path.stem)
        with open(path, encoding="utf-8") as handle:
            for index, row in enumerate(csv.reader(handle)):
                sheet.append(
                    [
                        float(cell) if index and path.stem == "observations" and name == "value" else cell or None
                        for name, cell in zip(_header(path), row, strict=True)
                    ]
                )
    workbook.save(target)
    return target


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        return handle.readline().strip().split(",")


def test_import_an_xlsx_workbook_with_one_sheet_per_table(actor, tmp_path):
    workbook = _workbook_from_csv(DATA, tmp_path / "concept.xlsx")

    report = services.import_data(paths=[workbook], user=actor)

    assert report.counts() == CONCEPT_COUNTS
    assert observation(period="2017", geography="north", key="migration_background=yes|sex=female").value == 81.25
    assert observation(indicator="S2", period="2016/17").value == 23.5


def test_dry_run_reports_and_writes_nothing(actor):
    report = services.import_data(paths=[DATA], user=actor, dry_run=True)

    assert report.counts() == CONCEPT_COUNTS
    assert report.dry_run
    assert not Edition.objects.exists() and not Observation.objects.exists()
    assert report.tables[-1].samples[0] == {
        "file": "observations.csv",
        "row": 2,
        "action": "create",
        "key": "S1 2016 city total",
        "value": "85.2",
        "old_value": "",
        "status": "final",
        "old_status": "",
    }


def test_import_needs_the_department_admin_role(db):
    clerk = UserFactory(roles=["authority_staff"])
    with pytest.raises(PermissionDenied):
        services.import_data(paths=[DATA], user=clerk)
    assert not Edition.objects.exists()


def test_system_actor_is_an_inactive_account_without_password(db):
    actor = services.get_system_actor("nightly")
    assert (actor.username, actor.is_active, actor.has_usable_password()) == ("system:nightly", False, False)
    assert services.get_system_actor("nightly") == actor
    assert services.is_system_actor(actor)
    assert not services.is_system_actor(UserFactory())


def test_command_imports_as_a_named_user(db, capsys):
    admin = UserFactory(username="officer", roles=["department_admin"])

    call_command("import_data", str(DATA), "--as", "officer", "--quiet")

    output = capsys.readouterr().out
    assert "observations: 7 were created, 0 updated, 0 unchanged" in output
    assert observation().import_run.user == admin
    assert BreakdownCategory.objects.count() == 4


def test_command_records_the_system_actor_by_default(db):
    call_command("import_data", str(DATA), "--quiet")
    assert observation().import_run.user.username == "system:import_data"


def test_command_refuses_a_user_without_the_role(db):
    UserFactory(username="clerk", roles=["authority_staff"])
    with pytest.raises(CommandError, match="may not import data"):
        call_command("import_data", str(DATA), "--as", "clerk", "--quiet")
    assert not Observation.objects.exists()


def test_command_reports_problems_and_writes_nothing(db, concept):
    (concept / "observations.csv").write_text("indicator,period,geography,value\nS1,2016,city,abc\n")
    with pytest.raises(CommandError) as failure:
        call_command("import_data", str(concept), "--quiet")
    assert "observations.csv, row 2, column 'value': 'abc' is not a number" in str(failure.value)
    assert not Edition.objects.exists()


def test_command_dry_run(db, capsys):
    call_command("import_data", str(DATA), "--dry-run", "--quiet")
    assert "Dry run: nothing was written." in capsys.readouterr().out
    assert not Observation.objects.exists()
