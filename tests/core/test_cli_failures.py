"""Writing commands tell the truth when they fail (issue #18, item 3).

Each writing command is run as an operator runs it — the real `teilhabe` console command in a
subprocess — into a failure it meets in practice: a database nobody migrated, a database another
process holds a write lock on, a bad file or folder. It must exit non-zero, say on stderr what went
wrong (file, row and column for a bad file), print no traceback, report nothing as done on stdout,
and leave the database exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.monitoring.test_opensdg import make_repository

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CONCEPT = REPOSITORY_ROOT / "tests" / "monitoring" / "data" / "concept"


def teilhabe(arguments: list[str], database: Path, **environment: str) -> subprocess.CompletedProcess:
    """The `teilhabe` console command on `database`, output captured through pipes (no terminal)."""
    env = {key: value for key, value in os.environ.items() if key not in ("TEILHABE_LOG_LEVEL", "REDIS_URL")}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_DEBUG="1",
        DJANGO_SECRET_KEY="test-only-secret-key-not-for-production-0123456789",
        TEILHABE_VAR_DIR=str(database.parent / "var"),
        TEILHABE_TASKS_IMMEDIATE="1",
        TEILHABE_DEFAULT_LANGUAGE="en",
    )
    env.update(environment)
    command = [sys.executable, "-c", "import sys; from teilhabe.cli import main; sys.exit(main())", *arguments]
    return subprocess.run(command, env=env, capture_output=True, text=True, cwd=REPOSITORY_ROOT, timeout=600)


def database_state(database: Path) -> dict[str, tuple[int, str]]:
    """Row count and content digest of every table: equal states mean nothing was stored or changed."""
    state = {}
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in sorted(tables):
            digest = hashlib.sha256()
            count = 0
            for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                digest.update(repr(row).encode())
                count += 1
            state[table] = (count, digest.hexdigest())
    connection.close()
    return state


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
    result = teilhabe(["migrate", "--no-input"], database)
    assert result.returncode == 0, result.stderr
    return database


@pytest.fixture(scope="module")
def populated_template(migrated_template, tmp_path_factory) -> Path:
    """A migrated database holding the sample concept (tests/monitoring/data/concept) and its observations."""
    database = tmp_path_factory.mktemp("populated") / "db.sqlite3"
    shutil.copy(migrated_template, database)
    result = teilhabe(["import_data", str(SAMPLE_CONCEPT)], database)
    assert result.returncode == 0, result.stderr
    return database


# --- The failures, one table ------------------------------------------------------------------------

UNMIGRATED = "unmigrated"  # an empty database file: `teilhabe migrate` was never run
LOCKED = "locked"  # a migrated database holding the sample concept; another connection holds a write lock
LOCKED_EMPTY = "locked, empty"  # as LOCKED, without the sample concept (load_demo refuses a concept of its own)
POPULATED = "populated"  # a migrated database holding the sample concept; the input is bad

NOT_MIGRATED = ["database not migrated", "teilhabe migrate"]
IS_LOCKED = ["database is locked", "nothing was changed"]


def _observations(tmp: Path, text: str, encoding: str = "utf-8") -> list[str]:
    path = tmp / "upload" / "observations.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return [str(path)]


def _opensdg(tmp: Path, csv_text: str) -> Path:
    return make_repository(tmp / "repository", csv_text, "indicator_name: Poverty rate")


@dataclass(frozen=True)
class Case:
    command: str
    situation: str
    arguments: Callable[[Path], list[str]] = lambda tmp: []
    expected: list[str] = field(default_factory=list)  # fragments of stderr; "{tmp}" is the test's folder
    why: str = ""


CASES = [
    Case(
        "import_data",
        POPULATED,
        lambda tmp: _observations(tmp, "indicator,period,geography,value\nS2,2021,city,3\nS2,2022,city,x\n"),
        ["Nothing was imported", "observations.csv", "row 3", "'value'"],
        "a value that is not a number",
    ),
    Case(
        "import_data",
        POPULATED,
        lambda tmp: _observations(tmp, "indicator,period,geography,value,note\nS2,2021,city,3,Schätzung\n", "cp1252"),
        ["Nothing was imported", "observations.csv", "row 2", "UTF-8", "--encoding"],
        "a file saved by an old Excel (Windows-1252)",
    ),
    Case(
        "import_data",
        POPULATED,
        lambda tmp: [str(tmp / "missing" / "observations.csv")],
        ["Nothing was imported", "{tmp}/missing/observations.csv"],
        "a file that is not there",
    ),
    Case(
        "import_data",
        LOCKED,
        lambda tmp: _observations(tmp, "indicator,period,geography,value\nS2,2022,city,3\n"),
        IS_LOCKED,
    ),
    Case("import_data", UNMIGRATED, lambda tmp: [str(SAMPLE_CONCEPT)], NOT_MIGRATED),
    Case(
        "import_opensdg",
        POPULATED,
        lambda tmp: [str(_opensdg(tmp, "Year,Value\n2015,14.5\n2020,twelve\n")), "--strict"],
        ["Nothing was imported", "indicator_1-1-1.csv", "row 3", "Value"],
        "a value that is not a number, --strict",
    ),
    Case(
        "import_opensdg",
        LOCKED,
        lambda tmp: [str(_opensdg(tmp, "Year,Value\n2015,14.5\n2020,12.0\n")), "--edition", "locked"],
        IS_LOCKED,
    ),
    Case(
        "import_opensdg",
        POPULATED,
        lambda tmp: [str(tmp / "no-repository")],
        ["no-repository"],
        "a repository folder that is not there",
    ),
    Case(
        "load_boundaries",
        POPULATED,
        lambda tmp: [str(_geojson(tmp, '{"type": "FeatureCollection", "features": [{"type": "Polygon"}]}'))],
        ["Nothing was loaded", "districts.geojson, feature 1", "not a GeoJSON Feature"],
        "a feature that is not a GeoJSON Feature",
    ),
    Case(
        "load_boundaries", UNMIGRATED, lambda tmp: [str(_geojson(tmp, '{"type": "FeatureCollection"}'))], NOT_MIGRATED
    ),
    Case("load_demo", LOCKED_EMPTY, expected=IS_LOCKED),
    Case("load_demo", UNMIGRATED, expected=NOT_MIGRATED),
    Case("apply_retention", LOCKED, lambda tmp: ["--days", "0"], IS_LOCKED),
    Case("apply_retention", UNMIGRATED, expected=NOT_MIGRATED),
    Case("erase_personal_data", LOCKED, lambda tmp: ["someone@example.org", "--no-input"], IS_LOCKED),
    Case("erase_personal_data", UNMIGRATED, lambda tmp: ["someone@example.org", "--no-input"], NOT_MIGRATED),
    Case("offboard_user", UNMIGRATED, lambda tmp: ["alice", "--by", "bob"], NOT_MIGRATED),
    Case("send_review_reminders", UNMIGRATED, expected=NOT_MIGRATED),
    Case(
        "export_data",
        POPULATED,
        lambda tmp: [str(_a_file(tmp / "export"))],
        ["{tmp}/export"],
        "the target folder is a file",
    ),
    Case("export_data", UNMIGRATED, lambda tmp: [str(tmp / "export")], NOT_MIGRATED),
    Case(
        "export_opensdg",
        POPULATED,
        lambda tmp: [str(_a_file(tmp / "export"))],
        ["{tmp}/export"],
        "the target folder is a file",
    ),
    Case("export_opensdg", UNMIGRATED, lambda tmp: [str(tmp / "export")], NOT_MIGRATED),
    Case(
        "build_documentation",
        UNMIGRATED,
        lambda tmp: ["demo", "--format", "csv", "--output", str(tmp / "documentation.csv")],
        NOT_MIGRATED,
    ),
    Case(
        "build_documentation",
        POPULATED,
        lambda tmp: ["demo", "--format", "csv", "--output", str(tmp / "documentation.csv")],
        ["no procedure", "demo"],
        "a procedure that does not exist",
    ),
    Case(
        "backup",
        POPULATED,
        lambda tmp: [str(tmp / "no-such-folder" / "backup.tar")],
        ["{tmp}/no-such-folder", "does not exist"],
        "a backup folder that is not there",
    ),
    Case(
        "backup",
        POPULATED,
        lambda tmp: [str(_a_file(tmp / "a-file") / "backup.tar")],
        ["{tmp}/a-file"],
        "a backup folder that is a file",
    ),
    Case("backup", UNMIGRATED, lambda tmp: [str(tmp / "backup.tar")], NOT_MIGRATED),
    Case(
        "restore",
        UNMIGRATED,
        lambda tmp: [str(_a_file(tmp / "not-a-backup.tar"))],
        ["{tmp}/not-a-backup.tar", "not a readable teilhabe backup"],
        "a file that is not a backup, into an empty database",
    ),
    Case(
        "restore",
        POPULATED,
        lambda tmp: [str(tmp / "missing.tar")],
        ["{tmp}/missing.tar"],
        "a backup file that is not there",
    ),
]

# Commands that store nothing (they print, or compare): they need no entry above.
READ_ONLY_COMMANDS = {"assess_progress", "disclosure_audit", "export_personal_data", "verify_backup", "shell"}


def _a_file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("this is not what the command expects\n", encoding="utf-8")
    return path


def _geojson(tmp: Path, text: str) -> Path:
    path = tmp / "districts.geojson"
    path.write_text(text, encoding="utf-8")
    return path


def _case_id(case: Case) -> str:
    return f"{case.command}: {case.why or case.situation}"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_a_failing_writing_command_says_why_and_stores_nothing(case, migrated_template, populated_template, tmp_path):
    database = tmp_path / "db.sqlite3"
    if case.situation == UNMIGRATED:
        sqlite3.connect(database).close()  # an empty database file, as a new deployment has
    elif case.situation == LOCKED_EMPTY:
        shutil.copy(migrated_template, database)
    else:
        shutil.copy(populated_template, database)
    arguments = case.arguments(tmp_path)
    before = database_state(database)

    holder = None
    if case.situation in (LOCKED, LOCKED_EMPTY):
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process is writing
    try:
        result = teilhabe([case.command, *arguments], database)
    finally:
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output
    for fragment in case.expected:
        assert fragment.format(tmp=tmp_path) in result.stderr, result.stderr
    assert result.stdout.strip() == "", "a failed command reports nothing as done"
    assert database_state(database) == before


def test_every_writing_command_has_a_failure_case(db):
    """A new command must be listed: with a failure case above when it writes, or as read-only."""
    from django.core.management import get_commands, load_command_class

    from teilhabe.core.management.base import TeilhabeCommand

    ours = {name for name, app in get_commands().items() if app.startswith("teilhabe.")}
    tested = {case.command for case in CASES}
    assert sorted(ours - tested - READ_ONLY_COMMANDS) == [], "writing commands without a failure case"
    assert sorted((tested | READ_ONLY_COMMANDS) - ours) == [], "entries for commands that do not exist"
    for name in tested:
        command = load_command_class(get_commands()[name], name)
        assert isinstance(command, TeilhabeCommand), f"{name} does not use the shared TeilhabeCommand"


POSTGRES = "postgres://postgres@127.0.0.1:5432"


@pytest.fixture
def empty_postgresql_database():
    psycopg = pytest.importorskip("psycopg")
    name = "teilhabe_cli_unmigrated"
    try:
        server = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    with server:
        server.execute(f"DROP DATABASE IF EXISTS {name}")
        server.execute(f"CREATE DATABASE {name}")
    yield f"{POSTGRES}/{name}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_an_unmigrated_postgresql_database_is_named_as_such(empty_postgresql_database, tmp_path):
    import psycopg

    result = teilhabe(
        ["import_data", str(SAMPLE_CONCEPT)], tmp_path / "unused.sqlite3", DATABASE_URL=empty_postgresql_database
    )

    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert "database not migrated: run `teilhabe migrate`" in result.stderr
    with psycopg.connect(empty_postgresql_database) as connection:
        tables = connection.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        assert tables.fetchone()[0] == 0


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("UndefinedTable", 'relation "monitoring_observation" does not exist'),
        ("UndefinedColumn", "column monitoring_observation.import_run_id does not exist"),
    ],
)
def test_a_table_or_column_missing_in_postgresql_means_not_migrated(error, expected):
    """A migration added after the check (or applied elsewhere) still ends in the same clear message."""
    psycopg = pytest.importorskip("psycopg")
    from django.db.utils import ProgrammingError

    from teilhabe.core.management.base import describe_failure

    try:
        try:
            raise getattr(psycopg.errors, error)(expected)
        except psycopg.Error as cause:
            raise ProgrammingError(expected) from cause  # as Django wraps driver errors
    except ProgrammingError as wrapped:
        message = describe_failure(wrapped)

    assert message.startswith("database not migrated: run `teilhabe migrate`")
    assert expected in message
