"""Cross-tabulate two categorical answers with counts, shares and small-cell suppression.

Suppression rule (primary and secondary): docs/methods/survey-weighting.md, section 10.
Pure module: sequences in, frozen dataclasses out.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike

from teilhabe.core import disclosure
from teilhabe.surveys.estimates import as_weights


class Suppression(StrEnum):
    NONE = "none"
    PRIMARY = "primary"  # fewer respondents than the threshold (but at least one)
    SECONDARY = "secondary"  # hidden so that no hidden cell can be narrowed down from the published ones


@dataclass(frozen=True)
class Cell:
    """One cell of the table; ``row``/``column`` is None for a total.

    Every number is None when the cell is suppressed; a share is also None
    when its base (row, column or grand total) is suppressed or zero.
    """

    row: Hashable | None
    column: Hashable | None
    count: int | None  # unweighted respondents
    weighted_count: float | None  # sum of weights; equals count without weights
    row_share: float | None  # of the row total
    column_share: float | None  # of the column total
    total_share: float | None  # of the grand total
    suppression: Suppression

    @property
    def is_suppressed(self) -> bool:
        return self.suppression is not Suppression.NONE


@dataclass(frozen=True)
class Crosstab:
    row_categories: tuple[Hashable, ...]
    column_categories: tuple[Hashable, ...]
    cells: tuple[tuple[Cell, ...], ...]  # cells[row][column], without totals
    row_totals: tuple[Cell, ...]  # one per row category, column None
    column_totals: tuple[Cell, ...]  # one per column category, row None
    grand_total: Cell
    threshold: int
    is_weighted: bool

    def cell(self, row: Hashable, column: Hashable) -> Cell:
        return self.cells[self.row_categories.index(row)][self.column_categories.index(column)]


def cross_tabulate(
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
    *,
    weights: ArrayLike | None = None,
    threshold: int = 5,
    protection_range: int | None = None,
    row_categories: Sequence[Hashable] | None = None,
    column_categories: Sequence[Hashable] | None = None,
) -> Crosstab:
    """Counts, weighted counts and row/column/total shares of ``rows`` × ``columns``.

    One pair of answers per respondent; filter missing answers first (None
    is refused, as it marks totals). Categories default to the sorted values
    seen; pass them to fix the order or to show empty categories. Cells with
    1 ≤ count < ``threshold`` respondents are suppressed, then further cells
    until no suppressed cell can be narrowed to an interval narrower than
    ``protection_range`` (default: ``threshold``) from the published ones.
    """
    if len(rows) != len(columns):
        raise ValueError(f"need one row and one column value per respondent, got {len(rows)} and {len(columns)}")
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, got {threshold}")
    weight_array = as_weights(weights, len(rows))
    row_labels, row_codes = _encode(rows, row_categories, "row")
    column_labels, column_codes = _encode(columns, column_categories, "column")
    shape = (len(row_labels), len(column_labels))

    counts = np.zeros((shape[0] + 1, shape[1] + 1), dtype=np.int64)
    weighted = np.zeros((shape[0] + 1, shape[1] + 1))
    flat = row_codes * shape[1] + column_codes
    size = shape[0] * shape[1]
    counts[:-1, :-1] = np.bincount(flat, minlength=size).reshape(shape)
    weighted[:-1, :-1] = np.bincount(flat, weights=weight_array, minlength=size).reshape(shape)
    for table in (counts, weighted):
        table[:-1, -1] = table[:-1, :-1].sum(axis=1)
        table[-1, :] = table[:-1, :].sum(axis=0)

    suppression = _suppress(counts, threshold, protection_range)
    values = weighted if weights is not None else counts.astype(float)
    hidden = suppression != _NONE

    def make_cell(i: int, j: int) -> Cell:
        kind = Suppression(_KINDS[suppression[i, j]])
        if hidden[i, j]:
            return Cell(_label(row_labels, i), _label(column_labels, j), None, None, None, None, None, kind)
        return Cell(
            row=_label(row_labels, i),
            column=_label(column_labels, j),
            count=int(counts[i, j]),
            weighted_count=float(weighted[i, j]),
            row_share=_share(values, hidden, (i, j), (i, -1)),
            column_share=_share(values, hidden, (i, j), (-1, j)),
            total_share=_share(values, hidden, (i, j), (-1, -1)),
            suppression=kind,
        )

    return Crosstab(
        row_categories=tuple(row_labels),
        column_categories=tuple(column_labels),
        cells=tuple(tuple(make_cell(i, j) for j in range(shape[1])) for i in range(shape[0])),
        row_totals=tuple(make_cell(i, shape[1]) for i in range(shape[0])),
        column_totals=tuple(make_cell(shape[0], j) for j in range(shape[1])),
        grand_total=make_cell(shape[0], shape[1]),
        threshold=threshold,
        is_weighted=weights is not None,
    )


_NONE, _PRIMARY, _SECONDARY = 0, 1, 2
_KINDS = {_NONE: Suppression.NONE, _PRIMARY: Suppression.PRIMARY, _SECONDARY: Suppression.SECONDARY}


def _label(labels: list[Hashable], index: int) -> Hashable | None:
    return labels[index] if index < len(labels) else None


def _share(values: np.ndarray, hidden: np.ndarray, cell: tuple[int, int], base: tuple[int, int]) -> float | None:
    if hidden[base] or values[base] == 0:
        return None
    return float(values[cell] / values[base])


def _encode(
    values: Sequence[Hashable], categories: Sequence[Hashable] | None, axis: str
) -> tuple[list[Hashable], np.ndarray]:
    for position, value in enumerate(values):
        if value is None:
            raise ValueError(f"{axis} value of respondent {position} is missing (None); filter missing answers first")
    if categories is None:
        try:
            # Sorting needs labels that compare with each other; the TypeError below says when they do not.
            labels = sorted(cast("set[Any]", set(values)))
        except TypeError as error:
            raise ValueError(f"{axis} values cannot be sorted ({error}); pass {axis}_categories explicitly") from error
    else:
        labels = list(categories)
        if len(set(labels)) != len(labels) or None in labels:
            raise ValueError(f"{axis}_categories must be unique and not None, got {labels}")
    index = {label: code for code, label in enumerate(labels)}
    codes = np.empty(len(values), dtype=np.intp)
    for position, value in enumerate(values):
        if value not in index:
            raise ValueError(
                f"{axis} value {value!r} of respondent {position} is not among the {axis} categories {labels}"
            )
        codes[position] = index[value]
    return labels, codes


def _suppress(counts: np.ndarray, threshold: int, protection_range: int | None) -> np.ndarray:
    """Mark cells of the table with totals (last row and column) as primary or secondary.

    Primary: cells (totals included) with 1 ≤ count < threshold. Secondary: further cells until the
    linear-programming audit of teilhabe.core.disclosure finds no hidden cell an attacker can narrow
    to an interval narrower than the protection range (section 10).
    """
    table = disclosure.grid_table(counts)
    thresholds = disclosure.Thresholds(minimum=threshold, reliable=threshold, protection_range=protection_range)
    primary = disclosure.primary_cells(table, thresholds)
    protection = disclosure.protect(table, primary, thresholds, shape=counts.shape)
    suppression = np.zeros(counts.size, dtype=np.int8)
    suppression[list(protection.primary)] = _PRIMARY
    suppression[list(protection.secondary)] = _SECONDARY
    return suppression.reshape(counts.shape)
