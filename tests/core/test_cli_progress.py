"""Progress bars (issue #18, item 4): drawn for a person at a terminal, never into pipes or with --quiet.

The real `teilhabe` console command runs in a subprocess, once with pipes (as in a cron job or a
script), once on a pseudo-terminal (as a person at a terminal sees it).
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests.core.test_cli_failures import SAMPLE_CONCEPT, teilhabe

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
BAR = re.compile(r"\d+%\|")  # tqdm's "  0%|" — a bar being drawn


def on_a_terminal(arguments: list[str], database: Path) -> tuple[int, str]:
    """Run `teilhabe` with stdout and stderr on a pseudo-terminal; returns exit status and what it showed."""
    environment = {key: value for key, value in os.environ.items() if key not in ("TEILHABE_LOG_LEVEL", "REDIS_URL")}
    environment.update(
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_DEBUG="1",
        DJANGO_SECRET_KEY="test-only-secret-key-not-for-production-0123456789",
        TEILHABE_VAR_DIR=str(database.parent / "var"),
        TEILHABE_TASKS_IMMEDIATE="1",
        TEILHABE_DEFAULT_LANGUAGE="en",
        TERM="xterm",
    )
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # 40 rows, 120 columns
    command = [sys.executable, "-c", "import sys; from teilhabe.cli import main; sys.exit(main())", *arguments]
    process = subprocess.Popen(
        command, env=environment, cwd=REPOSITORY_ROOT, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal
    )
    os.close(terminal)
    shown = bytearray()
    while True:
        ready, _, _ = select.select([controller], [], [], 600)
        if not ready:
            process.kill()
            raise AssertionError("the command did not finish")
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the command closed the terminal
            break
        if not chunk:
            break
        shown.extend(chunk)
    os.close(controller)
    return process.wait(timeout=60), shown.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
    result = teilhabe(["migrate", "--no-input"], database)
    assert result.returncode == 0, result.stderr
    return database


@pytest.fixture
def database(migrated_template, tmp_path) -> Path:
    target = tmp_path / "db.sqlite3"
    shutil.copy(migrated_template, target)
    return target


def test_no_bar_when_the_output_goes_into_pipes(database):
    result = teilhabe(["import_data", str(SAMPLE_CONCEPT)], database)

    assert result.returncode == 0, result.stderr
    assert "observations: 7 were created" in result.stdout
    assert not BAR.search(result.stderr + result.stdout)
    assert "\r" not in result.stderr + result.stdout


def test_a_bar_on_a_terminal(database):
    status, shown = on_a_terminal(["import_data", str(SAMPLE_CONCEPT)], database)

    assert status == 0, shown
    assert BAR.search(shown), shown
    assert "observations.csv" in shown  # the bar names the file it reads
    assert "observations: 7 were created" in shown


def test_quiet_draws_no_bar_even_on_a_terminal(database):
    status, shown = on_a_terminal(["import_data", str(SAMPLE_CONCEPT), "--quiet"], database)

    assert status == 0, shown
    assert "observations: 7 were created" in shown
    assert not BAR.search(shown), shown


@pytest.mark.parametrize(
    "command",
    [
        "import_data",
        "import_opensdg",
        "export_data",
        "build_documentation",
        "assess_progress",
        "backup",
        "restore",
        "verify_backup",
        "load_demo",
    ],
)
def test_long_running_commands_offer_quiet(command):
    """Every command that can run longer than a few seconds draws bars and so takes --quiet."""
    from django.core.management import get_commands, load_command_class

    instance = load_command_class(get_commands()[command], command)
    assert instance.progress is True
    assert "--quiet" in instance.create_parser("teilhabe", command).format_help()
