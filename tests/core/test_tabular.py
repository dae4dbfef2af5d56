"""The one CSV and XLSX writer: formula triggers neutralised, numbers kept, and no other module writes either."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from teilhabe.core import tabular


@pytest.mark.parametrize(
    ("label", "value", "expected"),
    [
        ("equals", '=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("plus command", "+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("minus formula", "-2+3", "'-2+3"),
        ("at", "@SUM(1)", "'@SUM(1)"),
        ("tab", "\t=1", "'\t=1"),
        ("carriage return", "\r=1", "'\r=1"),
        ("lone minus", "-", "'-"),
        ("negative number as text", "-3.5", "-3.5"),
        ("signed integer as text", "+2", "+2"),
        ("exponent", "-1e-3", "-1e-3"),
        ("plain text", "Abendkurse", "Abendkurse"),
        ("quote inside", "it's =1", "it's =1"),
        ("int", -3, -3),
        ("float", -3.5, -3.5),
        ("decimal", Decimal("-0.25"), Decimal("-0.25")),
        ("none", None, None),
    ],
)
def test_neutralise(label, value, expected):
    assert tabular.neutralise(value) == expected


@pytest.mark.parametrize("value", ["=1", "-2+3", "@x", "\t=1", "plain", "-3.5", "'quoted"])
def test_restore_undoes_neutralise(value):
    assert tabular.restore(tabular.neutralise(value)) == value


def test_csv_quotes_a_carriage_return_even_with_newline_line_ends():
    """A bare \\r would end the row in a reader, and the rest of the text would start a new cell."""
    text = tabular.csv_text([["a\r=1", 2]], ["text", "n"], lineterminator="\n")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["text", "n"], ["a\n=1", "2"]]


def test_workbook_keeps_numbers_and_writes_text_as_strings():
    book = tabular.WorkbookWriter()
    sheet = book.add_sheet("t")
    sheet.append(["=1", "#N/A", -3.5, 7, Decimal("2.5"), "-3.5", "bell\x07"])
    cells = next(openpyxl.load_workbook(io.BytesIO(book.to_bytes())).active.iter_rows())
    assert [(cell.value, cell.data_type) for cell in cells] == [
        ("'=1", "s"),
        ("#N/A", "s"),
        (-3.5, "n"),
        (7, "n"),
        (2.5, "n"),
        ("-3.5", "s"),
        ("bell", "s"),
    ]


WRITERS = re.compile(r"\bcsv\.(writer|DictWriter)\b|\bopenpyxl\b.*\bWorkbook\b|\bWriteOnlyCell\b|\bWorkbook\(")


def test_no_module_but_tabular_writes_csv_or_xlsx():
    root = Path(tabular.__file__).resolve().parents[1]
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if path == Path(tabular.__file__).resolve() or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if WRITERS.search(line) and "load_workbook" not in line:
                offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []
