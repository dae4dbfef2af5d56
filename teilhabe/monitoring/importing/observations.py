"""Observations, set-based: rows are streamed into a staging table, checked with SQL and upserted in one
statement that also writes their history rows.

PostgreSQL: COPY into a temporary table (psycopg 3 `cursor.copy`), then
INSERT ... ON CONFLICT DO UPDATE ... WHERE changed, whose RETURNING feeds the INSERT into the
history table. SQLite: executemany into a temporary table, the same upsert, then the history rows
of the rows stamped with this import's timestamp. Memory does not grow with the file: rows are
read, checked and sent in chunks, and per-value caches only hold distinct periods and breakdowns.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.monitoring import breakdowns as breakdown_keys
from teilhabe.monitoring.models import Observation
from teilhabe.monitoring.periods import PeriodError, parse_period

from . import cells
from .cells import DecimalMode
from .columns import Column
from .concept import Context, check_category
from .problems import CellError, ProblemLog
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
_MAX_LENGTHS = {"source": 300, "note": 500}
_MAX_INTEGER = 2_147_483_647
_STAGE_COLUMNS = (
    "row_no",
    "indicator",
    "geography",
    "period",
    "period_kind",
    "period_start",
    "period_end",
    "breakdown_key",
    "value",
    "numerator",
    "denominator",
    "standard_error",
    "progress_value",
    "sample_size",
    "is_provisional",
    "source",
    "released_on",
    "note",
)
_ROW_BITS = 32  # row_no = file number << 32 | row number: one sortable number that names file and row
SAMPLE_SIZE = 10
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?\Z", re.ASCII)  # no separator doubt: read at once


@dataclass
class ObservationSummary:
    staged: int = 0
    created: int = 0
    updated: int = 0
    samples: list[dict] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.staged - self.created - self.updated


class ObservationStage:
    """The staging table of one import run."""

    def __init__(self, context: Context, problems: ProblemLog, *, decimal: DecimalMode) -> None:
        self.context = context
        self.problems = problems
        self.decimal = decimal
        self.name = f"import_stage_{uuid.uuid4().hex[:12]}"
        self.known_name = f"import_known_{uuid.uuid4().hex[:12]}"
        self.files: list[str] = []
        self.present: set[str] = set()
        self.staged = 0
        self.is_postgres = connection.vendor == "postgresql"

    # --- staging -------------------------------------------------------------------------------

    def create(self) -> None:
        text, real, day, whole = "text", "double precision" if self.is_postgres else "real", "date", "bigint"
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.name} (row_no bigint NOT NULL, indicator {text}, geography {text}, "
                f"period {text}, period_kind {text}, period_start {day}, period_end {day}, breakdown_key {text}, "
                f"value {real}, numerator {real}, denominator {real}, standard_error {real}, progress_value {real}, "
                f"sample_size {whole}, "
                f"is_provisional boolean, source {text}, released_on {day}, note {text})"
            )
            cursor.execute(f"CREATE TEMPORARY TABLE {self.known_name} (kind text NOT NULL, code text NOT NULL)")
            known = [("indicator", key[0]) for key in self.context.records.get("indicator_codes", {})]
            known += [("geography", key[0]) for key in self.context.records.get("geography", {})]
            if known:
                cursor.executemany(f"INSERT INTO {self.known_name} (kind, code) VALUES (%s, %s)", known)

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
            cursor.execute(f"DROP TABLE IF EXISTS {self.known_name}")

    def add(self, table: Table, progress: Callable[[int], None] | None = None) -> None:
        """Read one observations table into the staging table, reporting bad cells by row and column."""
        file_number = len(self.files)
        self.files.append(table.source.label)
        label = table.source.label
        header = table.header
        categories = self.context.categories()
        if not self._check_header(table, categories):
            return
        index = {name: header.index(name) for name in COLUMN_NAMES if name in header}
        self.present.update(name for name in index if name in _MODEL_COLUMNS)
        dimensions = [(position, name) for position, name in enumerate(header) if name not in COLUMN_NAMES]
        periods: dict[object, tuple | str] = {}
        breakdowns: dict[tuple, tuple[str, str | None]] = {}
        dates: dict[object, object] = {}
        problems, decimal, base = self.problems, self.decimal, file_number << _ROW_BITS
        whole = cells.whole_number
        # CSV cells are always text: skip the type checks spreadsheet cells need (the hot path of big files).
        text = str.strip if table.source.sheet is None else cells.text
        number = _number_from_text if table.source.sheet is None else cells.number
        get = {name: index.get(name) for name in COLUMN_NAMES}
        i_indicator, i_period, i_geography, i_value = get["indicator"], get["period"], get["geography"], get["value"]
        optional_numbers = [
            (name, get[name]) for name in ("numerator", "denominator", "standard_error", "progress_value")
        ]
        i_size, i_status, i_source, i_released, i_note = (
            get["sample_size"],
            get["status"],
            get["source"],
            get["released_on"],
            get["note"],
        )
        batch: list[tuple] = []
        writer = self._writer()
        try:
            for row_number, row in table.rows:
                ok = True
                indicator = text(row[i_indicator])
                geography = text(row[i_geography])
                if not indicator:
                    problems.add(label, row_number, "indicator", _("a value is required"))
                    ok = False
                if not geography:
                    problems.add(label, row_number, "geography", _("a value is required"))
                    ok = False
                raw_period = row[i_period]
                period = periods.get(raw_period)
                if period is None:
                    period = periods[raw_period] = _period(raw_period)
                if period.__class__ is str:
                    problems.add(label, row_number, "period", period)
                    ok = False
                combination = tuple(text(row[position]) for position, _name in dimensions)
                breakdown = breakdowns.get(combination)
                if breakdown is None:
                    breakdown = breakdowns[combination] = _breakdown(combination, dimensions, categories)
                if breakdown[1] is not None:
                    problems.add(label, row_number, breakdown[1], breakdown[0])
                    ok = False
                try:
                    value = number(row[i_value], decimal)
                    if value is None:
                        problems.add(label, row_number, "value", _("a value is required"))
                        ok = False
                except CellError as error:
                    problems.add(label, row_number, "value", str(error))
                    ok = False
                extra = []
                for name, position in optional_numbers:
                    try:
                        extra.append(None if position is None else number(row[position], decimal))
                    except CellError as error:
                        problems.add(label, row_number, name, str(error))
                        ok = False
                sample_size = None
                if i_size is not None:
                    try:
                        sample_size = whole(row[i_size], decimal)
                        if sample_size is not None and sample_size > _MAX_INTEGER:
                            raise CellError(_("'%(value)s' is too large") % {"value": sample_size})
                    except CellError as error:
                        problems.add(label, row_number, "sample_size", str(error))
                        ok = False
                is_provisional = False
                if i_status is not None:
                    status = text(row[i_status]).lower()
                    if status == "provisional":
                        is_provisional = True
                    elif status not in ("", "final"):
                        problems.add(
                            label,
                            row_number,
                            "status",
                            _("'%(value)s' is not one of: final, provisional") % {"value": text(row[i_status])},
                        )
                        ok = False
                source = text(row[i_source]) if i_source is not None else ""
                note = text(row[i_note]) if i_note is not None else ""
                for name, content in (("source", source), ("note", note)):
                    if len(content) > _MAX_LENGTHS[name]:
                        problems.add(
                            label,
                            row_number,
                            name,
                            _("the text has %(length)s characters; at most %(max)s are allowed")
                            % {"length": len(content), "max": _MAX_LENGTHS[name]},
                        )
                        ok = False
                released_on = None
                if i_released is not None:
                    raw = row[i_released]
                    released_on = dates.get(raw)
                    if released_on is None:
                        try:
                            released_on = cells.parse_date(raw) or ""
                        except CellError as error:
                            released_on = str(error)
                        if len(dates) < 10_000:
                            dates[raw] = released_on
                    if released_on.__class__ is str:
                        if released_on:
                            problems.add(label, row_number, "released_on", released_on)
                            ok = False
                        released_on = None
                if not ok:
                    continue
                batch.append(
                    (
                        base | row_number,
                        indicator,
                        geography,
                        *period,
                        breakdown[0],
                        value,
                        *extra,
                        sample_size,
                        is_provisional,
                        source,
                        released_on,
                        note,
                    )
                )
                if len(batch) >= CSV_CHUNK_ROWS:
                    writer(batch)
                    self.staged += len(batch)
                    batch = []
                    if progress:
                        progress(table.position())
                if len(periods) > 100_000:
                    periods.clear()
                if len(breakdowns) > 100_000:
                    breakdowns.clear()
            if batch:
                writer(batch)
                self.staged += len(batch)
            if progress:
                progress(table.position())
        finally:
            writer(None)

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

    def _writer(self) -> Callable[[list[tuple] | None], None]:
        """A function that sends a batch of rows to the staging table (None: finish)."""
        columns = ", ".join(_STAGE_COLUMNS)
        if self.is_postgres:
            cursor = connection.cursor()
            raw = cursor.cursor
            copy_context = raw.copy(f"COPY {self.name} ({columns}) FROM STDIN")
            copy = copy_context.__enter__()

            def write(batch):
                if batch is None:
                    copy_context.__exit__(None, None, None)
                    cursor.close()
                    return
                for row in batch:
                    copy.write_row(row)

            return write

        placeholders = ", ".join(["%s"] * len(_STAGE_COLUMNS))
        sql = f"INSERT INTO {self.name} ({columns}) VALUES ({placeholders})"

        def write_sqlite(batch):
            if batch is None:
                return
            with connection.cursor() as cursor:
                cursor.executemany(sql, [_sqlite_row(row) for row in batch])

        return write_sqlite

    # --- checks --------------------------------------------------------------------------------

    def where(self, row_no: int) -> tuple[str, int]:
        return self.files[row_no >> _ROW_BITS], row_no & ((1 << _ROW_BITS) - 1)

    def check_references(self) -> None:
        """Unknown indicators and geographies (one problem per unknown code, at its first row) and repeated keys."""
        for kind, column, table in (
            ("indicator", "indicator", "monitoring_indicator"),
            ("geography", "geography", "monitoring_geography"),
        ):
            sql = (
                f"SELECT s.{column}, MIN(s.row_no), COUNT(*) FROM {self.name} s "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.code = s.{column}) "
                f"AND NOT EXISTS (SELECT 1 FROM {self.known_name} k WHERE k.kind = %s AND k.code = s.{column}) "
                f"GROUP BY s.{column} ORDER BY 2 LIMIT %s"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [kind, self.problems.limit])
                for code, first, count in cursor.fetchall():
                    file, row = self.where(first)
                    message = (
                        _("unknown indicator '%(code)s'") if kind == "indicator" else _("unknown geography '%(code)s'")
                    ) % {"code": code}
                    if count > 1:
                        message += " " + _("(also in %(count)s more rows)") % {"count": count - 1}
                    self.problems.add(file, row, column, message)
        sql = (
            f"SELECT MIN(row_no), MAX(row_no), COUNT(*), indicator, period, geography, breakdown_key FROM {self.name} "
            f"GROUP BY indicator, period, breakdown_key, geography HAVING COUNT(*) > 1 ORDER BY 1 LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.problems.limit])
            duplicates = cursor.fetchall()
        for first, last, count, indicator, period, geography, breakdown in duplicates:
            file, row = self.where(last)
            first_file, first_row = self.where(first)
            message = _(
                "the same observation (indicator %(indicator)s, period %(period)s, geography %(geography)s, "
                "breakdown %(breakdown)s) is already given in %(file)s row %(row)s"
            ) % {
                "indicator": indicator,
                "period": period,
                "geography": geography,
                "breakdown": breakdown or _("total"),
                "file": first_file,
                "row": first_row,
            }
            if count > 2:
                message += " " + _("(%(count)s rows in all)") % {"count": count}
            self.problems.add(file, row, None, message)

    # --- writing -------------------------------------------------------------------------------

    def _changed(self, old: str, new: str) -> str:
        operator = "IS DISTINCT FROM" if self.is_postgres else "IS NOT"
        columns = [c for name in sorted(self.present) for c in _MODEL_COLUMNS[name]]
        return "(" + " OR ".join(f"{old}.{c} {operator} {new}.{c}" for c in columns) + ")" if columns else "(1 = 0)"

    def _source_select(self) -> str:
        return (
            f"FROM {self.name} s JOIN monitoring_indicator i ON i.code = s.indicator "
            f"JOIN monitoring_geography g ON g.code = s.geography"
        )

    def samples(self) -> list[dict]:
        """The first rows that will be created or changed, for the preview."""
        sql = (
            f"SELECT s.row_no, s.indicator, s.period, s.geography, s.breakdown_key, s.value, o.value, "
            f"s.is_provisional, o.is_provisional, o.id {self._source_select()} "
            f"LEFT JOIN monitoring_observation o ON o.indicator_id = i.id AND o.geography_id = g.id "
            f"AND o.period = s.period AND o.breakdown_key = s.breakdown_key "
            f"WHERE o.id IS NULL OR {self._changed('o', 's')} ORDER BY s.row_no LIMIT %s"
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

    def write(self, *, user_id: int | None, reason: str) -> ObservationSummary:
        """Upsert the staged rows; history rows for every created or changed observation."""
        now = timezone.now()
        stamp = connection.ops.adapt_datetimefield_value(now)
        model_columns = [
            "created_at",
            "updated_at",
            "indicator_id",
            "period",
            "period_kind",
            "period_start",
            "period_end",
            "breakdown_key",
            "geography_id",
            "value",
            "numerator",
            "denominator",
            "standard_error",
            "progress_value",
            "sample_size",
            "is_provisional",
            "source",
            "released_on",
            "note",
        ]
        select = [
            "%s",
            "%s",
            "i.id",
            "s.period",
            "s.period_kind",
            "s.period_start",
            "s.period_end",
            "s.breakdown_key",
            "g.id",
            "s.value",
            "s.numerator",
            "s.denominator",
            "s.standard_error",
            "s.progress_value",
            "s.sample_size",
            "s.is_provisional",
            "s.source",
            "s.released_on",
            "s.note",
        ]
        updates = [c for name in sorted(self.present) for c in _MODEL_COLUMNS[name]]
        set_clause = ", ".join([f"{c} = excluded.{c}" for c in updates] + ["updated_at = excluded.updated_at"])
        upsert = (
            f"INSERT INTO monitoring_observation ({', '.join(model_columns)}) "
            f"SELECT {', '.join(select)} {self._source_select()} "
            # Unchanged rows never reach ON CONFLICT: it would lock (and so rewrite) every one of them.
            f"WHERE NOT EXISTS (SELECT 1 FROM monitoring_observation o WHERE o.indicator_id = i.id "
            f"AND o.geography_id = g.id AND o.period = s.period AND o.breakdown_key = s.breakdown_key "
            f"AND NOT {self._changed('o', 's')}) "
            f"ON CONFLICT (indicator_id, period, breakdown_key, geography_id) DO UPDATE SET {set_clause} "
            f"WHERE {self._changed('monitoring_observation', 'excluded')}"
        )
        observation_fields = [f.column for f in Observation._meta.concrete_fields]
        history_columns = [
            *observation_fields,
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
        ]
        summary = ObservationSummary(staged=self.staged)
        with connection.cursor() as cursor:
            if self.is_postgres:
                sql = (
                    f"WITH upserted AS ({upsert} RETURNING *, (xmax = 0) AS is_new), "
                    f"history AS (INSERT INTO monitoring_historicalobservation ({', '.join(history_columns)}) "
                    f"SELECT {', '.join(observation_fields)}, %s, %s, "
                    f"CASE WHEN is_new THEN '+' ELSE '~' END, %s FROM upserted RETURNING history_type) "
                    f"SELECT history_type, COUNT(*) FROM history GROUP BY history_type"
                )
                cursor.execute(sql, [now, now, now, reason, user_id])
            else:
                cursor.execute(upsert, [stamp, stamp])
                cursor.execute(
                    f"INSERT INTO monitoring_historicalobservation ({', '.join(history_columns)}) "
                    f"SELECT {', '.join(observation_fields)}, %s, %s, "
                    f"CASE WHEN created_at = %s THEN '+' ELSE '~' END, %s "
                    f"FROM monitoring_observation WHERE updated_at = %s",
                    [stamp, reason, stamp, user_id, stamp],
                )
                cursor.execute(
                    "SELECT history_type, COUNT(*) FROM monitoring_historicalobservation WHERE history_date = %s "
                    "GROUP BY history_type",
                    [stamp],
                )
            for history_type, count in cursor.fetchall():
                if history_type == "+":
                    summary.created = count
                else:
                    summary.updated = count
        return summary


def _number_from_text(raw: str, decimal: DecimalMode) -> float | None:
    if _PLAIN_NUMBER.match(raw) and (decimal is not DecimalMode.COMMA or "." not in raw):
        return float(raw)
    return cells.number(raw, decimal)


def _period(raw: object) -> tuple | str:
    """(code, kind, start, end) of a period cell, or the error message."""
    value = cells.text(raw)
    if not value:
        return _("a value is required")
    try:
        period = parse_period(value)
    except PeriodError as error:
        return str(error)
    return period.code, period.kind.value, period.start, period.end


def _breakdown(
    combination: tuple[str, ...], dimensions: list[tuple[int, str]], categories: dict[str, set[str]]
) -> tuple[str, str | None]:
    """(canonical key, None) for the categories given in the dimension columns, or (message, column)."""
    pairs = []
    for (_position, dimension), category in zip(dimensions, combination, strict=True):
        if not category:
            continue
        try:
            check_category(dimension, category, categories)
        except CellError as error:
            return str(error), dimension
        pairs.append((dimension, category))
    try:
        return breakdown_keys.make_key(pairs), None
    except breakdown_keys.BreakdownKeyError as error:
        return str(error), pairs[0][0]


def _sqlite_row(row: tuple) -> tuple:
    return tuple(value.isoformat() if isinstance(value, date) else value for value in row)
