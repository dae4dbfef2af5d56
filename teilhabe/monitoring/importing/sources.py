"""Finding the tables in files and directories and reading their rows from CSV or XLSX, streaming.

A table's kind comes from the file name (`observations.csv`, `observations_2024.csv`) or, in
a workbook, from the sheet name. Rows are numbered as a spreadsheet shows them: the header
is row 1. Blank rows are skipped; a row with more or fewer fields than the header is refused.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils.cell import get_column_letter, range_boundaries

from teilhabe.core.uploads import check_archive

from .cells import WHITESPACE
from .problems import ProblemLog

# Dependency order: a table only refers to tables before it.
KINDS = (
    "authorities",
    "editions",
    "breakdowns",
    "geography",
    "areas",
    "sub_goals",
    "indicators",
    "measures",
    "targets",
    "observations",
)
_KIND_NAME = re.compile(r"^(" + "|".join(sorted(KINDS, key=len, reverse=True)) + r")(?:[_\-. ].*)?$")
DATA_SUFFIXES = (".csv", ".xlsx")
CSV_CHUNK_ROWS = 10_000
CSV_BLOCK_CHARACTERS = 1 << 20  # text blocks of whole lines, for a caller that copies a plain file as it is


def kind_of(name: str) -> str | None:
    """The table kind a file or sheet name stands for, or None."""
    match = _KIND_NAME.match(name.strip().lower())
    return match.group(1) if match else None


@dataclass
class Source:
    """One table to read: a CSV file or one sheet of a workbook."""

    kind: str
    label: str
    path: Path
    sheet: str | None = None
    size: int = 0

    @property
    def order(self) -> tuple[int, str]:
        return KINDS.index(self.kind), self.label


@dataclass
class Table:
    """An open table: its header (lower-cased, stripped) and its rows as (row number, cells).

    A CSV table also offers `lines`, an alternative to `rows` (use one of them): the same records,
    but a record that is one plain line (no quotes, exactly one field per column, not blank) comes
    as that line's text without its line end, for a caller that can pass it on without splitting.
    `blocks()` reads the same lines again from the start (a separate handle), as text blocks of whole
    lines, for a caller that checks the records itself and falls back to `lines` when they are not plain.
    """

    source: Source
    header: list[str]
    rows: Iterator[tuple[int, list[object]]]
    position: Callable[[], int] = field(default=lambda: 0)
    lines: Iterator[tuple[int, str | list[str]]] | None = None
    delimiter: str = ","
    blocks: Callable[[], Iterator[str]] | None = None


class SourceError(Exception):
    """A file cannot be read at all (encoding, empty, not a workbook)."""

    def __init__(self, row: int | None, column: str | None, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.column = column
        self.message = message


def collect_sources(paths: list[Path], problems: ProblemLog, *, labels: dict[Path, str] | None = None) -> list[Source]:
    """Expand directories (their *.csv and *.xlsx files, not sub-directories) and name each table's kind.

    `labels` gives display names for paths (the admin shows the uploaded name, not the temporary path).
    """
    labels = labels or {}
    sources: list[Source] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)
            if not files:
                problems.add(str(path), None, None, _("the directory holds no .csv or .xlsx files"))
            for file in files:
                sources.extend(_sources_of_file(file, labels.get(file, file.name), problems))
        elif path.is_file():
            sources.extend(_sources_of_file(path, labels.get(path, path.name), problems))
        else:
            problems.add(str(path), None, None, _("no such file or directory"))
    return sorted(sources, key=lambda source: source.order)


def _sources_of_file(path: Path, label: str, problems: ProblemLog) -> list[Source]:
    suffix = path.suffix.lower()
    known = ", ".join(KINDS)
    if suffix == ".csv":
        kind = kind_of(Path(label).stem)
        if kind is None:
            problems.add(
                label,
                None,
                None,
                _(
                    "cannot tell which table the file holds; name it after one of: %(kinds)s "
                    "(e.g. observations.csv or observations_2024.csv)"
                )
                % {"kinds": known},
            )
            return []
        return [Source(kind, label, path, size=path.stat().st_size)]
    if suffix == ".xlsx":
        try:
            check_archive(path, name=label)
        except ValidationError as error:
            problems.add(label, None, None, " ".join(error.messages))
            return []
        try:
            sheet_names = _sheet_names(path)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, DefusedXmlException):
            problems.add(label, None, None, _("not a readable XLSX workbook"))
            return []
        result = []
        for name in sheet_names:
            kind = kind_of(name)
            if kind is None:
                problems.add(
                    label,
                    None,
                    None,
                    _("sheet '%(sheet)s': cannot tell which table it holds; name each sheet after one of: %(kinds)s")
                    % {"sheet": name, "kinds": known},
                )
                continue
            result.append(Source(kind, f"{label} [{name}]", path, sheet=name, size=path.stat().st_size))
        return result
    problems.add(label, None, None, _("only .csv and .xlsx files can be imported"))
    return []


def _sheet_names(path: Path) -> list[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def open_table(source: Source, problems: ProblemLog, *, encoding: str = "utf-8") -> Table:
    """Open a source for reading; raises SourceError if it cannot be read at all.

    Rows that cannot be used (wrong number of fields, uncached formulas) are reported to
    `problems` and skipped, so that one pass finds them all.
    """
    if source.sheet is None:
        return _open_csv(source, problems, encoding)
    return _open_sheet(source, problems)


# --- CSV ---------------------------------------------------------------------------------------


def _open_csv(source: Source, problems: ProblemLog, encoding: str) -> Table:
    python_encoding = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        handle = open(source.path, encoding=python_encoding, newline="", errors="strict")  # noqa: SIM115
    except LookupError:
        raise SourceError(None, None, _("unknown encoding '%(encoding)s'") % {"encoding": encoding}) from None
    try:
        first_line = handle.readline()
    except UnicodeDecodeError:
        handle.close()
        raise _encoding_error(source.path, encoding) from None
    if not first_line.strip():
        handle.close()
        raise SourceError(None, None, _("the file is empty; the first row must name the columns"))
    delimiter = _sniff_delimiter(first_line)
    header = [cell.strip().lower() for cell in next(csv.reader([first_line], delimiter=delimiter))]
    reader = csv.reader(handle, delimiter=delimiter)
    width = len(header)

    def rows() -> Iterator[tuple[int, list[object]]]:
        row_number = 1
        try:
            for cells in reader:
                row_number += 1
                start = row_number
                # A quoted field may span lines; continue counting from where the record ended.
                row_number = reader.line_num + 1
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != width:
                    problems.add(source.label, start, None, _width_message(len(cells), width))
                    continue
                yield start, cells
        except UnicodeDecodeError:
            raise _encoding_error(source.path, encoding) from None
        except csv.Error as error:
            raise SourceError(row_number, None, _("the file is not valid CSV: %(error)s") % {"error": error}) from None
        finally:
            handle.close()

    def lines() -> Iterator[tuple[int, str | list[str]]]:
        # The hot loop of big files: a line without quotes and with one separator less than the header has
        # fields is one record, split exactly as csv would split it; it is passed on unsplit. Blank-looking
        # lines (first character a separator or white space) and all others go through the csv reader.
        pushback = _Pushback(handle)
        records = csv.reader(pushback, delimiter=delimiter)
        separators, irregular_start = width - 1, WHITESPACE + delimiter  # a line starting so may be blank
        row_number = 1
        try:
            for line in handle:
                row_number += 1
                if (
                    line.count(delimiter) == separators
                    and '"' not in line
                    and line[0] not in irregular_start
                    and "\x00" not in line
                ):
                    yield row_number, line.rstrip("\r\n")
                    continue
                pushback.push(line)
                cells = next(records)
                start, row_number = row_number, row_number + pushback.taken - 1
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != width:
                    problems.add(source.label, start, None, _width_message(len(cells), width))
                    continue
                if any("\x00" in cell for cell in cells):
                    problems.add(source.label, start, None, _("the row contains a NUL character; remove it"))
                    continue
                yield start, cells
        except UnicodeDecodeError:
            raise _encoding_error(source.path, encoding) from None
        except csv.Error as error:
            raise SourceError(row_number, None, _("the file is not valid CSV: %(error)s") % {"error": error}) from None
        finally:
            handle.close()

    def position() -> int:
        try:
            return handle.buffer.tell()
        except (ValueError, AttributeError):
            return source.size

    def blocks() -> Iterator[str]:
        # Decoding errors surface here too (UnicodeDecodeError); the caller then reads `lines`, which names the line.
        with open(source.path, encoding=python_encoding, newline="", errors="strict") as again:
            again.readline()  # the header
            while block := again.read(CSV_BLOCK_CHARACTERS):
                if not block.endswith(("\n", "\r")):
                    block += again.readline()
                elif block.endswith("\r"):
                    block += again.readline()  # the "\n" of "\r\n", if it follows
                yield block

    return Table(source, header, rows(), position, lines=lines(), delimiter=delimiter, blocks=blocks)


class _Pushback:
    """The lines of a file for a csv reader, starting with one line pushed back; counts the lines it hands out."""

    __slots__ = ("handle", "line", "taken")

    def __init__(self, handle) -> None:
        self.handle = handle
        self.line: str | None = None
        self.taken = 0

    def push(self, line: str) -> None:
        self.line, self.taken = line, 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line, self.line = self.line, None
        if line is None:
            line = next(self.handle)
        self.taken += 1
        return line


def _width_message(found: int, expected: int) -> str:
    if found > expected:
        return _(
            "the row has %(found)s fields but the header has %(expected)s: too many fields; remove the extra "
            "fields or quote values that contain the separator"
        ) % {"found": found, "expected": expected}
    return _("the row has %(found)s fields but the header has %(expected)s: too few fields; add the missing ones") % {
        "found": found,
        "expected": expected,
    }


def _sniff_delimiter(header_line: str) -> str:
    """';' or ',': whichever splits the header into more known-looking column names."""
    semicolons, commas = header_line.count(";"), header_line.count(",")
    return ";" if semicolons > commas else ","


def _encoding_error(path: Path, encoding: str) -> SourceError:
    """Name the first line that does not decode, found by a second, binary pass (only on failure)."""
    line_number = None
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                line_number = number
                break
    if encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig"):
        message = _(
            "the file is not UTF-8 encoded (it may be latin-1 / Windows-1252, as saved by older Excel "
            "versions); save it as 'CSV UTF-8' or pass --encoding latin-1"
        )
    else:
        message = _("the file cannot be read as %(encoding)s") % {"encoding": encoding}
    return SourceError(line_number, None, message)


# --- XLSX --------------------------------------------------------------------------------------


def _open_sheet(source: Source, problems: ProblemLog) -> Table:
    """Stream a sheet's cached values; a formula without a cached value and merged cells are errors."""
    from openpyxl import load_workbook

    merged = _merged_ranges(source)
    if merged:
        first = merged[0]
        min_col, min_row, max_col, max_row = range_boundaries(first)
        raise SourceError(
            min_row,
            get_column_letter(min_col),
            _("merged cells (%(ranges)s) are not supported; unmerge them and repeat the value in each cell")
            % {"ranges": ", ".join(merged[:5])},
        )
    values_book = load_workbook(source.path, read_only=True, data_only=True)
    formulas_book = load_workbook(source.path, read_only=True, data_only=False)
    values = values_book[source.sheet].iter_rows(values_only=True)
    formulas = formulas_book[source.sheet].iter_rows(values_only=True)
    header_values = next(values, None)
    next(formulas, None)
    if header_values is None or not any(cell not in (None, "") for cell in header_values):
        values_book.close()
        formulas_book.close()
        raise SourceError(None, None, _("the sheet is empty; the first row must name the columns"))
    header = [str(cell).strip().lower() if cell is not None else "" for cell in header_values]
    while header and header[-1] == "":
        header.pop()
    width = len(header)

    def rows() -> Iterator[tuple[int, list[object]]]:
        try:
            for row_number, (cells, formula_cells) in enumerate(zip(values, formulas, strict=False), start=2):
                cells = list(cells)
                uncached = False
                for index, cell in enumerate(cells):
                    if cell is None and index < len(formula_cells):
                        formula = formula_cells[index]
                        if isinstance(formula, str) and formula.startswith("="):
                            uncached = True
                            problems.add(
                                source.label,
                                row_number,
                                header[index] if index < width else get_column_letter(index + 1),
                                _(
                                    "the cell holds the formula %(formula)s without a saved result; open and save the "
                                    "workbook in Excel or LibreOffice so results are stored, or replace the formula "
                                    "by its value"
                                )
                                % {"formula": formula},
                            )
                    if isinstance(cell, str):
                        cells[index] = cell.strip()
                if uncached or not any(cell not in (None, "") for cell in cells):
                    continue
                if len(cells) > width:
                    used = max(index for index, cell in enumerate(cells) if cell not in (None, "")) + 1
                    if used > width:
                        problems.add(source.label, row_number, None, _width_message(used, width))
                        continue
                    cells = cells[:width]
                elif len(cells) < width:
                    cells.extend([None] * (width - len(cells)))
                yield row_number, cells
        finally:
            values_book.close()
            formulas_book.close()

    return Table(source, header, rows(), lambda: 0)


def _merged_ranges(source: Source) -> list[str]:
    """Merged ranges of a sheet, read from its XML part without loading the sheet (read-only mode hides them)."""
    from openpyxl import load_workbook

    workbook = load_workbook(source.path, read_only=True)
    try:
        part = workbook[source.sheet]._worksheet_path
    finally:
        workbook.close()
    ranges: list[str] = []
    with zipfile.ZipFile(source.path) as archive, archive.open(part) as stream:
        for _event, element in iterparse(stream, events=("end",)):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell":
                ranges.append(element.get("ref", ""))
            elif tag == "row":
                element.clear()
    return ranges
