"""Export the whole concept in the import format (docs/data-formats.md): CSV per table, one XLSX workbook,
and an Open-SDG-compatible CSV per indicator.

Output is deterministic (rows sorted by natural key, numbers in their shortest exact form, fixed
timestamps inside the workbook), so export → import into an empty database → export gives
byte-identical files. Read-only: nothing here writes to the database.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from teilhabe.core.tabular import CSVWriter, WorkbookWriter

from .breakdowns import parse_key
from .importing.cells import format_number
from .importing.columns import Column
from .importing.concept import TABLES, BreakdownTable
from .importing.observations import COLUMNS as OBSERVATION_COLUMNS
from .models import BreakdownDimension, Geography, Indicator, Observation
from .periods import parse_period
from .queries import list_public_observations

FORMATS = ("csv", "xlsx")
WORKBOOK_NAME = "concept.xlsx"
CSV_DIRECTORY = "csv"
OPENSDG_DIRECTORY = "opensdg"
# Excel's limit is 1,048,576 rows per sheet; longer tables continue on sheets observations_2, ...
SHEET_ROWS = 1_000_000
_FIXED_TIME = datetime(2000, 1, 1)
_CHUNK = 5_000


@dataclass
class ExportResult:
    directory: Path
    files: list[Path] = field(default_factory=list)  # relative to directory
    rows: dict[str, int] = field(default_factory=dict)


def export_concept(
    directory: Path | str,
    *,
    formats: Sequence[str] = FORMATS,
    public_only: bool = False,
    opensdg: bool = True,
    today: date | None = None,
    progress=None,
) -> ExportResult:
    """Write the concept to `directory`: csv/<table>.csv, concept.xlsx and opensdg/indicator_<code>.csv.

    public_only: read observations through the public gateway (queries.list_public_observations):
    nothing released after `today`, and no figure of a withheld observation (value, standard error,
    counts, progress value), complementary suppression included, as on the pages and in the API
    (docs/methods/disclosure-control.md): the observation tables leave withheld observations out (the
    import format needs a value), the Open SDG files give them a blank Value. Without it (staff export, `export_data` without
    --public-only) every observation is written as stored.

    `progress(iterable, total=, desc=)`, when given, wraps the loops over tables and indicators (a command's bar).
    """
    progress = progress or _no_progress
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"Unknown export format(s): {', '.join(sorted(unknown))}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    result = ExportResult(directory)
    today = today or timezone.localdate()
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        tables = list(_tables(public_only=public_only, today=today))
        if "csv" in formats:
            (directory / CSV_DIRECTORY).mkdir(exist_ok=True)
            for kind, columns, rows in progress(tables, desc="CSV tables"):
                path = Path(CSV_DIRECTORY) / f"{kind}.csv"
                result.rows[kind] = _write_csv(directory / path, columns, rows())
                result.files.append(path)
        if "xlsx" in formats:
            counts = _write_workbook(directory / WORKBOOK_NAME, tables)
            result.rows.update(counts)
            result.files.append(Path(WORKBOOK_NAME))
        if opensdg:
            result.files.extend(_write_opensdg(directory, public_only=public_only, today=today, progress=progress))
    return result


def _no_progress(iterable, **_options):
    return iterable


def _tables(*, public_only: bool, today: date) -> Iterator[tuple[str, list[Column], callable]]:
    """(kind, columns, a function giving the rows as dicts of parsed values) per table in import order."""
    for kind, table in TABLES.items():
        columns = table.columns()
        if isinstance(table, BreakdownTable):
            yield kind, columns, table.export_rows
        else:
            yield (
                kind,
                columns,
                (lambda table=table: [table.current(instance) for _key, instance in sorted(table.existing().items())]),
            )
    dimensions = list(BreakdownDimension.objects.order_by("code").values_list("code", flat=True))
    columns = OBSERVATION_COLUMNS[:3] + [Column(code, "code") for code in dimensions] + OBSERVATION_COLUMNS[3:]
    yield "observations", columns, lambda: _observation_rows(dimensions, public_only=public_only, today=today)


def _public_tuples(queryset, fields: Sequence[str], *, skip_withheld: bool) -> Iterator[tuple]:
    """Rows of the public gateway as tuples of `fields`, read from the disclosed instances (never through
    .values_list(), which would bypass disclosure control). `a__b` reads attribute b of relation a."""
    for observation in queryset.iterator(chunk_size=_CHUNK):
        if skip_withheld and observation.is_withheld:
            continue
        row = []
        for name in fields:
            target = observation
            for part in name.split("__"):
                target = getattr(target, part)
            row.append(target)
        yield tuple(row)


def _observation_tuples(
    *, public_only: bool, today: date, fields: Sequence[str], indicator=None, skip_withheld: bool = False
) -> Iterator[tuple]:
    """Observations as tuples of `fields` in export order: through the public gateway when `public_only`
    (withheld ones with every figure None, or left out with `skip_withheld`), else every stored
    observation (the staff export)."""
    if public_only:
        queryset = list_public_observations(on=today)
        if indicator is not None:
            queryset = queryset.filter(indicator=indicator)
        return _public_tuples(queryset.order_by(*_ORDER), fields, skip_withheld=skip_withheld)
    queryset = Observation.objects.all()  # staff export: the stored data, not public
    if indicator is not None:
        queryset = queryset.filter(indicator=indicator)
    return queryset.order_by(*_ORDER).values_list(*fields).iterator(chunk_size=_CHUNK)


_ORDER = ("indicator__code", "geography__code", "breakdown_key", "period_start", "period")


def _observation_rows(dimensions: list[str], *, public_only: bool, today: date) -> Iterator[dict]:
    fields = (
        "indicator__code",
        "period",
        "geography__code",
        "breakdown_key",
        "value",
        "numerator",
        "denominator",
        "standard_error",
        "sample_size",
        "progress_value",
        "is_provisional",
        "source",
        "released_on",
        "note",
    )
    # A withheld observation has no value, which the import format requires: the public table leaves it
    # out, so that the open data re-import (the Open SDG files show it with a blank Value).
    rows = _observation_tuples(public_only=public_only, today=today, fields=fields, skip_withheld=True)
    for (
        indicator,
        period,
        geography,
        key,
        value,
        numerator,
        denominator,
        standard_error,
        sample_size,
        progress_value,
        is_provisional,
        source,
        released_on,
        note,
    ) in rows:
        row = {
            "indicator": indicator,
            "period": period,
            "geography": geography,
            "value": value,
            "numerator": numerator,
            "denominator": denominator,
            "standard_error": standard_error,
            "sample_size": sample_size,
            "progress_value": progress_value,
            "status": "provisional" if is_provisional else "final",
            "source": source,
            "released_on": released_on,
            "note": note,
        }
        row.update(parse_key(key))
        yield row


def _write_csv(path: Path, columns: list[Column], rows: Iterable[dict]) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = CSVWriter(handle, lineterminator="\n")
        writer.writerow([column.name for column in columns])
        for row in rows:
            writer.writerow([column.format(row.get(column.name)) for column in columns])
            count += 1
    return count


def _write_workbook(path: Path, tables: list[tuple[str, list[Column], callable]]) -> dict[str, int]:
    workbook = WorkbookWriter(creator="teilhabe", timestamp=_FIXED_TIME)
    counts = {}
    for kind, columns, rows in tables:
        sheet, number, count, in_sheet = None, 1, 0, 0
        for row in _with_header(columns, rows()):
            if sheet is None or in_sheet > SHEET_ROWS:
                sheet = workbook.add_sheet(kind if number == 1 else f"{kind}_{number}")
                in_sheet = 0
                if number > 1:
                    sheet.append([column.name for column in columns])
                number += 1
            sheet.append(row)
            in_sheet += 1
            count += 1
        counts[kind] = count - 1
    _write_reproducible_zip(workbook.to_bytes(), path)
    return counts


def _with_header(columns: list[Column], rows: Iterable[dict]) -> Iterator[list]:
    yield [column.name for column in columns]
    for row in rows:
        yield [column.cell(row.get(column.name)) for column in columns]


def _write_reproducible_zip(data: bytes, path: Path) -> None:
    """Rewrite the workbook's zip with fixed entry times and order, so equal content gives equal bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "docProps/core.xml":
                content = _fixed_core_properties(content)
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, content)


def _fixed_core_properties(content: bytes) -> bytes:
    import re

    stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\g<2>", content)


# --- Open SDG -------------------------------------------------------------------------------------


def _write_opensdg(directory: Path, *, public_only: bool, today: date, progress=_no_progress) -> list[Path]:
    """opensdg/indicator_<code>.csv: Year, one column per breakdown dimension used, GeoCode, Value.

    Year is the year a period starts in (a school year 2016/17 → 2016; a date → its year; of several
    dates in one year the latest). The city's rows have an empty GeoCode, as Open SDG's headline series.
    """
    (directory / OPENSDG_DIRECTORY).mkdir(exist_ok=True)
    order = {
        code: index
        for index, code in enumerate(
            BreakdownDimension.objects.order_by("position", "code").values_list("code", flat=True)
        )
    }
    city_codes = set(Geography.objects.filter(level=Geography.Level.CITY).values_list("code", flat=True))
    written = []
    indicators = Indicator.objects.order_by("code")
    for indicator in progress(indicators, total=indicators.count(), desc="Open SDG files"):
        series: dict[tuple[str, str, int], tuple] = {}
        rows = _observation_tuples(
            public_only=public_only,
            today=today,
            fields=("period", "breakdown_key", "geography__code", "value", "period_start"),
            indicator=indicator,
        )
        # By period within each series; the last period of a year wins (a withheld one gives a blank Value).
        for period, key, geography, value, _start in sorted(rows, key=lambda row: (row[4], row[0])):
            year = parse_period(period).year
            geo_code = "" if geography in city_codes else geography
            series[(geo_code, key, year)] = (value,)  # later periods of the same year win
        used = sorted(
            {dimension for (_geo, key, _year) in series for dimension in parse_key(key)},
            key=lambda code: (order.get(code, len(order)), code),
        )
        path = Path(OPENSDG_DIRECTORY) / f"indicator_{_file_code(indicator.code)}.csv"
        with open(directory / path, "w", encoding="utf-8", newline="") as handle:
            writer = CSVWriter(handle, lineterminator="\n")
            writer.writerow(["Year", *used, "GeoCode", "Value"])
            for (geo_code, key, year), (value,) in sorted(
                series.items(), key=lambda item: (item[0][0] != "", item[0][0], item[0][1], item[0][2])
            ):
                categories = parse_key(key)
                writer.writerow(
                    [year, *(categories.get(dimension, "") for dimension in used), geo_code, format_number(value)]
                )
        written.append(path)
    return written


def _file_code(code: str) -> str:
    """Open SDG file names use '-' between the parts of a code (1.2.3 → 1-2-3)."""
    return "".join(character if character.isalnum() or character in "-_" else "-" for character in code)
