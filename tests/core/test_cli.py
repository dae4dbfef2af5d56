"""The `teilhabe` command as an operator meets it: a fresh database, `migrate`, then any command."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from teilhabe.cli import verbosity_of
from tests.monitoring.test_opensdg import make_repository

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("label", "arguments", "expected"),
    [
        ("no flag", ["check"], 1),
        ("short flag", ["check", "-v", "2"], 2),
        ("short flag joined", ["check", "-v3"], 3),
        ("long flag", ["check", "--verbosity", "0"], 0),
        ("long flag with =", ["check", "--verbosity=2"], 2),
        ("not a number", ["check", "-v", "x"], 1),
    ],
)
def test_verbosity_is_read_from_the_command_line(label, arguments, expected):
    assert verbosity_of(arguments) == expected


def teilhabe(arguments: list[str], database: Path) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "TEILHABE_LOG_LEVEL"}
    environment.update(
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_DEBUG="1",
        DJANGO_SECRET_KEY="test-only-secret-key-not-for-production-0123456789",
        TEILHABE_VAR_DIR=str(database.parent / "var"),
        TEILHABE_TASKS_IMMEDIATE="1",
    )
    environment.pop("REDIS_URL", None)
    command = [sys.executable, "-c", "import sys; from teilhabe.cli import main; sys.exit(main())", *arguments]
    return subprocess.run(command, env=environment, capture_output=True, text=True, cwd=REPOSITORY_ROOT, timeout=300)


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("cli") / "db.sqlite3"
    result = teilhabe(["migrate", "--no-input"], database)
    assert result.returncode == 0, result.stderr
    return database


def test_migrate_alone_leaves_a_database_ready_for_an_import(migrated_database, tmp_path):
    """No `createcachetable`: the import runs, reports what it stored and exits 0."""
    path = make_repository(tmp_path, "Year,Value\n2015,14.5\n2020,12.0\n", "indicator_name: Poverty rate")

    result = teilhabe(["import_opensdg", str(path), "--edition", "cli"], migrated_database)

    assert result.returncode == 0, result.stderr
    assert "teilhabe_cache" not in result.stderr
    assert "2" in result.stdout  # the two observations are counted in the report


def test_commands_print_no_library_log_lines(migrated_database):
    result = teilhabe(["shell", "-c", "print('only this')"], migrated_database)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "only this\n"
    assert " INFO " not in result.stderr
    assert "could not be automatically imported" not in result.stdout + result.stderr


def test_library_log_lines_on_request(migrated_database):
    result = teilhabe(
        ["shell", "-v", "2", "-c", "import logging; logging.getLogger('x').info('library line')"], migrated_database
    )

    assert result.returncode == 0, result.stderr
    assert "INFO x library line" in result.stderr


def test_help_lists_the_products_commands_first_grouped_as_in_the_docs(db):
    from django.core.management import get_commands

    from teilhabe.cli import COMMAND_GROUPS, grouped_help

    ours = sorted(name for name, app in get_commands().items() if app.startswith("teilhabe."))
    grouped = [name for names in COMMAND_GROUPS.values() for name in names]
    assert sorted(set(ours) - set(grouped)) == []
    docs = (REPOSITORY_ROOT / "docs" / "management-commands.md").read_text(encoding="utf-8")
    sections = {part.split("\n", 1)[0].strip(): part for part in docs.split("\n## ")[1:]}
    for title, names in COMMAND_GROUPS.items():
        assert title in sections, f"docs/management-commands.md has no section '{title}'"
        for name in set(names) & set(ours):
            assert f"| `{name}" in sections[title], f"{name} is not documented under '{title}'"
    text = grouped_help()
    assert text.index("Set-up and demo:") < text.index("Other commands")
    assert text.index("    import_opensdg") < text.index("[auth] changepassword")


def test_help_without_a_command(migrated_database):
    result = teilhabe(["help"], migrated_database)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: teilhabe COMMAND")
    assert result.stderr == ""
