"""Backups: one tar file with the database, the uploaded files (MEDIA_ROOT) and a manifest to verify both.

    manifest.json        format, engine, per-table row count and content checksum, per-file checksum
    database.pgdump      PostgreSQL: `pg_dump --format=custom`, taken in the snapshot the checksums were read in
    database.sqlite3     SQLite: a copy made with sqlite3's online backup API
    media/<path>         every file under MEDIA_ROOT

A table's checksum is the SHA-256 of its rows in primary-key order, each row serialised canonically,
so a restored database can be compared table by table with the one that was backed up. Restoring
refuses a database that already has tables and a MEDIA_ROOT that already holds files; afterwards it
verifies the result against the manifest. See docs/deployment.md, "Backups".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.utils import timezone

FORMAT = "teilhabe-backup"
VERSION = 1
MANIFEST = "manifest.json"
PG_DUMP_MEMBER = "database.pgdump"
SQLITE_MEMBER = "database.sqlite3"
MEDIA_PREFIX = "media/"
CHUNK_ROWS = 2000


class BackupError(Exception):
    """A backup, restore or verification could not be done; the message says why and what to do."""


class RestoreRefused(BackupError):
    """The target is not empty; nothing was changed."""


@dataclass(frozen=True)
class TableSummary:
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    engine: str
    database_member: str
    database_sha256: str
    tables: dict[str, TableSummary]
    media: dict[str, str]
    created_at: str = ""
    format: str = FORMAT
    version: int = VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise BackupError(
                f"Not a teilhabe backup (format {data.get('format')!r}, version {data.get('version')!r})."
            )
        data["tables"] = {name: TableSummary(**summary) for name, summary in data["tables"].items()}
        return cls(**data)


@dataclass(frozen=True)
class Verification:
    """The differences between a manifest and a database (and MEDIA_ROOT); empty lists mean identical."""

    tables_checked: int
    rows_checked: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- Connections ------------------------------------------------------------------


def connection_for(settings_dict: dict, alias: str = "teilhabe_backup") -> BaseDatabaseWrapper:
    """A new, separate Django connection for these database settings (e.g. a scratch database)."""
    backend = load_backend(settings_dict["ENGINE"])
    return backend.DatabaseWrapper(dict(settings_dict), alias)


def _engine(connection: BaseDatabaseWrapper) -> str:
    return connection.vendor  # "postgresql" or "sqlite"


# --- Checksums --------------------------------------------------------------------


def _canonical(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"hex": bytes(value).hex()}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID | dt.timedelta):
        return str(value)
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    return str(value)


def _no_progress(iterable, **_options):
    return iterable


def table_checksums(connection: BaseDatabaseWrapper, progress=None) -> dict[str, TableSummary]:
    """Row count and content checksum of every table, rows in primary-key order.

    `progress(iterable, total=, desc=)`, when given, wraps the loop over the tables (a command's bar).
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        orders = {}
        for table in tables:
            # Without a primary key, order by every column: as deterministic as the data allows.
            columns = connection.introspection.get_primary_key_columns(cursor, table) or [
                column.name for column in connection.introspection.get_table_description(cursor, table)
            ]
            orders[table] = ", ".join(quote(column) for column in columns)
    summaries = {}
    for table in (progress or _no_progress)(tables, desc="tables"):
        order = orders[table]
        digest = hashlib.sha256()
        rows = 0
        with closing(connection.chunked_cursor()) as cursor:
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")
            while batch := cursor.fetchmany(CHUNK_ROWS):
                for row in batch:
                    digest.update(json.dumps(_canonical(list(row)), sort_keys=True, separators=(",", ":")).encode())
                    digest.update(b"\n")
                rows += len(batch)
        summaries[table] = TableSummary(rows=rows, sha256=digest.hexdigest())
    return summaries


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def media_checksums(media_root: Path) -> dict[str, str]:
    if not media_root.exists():
        return {}
    return {
        path.relative_to(media_root).as_posix(): _file_sha256(path)
        for path in sorted(media_root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


# --- Backup -------------------------------------------------------------------------


def create_backup(
    path: Path, *, connection: BaseDatabaseWrapper | None = None, media_root: Path | None = None, progress=None
) -> Manifest:
    """Write a backup of the database and MEDIA_ROOT to `path` (replaced atomically when complete)."""
    connection = connection or connections["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="teilhabe-backup-") as workdir:
        work = Path(workdir)
        if _engine(connection) == "postgresql":
            member, tables = PG_DUMP_MEMBER, _dump_postgresql(connection, work / PG_DUMP_MEMBER, progress)
        elif _engine(connection) == "sqlite":
            member, tables = SQLITE_MEMBER, _dump_sqlite(connection, work / SQLITE_MEMBER, progress)
        else:
            raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
        media = media_checksums(media_root)
        manifest = Manifest(
            engine=_engine(connection),
            database_member=member,
            database_sha256=_file_sha256(work / member),
            tables=tables,
            media=media,
            created_at=timezone.now().isoformat(),
        )
        (work / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        partial = path.with_name(f".{path.name}.partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(work / member, arcname=member)
            for relative in (progress or _no_progress)(list(media), desc="files"):
                archive.add(media_root / relative, arcname=MEDIA_PREFIX + relative)
        os.replace(partial, path)
    return manifest


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore: no password on the command line."""
    environment = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        environment["PGSSLMODE"] = str(options["sslmode"])
    return environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed; install the PostgreSQL client tools.")
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def _dump_postgresql(source: BaseDatabaseWrapper, target: Path, progress=None) -> dict[str, TableSummary]:
    """pg_dump and the checksums read the same snapshot, so they agree even while the site is in use."""
    connection = connection_for(source.settings_dict)
    try:
        connection.ensure_connection()
        connection.set_autocommit(False)
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={source.settings_dict['NAME']}",
            ],
            _pg_environment(source.settings_dict),
        )
        tables = table_checksums(connection, progress)
        connection.rollback()
        return tables
    finally:
        connection.close()


def _dump_sqlite(source: BaseDatabaseWrapper, target: Path, progress=None) -> dict[str, TableSummary]:
    """Copy with the online backup API, then read the checksums from the copy (a consistent snapshot)."""
    source.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        source.connection.backup(copy)
    snapshot = connection_for({**source.settings_dict, "NAME": str(target)})
    try:
        return table_checksums(snapshot, progress)
    finally:
        snapshot.close()


# --- Reading an archive -------------------------------------------------------------


def read_manifest(path: Path) -> Manifest:
    try:
        with tarfile.open(path, "r") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return Manifest.from_json(member.read().decode("utf-8"))
    except (tarfile.TarError, KeyError, OSError, ValueError) as error:
        raise BackupError(f"{path} is not a readable teilhabe backup ({error}).") from error


def _safe_member_path(name: str) -> PurePosixPath:
    relative = PurePosixPath(name[len(MEDIA_PREFIX) :])
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupError(f"The backup contains an unsafe file name: {name!r}.")
    return relative


def verify_archive(path: Path) -> list[str]:
    """Problems with the archive itself: each member's checksum against the manifest."""
    manifest = read_manifest(path)
    problems = []
    seen_media = set()
    with tarfile.open(path, "r") as archive:
        for member in archive.getmembers():
            if not member.isfile() or member.name == MANIFEST:
                continue
            handle = archive.extractfile(member)
            digest = hashlib.sha256()
            while chunk := handle.read(1024 * 1024):
                digest.update(chunk)
            if member.name == manifest.database_member:
                if digest.hexdigest() != manifest.database_sha256:
                    problems.append(f"{member.name}: checksum differs from the manifest (damaged archive).")
            elif member.name.startswith(MEDIA_PREFIX):
                relative = _safe_member_path(member.name).as_posix()
                seen_media.add(relative)
                if manifest.media.get(relative) != digest.hexdigest():
                    problems.append(f"{member.name}: checksum differs from the manifest (damaged archive).")
    for relative in sorted(set(manifest.media) - seen_media):
        problems.append(f"{MEDIA_PREFIX}{relative}: listed in the manifest but missing from the archive.")
    return problems


# --- Restore and verify -------------------------------------------------------------


def _table_names(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def restore_backup(
    path: Path, *, connection: BaseDatabaseWrapper | None = None, media_root: Path | None = None, progress=None
) -> Verification:
    """Restore into an empty database and an empty MEDIA_ROOT, then verify against the manifest."""
    connection = connection or connections["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    manifest = read_manifest(path)
    if manifest.engine != _engine(connection):
        raise BackupError(f"The backup is of a {manifest.engine} database; the target is {_engine(connection)}.")
    problems = verify_archive(path)
    if problems:
        raise BackupError("The backup is damaged: " + " ".join(problems))
    if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
        raise RestoreRefused(
            f"MEDIA_ROOT ({media_root}) already holds files. Restore into an empty directory; nothing was changed."
        )
    existing = _table_names(connection)
    if existing:
        raise RestoreRefused(
            f"The database {connection.settings_dict['NAME']} is not empty ({len(existing)} tables, e.g. "
            f"{', '.join(sorted(existing)[:3])}). Restore into a newly created, empty database; nothing was changed."
        )
    with tempfile.TemporaryDirectory(prefix="teilhabe-restore-") as workdir, tarfile.open(path, "r") as archive:
        work = Path(workdir)
        database_file = work / manifest.database_member
        with archive.extractfile(manifest.database_member) as source, database_file.open("wb") as target:
            shutil.copyfileobj(source, target)
        connection.close()
        if manifest.engine == "postgresql":
            _restore_postgresql(connection, database_file)
        else:
            _restore_sqlite(connection, database_file)
        _extract_media(archive, media_root)
    return verify_backup(path, connection=connection, media_root=media_root, progress=progress)


def _restore_postgresql(connection: BaseDatabaseWrapper, dump: Path) -> None:
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        _pg_environment(connection.settings_dict),
    )


def _restore_sqlite(connection: BaseDatabaseWrapper, copy: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    with (
        closing(sqlite3.connect(copy)) as source,
        closing(sqlite3.connect(name, uri=name.startswith("file:"))) as target,
    ):
        source.backup(target)


def _extract_media(archive: tarfile.TarFile, media_root: Path) -> None:
    for member in archive.getmembers():
        if not member.isfile() or not member.name.startswith(MEDIA_PREFIX):
            continue
        target = media_root.joinpath(*_safe_member_path(member.name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.extractfile(member) as source, target.open("wb") as handle:
            shutil.copyfileobj(source, handle)


def verify_backup(
    path: Path, *, connection: BaseDatabaseWrapper | None = None, media_root: Path | None = None, progress=None
) -> Verification:
    """Compare the database and MEDIA_ROOT with the backup's manifest: row counts and checksums."""
    connection = connection or connections["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    manifest = read_manifest(path)
    actual = table_checksums(connection, progress)
    problems = []
    for table in sorted(set(manifest.tables) | set(actual)):
        expected, found = manifest.tables.get(table), actual.get(table)
        if expected is None:
            problems.append(f"table {table}: in the database but not in the backup.")
        elif found is None:
            problems.append(f"table {table}: in the backup but missing from the database.")
        elif expected.rows != found.rows:
            problems.append(f"table {table}: {found.rows} rows, the backup has {expected.rows}.")
        elif expected.sha256 != found.sha256:
            problems.append(f"table {table}: same row count ({found.rows}) but different content.")
    files = media_checksums(media_root)
    for relative in sorted(set(manifest.media) | set(files)):
        if relative not in files:
            problems.append(f"file {relative}: in the backup but missing from MEDIA_ROOT.")
        elif relative not in manifest.media:
            problems.append(f"file {relative}: in MEDIA_ROOT but not in the backup.")
        elif manifest.media[relative] != files[relative]:
            problems.append(f"file {relative}: content differs from the backup.")
    return Verification(
        tables_checked=len(actual), rows_checked=sum(summary.rows for summary in actual.values()), problems=problems
    )


@contextmanager
def scratch_connection(settings_dict: dict, name: str) -> Iterator[BaseDatabaseWrapper]:
    """A connection to another database on the same server (or another SQLite file), closed afterwards."""
    connection = connection_for({**settings_dict, "NAME": name})
    try:
        yield connection
    finally:
        connection.close()
