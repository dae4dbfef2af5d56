"""Cross-tabulate two categorical answers with counts, shares and small-cell suppression.

Suppression rule (primary and secondary): docs/methods/survey-weighting.md, section 10.
Pure module: sequences in, frozen dataclasses out.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike

from teilhabe.surveys.estimates import as_weights

# Below this, a singular value of the constraint matrix counts as zero and a
# null-space component as absent; counts are small integers, so the gap is wide.
_NUMERICAL_ZERO = 1e-9


class Suppression(StrEnum):
    NONE = "none"
    PRIMARY = "primary"  # fewer respondents than the threshold (but at least one)
    SECONDARY = "secondary"  # hidden so that no primary cell can be recomputed from the totals


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
    row_categories: Sequence[Hashable] | None = None,
    column_categories: Sequence[Hashable] | None = None,
) -> Crosstab:
    """Counts, weighted counts and row/column/total shares of ``rows`` × ``columns``.

    One pair of answers per respondent; filter missing answers first (None
    is refused, as it marks totals). Categories default to the sorted values
    seen; pass them to fix the order or to show empty categories. Cells with
    1 ≤ count < ``threshold`` respondents are suppressed, then further cells
    until no suppressed cell can be recomputed from the published ones.
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

    suppression = _suppress(counts, threshold)
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
            labels = sorted(set(values))
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


def _suppress(counts: np.ndarray, threshold: int) -> np.ndarray:
    """Mark cells of the table with totals (last row and column) as primary or secondary.

    Primary: interior cells with 1 ≤ count < threshold. Secondary, repeated
    while some hidden cell can still be recomputed: extend the first line
    (row, then column) holding exactly one hidden cell, or, when no such line
    is left, the row or column of the first recomputable cell, by hiding one
    more cell on it (section 10).
    """
    suppression = np.zeros(counts.shape, dtype=np.int8)
    interior = np.zeros(counts.shape, dtype=bool)
    interior[:-1, :-1] = True
    suppression[interior & (counts >= 1) & (counts < threshold)] = _PRIMARY
    while True:
        hidden = suppression != _NONE
        determined = _recomputable(hidden)
        if determined is None:
            return suppression
        suppression[_choose_partner(determined, hidden, counts)] = _SECONDARY


def _recomputable(hidden: np.ndarray) -> tuple[int, int] | None:
    """The first hidden cell whose value the additive structure determines, if any.

    Unknowns are the hidden cells; each row and each column of the table with
    totals gives one equation (cells sum to the total). A hidden cell is
    determined exactly when every solution of the homogeneous system leaves
    it at zero, i.e. its coordinate vanishes on the null space.
    """
    positions = np.argwhere(hidden)
    if positions.size == 0:
        return None
    rows, columns = hidden.shape
    # Equation per line: interior cells count +1, the line's total cell −1.
    matrix = np.zeros((rows + columns, len(positions)))
    for unknown, (i, j) in enumerate(positions):
        matrix[i, unknown] = -1.0 if j == columns - 1 else 1.0
        matrix[rows + j, unknown] = -1.0 if i == rows - 1 else 1.0
    _, singular_values, right = np.linalg.svd(matrix)
    rank = int((singular_values > _NUMERICAL_ZERO * max(1.0, singular_values.max(initial=0.0))).sum())
    null_space = right[rank:]
    magnitude = np.abs(null_space).max(axis=0) if null_space.size else np.zeros(len(positions))
    determined = np.flatnonzero(magnitude < _NUMERICAL_ZERO)
    if determined.size == 0:
        return None
    i, j = positions[determined[0]]
    return int(i), int(j)


def _choose_partner(determined: tuple[int, int], hidden: np.ndarray, counts: np.ndarray) -> tuple[int, int]:
    """Pick the published cell to hide next.

    The line to extend is the first row, else column, with exactly one hidden
    cell, since that cell equals the total minus the published cells; without
    such a line, the row (else column) through ``determined``. On the line,
    prefer in order: a non-empty cell (an empty one hides little, since
    counts cannot be negative), an interior cell over a total, a cell whose
    crossing line already has a hidden cell (this closes a cycle), the
    smallest count, the first position.
    """
    rows, columns = counts.shape
    row_hidden, column_hidden = hidden.sum(axis=1), hidden.sum(axis=0)
    lines: list[tuple[str, int]] = [("row", int(i)) for i in np.flatnonzero(row_hidden == 1)]
    lines += [("column", int(j)) for j in np.flatnonzero(column_hidden == 1)]
    lines += [("row", determined[0]), ("column", determined[1])]
    for orientation, index in lines:
        if orientation == "row":
            candidates = [(index, b) for b in range(columns) if not hidden[index, b]]
        else:
            candidates = [(a, index) for a in range(rows) if not hidden[a, index]]
        if candidates:
            break
    else:
        # Both lines through the cell are fully hidden: any published cell will do.
        orientation = "table"
        candidates = [(int(a), int(b)) for a, b in np.argwhere(~hidden)]
        if not candidates:
            raise AssertionError("a fully suppressed table cannot have a recomputable cell")

    def preference(position: tuple[int, int]) -> tuple[bool, bool, bool, int, tuple[int, int]]:
        a, b = position
        is_total = a == rows - 1 or b == columns - 1
        crossing_hidden = column_hidden[b] if orientation == "row" else row_hidden[a]
        return (counts[a, b] == 0, is_total, crossing_hidden == 0, int(counts[a, b]), position)

    return min(candidates, key=preference)
