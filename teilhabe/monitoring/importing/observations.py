"""Observations, set-based: the file goes as text into a staging table, SQL checks and writes it.

Reading: on PostgreSQL a CSV file without quotes goes to the staging table as it is, in blocks, by
COPY in CSV format, a sequence numbering its lines (no Python per line); if the database finds a line
it cannot split like the header, the file is read again line by line. There, a CSV line that is
certainly one plain record goes to the staging table unsplit (the row number put in front); other
records (quoted fields, blank-looking lines, XLSX rows) are parsed in Python and re-encoded. Every
cell stays text.

Checking, once per distinct value rather than once per row: the few distinct indicators,
geographies, periods, breakdown combinations, statuses and release dates are read back and
parsed by the same Python functions as always (cells, periods, breakdowns) into small lookup
tables; a number in plain form (`12`, `-3.5`, `80,5` where commas are decimal) is checked by a
regular expression and cast by the database, any other number text is parsed in Python once.
Every problem still names file, row and column; the rows of a bad value are found with a join.

Writing: one LEFT JOIN of the parsed rows with the stored ones (skipped when nothing is stored for
these indicators) classifies each row as new, changed or unchanged; then UPDATE ... FROM of the
changed rows by id and INSERT ... SELECT of the new ones. A new row points to its import run (who,
when, which file) and gets no history row; a changed row is a revision: on PostgreSQL the UPDATE feeds
the history INSERT through RETURNING (one history_date, the acting user), SQLite runs the same SQL
and picks the history rows by this import's timestamp. Before a row's first revision, its state as
created is written to the history too ('+', dated and signed as its run), so the history of a revised
row starts with the value it replaced. Unchanged rows are not touched and get no history row. Memory does not grow with the file: lines are sent in chunks, and Python holds only
the distinct values of the lookup columns.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import DatabaseError, IntegrityError, connection
from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.monitoring import breakdowns as breakdown_keys
from teilhabe.monitoring.models import Geography, Indicator, Observation
from teilhabe.monitoring.periods import PeriodError, parse_period

from . import cells
from .cells import WHITESPACE, DecimalMode
from .columns import Column
from .concept import Context, check_category
from .problems import CellError, ImportFailed, Problem, ProblemLog
from .sources import CSV_CHUNK_ROWS, Table

STATUSES = ("final", "provisional")
# The columns of an observations file besides one column per breakdown dimension.
COLUMNS = [
    Column("indicator", "code", required=True),
    Column("period", "text", required=True),
    Column("geography", "code", required=True),
    Column("value", "number", required=True),
    Column("numerator", "number"),
    Column("denominator", "number"),
    Column("standard_error", "number"),
    Column("sample_size", "int"),
    Column("progress_value", "number"),
    Column("status", "choice", choices=STATUSES, default="final"),
    Column("source"),
    Column("released_on", "date"),
    Column("note"),
]
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
# Which model columns each optional file column fills; absent file columns leave stored values alone.
_MODEL_COLUMNS = {
    "value": ("value",),
    "numerator": ("numerator",),
    "denominator": ("denominator",),
    "standard_error": ("standard_error",),
    "sample_size": ("sample_size",),
    "progress_value": ("progress_value",),
    "status": ("is_provisional",),
    "source": ("source",),
    "released_on": ("released_on",),
    "note": ("note",),
}
_NUMBERS = ("value", "numerator", "denominator", "standard_error", "progress_value", "sample_size")
_FREE_TEXT = {"source": 300, "note": 500}  # with their maximum length
# Problems of one row are listed in this order of columns (breakdown dimensions take the place of "breakdown").
_RANK = {
    name: rank
    for rank, name in enumerate(
        (
            "indicator",
            "geography",
            "period",
            "breakdown",
            "value",
            "numerator",
            "denominator",
            "standard_error",
            "progress_value",
            "sample_size",
            "status",
            "source",
            "note",
            "released_on",
        )
    )
}
_KEY = ("indicator_id", "geography_id", "breakdown_key", "period")  # the natural key (one_observation_per_cell)
_MAX_INTEGER = 2_147_483_647
_ROW_BITS = 32  # row_no = file number << 32 | row number: one sortable number that names file and row
SAMPLE_SIZE = 10
BIG_BATCH = 50_000  # from this many staged rows on, PostgreSQL refreshes the statistics of the stored rows
# Number text the database may cast itself (Python parses everything else): digits, one decimal separator.
_PLAIN_POINT = r"-?[0-9]+(\.[0-9]+)?"
_PLAIN_COMMA = r"-?[0-9]+(,[0-9]+)?"
_COMMA_FRACTION = r"-?[0-9]+,[0-9]+"
_AMBIGUOUS = r"-?[1-9][0-9]?[0-9]?,[0-9][0-9][0-9]"  # cells._AMBIGUOUS: a thousands separator or a decimal comma?
_PLAIN_INTEGER = r"[0-9]+"
_PLAIN_MAX_LENGTH = 30  # far from float overflow and underflow, so the database and Python read the same float


@dataclass
class ObservationSummary:
    staged: int = 0
    created: int = 0
    updated: int = 0
    samples: list[dict] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.staged - self.created - self.updated


@dataclass
class _Lookup:
    """A lookup table: distinct raw texts of some staging columns → parsed values (or the problem)."""

    name: str
    columns: tuple[str, ...]  # staging columns
    has_problems: bool = False


class ObservationStage:
    """The staging table of one import run and the SQL that checks and writes it."""

    def __init__(self, context: Context, problems: ProblemLog, *, decimal: DecimalMode) -> None:
        self.context = context
        self.problems = problems
        self.decimal = decimal
        self.is_postgres = connection.vendor == "postgresql"
        suffix = uuid.uuid4().hex[:12]
        self.name = f"import_stage_{suffix}"
        self.suffix = suffix
        self.files: list[str] = []
        self.columns: list[str] = []  # staging columns besides row_no, in the order they were added
        self.dimensions: list[str] = []  # breakdown dimensions that appear in a file header
        self.present: set[str] = set()  # optional model columns given by some file
        self.staged = 0
        self.tables: list[str] = []
        self.lookups: dict[str, _Lookup] = {}
        self.number_fallbacks: set[str] = set()  # number columns with values parsed in Python
        self.first_problem = 0
        self.codes: dict[str, dict[str, int]] = {}  # lookup → canonical value → dense number (for duplicates)
        self._pending: dict[str, list[tuple]] = {}  # lookup rows not yet inserted
        self._rows: str | None = None  # the classified rows (see _classify)
        self._all_new = False

    # --- staging -------------------------------------------------------------------------------

    def create(self) -> None:
        """Create the (empty) staging table; columns are added as files bring them."""
        self.first_problem = len(self.problems)
        # PostgreSQL: UNLOGGED (no WAL, shared buffers; a temporary table would go through the small per-session
        # temp_buffers); created inside the import's transaction, so a rollback removes it too.
        kind = "UNLOGGED TABLE" if self.is_postgres else "TEMPORARY TABLE"
        self._execute(f"CREATE {kind} {self.name} (row_no bigint NOT NULL)")
        self.tables.append(self.name)
        if not self.is_postgres:
            connection.ensure_connection()
            connection.connection.create_function("teilhabe_float", 1, _sqlite_float, deterministic=True)

    def drop(self) -> None:
        for table in reversed(self.tables):
            self._execute(f"DROP TABLE IF EXISTS {table}")
        self.tables.clear()

    def add(self, table: Table, progress: Callable[[int], None] | None = None) -> None:
        """Stream one observations table into the staging table; unreadable rows are reported by row."""
        file_number = len(self.files)
        self.files.append(table.source.label)
        categories = self.context.categories()
        if not self._check_header(table, categories):
            return
        columns = [self._stage_column(name, categories) for name in table.header]
        self.present.update(name for name in table.header if name in _MODEL_COLUMNS)
        base = file_number << _ROW_BITS
        numbers = {position for position, name in enumerate(table.header) if name in _NUMBERS}
        if self.is_postgres:
            if table.blocks is None or table.lines is None or not self._copy_plain(table, columns, base, progress):
                self._copy(table, columns, base, numbers, progress)
        else:
            self._insert(table, columns, base, numbers, progress)

    def _stage_column(self, name: str, categories: dict[str, set[str]]) -> str:
        if name in COLUMN_NAMES:
            column = f"c_{name}"
        else:
            if name not in self.dimensions:
                self.dimensions.append(name)
            column = f"d_{self.dimensions.index(name)}"
        if column not in self.columns:
            # Numbers: NULL when empty. Everything else: '' when empty or absent, so that joins need no COALESCE.
            kind = "text" if name in _NUMBERS else "text NOT NULL DEFAULT ''"
            self._execute(f"ALTER TABLE {self.name} ADD COLUMN {column} {kind}")
            self.columns.append(column)
        return column

    def _copy_options(self, columns: list[str], delimiter: str) -> str:
        not_null = ", ".join(c for c in columns if not c.startswith("c_") or c[2:] not in _NUMBERS)
        return f"FORMAT csv, DELIMITER '{delimiter}'" + (f", FORCE_NOT_NULL ({not_null})" if not_null else "")

    def _copy_plain(self, table: Table, columns: list[str], base: int, progress) -> bool:
        """PostgreSQL, a CSV file without quotes: COPY of its text blocks as they are; False (nothing staged) when
        the file is not plain after all, so that the caller reads it line by line.

        Plain: no quote, NUL, lone carriage return or `\\.` (COPY's end marker) in a block, and every line split
        by the database into exactly the header's fields (else COPY fails and its savepoint is rolled back).
        A sequence numbers the lines as they arrive (the header is row 1). Blank-looking lines, which the line
        reader skips, are deleted afterwards, keeping the numbers of the others."""
        from psycopg import Error as CopyError  # the raw cursor's COPY raises the driver's errors

        delimiter = table.delimiter
        sequence = f"import_line_{self.suffix}_{len(self.files)}"
        self._execute(f"CREATE TEMPORARY SEQUENCE {sequence} START 2")
        self._execute(f"ALTER TABLE {self.name} ALTER COLUMN row_no SET DEFAULT {base} + nextval('{sequence}')")
        maybe_blank = re.compile(r"(?:^|\n)[\s" + re.escape(delimiter) + "]")
        has_blank = False
        read = 0
        self._execute("SAVEPOINT import_block_copy")
        try:
            with connection.cursor() as cursor:
                sql = f"COPY {self.name} ({', '.join(columns)}) FROM STDIN ({self._copy_options(columns, delimiter)})"
                with cursor.cursor.copy(sql) as copy:
                    for block in table.blocks():
                        if (
                            '"' in block
                            or "\x00" in block
                            or "\\." in block
                            or block.count("\r") != block.count("\r\n")
                        ):
                            raise _NotPlain
                        has_blank = has_blank or maybe_blank.search(block) is not None
                        copy.write(block)
                        read += len(block)
                        if progress:
                            progress(min(read, table.source.size))
        except (_NotPlain, CopyError, DatabaseError, UnicodeDecodeError):
            self._execute("ROLLBACK TO SAVEPOINT import_block_copy")
            self._execute(f"ALTER TABLE {self.name} ALTER COLUMN row_no DROP DEFAULT")
            self._execute(f"DROP SEQUENCE {sequence}")
            return False
        self._execute("RELEASE SAVEPOINT import_block_copy")
        self._execute(f"ALTER TABLE {self.name} ALTER COLUMN row_no DROP DEFAULT")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT CASE WHEN is_called THEN last_value - 1 ELSE 0 END FROM {sequence}")
            lines = cursor.fetchone()[0]
            self._execute(f"DROP SEQUENCE {sequence}")
            if has_blank:
                blank = " AND ".join(f"COALESCE({self._trim(column)}, '') = ''" for column in columns)
                cursor.execute(
                    f"DELETE FROM {self.name} WHERE row_no > {base} AND row_no < {base + (1 << _ROW_BITS)} AND {blank}"
                )
                lines -= cursor.rowcount
        self.staged += lines
        if progress:
            progress(table.source.size)
        return True

    def _copy(self, table: Table, columns: list[str], base: int, numbers: set[int], progress) -> None:
        """PostgreSQL: COPY in CSV format; plain lines as they are, other records re-encoded."""
        delimiter = table.delimiter
        sql = f"COPY {self.name} (row_no, {', '.join(columns)}) FROM STDIN ({self._copy_options(columns, delimiter)})"
        records: Iterator = table.lines if table.lines is not None else table.rows
        spreadsheet = table.source.sheet is not None
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            chunk: list[str] = []
            append = chunk.append
            for row_number, record in records:
                if record.__class__ is str:
                    append(f"{base | row_number}{delimiter}{record}\n")
                else:
                    if spreadsheet:
                        record = _spreadsheet_texts(record, numbers)
                    append(_csv_record(base | row_number, record, delimiter))
                if len(chunk) >= CSV_CHUNK_ROWS:
                    copy.write("".join(chunk))
                    self.staged += len(chunk)
                    chunk.clear()
                    if progress:
                        progress(table.position())
            if chunk:
                copy.write("".join(chunk))
                self.staged += len(chunk)
        if progress:
            progress(table.position())

    def _insert(self, table: Table, columns: list[str], base: int, numbers: set[int], progress) -> None:
        """SQLite: executemany of the split records."""
        placeholders = ", ".join(["%s"] * (len(columns) + 1))
        sql = f"INSERT INTO {self.name} (row_no, {', '.join(columns)}) VALUES ({placeholders})"
        records: Iterator = table.lines if table.lines is not None else table.rows
        spreadsheet = table.source.sheet is not None
        delimiter = table.delimiter
        batch: list[tuple] = []
        for row_number, record in records:
            if record.__class__ is str:
                record = record.split(delimiter)
            elif spreadsheet:
                record = _spreadsheet_texts(record, numbers)
            batch.append(
                (
                    base | row_number,
                    *((cell or None) if position in numbers else (cell or "") for position, cell in enumerate(record)),
                )
            )
            if len(batch) >= CSV_CHUNK_ROWS:
                self._executemany(sql, batch)
                self.staged += len(batch)
                batch.clear()
                if progress:
                    progress(table.position())
        if batch:
            self._executemany(sql, batch)
            self.staged += len(batch)
        if progress:
            progress(table.position())

    def _check_header(self, table: Table, categories: dict[str, set[str]]) -> bool:
        label, header, ok = table.source.label, table.header, True
        seen: set[str] = set()
        for name in header:
            if name in seen:
                self.problems.add(label, 1, name, _("the column appears twice"))
                ok = False
            seen.add(name)
            if name not in COLUMN_NAMES and name not in categories:
                self.problems.add(
                    label,
                    1,
                    name,
                    _(
                        "unknown column: neither an observation column (%(columns)s) nor a breakdown dimension "
                        "(%(dimensions)s)"
                    )
                    % {"columns": ", ".join(COLUMN_NAMES), "dimensions": ", ".join(sorted(categories)) or "-"},
                )
                ok = False
        for column in COLUMNS:
            if column.required and column.name not in header:
                self.problems.add(
                    label,
                    1,
                    column.name,
                    _("missing column; an observations file needs the columns %(columns)s")
                    % {"columns": "indicator, period, geography, value"},
                )
                ok = False
        return ok

    # --- checks --------------------------------------------------------------------------------

    def where(self, row_no: int) -> tuple[str, int]:
        return self.files[row_no >> _ROW_BITS], row_no & ((1 << _ROW_BITS) - 1)

    def check(self) -> None:
        """Check every staged cell, then the references (unknown codes) and repeated keys."""
        if self.is_postgres:
            self._execute(f"ANALYZE {self.name}")
        unknown = self._build_lookups()
        self._check_numbers()
        self._report_cell_problems()
        for kind, codes in unknown:
            for code, (first, count) in sorted(codes.items(), key=lambda item: item[1][0])[: self.problems.limit]:
                file, row = self.where(first)
                message = (
                    _("unknown indicator '%(code)s'") if kind == "indicator" else _("unknown geography '%(code)s'")
                ) % {"code": code}
                if count > 1:
                    message += " " + _("(also in %(count)s more rows)") % {"count": count - 1}
                self.problems.add(file, row, kind, message)
        self._check_duplicates()

    def _build_lookups(self) -> list[tuple[str, dict[str, tuple[int, int]]]]:
        """Parse each distinct value of the low-cardinality columns once; return the unknown codes."""
        known = {
            "indicator": set(Indicator.objects.values_list("code", flat=True))
            | {key[0] for key in self.context.records.get("indicator_codes", {})},
            "geography": set(Geography.objects.values_list("code", flat=True))
            | {key[0] for key in self.context.records.get("geography", {})},
        }
        categories = self.context.categories()
        dimension_columns = tuple(f"d_{index}" for index in range(len(self.dimensions)))
        # kind: (staging columns, parsed value columns of the lookup table, parser of the raw texts)
        specs: dict[str, tuple[tuple[str, ...], str, Callable]] = {
            "indicator": (("c_indicator",), "code text, ix integer, id bigint", lambda raw: _code(raw[0])),
            "geography": (("c_geography",), "code text, ix integer, id bigint", lambda raw: _code(raw[0])),
            "period": (
                ("c_period",),
                "code text, ix integer, kind text, period_start date, period_end date",
                lambda raw: _period(raw[0]),
            ),
            "breakdown": (
                dimension_columns,
                "breakdown_key text, ix integer",
                lambda raw: _breakdown(raw, self.dimensions, categories),
            ),
        }
        if "c_status" in self.columns:
            specs["status"] = (("c_status",), "is_provisional boolean", lambda raw: _status(raw[0]))
        if "c_released_on" in self.columns:
            specs["released_on"] = (("c_released_on",), "day date", lambda raw: _release_date(raw[0]))
        unknown: dict[str, dict[str, list[int]]] = {"indicator": {}, "geography": {}}
        for kind, (columns, value_columns, _parse) in specs.items():
            name = f"import_{kind}_{self.suffix}"
            raw_columns = "".join(f"raw_{index} text NOT NULL, " for index in range(len(columns)))
            self._execute(
                f"CREATE TEMPORARY TABLE {name} ({raw_columns}{value_columns}, problem text, problem_column text)"
            )
            self.tables.append(name)
            self.lookups[kind] = _Lookup(name, columns)
            self.codes[kind] = {}
        for kind, raw, first, count in self._distinct_values([(kind, spec[0]) for kind, spec in specs.items()]):
            lookup = self.lookups[kind]
            row = self._lookup_row(kind, raw, specs[kind][2](raw))
            if row[-2] is not None:
                lookup.has_problems = True
            elif kind in unknown and row[len(raw)] not in known[kind]:
                code = row[len(raw)]
                seen = unknown[kind].setdefault(code, [first, 0])
                seen[0], seen[1] = min(seen[0], first), seen[1] + count
            self._pending.setdefault(kind, []).append(row)
            if len(self._pending[kind]) >= 1000:
                self._flush_lookup(kind)
        for kind in list(self._pending):
            self._flush_lookup(kind)
        if self.is_postgres:
            for lookup in self.lookups.values():
                self._execute(f"ANALYZE {lookup.name}")
        return [
            (kind, {code: (first, count) for code, (first, count) in codes.items()}) for kind, codes in unknown.items()
        ]

    def _lookup_row(self, kind: str, raw: tuple[str, ...], result) -> tuple:
        """The lookup table row: raw texts, parsed values (with a dense number per canonical value), problem."""
        if isinstance(result, CellError):
            columns = {"indicator": 3, "geography": 3, "period": 5, "breakdown": 2, "status": 1, "released_on": 1}
            column = result.args[1] if len(result.args) > 1 else kind
            return (*raw, *([None] * columns[kind]), str(result.args[0]), column)
        if kind in ("indicator", "geography", "period", "breakdown"):
            canonical = result[0]
            ix = self.codes[kind].setdefault(canonical, len(self.codes[kind]))
            if kind in ("indicator", "geography"):
                return (*raw, canonical, ix, None, None, None)
            if kind == "period":
                code, period_kind, start, end = result
                return (*raw, code, ix, period_kind, self._date(start), self._date(end), None, None)
            return (*raw, canonical, ix, None, None)
        if kind == "released_on":
            return (*raw, self._date(result), None, None)
        return (*raw, result, None, None)

    def _flush_lookup(self, kind: str) -> None:
        rows = self._pending.pop(kind, [])
        if rows:
            placeholders = ", ".join(["%s"] * len(rows[0]))
            self._executemany(f"INSERT INTO {self.lookups[kind].name} VALUES ({placeholders})", rows)

    def _distinct_values(self, sets: list[tuple[str, tuple[str, ...]]]) -> Iterator[tuple[str, tuple, int, int]]:
        """(set, distinct raw texts, first row_no, number of rows) for each set of staging columns."""
        columns = list(dict.fromkeys(c for _kind, cols in sets for c in cols))
        if self.is_postgres and len(columns) <= 31:
            # One scan for all sets; GROUPING() (at most 31 arguments) tells which set a result row belongs to.
            grouping = ", ".join("(" + ", ".join(cols) + ")" for _kind, cols in sets if cols)
            sql = (
                f"SELECT GROUPING({', '.join(columns)}), {', '.join(columns)}, MIN(row_no), COUNT(*) "
                f"FROM {self.name} GROUP BY GROUPING SETS ({grouping})"
            )
            masks = {}
            for kind, cols in sets:
                mask = sum(1 << (len(columns) - 1 - columns.index(c)) for c in columns if c not in cols)
                masks[mask] = (kind, [columns.index(c) for c in cols])
            with connection.chunked_cursor() as cursor:
                cursor.execute(sql)
                while rows := cursor.fetchmany(2000):
                    for row in rows:
                        kind, positions = masks[row[0]]
                        yield kind, tuple(row[1 + p] for p in positions), row[-2], row[-1]
        else:
            for kind, cols in sets:
                if not cols:
                    continue
                sql = f"SELECT {', '.join(cols)}, MIN(row_no), COUNT(*) FROM {self.name} GROUP BY {', '.join(cols)}"
                with connection.chunked_cursor() as cursor:
                    cursor.execute(sql)
                    while rows := cursor.fetchmany(2000):
                        for row in rows:
                            yield kind, tuple(row[:-2]), row[-2], row[-1]
        for kind, cols in sets:
            if not cols:  # no breakdown dimension in any file: every row is the total
                yield kind, (), 0, self.staged

    def _check_numbers(self) -> None:
        """Number texts in plain form are cast by the database; the others are parsed once each in Python."""
        present = [name for name in _NUMBERS if f"c_{name}" in self.columns]
        name = f"import_number_{self.suffix}"
        self._execute(f"CREATE TEMPORARY TABLE {name} (col text NOT NULL, raw text NOT NULL, norm text, problem text)")
        self.tables.append(name)
        self.lookups["number"] = _Lookup(name, ())
        if not present:
            return
        parts, params = [], []
        for column in present:
            plain, plain_params = self._plain_number(f"c_{column}", integer=column == "sample_size")
            parts.append(
                f"SELECT DISTINCT '{column}', c_{column} FROM {self.name} "
                f"WHERE c_{column} IS NOT NULL AND NOT ({plain})"
            )
            params += plain_params
        rows = []
        with connection.chunked_cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            while chunk := cursor.fetchmany(2000):
                for column, raw in chunk:
                    norm, problem = _parse_number(column, raw, self.decimal, postgres=self.is_postgres)
                    self.lookups["number"].has_problems |= problem is not None
                    if problem is None:
                        self.number_fallbacks.add(column)
                    rows.append((column, raw, norm, problem))
                if len(rows) >= 1000:
                    self._executemany(f"INSERT INTO {name} VALUES (%s, %s, %s, %s)", rows)
                    rows = []
        if rows:
            self._executemany(f"INSERT INTO {name} VALUES (%s, %s, %s, %s)", rows)

    def _plain_number(self, column: str, *, integer: bool = False) -> tuple[str, list]:
        """SQL true when the column holds a number text the database reads exactly as cells.number would."""
        match = "%s ~ %s" if self.is_postgres else "%s REGEXP %s"

        def pattern(body: str) -> str:
            return f"^(?:{body})$" if self.is_postgres else rf"\A(?:{body})\Z"

        def test(body: str) -> str:
            return match % (column, "%s"), pattern(body)

        length = f"length({column}) <= {9 if integer else _PLAIN_MAX_LENGTH}"
        if integer:
            sql, value = test(_PLAIN_INTEGER)
            return f"{length} AND {sql}", [value]
        if self.decimal is DecimalMode.POINT:
            sql, value = test(_PLAIN_POINT)
            return f"{length} AND {sql}", [value]
        if self.decimal is DecimalMode.COMMA:
            sql, value = test(_PLAIN_COMMA)
            return f"{length} AND {sql}", [value]
        point, point_value = test(_PLAIN_POINT)
        comma, comma_value = test(_COMMA_FRACTION)
        ambiguous, ambiguous_value = test(_AMBIGUOUS)
        return (
            f"{length} AND ({point} OR ({comma} AND NOT {ambiguous}))",
            [point_value, comma_value, ambiguous_value],
        )

    def _report_cell_problems(self) -> None:
        """Add the cell problems (in row order, like a reader going through the file) to the problem log."""
        parts, params = [], []
        limit = self.problems.limit
        for kind, lookup in self.lookups.items():
            if kind == "number" or not lookup.has_problems:
                continue
            on = " AND ".join(f"l.raw_{index} = s.{column}" for index, column in enumerate(lookup.columns)) or "1 = 1"
            parts.append(
                f"SELECT s.row_no, l.problem_column, l.problem, CAST(NULL AS integer) FROM {self.name} s "
                f"JOIN {lookup.name} l ON {on} WHERE l.problem IS NOT NULL"
            )
        if self.lookups["number"].has_problems:
            for column in _NUMBERS:
                if f"c_{column}" in self.columns:
                    parts.append(
                        f"SELECT s.row_no, '{column}', l.problem, CAST(NULL AS integer) FROM {self.name} s "
                        f"JOIN {self.lookups['number'].name} l ON l.col = '{column}' AND l.raw = s.c_{column} "
                        f"WHERE l.problem IS NOT NULL"
                    )
        parts.append(f"SELECT row_no, 'value', %s, CAST(NULL AS integer) FROM {self.name} WHERE c_value IS NULL")
        params.append(_("a value is required"))
        for column, maximum in _FREE_TEXT.items():
            if f"c_{column}" in self.columns:
                length = f"{self._length()}({self._trim(f'c_{column}')})"
                parts.append(
                    f"SELECT row_no, '{column}', CAST(NULL AS text), {length} FROM {self.name} "
                    f"WHERE {self._length()}(c_{column}) > {maximum} AND {length} > {maximum}"
                )
        found: list[Problem] = []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT * FROM ({' UNION ALL '.join(parts)}) problems ORDER BY 1 LIMIT %s", [*params, limit * 4]
            )
            for row_no, column, message, length in cursor.fetchall():
                if message is None:
                    message = _("the text has %(length)s characters; at most %(max)s are allowed") % {
                        "length": length,
                        "max": _FREE_TEXT[column],
                    }
                file, row = self.where(row_no)
                found.append(Problem(file, row, column, message))
        # Rows the reader refused (wrong number of fields) are already listed: merge both in file and row order.
        log = self.problems.problems
        found += log[self.first_problem :]
        del log[self.first_problem :]
        order = {file: number for number, file in enumerate(self.files)}
        dimensions = set(self.dimensions)
        found.sort(
            key=lambda p: (
                order.get(p.file, -1),
                p.row or 0,
                _RANK["breakdown"] if p.column in dimensions else _RANK.get(p.column, -1),
            )
        )
        for problem in found:
            self.problems.add(problem.file, problem.row, problem.column, problem.message)

    def _check_duplicates(self) -> None:
        """Rows with the same indicator, period, breakdown and geography (also across files)."""
        if all(len(self.codes[kind]) < 1 << 16 for kind in ("indicator", "geography", "period", "breakdown")):
            # Usually there is none: test that first, with the key packed into one number and counted by sorting
            # (a hash table of a million such keys is several times slower on PostgreSQL).
            key = "li.ix * 281474976710656 + lg.ix * 4294967296 + lp.ix * 65536 + lb.ix"
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT COUNT(*) - COUNT(DISTINCT k) FROM "
                    f"(SELECT CAST({key} AS bigint) AS k {self._resolved_from(ids=False)}) keys"
                )
                if not cursor.fetchone()[0]:
                    return
        sql = (
            f"SELECT MIN(s.row_no), MAX(s.row_no), COUNT(*), li.ix, lp.ix, lg.ix, lb.ix "
            f"{self._resolved_from(ids=False)} "
            f"GROUP BY li.ix, lp.ix, lb.ix, lg.ix HAVING COUNT(*) > 1 ORDER BY 1 LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.problems.limit])
            duplicates = cursor.fetchall()
        if not duplicates:
            return
        canonical = {
            kind: {ix: value for value, ix in self.codes[kind].items()}
            for kind in ("indicator", "geography", "period", "breakdown")
        }
        for first, last, count, indicator, period, geography, breakdown in duplicates:
            file, row = self.where(last)
            first_file, first_row = self.where(first)
            message = _(
                "the same observation (indicator %(indicator)s, period %(period)s, geography %(geography)s, "
                "breakdown %(breakdown)s) is already given in %(file)s row %(row)s"
            ) % {
                "indicator": canonical["indicator"][indicator],
                "period": canonical["period"][period],
                "geography": canonical["geography"][geography],
                "breakdown": canonical["breakdown"][breakdown] or _("total"),
                "file": first_file,
                "row": first_row,
            }
            if count > 2:
                message += " " + _("(%(count)s rows in all)") % {"count": count}
            self.problems.add(file, row, None, message)

    # --- writing -------------------------------------------------------------------------------

    def _resolved_from(self, *, ids: bool = True) -> str:
        """FROM (and WHERE) of the staged rows joined to their parsed values."""
        lookups = self.lookups
        joins = [
            f"FROM {self.name} s",
            f"JOIN {lookups['indicator'].name} li ON li.raw_0 = s.c_indicator",
            f"JOIN {lookups['geography'].name} lg ON lg.raw_0 = s.c_geography",
            f"JOIN {lookups['period'].name} lp ON lp.raw_0 = s.c_period",
            f"JOIN {lookups['breakdown'].name} lb ON "
            + (" AND ".join(f"lb.raw_{index} = s.d_{index}" for index in range(len(self.dimensions))) or "1 = 1"),
        ]
        if not ids:  # the key only (checks, before anything is written)
            where = "li.problem IS NULL AND lg.problem IS NULL AND lp.problem IS NULL AND lb.problem IS NULL"
            return " ".join(joins) + " WHERE " + where
        if "status" in lookups:
            joins.append(f"JOIN {lookups['status'].name} ls ON ls.raw_0 = s.c_status")
        if "released_on" in lookups:
            joins.append(f"JOIN {lookups['released_on'].name} lr ON lr.raw_0 = s.c_released_on")
        return " ".join(joins)  # writing follows only a check without problems: every row has its values

    def _resolve_ids(self) -> None:
        """Indicator and geography ids (the concept files of this import are written by now)."""
        for kind, table in (("indicator", "monitoring_indicator"), ("geography", "monitoring_geography")):
            name = self.lookups[kind].name
            self._execute(f"UPDATE {name} SET id = (SELECT t.id FROM {table} t WHERE t.code = {name}.code)")
            if self.is_postgres:
                self._execute(f"ANALYZE {name}")  # the planner must know the ids are there
        # Numbers parsed in Python: their normalised text replaces the raw text, so one cast reads every number.
        number = self.lookups["number"].name
        for column in sorted(self.number_fallbacks):
            self._execute(
                f"UPDATE {self.name} AS s SET c_{column} = l.norm FROM {number} l "
                f"WHERE l.col = '{column}' AND l.raw = s.c_{column}"
            )
        self.number_fallbacks.clear()

    def _values(self) -> dict[str, str]:
        """SQL expressions of the model columns, over the joins of _resolved_from."""

        def number(column: str) -> str:
            if f"c_{column}" not in self.columns:
                return "CAST(NULL AS integer)" if column == "sample_size" else "CAST(NULL AS double precision)"
            if column == "sample_size":
                return f"CAST(s.c_{column} AS integer)"
            text = f"replace(s.c_{column}, ',', '.')"
            return f"CAST({text} AS double precision)" if self.is_postgres else f"teilhabe_float({text})"

        def free_text(column: str) -> str:
            return self._trim(f"s.c_{column}") if f"c_{column}" in self.columns else "''"

        return {
            "indicator_id": "li.id",
            "period": "lp.code",
            "period_kind": "lp.kind",
            "period_start": "lp.period_start",
            "period_end": "lp.period_end",
            "breakdown_key": "lb.breakdown_key",
            "geography_id": "lg.id",
            "value": number("value"),
            "numerator": number("numerator"),
            "denominator": number("denominator"),
            "standard_error": number("standard_error"),
            "progress_value": number("progress_value"),
            "sample_size": number("sample_size"),
            "is_provisional": "ls.is_provisional" if "status" in self.lookups else self._false(),
            "source": free_text("source"),
            "released_on": "lr.day" if "released_on" in self.lookups else "CAST(NULL AS date)",
            "note": free_text("note"),
        }

    def _changed(self, old: str, new: str) -> str:
        operator = "IS DISTINCT FROM" if self.is_postgres else "IS NOT"
        columns = [c for name in sorted(self.present) for c in _MODEL_COLUMNS[name]]
        return "(" + " OR ".join(f"{old}.{c} {operator} {new}.{c}" for c in columns) + ")" if columns else "(1 = 0)"

    def _classify(self) -> str:
        """The staged rows with their parsed values, each matched to its stored row: `existing_id` (NULL: new)
        and `is_changed`, as a table (or, when nothing is stored for these indicators, a subquery: all rows are
        new). One join of the staged rows with the stored ones serves the preview, the update and the insert."""
        if self._rows is not None:
            return self._rows
        self._resolve_ids()
        values = self._values()
        resolved = f"SELECT s.row_no, {', '.join(f'{e} AS {c}' for c, e in values.items())} {self._resolved_from()}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM monitoring_observation WHERE indicator_id IN "
                f"(SELECT id FROM {self.lookups['indicator'].name}) LIMIT 1"
            )
            stored = cursor.fetchone() is not None
        if not stored:  # a first import: writing the rows to a table just to find that all are new costs time
            self._all_new = True
            self._rows = (
                f"(SELECT v.*, CAST(NULL AS bigint) AS existing_id, {self._false()} AS is_changed FROM ({resolved}) v)"
            )
            return self._rows
        if self.is_postgres and self.staged >= BIG_BATCH:
            # The planner must know how many rows are stored (autovacuum may not have counted the last import).
            self._execute("ANALYZE monitoring_observation")
        name = f"import_rows_{self.suffix}"
        key = " AND ".join(f"o.{column} = v.{column}" for column in _KEY)
        kind = "UNLOGGED TABLE" if self.is_postgres else "TEMPORARY TABLE"
        self._execute(
            f"CREATE {kind} {name} AS SELECT v.*, o.id AS existing_id, "
            f"CASE WHEN o.id IS NULL THEN {self._false()} ELSE {self._changed('o', 'v')} END AS is_changed "
            f"FROM ({resolved}) v LEFT JOIN monitoring_observation o ON {key}"
        )
        self.tables.append(name)
        if self.is_postgres:
            self._execute(f"ANALYZE {name}")
        self._rows = name
        return name

    def samples(self) -> list[dict]:
        """The first rows that will be created or changed, for the preview."""
        rows_table = self._classify()
        sql = (
            f"SELECT r.row_no, i.code, r.period, g.code, r.breakdown_key, r.value, o.value, r.is_provisional, "
            f"o.is_provisional, o.id FROM {rows_table} r "
            f"JOIN monitoring_indicator i ON i.id = r.indicator_id JOIN monitoring_geography g ON g.id = r.geography_id "
            f"LEFT JOIN monitoring_observation o ON o.id = r.existing_id "
            f"WHERE r.existing_id IS NULL OR r.is_changed ORDER BY r.row_no LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [SAMPLE_SIZE])
            rows = cursor.fetchall()
        result = []
        for row_no, indicator, period, geography, breakdown, value, old_value, provisional, old_provisional, pk in rows:
            file, row = self.where(row_no)
            result.append(
                {
                    "file": file,
                    "row": row,
                    "action": "create" if pk is None else "update",
                    "key": f"{indicator} {period} {geography} {breakdown or _('total')}",
                    "value": cells.format_number(value),
                    "old_value": cells.format_number(old_value),
                    "status": "provisional" if provisional else "final",
                    "old_status": "" if pk is None else ("provisional" if old_provisional else "final"),
                }
            )
        return result

    def write(self, *, run_id: int, user_id: int | None, reason: str) -> ObservationSummary:
        """Update the changed rows (each a revision in the history), insert the new ones (pointing to the run)."""
        try:
            return self._write(run_id=run_id, user_id=user_id, reason=reason)
        except IntegrityError:
            # Only another import or edit storing one of these observations since they were classified as new.
            raise ImportFailed(
                [
                    Problem(
                        ", ".join(self.files),
                        None,
                        None,
                        _(
                            "some of these observations were stored by someone else during the import; nothing was "
                            "written. Import the file again"
                        ),
                    )
                ]
            ) from None

    def _write(self, *, run_id: int, user_id: int | None, reason: str) -> ObservationSummary:
        rows_table = self._classify()
        now = timezone.now()
        stamp = now if self.is_postgres else connection.ops.adapt_datetimefield_value(now)
        values = list(self._values())
        updates = [c for name in sorted(self.present) for c in _MODEL_COLUMNS[name]]
        update = (
            f"UPDATE monitoring_observation AS o SET {', '.join(f'{c} = r.{c}' for c in updates)}, updated_at = %s "
            f"FROM {rows_table} r WHERE o.id = r.existing_id AND r.is_changed"
        )
        insert = (
            f"INSERT INTO monitoring_observation (created_at, updated_at, import_run_id, {', '.join(values)}) "
            f"SELECT %s, %s, %s, {', '.join(values)} FROM {rows_table} r WHERE r.existing_id IS NULL"
        )
        fields = [f.column for f in Observation._meta.concrete_fields]
        history = (
            f"INSERT INTO monitoring_historicalobservation ({', '.join(fields)}, history_date, "
            f"history_change_reason, history_type, history_user_id) "
            f"SELECT {', '.join(fields)}"
        )
        # A row about to be revised for the first time: its state as created, dated and signed as its run
        # (a row created through a form already has its '+' row). Runs before the UPDATE, so it reads the old values.
        as_created = (
            f"INSERT INTO monitoring_historicalobservation ({', '.join(fields)}, history_date, "
            f"history_change_reason, history_type, history_user_id) "
            f"SELECT {', '.join(f'o.{c}' for c in fields)}, COALESCE(run.started_at, o.created_at), "
            f"COALESCE(run.reason, ''), '+', run.user_id "
            f"FROM {rows_table} r JOIN monitoring_observation o ON o.id = r.existing_id "
            f"LEFT JOIN monitoring_importrun run ON run.id = o.import_run_id "
            f"WHERE r.is_changed AND NOT EXISTS "
            f"(SELECT 1 FROM monitoring_historicalobservation h WHERE h.id = o.id) ORDER BY r.row_no"
        )
        summary = ObservationSummary(staged=self.staged)
        with connection.cursor() as cursor:
            if not self._all_new:
                cursor.execute(as_created)
            if self.is_postgres:
                # The history rows come from RETURNING: the same pass, the values exactly as stored.
                if not self._all_new:
                    cursor.execute(
                        f"WITH changed AS ({update} RETURNING {', '.join(f'o.{c}' for c in fields)}) "
                        f"{history}, %s, %s, %s, %s FROM changed",
                        [now, now, reason, "~", user_id],
                    )
                    summary.updated = cursor.rowcount
            elif not self._all_new:
                cursor.execute(update, [stamp])
                summary.updated = cursor.rowcount
                cursor.execute(
                    f"{history}, %s, %s, '~', %s FROM monitoring_observation WHERE updated_at = %s",
                    [stamp, reason, user_id, stamp],
                )
            # New rows: no history row; the run they point to says who entered them and when.
            cursor.execute(insert, [stamp, stamp, run_id])
            summary.created = cursor.rowcount
        return summary

    # --- helpers -------------------------------------------------------------------------------

    def _execute(self, sql: str, params: list | None = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def _executemany(self, sql: str, rows: list[tuple]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def _trim(self, column: str) -> str:
        """Strip what str.strip() strips (Unicode white space), in SQL."""
        characters = WHITESPACE
        return f"btrim({column}, '{characters}')" if self.is_postgres else f"trim({column}, '{characters}')"

    def _length(self) -> str:
        return "char_length" if self.is_postgres else "length"

    def _false(self) -> str:
        return "false" if self.is_postgres else "0"

    def _date(self, value):
        return value.isoformat() if value is not None and not self.is_postgres else value


# --- parsing distinct values (the same functions as for every cell before) ---------------------------------


class _NotPlain(Exception):
    """A block of a CSV file that COPY would not read as the line reader does."""


def _code(raw: str) -> tuple[str] | CellError:
    code = cells.text(raw)
    return (code,) if code else CellError(_("a value is required"))


def _period(raw: str) -> tuple | CellError:
    """(code, kind, start, end) of a period cell, or the problem."""
    value = cells.text(raw)
    if not value:
        return CellError(_("a value is required"))
    try:
        period = parse_period(value)
    except PeriodError as error:
        return CellError(str(error))
    return period.code, period.kind.value, period.start, period.end


def _breakdown(
    combination: tuple[str, ...], dimensions: list[str], categories: dict[str, set[str]]
) -> tuple[str] | CellError:
    """(canonical key,) for the categories given in the dimension columns, or the problem (message, column)."""
    pairs = []
    for dimension, category in zip(dimensions, combination, strict=True):
        category = cells.text(category)
        if not category:
            continue
        try:
            check_category(dimension, category, categories)
        except CellError as error:
            return CellError(str(error), dimension)
        pairs.append((dimension, category))
    try:
        return (breakdown_keys.make_key(pairs),)
    except breakdown_keys.BreakdownKeyError as error:
        return CellError(str(error), pairs[0][0])


def _status(raw: str) -> bool | CellError:
    status = cells.text(raw).lower()
    if status == "provisional":
        return True
    if status in ("", "final"):
        return False
    return CellError(_("'%(value)s' is not one of: final, provisional") % {"value": cells.text(raw)})


def _release_date(raw: str):
    try:
        return cells.parse_date(raw)
    except CellError as error:
        return error


def _parse_number(column: str, raw: str, decimal: DecimalMode, *, postgres: bool) -> tuple[str | None, str | None]:
    """(normalised text the database reads exactly, None) or (None, problem) for a number text not in plain form."""
    try:
        if column == "sample_size":
            whole = cells.whole_number(raw, decimal)
            if whole is not None and whole > _MAX_INTEGER:
                raise CellError(_("'%(value)s' is too large") % {"value": whole})
            return (None if whole is None else str(whole)), None
        number = cells.number(raw, decimal)
    except CellError as error:
        return None, str(error)
    if number is None:
        return None, (_("a value is required") if column == "value" else None)
    if math.isinf(number) and postgres:
        return ("Infinity" if number > 0 else "-Infinity"), None
    return repr(number), None


def _sqlite_float(text: str | None) -> float | None:
    return None if text is None else float(text)


def _spreadsheet_texts(record: list, numbers: set[int]) -> list[str]:
    """Spreadsheet cells as the texts the checks read (a number cell: its shortest exact text, as cells.text)."""
    return [
        str(value) if position in numbers and isinstance(value, bool) else cells.text(value)  # 'True' is no number
        for position, value in enumerate(record)
    ]


def _csv_record(row_no: int, record: list[str], delimiter: str) -> str:
    """One record for COPY ... (FORMAT csv): every non-empty cell quoted, so nothing in it is special."""
    parts = [str(row_no)]
    for cell in record:
        parts.append('"' + cell.replace('"', '""') + '"' if cell else "")
    return delimiter.join(parts) + "\n"
