"""The import run is the audit record of new observations; only changes of stored ones are history revisions.

"Who entered this value and when" stays answerable for every row: a new row through its run, a revised
row through its history (which then also holds the state it was created in, signed as its run).
"""

import hashlib
import shutil
from pathlib import Path

import pytest
from django.utils import timezone, translation

from teilhabe.monitoring import services
from teilhabe.monitoring.importing.problems import ImportFailed
from teilhabe.monitoring.models import ImportRun, Observation

DATA = Path(__file__).parent / "data" / "concept"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def actor(db):
    return services.get_system_actor("test-import")


@pytest.fixture
def concept(tmp_path):
    target = tmp_path / "concept"
    shutil.copytree(DATA, target)
    return target


def _observation(indicator="S1", period="2016", geography="city", key=""):
    return Observation.objects.get(
        indicator__code=indicator, period=period, geography__code=geography, breakdown_key=key
    )


def _revise(path: Path, *replacements: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def test_the_run_records_who_when_files_checksums_and_counts(actor):
    # given
    before = timezone.now()
    # when
    report = services.import_data(paths=[DATA], user=actor, reason="annual data")
    # then
    run = ImportRun.objects.get()
    assert report.run_id == run.pk
    assert (run.user, run.reason) == (actor, "annual data")
    assert before <= run.started_at <= run.finished_at <= timezone.now()
    expected_files = [
        {"name": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "bytes": path.stat().st_size}
        for path in sorted(DATA.glob("*.csv"))
    ]
    assert sorted(run.files, key=lambda file: file["name"]) == expected_files
    assert run.counts == report.counts()
    assert run.counts["observations"] == [7, 0, 0]


def test_new_observations_point_to_their_run_and_get_no_history_row(actor):
    # when
    services.import_data(paths=[DATA], user=actor)
    # then
    run = ImportRun.objects.get()
    assert Observation.objects.count() == 7
    assert set(Observation.objects.values_list("import_run", flat=True)) == {run.pk}
    assert Observation.history.count() == 0


def test_unchanged_reimport_writes_no_history_and_repoints_nothing(actor):
    # given
    services.import_data(paths=[DATA], user=actor)
    first = ImportRun.objects.get()
    # when
    services.import_data(paths=[DATA], user=actor)
    # then
    second = ImportRun.objects.exclude(pk=first.pk).get()
    assert second.counts["observations"] == [0, 0, 7]
    assert Observation.history.count() == 0
    assert set(Observation.objects.values_list("import_run", flat=True)) == {first.pk}


def test_reimport_with_changed_values_writes_exactly_those_revisions(actor, concept):
    # given: a first import by the system actor, then a correction by an officer
    services.import_data(paths=[concept], user=actor, reason="first delivery")
    first = ImportRun.objects.get()
    officer = services.get_system_actor("officer")
    path = concept / "observations.csv"
    _revise(
        path,
        ("S1,2016,city,,,85.2,", "S1,2016,city,,,85.7,"),
        ("79,1580,2000,0.9,2000,provisional", "79,1580,2000,0.9,2000,final"),
    )
    path.write_text(path.read_text(encoding="utf-8") + "S2,2018,city,,,19.5,,,,,final,,,\n", encoding="utf-8")
    # when
    report = services.import_data(paths=[path], user=officer, reason="corrected figures")
    # then
    assert report.counts() == {"observations": [1, 2, 5]}
    second = ImportRun.objects.get(pk=report.run_id)
    changed = {_observation().pk, _observation(period="2017", key="migration_background=yes").pk}
    revisions = Observation.history.filter(history_type="~")
    assert sorted(revisions.values_list("id", flat=True)) == sorted(changed)
    assert {(r.history_user, r.history_change_reason) for r in revisions} == {(officer, "corrected figures")}
    # the state each revised row was created in, dated and signed as the first run
    created = Observation.history.filter(history_type="+")
    assert sorted(created.values_list("id", flat=True)) == sorted(changed)
    assert {(r.history_user, r.history_date, r.history_change_reason) for r in created} == {
        (actor, first.started_at, "first delivery")
    }
    assert [(r.history_type, r.value) for r in _observation().history.order_by("history_id")] == [
        ("+", 85.2),
        ("~", 85.7),
    ]
    assert Observation.history.count() == 4  # nothing for the 5 unchanged rows nor the new one
    # the new row points to the second run; revised and unchanged rows keep pointing to the first
    assert _observation(indicator="S2", period="2018").import_run == second
    assert Observation.objects.filter(import_run=first).count() == 7


def test_a_second_revision_adds_one_history_row(actor, concept):
    # given
    services.import_data(paths=[concept], user=actor)
    path = concept / "observations.csv"
    _revise(path, ("S1,2016,city,,,85.2,", "S1,2016,city,,,85.7,"))
    services.import_data(paths=[path], user=actor)
    # when
    _revise(path, ("S1,2016,city,,,85.7,", "S1,2016,city,,,86.0,"))
    services.import_data(paths=[path], user=actor)
    # then
    assert [(r.history_type, r.value) for r in _observation().history.order_by("history_id")] == [
        ("+", 85.2),
        ("~", 85.7),
        ("~", 86.0),
    ]
    assert Observation.history.count() == 3


def test_dry_run_and_refused_import_leave_no_run(actor, concept):
    # when: a preview
    services.import_data(paths=[concept], user=actor, dry_run=True)
    # then
    assert not ImportRun.objects.exists()
    # when: a file with a bad row
    _revise(concept / "observations.csv", ("S2,2016/17,city,,,23.5,", "S2,2016/17,city,,,many,"))
    with pytest.raises(ImportFailed):
        services.import_data(paths=[concept], user=actor)
    # then
    assert not ImportRun.objects.exists()
    assert not Observation.objects.exists()


# Reading: on PostgreSQL a file without quotes is copied in blocks, its lines numbered by the database; the row
# numbers in messages, blank lines and a line of the wrong width must come out as the line reader has them.


def _load_concept(actor) -> None:
    concept = [path for path in DATA.glob("*.csv") if path.name != "observations.csv"]
    services.import_data(paths=concept, user=actor)


def test_row_numbers_count_blank_lines_and_crlf_line_ends(actor, tmp_path):
    # given: CRLF line ends, a blank-looking line, and bad values after it
    _load_concept(actor)
    path = tmp_path / "observations.csv"
    path.write_bytes(
        b"indicator;period;geography;value\r\nS1;2016;city;85,2\r\n;;;\r\nS1;2017;city;many\r\nS1;2018;nowhere;80\r\n"
    )
    # when
    with pytest.raises(ImportFailed) as failure:
        services.import_data(paths=[path], user=actor)
    # then
    assert [str(problem) for problem in failure.value.problems] == [
        "observations.csv, row 4, column 'value': 'many' is not a number",
        "observations.csv, row 5, column 'geography': unknown geography 'nowhere'",
    ]
    assert not Observation.objects.exists()
    assert ImportRun.objects.count() == 1  # the concept's


def test_blank_lines_are_skipped_and_decimal_commas_read(actor, tmp_path):
    # given
    _load_concept(actor)
    path = tmp_path / "observations.csv"
    path.write_text(
        "indicator;period;geography;value\nS1;2016;city;85,2\n ; ; ;\nS1;2017;city;86,5\n", encoding="utf-8"
    )
    # when
    report = services.import_data(paths=[path], user=actor)
    # then
    assert report.counts() == {"observations": [2, 0, 0]}
    assert sorted(Observation.objects.values_list("period", "value")) == [("2016", 85.2), ("2017", 86.5)]


def test_a_line_of_the_wrong_width_is_named_by_its_row(actor, tmp_path):
    # given: nothing quoted, so the block copy is tried first, and the database refuses the short line
    _load_concept(actor)
    path = tmp_path / "observations.csv"
    path.write_text("indicator,period,geography,value\nS1,2016,city,85.2\nS1,2017,city\n", encoding="utf-8")
    # when
    with pytest.raises(ImportFailed) as failure:
        services.import_data(paths=[path], user=actor)
    # then
    assert [str(problem) for problem in failure.value.problems] == [
        "observations.csv, row 3: the row has 3 fields but the header has 4: too few fields; add the missing ones"
    ]
    assert not Observation.objects.exists()
