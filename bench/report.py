"""The closing table of `make bench`: figure | ours | baseline | ratio | goal | met.

A benchmark calls record() for each figure that has a goal; `python -m bench` runs every benchmark
in its own process, collects the rows (a JSON-lines file named by BENCH_RESULTS) and prints them as
one table at the end. Run on its own, a benchmark's record() prints the row instead.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

RESULTS = "BENCH_RESULTS"


@dataclass(frozen=True)
class Row:
    benchmark: str
    figure: str
    ours: float | None  # None: not measured (the reason is in `note`)
    baseline: float | None
    unit: str
    goal: str  # as a reader checks it, e.g. ">= 25 % of COPY" or "< 300 ms"
    met: bool | None  # None: no goal, or not measured
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline


def record(
    figure: str,
    ours: float | None,
    baseline: float | None = None,
    *,
    unit: str = "",
    goal: str = "",
    met: bool | None = None,
    note: str = "",
    benchmark: str = "",
    path: str | None = None,
) -> Row:
    """Report one figure for the closing table; `met` is decided by the benchmark, which knows the goal."""
    row = Row(benchmark or os.environ.get("BENCH_NAME", ""), figure, ours, baseline, unit, goal, met, note)
    path = path or os.environ.get(RESULTS)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(row)) + "\n")
    else:
        print("  table row: " + " | ".join(_cells(row)))
    return row


def read(path: str) -> list[Row]:
    try:
        with open(path, encoding="utf-8") as handle:
            return [Row(**json.loads(line)) for line in handle if line.strip()]
    except FileNotFoundError:
        return []


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def _cells(row: Row) -> list[str]:
    ratio = row.ratio
    met = {True: "yes", False: "NO", None: "-"}[row.met]
    ours = _number(row.ours, row.unit) if row.ours is not None else (row.note or "not measured")
    return [
        row.figure,
        ours,
        _number(row.baseline, row.unit),
        "-" if ratio is None else (f"{ratio:.1%}" if ratio < 2 else f"{ratio:.1f}x"),
        row.goal or "-",
        met,
    ]


def table(rows: list[Row]) -> str:
    """The rows as one plain-text table (Markdown pipe syntax, so it can be pasted into a note)."""
    header = ["figure", "ours", "baseline", "ratio", "goal", "met"]
    lines = [[f"{row.benchmark}: {row.figure}" if row.benchmark else row.figure, *_cells(row)[1:]] for row in rows]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]

    def format_line(cells: list[str]) -> str:
        return "| " + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)) + " |"

    separator = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([format_line(header), separator, *(format_line(cells) for cells in lines)])
