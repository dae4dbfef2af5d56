"""What every teilhabe management command shares: truthful failures and progress bars (issue #18).

`TeilhabeCommand` is the base class of the product's commands. Around `handle` it

- refuses a database that is not migrated, before anything is done ("database not migrated: run
  `teilhabe migrate`");
- for a writing command (``atomic = True``) runs `handle` in one transaction and holds back its
  output until the transaction is committed, so a command reports only what was stored and stores
  nothing when it fails;
- turns every foreseeable failure (a missing table, a locked database, a missing or unreadable
  file, a folder it may not write to, a file in the wrong encoding, an import's problem list) into a
  `CommandError`: one clear message on stderr and exit status 1, never a traceback;
- with ``progress = True`` adds `--quiet` and draws progress bars (`progress_bar`) on stderr when
  both stdout and stderr are terminals.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

T = TypeVar("T")

NOT_MIGRATED = "database not migrated: run `teilhabe migrate`"
LOCKED = (
    "the database is locked: another process (the server, a worker or another command) is writing to it; "
    "nothing was changed, try again when it has finished"
)
# Table- and column-missing errors as SQLite and PostgreSQL word them.
_MISSING_SCHEMA = ("no such table", "no such column", "does not exist", "undefinedtable", "undefinedcolumn")
_MAX_PROBLEMS_SHOWN = 50


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else error.__class__.__name__


def describe_failure(error: BaseException) -> str | None:
    """A clear message for a foreseeable failure, or None when `error` is not one (a bug: show the traceback)."""
    if isinstance(error, DatabaseError):
        text = f"{error} {error.__cause__ or ''} {type(error.__cause__).__name__}".lower()
        if any(marker in text for marker in _MISSING_SCHEMA):
            return f"{NOT_MIGRATED} ({_first_line(error)})"
        if "database is locked" in text or "database table is locked" in text or "lock timeout" in text:
            return LOCKED
        if "readonly database" in text or "read-only" in text:
            return f"the database is read-only for this user ({_first_line(error)}); nothing was changed"
        if "unable to open database" in text or "could not connect" in text or "connection" in text:
            return f"cannot open the database ({_first_line(error)}): check DATABASE_URL"
        return f"database error, nothing was changed: {_first_line(error)}"
    if isinstance(error, UnicodeDecodeError):
        return (
            f"a file is not {error.encoding} text (byte {error.object[error.start : error.start + 1]!r} at position "
            f"{error.start}): give its encoding with --encoding or save it as UTF-8"
        )
    if isinstance(error, FileNotFoundError):
        return f"no such file or folder: {error.filename}"
    if isinstance(error, IsADirectoryError):
        return f"a folder where a file is expected: {error.filename}"
    if isinstance(error, NotADirectoryError):
        return f"not a folder: {error.filename}"
    if isinstance(error, PermissionError):
        return f"permission denied: {error.filename} (check the owner and rights of the file or folder)"
    if isinstance(error, OSError) and error.filename:
        return f"cannot use {error.filename}: {error.strerror or error}"
    if isinstance(error, PermissionDenied):
        return f"not permitted: {error}" if str(error) else "not permitted (this needs a role the actor lacks)"
    if isinstance(error, ValidationError):
        return "invalid data: " + "; ".join(error.messages)
    problems = getattr(error, "problems", None)
    if isinstance(problems, list | tuple) and callable(getattr(error, "describe", None)):
        # The import problem types (ImportFailed, OpenSdgImportFailed and those of later imports)
        # list file, row, column and reason of each problem.
        return f"nothing was stored; {len(problems)} problem(s):\n{error.describe()}"
    if error.__class__.__name__ in ("BackupError", "RestoreRefused", "DemoRefused"):
        return str(error)
    return None


@contextmanager
def foreseeable_failures() -> Iterator[None]:
    """Turn a foreseeable failure inside the block into a CommandError with a clear message."""
    try:
        yield
    except CommandError:
        raise
    except Exception as error:
        message = describe_failure(error)
        if message is None:
            raise
        raise CommandError(message) from error


def unapplied_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Names of the migrations the database still lacks (all of them for an empty database)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, backwards in plan if not backwards]


def wants_progress(stdout, stderr, *, quiet: bool = False) -> bool:
    """Bars are drawn on stderr, and only for a person watching: both streams terminals, no --quiet."""
    if quiet:
        return False

    def is_terminal(stream) -> bool:
        try:
            return bool(stream.isatty())
        except (AttributeError, ValueError):
            return False

    return is_terminal(stdout) and is_terminal(stderr)


def progress_bar(
    iterable: Iterable[T] | None = None,
    *,
    total: int | None = None,
    desc: str | None = None,
    command: BaseCommand | None = None,
    unit: str = "it",
    **options,
):
    """`iterable`, drawing a bar on stderr while it is consumed when a person watches (see wants_progress).

    Without `command` the process's own streams decide. Without `iterable` it returns a tqdm bar to
    `update()` by hand (or a stand-in that draws nothing).
    """
    if command is not None:
        stdout = getattr(command, "terminal_stdout", command.stdout)
        stderr = command.stderr
        quiet = bool(getattr(command, "quiet", False))
    else:
        stdout, stderr, quiet = sys.stdout, sys.stderr, False
    if total is None and iterable is not None and hasattr(iterable, "__len__"):
        total = len(iterable)
    if not wants_progress(stdout, stderr, quiet=quiet):
        return _NoBar() if iterable is None else iterable
    from tqdm import tqdm

    stream = getattr(stderr, "_out", stderr)  # Django's OutputWrapper wraps the real stream
    return tqdm(iterable, total=total, desc=desc, unit=unit, file=stream, leave=False, dynamic_ncols=True, **options)


class _NoBar:
    """Stands in for a tqdm bar when none is drawn."""

    n = 0

    def update(self, amount: int = 1) -> None:
        self.n += amount

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


class TeilhabeCommand(BaseCommand):
    """Base class of the product's commands (see the module docstring)."""

    #: Run `handle` in one transaction and print its output only after the commit.
    atomic: bool = True
    #: Refuse to start when migrations are missing (`restore` fills an empty database, so it does not).
    requires_migrated_database: bool = True
    #: The command can run for more than a few seconds: add --quiet and draw progress bars.
    progress: bool = False

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if self.progress and not any("--quiet" in action.option_strings for action in parser._actions):
            parser.add_argument("--quiet", action="store_true", help="Draw no progress bar.")
        return parser

    def execute(self, *args, **options):
        if options.get("stdout"):
            self.stdout = OutputWrapper(options["stdout"])
        if options.get("stderr"):
            self.stderr = OutputWrapper(options["stderr"])
        self.terminal_stdout = self.stdout
        self.quiet = bool(options.get("quiet"))
        with foreseeable_failures():
            if self.requires_migrated_database:
                missing = unapplied_migrations(options.get("database") or DEFAULT_DB_ALIAS)
                if missing:
                    raise CommandError(f"{NOT_MIGRATED} ({len(missing)} migration(s) not applied, e.g. {missing[0]})")
            if not self.atomic:
                return super().execute(*args, **options)
            held = io.StringIO()
            try:
                with transaction.atomic(using=options.get("database") or DEFAULT_DB_ALIAS):
                    result = super().execute(*args, **{**options, "stdout": held})
            finally:
                self.stdout = self.terminal_stdout
            self.stdout.write(held.getvalue(), ending="")
            return result

    def progress_bar(self, iterable=None, *, total=None, desc=None, unit="it", **options):
        """`progress_bar` for this command: a service that reports its steps takes this method as `progress`."""
        return progress_bar(iterable, total=total, desc=desc, command=self, unit=unit, **options)
