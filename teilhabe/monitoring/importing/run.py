"""One import run: read every table, check everything, then write everything in one transaction.

Order: the concept tables are read completely and checked against the database and each
other; observations are streamed into a staging table and checked with SQL. Only when no
problem was found is anything written (concept through the ORM, observations set-based). Any
problem, also one found while writing, rolls the whole run back: the database is unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.monitoring.models import ImportRun, Indicator

from .cells import DecimalMode
from .concept import CREATE, TABLES, UNCHANGED, UPDATE, ConceptTable, Context, Record, same
from .observations import SAMPLE_SIZE, ObservationStage
from .problems import CellError, ImportFailed, Problem, ProblemLog, TooManyProblems
from .sources import Source, SourceError, collect_sources, open_table

ProgressFactory = Callable[[str, int], Callable[[int], None]]


@dataclass
class TableReport:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    samples: list[dict] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), per table."""

    tables: list[TableReport]
    files: list[str]
    dry_run: bool = False
    run_id: int | None = None  # the ImportRun record (rolled back with a dry run)

    def counts(self) -> dict[str, list[int]]:
        return {table.kind: [table.created, table.updated, table.unchanged] for table in self.tables}

    @property
    def changes(self) -> int:
        return sum(table.created + table.updated for table in self.tables)

    def as_dict(self) -> dict:
        return asdict(self)


def import_sources(
    paths: Sequence[Path],
    *,
    user=None,
    reason: str = "",
    decimal: DecimalMode = DecimalMode.AUTO,
    encoding: str = "utf-8",
    dry_run: bool = False,
    expected_counts: dict[str, list[int]] | None = None,
    labels: dict[Path, str] | None = None,
    progress: ProgressFactory | None = None,
    limit: int = 100,
) -> ImportReport:
    """Import files and directories; raise ImportFailed (database unchanged) on any problem.

    `expected_counts`: the counts a preview showed; if the run would do anything else, it is refused.
    """
    problems = ProblemLog(limit)
    try:
        sources = collect_sources(list(paths), problems, labels=labels)
        if not sources and not problems:
            problems.add(", ".join(str(p) for p in paths) or "-", None, None, _("nothing to import"))
        if problems:
            raise ImportFailed(problems.problems)
        with transaction.atomic():
            report = _run(
                sources,
                problems,
                user=user,
                reason=reason,
                decimal=decimal,
                encoding=encoding,
                want_samples=dry_run,
                progress=progress,
            )
            report.dry_run = dry_run
            if expected_counts is not None and report.counts() != expected_counts:
                raise ImportFailed(
                    [
                        Problem(
                            ", ".join(report.files),
                            None,
                            None,
                            _(
                                "the data in the database changed since the preview; nothing was written. Upload the file "
                                "again to see a new preview"
                            ),
                        )
                    ]
                )
            if dry_run:
                transaction.set_rollback(True)
        return report
    except TooManyProblems:
        raise ImportFailed(problems.problems, truncated=True) from None


def _run(
    sources: list[Source],
    problems: ProblemLog,
    *,
    user,
    reason: str,
    decimal: DecimalMode,
    encoding: str,
    want_samples: bool,
    progress: ProgressFactory | None,
) -> ImportReport:
    context = Context(problems=problems, decimal=decimal, user=user, reason=(reason or _import_reason(sources))[:100])
    started_at = timezone.now()
    files = _file_records(sources)
    context.existing = {kind: table.existing() for kind, table in TABLES.items()}
    context.existing["indicator_codes"] = {(code,): None for code in Indicator.objects.values_list("code", flat=True)}
    read: dict[str, list[Record]] = {kind: [] for kind in TABLES}
    observation_sources = []
    for source in sources:
        if source.kind == "observations":
            observation_sources.append(source)
        else:
            read[source.kind].extend(_read_concept_table(source, TABLES[source.kind], context, encoding))

    for kind, table in TABLES.items():
        context.records[kind] = {}
        for record in read[kind]:
            if not record.is_broken:
                table.prepare(record, context)
            _keep(record, context)
        if kind == "indicators":
            context.records["indicator_codes"] = {(r.key[0],): r for r in context.records[kind].values()}
    for kind, table in TABLES.items():
        for record in context.records[kind].values():
            if not record.is_broken:
                table.check(record, context)
        _order(list(context.records[kind].values()), table, context)

    stage = ObservationStage(context, problems, decimal=decimal)
    stage.create()
    for source in observation_sources:
        try:
            table = open_table(source, problems, encoding=encoding)
            callback = progress(source.label, source.size) if progress else None
            stage.add(table, callback)
        except SourceError as error:
            problems.add(source.label, error.row, error.column, error.message)
    if stage.staged:
        stage.check()
    if problems:
        raise ImportFailed(problems.problems)

    run = ImportRun.objects.create(
        user=user if getattr(user, "pk", None) else None, reason=context.reason, started_at=started_at, files=files
    )
    reports = []
    for kind, table in TABLES.items():
        reports.append(_classify_and_write(kind, table, context))
    if problems:
        raise ImportFailed(problems.problems)

    observations = TableReport("observations")
    if stage.staged:
        if want_samples:
            observations.samples = stage.samples()
        summary = stage.write(run_id=run.pk, user_id=getattr(user, "pk", None), reason=context.reason)
        observations.created, observations.updated, observations.unchanged = (
            summary.created,
            summary.updated,
            summary.unchanged,
        )
    stage.drop()
    reports.append(observations)
    present = {source.kind for source in sources}
    report = ImportReport(
        [r for r in reports if r.kind in present], [source.label for source in sources], run_id=run.pk
    )
    run.counts = report.counts()
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    return report


def _file_records(sources: list[Source]) -> list[dict]:
    """Name, SHA-256 and size of each file read (a workbook once, however many sheets it has)."""
    records: dict[Path, dict] = {}
    for source in sources:
        if source.path in records:
            continue
        digest = hashlib.sha256()
        size = 0
        with open(source.path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
                size += len(block)
        name = source.label.rsplit(" [", 1)[0] if source.sheet else source.label
        records[source.path] = {"name": name, "sha256": digest.hexdigest(), "bytes": size}
    return list(records.values())


def _import_reason(sources: list[Source]) -> str:
    names = sorted({source.path.name for source in sources})
    return "import: " + ", ".join(names)


def _read_concept_table(source: Source, table: ConceptTable, context: Context, encoding: str) -> list[Record]:
    problems, label = context.problems, source.label
    try:
        opened = open_table(source, problems, encoding=encoding)
    except SourceError as error:
        problems.add(label, error.row, error.column, error.message)
        return []
    columns = {column.name: column for column in table.columns()}
    header_ok, seen = True, set()
    for name in opened.header:
        if name in seen:
            problems.add(label, 1, name, _("the column appears twice"))
            header_ok = False
        seen.add(name)
        if name not in columns:
            problems.add(
                label,
                1,
                name,
                _("unknown column; the %(kind)s table has the columns %(columns)s")
                % {"kind": source.kind, "columns": ", ".join(columns)},
            )
            header_ok = False
    for column in columns.values():
        if column.required and column.name not in opened.header:
            problems.add(
                label, 1, column.name, _("missing column; it is required in the %(kind)s table") % {"kind": source.kind}
            )
            header_ok = False
    if not header_ok:
        for _row in opened.rows:  # still report unreadable rows
            pass
        return []
    present = [(position, columns[name]) for position, name in enumerate(opened.header)]
    records: list[Record] = []
    try:
        for row_number, cells in opened.rows:
            values, ok = {}, True
            for position, column in present:
                try:
                    value = column.parse(cells[position], context.decimal)
                except CellError as error:
                    problems.add(label, row_number, column.name, str(error))
                    ok = False
                    continue
                if column.required and value in (None, ""):
                    problems.add(label, row_number, column.name, _("a value is required"))
                    ok = False
                values[column.name] = value
            new = table.records_from_row(values, label, row_number)
            for record in new:
                record.is_broken = not ok
            records.extend(record for record in new if all(part is not None for part in record.key))
    except SourceError as error:
        problems.add(label, error.row, error.column, error.message)
    return records


def _keep(record: Record, context: Context) -> None:
    """Add a record under its key; a repeated key is an error naming both rows (a dimension may repeat)."""
    records = context.records[record.kind]
    earlier = records.get(record.key)
    if earlier is None:
        records[record.key] = record
        return
    table = TABLES[record.kind]
    if record.kind == "breakdowns" and record.key[0] == "dimension":
        for name, value in record.values.items():
            if name in earlier.values and not same(earlier.values[name], value):
                context.problem(
                    record,
                    name,
                    _("'%(value)s' differs from %(where)s for the same dimension")
                    % {"value": value, "where": earlier.where},
                )
            earlier.values.setdefault(name, value)
        return
    context.problem(
        record,
        None,
        _("the key %(key)s is already given in %(where)s")
        % {"key": table.describe(record.key), "where": earlier.where},
    )


def _order(records: list[Record], table: ConceptTable, context: Context) -> list[Record]:
    """Parents before children; a cycle of parents is an error."""
    keys = {record.key for record in records}
    done: set[tuple] = set()
    ordered: list[Record] = []
    pending = records
    while pending:
        rest = []
        for record in pending:
            parent = table.depends_on(record)
            if parent is None or parent not in keys or parent in done:
                ordered.append(record)
                done.add(record.key)
            else:
                rest.append(record)
        if len(rest) == len(pending):
            for record in rest:
                context.problem(
                    record, None, _("the parents form a cycle (%(key)s)") % {"key": table.describe(record.key)}
                )
            break
        pending = rest
    return ordered


def _classify_and_write(kind: str, table: ConceptTable, context: Context) -> TableReport:
    report = TableReport(kind)
    existing = context.existing[kind]
    context.saved.setdefault(kind, {})
    for record in _order(list(context.records[kind].values()), table, context):
        instance = existing.get(record.key)
        if instance is None:
            record.action = CREATE
        else:
            current = table.current(instance)
            record.changes = tuple(
                name for name, value in record.values.items() if name in current and not same(current[name], value)
            )
            record.action = UPDATE if record.changes else UNCHANGED
        if record.action == UNCHANGED:
            report.unchanged += 1
            continue
        if record.action == CREATE:
            report.created += 1
        else:
            report.updated += 1
        if len(report.samples) < SAMPLE_SIZE:
            report.samples.append(
                {
                    "file": record.file,
                    "row": record.row,
                    "action": record.action,
                    "key": table.describe(record.key),
                    "changes": ", ".join(record.changes),
                }
            )
        context.saved[kind][record.key] = table.write(record, context, instance)
    return report
