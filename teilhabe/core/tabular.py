"""The one CSV writer and the one XLSX writer for every export, public and staff.

Spreadsheet programs run a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula (CSV injection: `=HYPERLINK(...)` typed by a resident, `+cmd|' /C calc'!A0` in a title). Both
writers therefore pass every text cell through `neutralise`, which follows OWASP's rule and puts a single
quote in front of such text. Decisions (docs/security.md, "Formula injection"):

- Numbers stay numbers: ints, floats, Decimals, dates and booleans are written unchanged, and so is text
  that is nothing but a decimal number ("-3.5", "+2", "1e-3"): every spreadsheet reads that as a number,
  never as a formula, and the exports write formatted numbers as text (the import format's "-0.25").
- In XLSX every text cell is written with the string type, never as a formula or an error value, in
  addition to the quote.
- The quote is part of the exported text. The importer of the concept format drops it again
  (`restore`), so export → import → export gives the same files.

No other module writes CSV or XLSX for output; tests/core/test_tabular.py enforces that.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][-+]?\d+)?\Z", re.ASCII)
# XML 1.0 cannot hold these control characters; openpyxl would refuse the whole workbook.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: object) -> object:
    """The value as it may appear in a spreadsheet cell: text that would start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.match(value):
        return QUOTE + value
    return value


def restore(value: str) -> str:
    """Undo `neutralise` on text read back from an export (the import of the concept format)."""
    if value.startswith(QUOTE) and value[1:].startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.match(value[1:]):
        return value[1:]
    return value


# --- CSV ---------------------------------------------------------------------------------------


class TextSink(Protocol):
    """Where CSVWriter writes: a text file or buffer, or `_Echo`, whose write returns the line it is given."""

    def write(self, text: str, /) -> Any: ...


class CSVWriter:
    """csv.writer with every cell neutralised; `writerow` returns what the stream's write returns, so a
    stream whose write returns its argument turns rows into lines for a streaming response."""

    def __init__(self, stream: TextSink, *, lineterminator: str = "\r\n", guard_formulas: bool = True) -> None:
        """guard_formulas=False only for a file that teilhabe's own importer reads back and nobody downloads
        (the API's observation upload hands its rows to the file importer that way)."""
        self._writer = csv.writer(stream, lineterminator=lineterminator)
        self._guard = guard_formulas
        # csv quotes a field only for the characters of its own line terminator: with "\n", a bare carriage
        # return inside a text would stay unquoted, and readers would start a new row (and a new cell) there.
        self._bare_returns = "\r" not in lineterminator

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([self._cell(value) for value in row])

    def _cell(self, value: object) -> object:
        if self._guard:
            value = neutralise(value)
        if self._bare_returns and isinstance(value, str) and "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


class _Echo:
    def write(self, value: str) -> str:
        return value


def write_csv(
    rows: Iterable[Sequence[object]], header: Sequence[str], stream: IO[str], *, lineterminator: str = "\r\n"
) -> int:
    """Header and rows to `stream`; returns the number of rows (without the header)."""
    writer = CSVWriter(stream, lineterminator=lineterminator)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def csv_lines(
    rows: Iterable[Sequence[object]], header: Sequence[str], *, lineterminator: str = "\r\n"
) -> Iterator[str]:
    """The CSV as an iterator of lines, for a StreamingHttpResponse."""
    writer = CSVWriter(_Echo(), lineterminator=lineterminator)
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_text(rows: Iterable[Sequence[object]], header: Sequence[str], *, lineterminator: str = "\r\n") -> str:
    buffer = io.StringIO()
    write_csv(rows, header, buffer, lineterminator=lineterminator)
    return buffer.getvalue()


# --- XLSX --------------------------------------------------------------------------------------


class WorkbookWriter:
    """An XLSX workbook written in constant memory (openpyxl's write-only mode), text never a formula.

    book = WorkbookWriter()
    sheet = book.add_sheet("contributions", widths=[10, 40])
    sheet.append(["title", "text"], bold=True)
    sheet.append(row)
    book.save(stream)      # or book.to_bytes()
    """

    def __init__(self, *, creator: str | None = None, timestamp: datetime | None = None) -> None:
        from openpyxl import Workbook

        self._workbook = Workbook(write_only=True)
        if creator is not None:
            self._workbook.properties.creator = creator
        if timestamp is not None:
            self._workbook.properties.created = self._workbook.properties.modified = timestamp

    def add_sheet(self, title: str, *, widths: Sequence[float] = (), freeze_header: bool = False) -> SheetWriter:
        sheet = self._workbook.create_sheet(title[:31])
        if widths:
            from openpyxl.utils import get_column_letter

            for index, width in enumerate(widths, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = width
        if freeze_header:
            sheet.freeze_panes = "A2"
        return SheetWriter(sheet)

    def save(self, stream: IO[bytes]) -> None:
        self._workbook.save(stream)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()


class SheetWriter:
    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self._sheet = sheet
        self.rows = 0

    def append(
        self,
        row: Iterable[object],
        *,
        bold: bool = False,
        wrap_from: int | None = None,
        number_formats: dict[int, str] | None = None,
    ) -> None:
        """One row; `bold` for headings, `wrap_from` (0-based column) wraps long texts from that column on,
        `number_formats` (0-based column → Excel format such as "#,##0.0") shows a stored number rounded."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import TYPE_STRING
        from openpyxl.styles import Alignment, Font

        cells = []
        for index, value in enumerate(row):
            cell = WriteOnlyCell(self._sheet, value=_xlsx_value(value))
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # never 'f' (formula) or 'e' (an error value such as "#N/A")
            if bold:
                cell.font = Font(bold=True)
            if number_formats and index in number_formats and isinstance(cell.value, (int, float)):
                cell.number_format = number_formats[index]
            if wrap_from is not None and index >= wrap_from:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            cells.append(cell)
        self._sheet.append(cells)
        self.rows += 1


def _xlsx_value(value: object) -> object:
    if isinstance(value, str):
        return neutralise(_ILLEGAL_XML.sub("", value))
    return value


def build_workbook(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> bytes:
    """A workbook from (title, header, rows) per sheet, the header in bold."""
    book = WorkbookWriter()
    for title, header, rows in sheets:
        sheet = book.add_sheet(title)
        sheet.append(header, bold=True)
        for row in rows:
            sheet.append(row)
    return book.to_bytes()
