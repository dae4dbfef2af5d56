"""Statistical disclosure control: which figures may be published (docs/methods/disclosure-control.md).

Pure module, used by every public output of monitoring and surveys through their gateways. Two parts:
the cell rule (withheld / limited reliability / published) and the table audit, which computes the
interval an attacker can narrow each withheld cell to by linear programming, and the secondary
suppression that widens those intervals until none pins a withheld count.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
from scipy.optimize import linprog

# How far above 0 a lower bound an attacker derives must lie before it counts (LP round-off).
_TOLERANCE = 1e-6


class Reliability(StrEnum):
    WITHHELD = "withheld"  # "/" with the legend "no figure: too few cases"
    LIMITED = "limited"  # shown in parentheses: "limited reliability"
    PUBLISHED = "published"


@dataclass(frozen=True)
class Thresholds:
    """Counts below `minimum` are withheld; below `reliable` (and not withheld) of limited reliability.

    `protection_range`: the smallest width of the interval an attacker may narrow a withheld cell to
    (default: `minimum`).
    """

    minimum: int = 5
    reliable: int = 30
    protection_range: int | None = None

    def __post_init__(self) -> None:
        if self.minimum < 1:
            raise ValueError(f"minimum must be at least 1, got {self.minimum}")
        if self.reliable < self.minimum:
            raise ValueError(f"reliable ({self.reliable}) must not be below minimum ({self.minimum})")
        if self.protection_range is not None and self.protection_range < 1:
            raise ValueError(f"protection_range must be at least 1, got {self.protection_range}")

    @property
    def range(self) -> int:
        return self.protection_range if self.protection_range is not None else self.minimum

    def at_least(self, minimum: int | None) -> Thresholds:
        """These thresholds with the minimum raised to `minimum` (a per-indicator override never lowers it)."""
        if minimum is None or minimum <= self.minimum:
            return self
        return replace(self, minimum=minimum, reliable=max(self.reliable, minimum))


@dataclass(frozen=True)
class Figures:
    """The figures of one published cell (an observation, a survey share). None: not given.

    `is_count`: the value itself is a count of people (unit "number"), so a small value is a small count.
    """

    value: float | None = None
    standard_error: float | None = None
    ci_lower: float | None = None
    ci_upper: float | None = None
    sample_size: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    progress_value: float | None = None
    is_count: bool = False


@dataclass(frozen=True)
class Disclosed:
    """Figures as they may be published: every number None when withheld."""

    figures: Figures
    reliability: Reliability

    @property
    def is_withheld(self) -> bool:
        return self.reliability is Reliability.WITHHELD

    @property
    def is_limited(self) -> bool:
        return self.reliability is Reliability.LIMITED


def is_small(count: float | None, minimum: int) -> bool:
    """A count of people that must not be published: at least one, below the minimum."""
    return count is not None and math.isfinite(count) and 0 < count < minimum


def counts_of(figures: Figures) -> list[float]:
    """The counts of people a cell publishes or implies, including the complement of a share's numerator."""
    counts = [c for c in (figures.sample_size, figures.numerator, figures.denominator) if c is not None]
    if figures.numerator is not None and figures.denominator is not None:
        counts.append(figures.denominator - figures.numerator)
    if figures.is_count and figures.value is not None:
        counts.append(figures.value)
    return counts


def classify(figures: Figures, thresholds: Thresholds) -> Reliability:
    """Withheld when any count (n, numerator, denominator, denominator − numerator, a count value) is small;
    limited reliability when the base (n, else the denominator, else the count value) is below `reliable`."""
    counts = counts_of(figures)
    if any(is_small(count, thresholds.minimum) for count in counts):
        return Reliability.WITHHELD
    base = next(
        (c for c in (figures.sample_size, figures.denominator) if c is not None),
        figures.value if figures.is_count else None,
    )
    smallest = [c for c in (base, figures.numerator) if c is not None and c > 0]
    if smallest and min(smallest) < thresholds.reliable:
        return Reliability.LIMITED
    return Reliability.PUBLISHED


WITHHELD_FIGURES = Figures()


def disclose(figures: Figures, thresholds: Thresholds, *, is_secondary: bool = False) -> Disclosed:
    """Apply the cell rule; `is_secondary` withholds a cell that the table audit chose to hide.

    A withheld cell loses every number at once: n follows from a share and its standard error
    (n = p(1 − p)/SE²), the numerator from value × denominator, so none may stay.
    """
    reliability = Reliability.WITHHELD if is_secondary else classify(figures, thresholds)
    if reliability is Reliability.WITHHELD:
        return Disclosed(replace(WITHHELD_FIGURES, is_count=figures.is_count), reliability)
    return Disclosed(figures, reliability)


# --------------------------------------------------------------------------- tables and their audit


@dataclass(frozen=True)
class Table:
    """Cells of any shape with the additive relations an attacker knows.

    `values[k]` is the true count of cell k. Each relation (total, parts) says
    values[total] == sum(values[parts]); a relation that does not hold in the data is ignored,
    since an attacker cannot rely on it either.
    """

    values: tuple[float, ...]
    relations: tuple[tuple[int, tuple[int, ...]], ...]
    labels: tuple[object, ...] = ()

    def holding_relations(self) -> list[tuple[int, tuple[int, ...]]]:
        return [
            (total, parts)
            for total, parts in self.relations
            if parts and abs(self.values[total] - sum(self.values[p] for p in parts)) <= _TOLERANCE
        ]


@dataclass(frozen=True)
class Interval:
    low: float
    high: float  # math.inf when unbounded

    @property
    def width(self) -> float:
        return self.high - self.low


def grid_table(counts: Sequence[Sequence[float]] | np.ndarray) -> Table:
    """A table whose last row and column are the totals of the others (cell k = i * columns + j)."""
    matrix = np.asarray(counts, dtype=float)
    rows, columns = matrix.shape
    relations = []
    for i in range(rows):
        relations.append((i * columns + columns - 1, tuple(i * columns + j for j in range(columns - 1))))
    for j in range(columns):
        relations.append(((rows - 1) * columns + j, tuple(i * columns + j for i in range(rows - 1))))
    labels = tuple((i, j) for i in range(rows) for j in range(columns))
    return Table(values=tuple(float(v) for v in matrix.ravel()), relations=tuple(relations), labels=labels)


def _equations(table: Table, hidden: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The holding relations as A x = b over the hidden cells, published cells moved to the right side."""
    column = {cell: position for position, cell in enumerate(hidden)}
    rows, rhs = [], []
    for total, parts in table.holding_relations():
        coefficients = np.zeros(len(hidden))
        constant = 0.0
        for cell, sign in [(total, -1.0), *((p, 1.0) for p in parts)]:
            if cell in column:
                coefficients[column[cell]] += sign
            else:
                constant += sign * table.values[cell]
        if np.any(coefficients):
            rows.append(coefficients)
            rhs.append(-constant)
    return np.array(rows).reshape(len(rows), len(hidden)), np.array(rhs)


class _Programme:
    """The attacker's linear programme over the hidden cells of a table."""

    def __init__(self, table: Table, hidden: Iterable[int]) -> None:
        self.hidden = sorted(set(hidden))
        self.position = {cell: position for position, cell in enumerate(self.hidden)}
        self.matrix, self.rhs = _equations(table, self.hidden)
        self.bounds = [(min(1.0, table.values[cell]), None) for cell in self.hidden]

    def floor(self, cell: int) -> float:
        return self.bounds[self.position[cell]][0]

    def is_free(self, cell: int) -> bool:
        """In no relation with anything: the attacker learns nothing beyond its lower bound."""
        return not self.matrix.size or not self.matrix[:, self.position[cell]].any()

    def extreme(self, cell: int, sense: float) -> float:
        """The smallest (sense 1) or largest (sense −1) feasible value of the cell, rounded inwards."""
        if self.is_free(cell):
            return self.floor(cell) if sense > 0 else math.inf
        objective = np.zeros(len(self.hidden))
        objective[self.position[cell]] = sense
        solved = linprog(objective, A_eq=self.matrix, b_eq=self.rhs, bounds=self.bounds, method="highs")
        if solved.status == 3:  # unbounded
            return math.inf
        if solved.status != 0:
            raise ArithmeticError(f"feasible interval of cell {cell}: {solved.message}")
        if sense > 0:
            return max(self.floor(cell), math.ceil(solved.fun - _TOLERANCE))
        return math.floor(-solved.fun + _TOLERANCE)

    def interval(self, cell: int) -> Interval:
        return Interval(self.extreme(cell, 1.0), self.extreme(cell, -1.0))


def feasible_intervals(table: Table, hidden: Iterable[int]) -> dict[int, Interval]:
    """For each hidden cell, the smallest and largest value consistent with everything published.

    The attacker knows every published cell, every relation that holds, that counts are not negative
    and that a hidden cell is at least 1 (empty cells are published as 0; a hidden cell that is in
    fact 0 only gets the weaker bound 0). Bounds are rounded inwards to integers, as counts are whole.
    Solved with HiGHS (scipy.optimize.linprog), two programmes per hidden cell.
    """
    programme = _Programme(table, hidden)
    return {cell: programme.interval(cell) for cell in programme.hidden}


@dataclass(frozen=True)
class Exposure:
    """A withheld cell an attacker narrows too far."""

    cell: int
    label: object
    value: float
    interval: Interval
    reason: str


def _exposures(
    table: Table, hidden: Iterable[int], primary: Iterable[int], thresholds: Thresholds, *, safe: set[int] | None = None
) -> Iterator[Exposure]:
    """Yield the exposed hidden cells; cells found safe are added to `safe` and not checked again
    (hiding more cells only widens intervals, so a safe cell stays safe).

    The largest value is solved first: when it alone lies `range` above the true value (and, for a
    primary cell, reaches the minimum), the interval is wide enough whatever its low end.
    """
    primary = set(primary)
    safe = set() if safe is None else safe
    programme = _Programme(table, hidden)
    for cell in programme.hidden:
        if cell in safe:
            continue
        value = table.values[cell]
        high = programme.extreme(cell, -1.0)
        reaches = cell not in primary or high >= thresholds.minimum
        if high - value >= thresholds.range and reaches:
            safe.add(cell)
            continue
        interval = Interval(programme.extreme(cell, 1.0), high)
        label = table.labels[cell] if cell < len(table.labels) else cell
        if interval.width < thresholds.range:
            exact = interval.width < 0.5
            reason = "recovered exactly" if exact else f"narrowed to [{interval.low:g}, {interval.high:g}]"
            yield Exposure(cell, label, value, interval, reason)
        elif not reaches:
            yield Exposure(cell, label, value, interval, f"known to lie below {thresholds.minimum}")
        else:
            safe.add(cell)


def audit(table: Table, hidden: Iterable[int], primary: Iterable[int], thresholds: Thresholds) -> list[Exposure]:
    """Withheld cells that the published ones do not protect.

    Every hidden cell needs an interval at least `thresholds.range` wide; a primary cell's interval
    must also reach the minimum, or the attacker learns that a small count lies there.
    """
    return list(_exposures(table, hidden, primary, thresholds))


@dataclass(frozen=True)
class Protection:
    primary: frozenset[int]
    secondary: frozenset[int]

    @property
    def hidden(self) -> frozenset[int]:
        return self.primary | self.secondary


def protect(
    table: Table, primary: Iterable[int], thresholds: Thresholds, *, shape: tuple[int, int] | None = None
) -> Protection:
    """Hide further cells until `audit` finds nothing (greedy secondary suppression).

    For a grid (`shape`, see grid_table) each inner primary cell first gets a rectangle of hidden
    cells (_rectangles). Then, while the audit exposes a cell, hide a published non-empty cell:
    one sharing a relation with the exposed cell (same row or column) first, inner cells before
    totals, cells at least as large as the protection range before smaller ones, then the smallest.
    Without such a cell, any published non-empty one. Ends when nothing is exposed or nothing is left.
    """
    primary = frozenset(primary)
    hidden = set(primary)
    if shape is not None:
        hidden |= _rectangles(table, primary, thresholds, shape)
    relations = table.holding_relations()
    totals = {total for total, _parts in relations}
    safe: set[int] = set()
    while (exposure := next(_exposures(table, hidden, primary, thresholds, safe=safe), None)) is not None:
        exposed = exposure.cell
        related = {c for total, parts in relations if exposed == total or exposed in parts for c in (total, *parts)}
        published = [c for c in range(len(table.values)) if c not in hidden and table.values[c] > 0]
        if not published:
            break

        def preference(cell: int, related: set[int] = related) -> tuple[bool, bool, bool, float, int]:
            value = table.values[cell]
            return (cell not in related, cell in totals, value < thresholds.range, value, cell)

        hidden.add(min(published, key=preference))
    return Protection(primary=primary, secondary=frozenset(hidden - primary))


def _rectangles(table: Table, primary: frozenset[int], thresholds: Thresholds, shape: tuple[int, int]) -> set[int]:
    """Hide, for each inner primary cell (i, j), the corners of a rectangle (i, j'), (i', j), (i', j').

    Moving +d, −d, −d, +d round a rectangle of inner cells keeps every total, so the cell can lie
    anywhere in [v − down, v + up] with up = min(x[i, j'], x[i', j]) − 1, down = min(v, x[i', j']) − 1.
    Of the rectangles wide enough (up + down ≥ range, v + up ≥ minimum) the one adding the least to
    the hidden counts is taken; with none wide enough, the widest. Cells already hidden cost nothing.
    """
    rows, columns = shape
    values = np.asarray(table.values, dtype=float).reshape(rows, columns)
    hidden: set[int] = set(primary)
    inner = [
        c
        for c in sorted(primary, key=lambda c: (table.values[c], c))
        if c // columns < rows - 1 and c % columns < columns - 1
    ]
    for cell in inner:
        i, j = divmod(cell, columns)
        v = values[i, j]
        best = None
        for other_row in range(rows - 1):
            for other_column in range(columns - 1):
                if other_row == i or other_column == j:
                    continue
                corners = [i * columns + other_column, other_row * columns + j, other_row * columns + other_column]
                if any(values.flat[c] <= 0 for c in corners):
                    continue
                up = min(values[i, other_column], values[other_row, j]) - 1
                down = min(v, values[other_row, other_column]) - 1
                wide = up + down >= thresholds.range and v + up >= thresholds.minimum
                cost = sum(values.flat[c] for c in corners if c not in hidden)
                key = (not wide, -(up + down) if not wide else cost, cost)
                if best is None or key < best[0]:
                    best = (key, corners)
        if best is not None:
            hidden.update(best[1])
    return hidden - set(primary)


def primary_cells(table: Table, thresholds: Thresholds) -> set[int]:
    """Cells holding a small count."""
    return {cell for cell, value in enumerate(table.values) if is_small(value, thresholds.minimum)}
