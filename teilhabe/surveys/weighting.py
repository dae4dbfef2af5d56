"""Rake respondent weights to population margins by iterative proportional fitting.

Formulas, convergence criterion and trimming rule: docs/methods/survey-weighting.md,
sections 5–8. Pure module: numpy arrays in, frozen dataclasses out.

Speed comes from raking cells, not respondents: every respondent in the same
combination of categories gets the same raking factor, so the sample is
collapsed once into cells (a bincount over the combined cell code), the small
cell table is raked, and the cell factors are mapped back to respondents with
one fancy index.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

# Above this many possible cells the dense cell table would waste memory, so
# occupied cells are found by sorting (np.unique) instead of by bincount.
_MAX_DENSE_CELLS = 1 << 22


class RakingError(ValueError):
    """Margins that raking cannot meet, named by margin and category."""

    def __init__(self, message: str, *, margin: str, category: Hashable | None = None) -> None:
        super().__init__(message)
        self.margin = margin
        self.category = category


@dataclass(frozen=True, eq=False)
class Dimension:
    """One weighting variable: a category code per respondent and, optionally, one-way targets.

    ``codes`` are integers 0..K−1, one per respondent; ``targets[k]`` is the
    population total of category k. A dimension without ``targets`` must be
    used in a ``JointTarget``.
    """

    name: str
    codes: np.ndarray
    targets: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class JointTarget:
    """A two-way margin: ``targets[a, b]`` is the population total of category a of
    ``dimensions[0]`` together with category b of ``dimensions[1]``."""

    dimensions: tuple[str, str]
    targets: np.ndarray


@dataclass(frozen=True)
class Trimming:
    """Bounds for weights relative to the mean weight, enforced by trimming and re-raking."""

    lower: float = 0.2
    upper: float = 5.0
    max_rounds: int = 100
    tolerance: float = 1e-6  # relative slack when checking the bounds after re-raking

    def __post_init__(self) -> None:
        if not (0.0 <= self.lower < 1.0 < self.upper) or not math.isfinite(self.upper):
            raise ValueError(f"trimming bounds need 0 <= lower < 1 < upper, got lower={self.lower}, upper={self.upper}")
        if self.max_rounds < 1:
            raise ValueError(f"trimming needs max_rounds >= 1, got {self.max_rounds}")


@dataclass(frozen=True)
class MarginError:
    """The largest deviation of achieved from target totals over the categories of one margin."""

    margin: str
    absolute: float
    relative: float


@dataclass(frozen=True)
class TrimmingReport:
    """What trimming did: absolute bounds, rounds of trim-and-re-rake, respondents touched."""

    lower_bound: float
    upper_bound: float
    rounds: int
    trimmed_respondents: int  # respondents whose weight was capped in at least one round
    is_within_bounds: bool  # after the final re-raking, within the relative tolerance
    max_relative_violation: float  # how far the final weights lie outside the bounds (0.0 if inside)


@dataclass(frozen=True)
class WeightSummary:
    """Diagnostics of a set of weights (section 8)."""

    n: int
    total: float
    minimum: float
    maximum: float
    mean: float
    coefficient_of_variation: float  # population standard deviation / mean
    n_effective: float  # Kish: (Σw)² / Σw²
    design_effect: float  # Kish: n·Σw² / (Σw)² = 1 + CV²


@dataclass(frozen=True, eq=False)
class RakingResult:
    weights: np.ndarray
    converged: bool
    iterations: int  # sweeps over all margins in the final raking
    max_margin_error: tuple[MarginError, ...]  # one entry per margin, in the order raked
    history: tuple[float, ...]  # largest relative margin error after each sweep
    summary: WeightSummary
    trimming: TrimmingReport | None = field(default=None)


@dataclass(frozen=True, eq=False)
class _Margin:
    name: str
    cell_category: np.ndarray  # for each occupied cell, its category index in this margin
    targets: np.ndarray  # flat targets, one per category
    labels: Sequence[Hashable]  # category labels for messages, one per category


@dataclass(frozen=True, eq=False)
class _Cells:
    """The sample collapsed into occupied cells of the cross-classification."""

    respondent_key: np.ndarray  # per respondent, its key into the lookup table
    occupied_keys: np.ndarray  # per occupied cell, its key
    lookup_size: int
    respondent_counts: np.ndarray  # per occupied cell, number of respondents

    def to_respondents(self, per_cell: np.ndarray) -> np.ndarray:
        lookup = np.zeros(self.lookup_size)
        lookup[self.occupied_keys] = per_cell
        return lookup[self.respondent_key]

    def local_index(self) -> np.ndarray:
        lookup = np.zeros(self.lookup_size, dtype=np.intp)
        lookup[self.occupied_keys] = np.arange(self.occupied_keys.size)
        return lookup[self.respondent_key]


def summarise_weights(weights: ArrayLike) -> WeightSummary:
    """Minimum, maximum, mean, CV, Kish's effective sample size and design effect."""
    array = np.asarray(weights, dtype=float)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"need a non-empty one-dimensional array of weights, got shape {array.shape}")
    total = float(array.sum())
    squares = float(np.dot(array, array))
    if total <= 0:
        raise ValueError("weights sum to zero or less; no summary is defined")
    mean = total / array.size
    variance = max(0.0, squares / array.size - mean * mean)
    return WeightSummary(
        n=int(array.size),
        total=total,
        minimum=float(array.min()),
        maximum=float(array.max()),
        mean=mean,
        coefficient_of_variation=math.sqrt(variance) / mean,
        n_effective=total * total / squares,
        design_effect=array.size * squares / (total * total),
    )


def rake(
    dimensions: Sequence[Dimension],
    *,
    joint_targets: Sequence[JointTarget] = (),
    base_weights: ArrayLike | None = None,
    trimming: Trimming | None = None,
    tolerance: float = 1e-10,
    max_iterations: int = 1000,
    total_tolerance: float = 1e-6,
    category_labels: Mapping[str, Sequence[Hashable]] | None = None,
) -> RakingResult:
    """Rake weights so that weighted totals meet every one-way and two-way margin.

    Margins are adjusted in order: the one-way margins in the order of
    ``dimensions``, then the joint targets. Raking stops when, after a full
    sweep, every category total is within ``tolerance`` (relative) of its
    target, or after ``max_iterations`` sweeps (``converged`` is then false).
    ``base_weights`` (design weights, all positive) default to 1.
    ``category_labels`` only serve to name categories in error messages.

    Raises ``RakingError`` for margins that cannot be met: a category with
    respondents but a target of 0, a category with a positive target but no
    respondents, margin totals that differ by more than ``total_tolerance``
    (relative), and two-way targets that contradict one-way targets.
    """
    if not dimensions:
        raise ValueError("raking needs at least one dimension")
    if tolerance <= 0 or max_iterations < 1:
        raise ValueError(f"need tolerance > 0 and max_iterations >= 1, got {tolerance} and {max_iterations}")
    labels = dict(category_labels or {})
    n = _check_dimensions(dimensions)
    base = _check_base_weights(base_weights, n)
    sizes = _category_counts(dimensions, joint_targets)
    for dimension in dimensions:
        _check_codes(dimension, sizes[dimension.name])
        if dimension.name in labels and len(labels[dimension.name]) != sizes[dimension.name]:
            raise ValueError(
                f"dimension {dimension.name!r}: {len(labels[dimension.name])} category labels "
                f"for {sizes[dimension.name]} categories"
            )
    cells, cell_codes = _collapse(dimensions, sizes, n)
    given = _build_margins(dimensions, joint_targets, sizes, cell_codes, labels)
    _check_totals(given, total_tolerance)
    slack = _check_joint_consistency(dimensions, joint_targets, total_tolerance, labels)
    # Margins from different sources may disagree slightly (by rounding, or a person or two in a city).
    # No set of weights can meet totals that differ, so every margin is scaled to the first one's total;
    # a two-way margin that disagrees with a one-way margin category by category cannot be met better
    # than that disagreement, so the convergence tolerance grows by it (docs/methods/survey-weighting.md).
    margins = _scaled_to_common_total(given)
    tolerance = tolerance + slack

    if base is None:
        cell_totals = cells.respondent_counts.astype(float)
    else:
        cell_totals = np.bincount(cells.respondent_key, weights=base, minlength=cells.lookup_size)[cells.occupied_keys]
    _check_reachable(margins, cell_totals, cells.respondent_counts)

    raked, converged, history = _rake_cells(cell_totals, margins, tolerance, max_iterations)
    report = None
    if trimming is None:
        factors = raked / cell_totals
        weights = cells.to_respondents(factors) if base is None else base * cells.to_respondents(factors)
    else:
        weights, raked, converged, history, report = _trim(
            cells, base, raked, converged, history, margins, trimming, tolerance, max_iterations
        )
    return RakingResult(
        weights=weights,
        converged=converged,
        iterations=len(history),
        # Errors are measured against the margins as given, so a disagreement between them stays visible.
        max_margin_error=tuple(_margin_errors(raked, given)),
        history=tuple(history),
        summary=summarise_weights(weights),
        trimming=report,
    )


def rake_by_labels(
    respondents: Sequence[Mapping[str, Hashable]],
    margins: Mapping[str, Mapping[Hashable, float]],
    *,
    joint_margins: Mapping[tuple[str, str], Mapping[tuple[Hashable, Hashable], float]] | None = None,
    base_weights: Sequence[float] | None = None,
    trimming: Trimming | None = None,
    tolerance: float = 1e-10,
    max_iterations: int = 1000,
) -> RakingResult:
    """Readable entry point: respondents as ``{dimension: category label}`` mappings.

    ``margins[dimension][label]`` is a population total; ``joint_margins``
    maps a pair of dimensions to totals per pair of labels. Categories follow
    the order of the margins (for a dimension only in a joint margin: order
    of first appearance there). Encodes the labels and calls ``rake``.
    """
    joint_margins = dict(joint_margins or {})
    categories: dict[str, list[Hashable]] = {name: list(totals) for name, totals in margins.items()}
    for pair, totals in joint_margins.items():
        for position, name in enumerate(pair):
            known = categories.setdefault(name, [])
            for key in totals:
                if key[position] not in known and name not in margins:
                    known.append(key[position])
    index = {name: {label: code for code, label in enumerate(labels)} for name, labels in categories.items()}
    codes = {name: np.empty(len(respondents), dtype=np.intp) for name in categories}
    for row, respondent in enumerate(respondents):
        for name, lookup in index.items():
            if name not in respondent:
                raise RakingError(f"respondent {row} has no value for {name!r}", margin=name)
            label = respondent[name]
            if label not in lookup:
                raise RakingError(
                    f"respondent {row} has {name}={label!r}, which is not a category of the population margins "
                    f"{list(lookup)}",
                    margin=name,
                    category=label,
                )
            codes[name][row] = lookup[label]
    dimensions = [
        Dimension(
            name=name,
            codes=codes[name],
            targets=np.array([margins[name][label] for label in labels], dtype=float) if name in margins else None,
        )
        for name, labels in categories.items()
    ]
    joint_targets = []
    for (first, second), totals in joint_margins.items():
        table = np.zeros((len(categories[first]), len(categories[second])))
        for (label_first, label_second), total in totals.items():
            if label_first not in index[first] or label_second not in index[second]:
                raise RakingError(
                    f"joint margin {first}×{second} has category ({label_first!r}, {label_second!r}) "
                    f"that the one-way margins do not list",
                    margin=f"{first}×{second}",
                    category=(label_first, label_second),
                )
            table[index[first][label_first], index[second][label_second]] = total
        joint_targets.append(JointTarget(dimensions=(first, second), targets=table))
    return rake(
        dimensions,
        joint_targets=joint_targets,
        base_weights=None if base_weights is None else np.asarray(base_weights, dtype=float),
        trimming=trimming,
        tolerance=tolerance,
        max_iterations=max_iterations,
        category_labels=categories,
    )


def _check_dimensions(dimensions: Sequence[Dimension]) -> int:
    names = [dimension.name for dimension in dimensions]
    if len(set(names)) != len(names):
        raise ValueError(f"dimension names must be unique, got {names}")
    lengths = {dimension.name: np.shape(dimension.codes) for dimension in dimensions}
    first = dimensions[0]
    n = len(first.codes)
    for dimension in dimensions:
        codes = dimension.codes
        if not isinstance(codes, np.ndarray) or codes.ndim != 1 or not np.issubdtype(codes.dtype, np.integer):
            raise ValueError(f"dimension {dimension.name!r}: codes must be a one-dimensional integer numpy array")
        if codes.shape[0] != n:
            raise ValueError(f"every dimension needs one code per respondent; lengths differ: {lengths}")
    if n == 0:
        raise ValueError("raking needs at least one respondent")
    return n


def _check_base_weights(base_weights: ArrayLike | None, n: int) -> np.ndarray | None:
    if base_weights is None:
        return None
    base = np.asarray(base_weights, dtype=float)
    if base.shape != (n,):
        raise ValueError(f"need one base weight per respondent: {n} respondents, base weights of shape {base.shape}")
    bad = ~(np.isfinite(base) & (base > 0))
    if np.any(bad):
        position = int(np.flatnonzero(bad)[0])
        raise ValueError(f"base weights must be finite and positive; respondent {position} has {base[position]}")
    return base


def _category_counts(dimensions: Sequence[Dimension], joint_targets: Sequence[JointTarget]) -> dict[str, int]:
    """Number of categories per dimension, from its targets or its joint targets, checked for agreement."""
    sizes: dict[str, int] = {}
    for dimension in dimensions:
        if dimension.targets is not None:
            targets = np.asarray(dimension.targets, dtype=float)
            if targets.ndim != 1 or targets.size == 0:
                raise ValueError(f"dimension {dimension.name!r}: targets must be a non-empty one-dimensional array")
            _check_target_values(targets, dimension.name)
            sizes[dimension.name] = targets.size
    known = {dimension.name for dimension in dimensions}
    for joint in joint_targets:
        name = _joint_name(joint)
        if len(joint.dimensions) != 2 or joint.dimensions[0] == joint.dimensions[1]:
            raise ValueError(f"joint margin {name}: needs two different dimensions")
        table = np.asarray(joint.targets, dtype=float)
        if table.ndim != 2:
            raise ValueError(f"joint margin {name}: targets must be a two-dimensional array, got shape {table.shape}")
        _check_target_values(table, name)
        for axis, dimension_name in enumerate(joint.dimensions):
            if dimension_name not in known:
                raise ValueError(f"joint margin {name}: unknown dimension {dimension_name!r}")
            size = sizes.setdefault(dimension_name, table.shape[axis])
            if size != table.shape[axis]:
                raise ValueError(
                    f"joint margin {name}: {table.shape[axis]} categories for {dimension_name!r}, "
                    f"but its other margins have {size}"
                )
    for dimension in dimensions:
        if dimension.name not in sizes:
            raise ValueError(f"dimension {dimension.name!r} has no targets and is in no joint margin")
    return sizes


def _check_target_values(targets: np.ndarray, name: str) -> None:
    if not np.all(np.isfinite(targets)) or np.any(targets < 0):
        raise ValueError(f"margin {name}: targets must be finite and non-negative, got {targets.tolist()}")
    if not np.any(targets > 0):
        raise ValueError(f"margin {name}: targets are all zero")


def _check_codes(dimension: Dimension, size: int) -> None:
    codes = dimension.codes
    low, high = int(codes.min()), int(codes.max())
    if low < 0 or high >= size:
        bad = int(np.flatnonzero((codes < 0) | (codes >= size))[0])
        raise ValueError(
            f"dimension {dimension.name!r}: respondent {bad} has code {int(codes[bad])}, "
            f"but codes must lie in 0..{size - 1} (one per target category)"
        )


def _collapse(dimensions: Sequence[Dimension], sizes: dict[str, int], n: int) -> tuple[_Cells, list[np.ndarray]]:
    """Combine the codes into one cell code per respondent and list the occupied cells."""
    shape = tuple(sizes[dimension.name] for dimension in dimensions)
    cell_count = math.prod(shape)
    if cell_count >= np.iinfo(np.int64).max:
        raise ValueError(f"too many category combinations to index: {shape}")
    key = dimensions[0].codes.astype(np.intp, copy=True)
    for dimension, size in zip(dimensions[1:], shape[1:], strict=True):
        key *= size
        key += dimension.codes.astype(np.intp, copy=False)
    if cell_count <= max(_MAX_DENSE_CELLS, 2 * n):
        counts = np.bincount(key, minlength=cell_count)
        occupied = np.flatnonzero(counts)
        cells = _Cells(key, occupied, cell_count, counts[occupied])
    else:
        occupied, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        cells = _Cells(inverse.astype(np.intp, copy=False), np.arange(occupied.size), occupied.size, counts)
    cell_codes = list(np.unravel_index(occupied, shape)) if len(shape) > 1 else [occupied]
    return cells, cell_codes


def _joint_name(joint: JointTarget) -> str:
    return "×".join(joint.dimensions)


def _build_margins(
    dimensions: Sequence[Dimension],
    joint_targets: Sequence[JointTarget],
    sizes: dict[str, int],
    cell_codes: list[np.ndarray],
    labels: dict[str, Sequence[Hashable]],
) -> list[_Margin]:
    position = {dimension.name: index for index, dimension in enumerate(dimensions)}

    def labels_of(name: str) -> Sequence[Hashable]:
        return labels.get(name) or list(range(sizes[name]))

    margins = [
        _Margin(
            name=dimension.name,
            cell_category=cell_codes[position[dimension.name]],
            targets=np.asarray(dimension.targets, dtype=float),
            labels=labels_of(dimension.name),
        )
        for dimension in dimensions
        if dimension.targets is not None
    ]
    for joint in joint_targets:
        first, second = joint.dimensions
        table = np.asarray(joint.targets, dtype=float)
        margins.append(
            _Margin(
                name=_joint_name(joint),
                cell_category=cell_codes[position[first]] * table.shape[1] + cell_codes[position[second]],
                targets=table.ravel(),
                labels=[(a, b) for a in labels_of(first) for b in labels_of(second)],
            )
        )
    return margins


def _check_totals(margins: list[_Margin], total_tolerance: float) -> None:
    reference = margins[0]
    expected = float(reference.targets.sum())
    for margin in margins[1:]:
        total = float(margin.targets.sum())
        if abs(total - expected) > total_tolerance * expected:
            raise RakingError(
                f"margin totals disagree: {reference.name} sums to {expected:g} but {margin.name} sums to {total:g} "
                f"(relative difference {abs(total - expected) / expected:.3g} > {total_tolerance:g})",
                margin=margin.name,
            )


def _scaled_to_common_total(margins: list[_Margin]) -> list[_Margin]:
    expected = float(margins[0].targets.sum())
    scaled = [margins[0]]
    for margin in margins[1:]:
        total = float(margin.targets.sum())
        targets = margin.targets if total == expected or total == 0 else margin.targets * (expected / total)
        scaled.append(
            _Margin(name=margin.name, cell_category=margin.cell_category, targets=targets, labels=margin.labels)
        )
    return scaled


def _check_joint_consistency(
    dimensions: Sequence[Dimension],
    joint_targets: Sequence[JointTarget],
    total_tolerance: float,
    labels: dict[str, Sequence[Hashable]],
) -> float:
    """A two-way margin implies one-way totals; they must agree with the one-way margins given.

    Returns the largest disagreement that is tolerated, relative to the category's target.
    """
    slack = 0.0
    one_way = {dimension.name: dimension.targets for dimension in dimensions if dimension.targets is not None}
    implied: dict[str, tuple[str, np.ndarray]] = {}
    for joint in joint_targets:
        table = np.asarray(joint.targets, dtype=float)
        for axis, name in enumerate(joint.dimensions):
            totals = table.sum(axis=1 - axis)
            if name in one_way:
                other_name, other = name, np.asarray(one_way[name], dtype=float)
            elif name in implied:
                other_name, other = implied[name]
            else:
                implied[name] = (_joint_name(joint), totals)
                continue
            scale = max(float(other.sum()), 1e-300)
            differences = np.abs(totals - other)
            if np.any(differences > total_tolerance * scale):
                category = int(np.argmax(differences))
                label = (labels.get(name) or list(range(totals.size)))[category]
                raise RakingError(
                    f"joint margin {_joint_name(joint)} implies a total of {totals[category]:g} for "
                    f"{name}={label!r}, but margin {other_name} says {other[category]:g}",
                    margin=_joint_name(joint),
                    category=label,
                )
            # Compare shares, so that a difference of the totals alone (removed by scaling) adds no slack.
            shares = totals / max(float(totals.sum()), 1e-300)
            other_shares = other / scale
            positive = other_shares > 0
            if np.any(positive):
                slack = max(slack, float(np.max(np.abs(shares - other_shares)[positive] / other_shares[positive])))
    return slack


def _check_reachable(margins: list[_Margin], cell_totals: np.ndarray, cell_counts: np.ndarray) -> None:
    """Refuse categories whose target can never be met or must be met by respondents that exist."""
    for margin in margins:
        size = margin.targets.size
        respondents = np.bincount(margin.cell_category, weights=cell_counts, minlength=size)
        present_without_population = np.flatnonzero((respondents > 0) & (margin.targets == 0))
        if present_without_population.size:
            category = int(present_without_population[0])
            raise RakingError(
                f"margin {margin.name}: category {margin.labels[category]!r} has {int(respondents[category])} "
                f"respondent(s) in the sample but a population target of 0; "
                f"remove those respondents or correct the target",
                margin=margin.name,
                category=margin.labels[category],
            )
        population_without_sample = np.flatnonzero((respondents == 0) & (margin.targets > 0))
        if population_without_sample.size:
            category = int(population_without_sample[0])
            raise RakingError(
                f"margin {margin.name}: category {margin.labels[category]!r} has a population target of "
                f"{margin.targets[category]:g} but no respondent in the sample, so it cannot be met; "
                f"merge it with a neighbouring category",
                margin=margin.name,
                category=margin.labels[category],
            )


def _achieved(cell_totals: np.ndarray, margin: _Margin) -> np.ndarray:
    return np.bincount(margin.cell_category, weights=cell_totals, minlength=margin.targets.size)


def _largest_relative_error(cell_totals: np.ndarray, margins: list[_Margin]) -> float:
    largest = 0.0
    for margin in margins:
        achieved = _achieved(cell_totals, margin)
        positive = margin.targets > 0
        relative = np.abs(achieved[positive] - margin.targets[positive]) / margin.targets[positive]
        largest = max(largest, float(relative.max()))
    return largest


def _margin_errors(cell_totals: np.ndarray, margins: list[_Margin]) -> list[MarginError]:
    errors = []
    for margin in margins:
        achieved = _achieved(cell_totals, margin)
        positive = margin.targets > 0
        absolute = np.abs(achieved - margin.targets)
        relative = absolute[positive] / margin.targets[positive]
        errors.append(MarginError(margin=margin.name, absolute=float(absolute.max()), relative=float(relative.max())))
    return errors


def _rake_cells(
    cell_totals: np.ndarray, margins: list[_Margin], tolerance: float, max_iterations: int
) -> tuple[np.ndarray, bool, list[float]]:
    """Iterative proportional fitting on the occupied cells (section 5)."""
    raked = cell_totals.copy()
    history: list[float] = []
    if _largest_relative_error(raked, margins) <= tolerance:
        return raked, True, history
    for _ in range(max_iterations):
        for margin in margins:
            achieved = _achieved(raked, margin)
            # Categories without respondents only occur with a target of 0 (checked before), so factor 1 is safe.
            factor = np.divide(margin.targets, achieved, out=np.ones_like(achieved), where=achieved > 0)
            raked *= factor[margin.cell_category]
        history.append(_largest_relative_error(raked, margins))
        if history[-1] <= tolerance:
            return raked, True, history
    return raked, False, history


def _trim(
    cells: _Cells,
    base: np.ndarray | None,
    raked: np.ndarray,
    converged: bool,
    history: list[float],
    margins: list[_Margin],
    trimming: Trimming,
    tolerance: float,
    max_iterations: int,
) -> tuple[np.ndarray, np.ndarray, bool, list[float], TrimmingReport]:
    """Cap weights at the bounds and re-rake, until the raked weights respect the bounds (section 7).

    Without base weights every respondent of a cell has the same weight, so
    the loop runs on cells; with base weights it runs on respondents.
    """
    n = cells.respondent_key.size
    mean_weight = float(margins[0].targets.sum()) / n
    lower, upper = trimming.lower * mean_weight, trimming.upper * mean_weight
    cell_count = raked.size
    if base is None:
        unit_counts = cells.respondent_counts.astype(float)
        unit_weights = raked / unit_counts
        unit_cell = np.arange(cell_count)
    else:
        unit_cell = cells.local_index()
        cell_base = np.bincount(unit_cell, weights=base, minlength=cell_count)
        unit_weights = base * (raked / cell_base)[unit_cell]
        unit_counts = np.ones(n)
    ever_trimmed = np.zeros(unit_weights.size, dtype=bool)
    rounds = 0
    while rounds < trimming.max_rounds:
        outside = (unit_weights > upper * (1 + trimming.tolerance)) | (unit_weights < lower * (1 - trimming.tolerance))
        if not np.any(outside):
            break
        rounds += 1
        ever_trimmed |= outside
        np.clip(unit_weights, lower, upper, out=unit_weights)
        cell_totals = np.bincount(unit_cell, weights=unit_weights * unit_counts, minlength=cell_count)
        raked, converged, history = _rake_cells(cell_totals, margins, tolerance, max_iterations)
        unit_weights *= (raked / cell_totals)[unit_cell]
    violation = max(
        0.0,
        float(unit_weights.max()) / upper - 1.0,
        (lower / float(unit_weights.min()) - 1.0) if lower > 0 else 0.0,
    )
    report = TrimmingReport(
        lower_bound=lower,
        upper_bound=upper,
        rounds=rounds,
        trimmed_respondents=int(unit_counts[ever_trimmed].sum()),
        is_within_bounds=violation <= trimming.tolerance,
        max_relative_violation=violation,
    )
    weights = cells.to_respondents(unit_weights) if base is None else unit_weights
    return weights, raked, converged, history, report
