"""Shares and means with 95 % confidence intervals from (weighted) survey data.

Formulas and their sources: docs/methods/survey-weighting.md, sections 1–4.
Pure module: plain values and numpy arrays in, frozen dataclasses out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike

# Standard normal quantile for a two-sided 95 % interval; written out so that
# the module does not need scipy.
Z_95 = 1.959963984540054


class Method(StrEnum):
    """How an interval was computed (docs/methods/survey-weighting.md)."""

    WILSON = "wilson"  # unweighted Wilson score interval
    WILSON_KISH = "wilson_kish"  # Wilson interval with Kish's effective sample size
    LINEARISATION = "linearisation"  # Taylor-linearised standard error, normal interval


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95 % confidence interval.

    ``n`` counts the respondents that entered the estimate (positive weight,
    inside the domain); ``n_effective`` is Kish's effective sample size.

    Nothing is ever NaN or None: with no respondents ``is_empty`` is true and
    every number is 0.0; when an interval cannot be estimated (a linearised
    variance from a single respondent) ``has_interval`` is false and
    ``low == high == estimate``. Callers must check both flags before
    publishing an interval.
    """

    estimate: float
    low: float
    high: float
    n: int
    n_effective: float
    method: Method
    is_empty: bool = False
    has_interval: bool = True


def _empty(method: Method) -> Estimate:
    return Estimate(
        estimate=0.0, low=0.0, high=0.0, n=0, n_effective=0.0, method=method, is_empty=True, has_interval=False
    )


def wilson_bounds(share: float, n: float, *, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for an observed ``share`` out of ``n`` (``n`` may be fractional).

    Section 1 of docs/methods/survey-weighting.md. The bounds are clipped to
    [0, 1] and widened by at most a rounding error so that they always contain
    ``share``.
    """
    if n <= 0:
        raise ValueError(f"the Wilson interval needs n > 0, got n={n}")
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"a share must lie in [0, 1], got {share}")
    z2_over_n = z * z / n
    denominator = 1.0 + z2_over_n
    centre = (share + z2_over_n / 2.0) / denominator
    half_width = z * math.sqrt(share * (1.0 - share) / n + z2_over_n / (4.0 * n)) / denominator
    low = max(0.0, min(centre - half_width, share))
    high = min(1.0, max(centre + half_width, share))
    return low, high


def wilson_interval(successes: int, n: int) -> Estimate:
    """Unweighted share ``successes / n`` with its Wilson score interval."""
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if n == 0:
        return _empty(Method.WILSON)
    share = successes / n
    low, high = wilson_bounds(share, n)
    return Estimate(estimate=share, low=low, high=high, n=n, n_effective=float(n), method=Method.WILSON)


def as_weights(weights: ArrayLike | None, length: int) -> np.ndarray:
    """Validate weights: one finite, non-negative number per respondent, not all zero.

    ``None`` stands for equal weights of 1. Shared by the other survey modules.
    """
    if weights is None:
        return np.ones(length)
    array = np.asarray(weights, dtype=float)
    if array.ndim != 1 or array.shape[0] != length:
        raise ValueError(f"need one weight per respondent: {length} respondents but weights of shape {array.shape}")
    if not np.all(np.isfinite(array)):
        position = int(np.flatnonzero(~np.isfinite(array))[0])
        raise ValueError(f"weights must be finite; respondent {position} has weight {array[position]}")
    if np.any(array < 0):
        position = int(np.flatnonzero(array < 0)[0])
        raise ValueError(f"weights must not be negative; respondent {position} has weight {array[position]}")
    if length > 0 and not np.any(array > 0):
        raise ValueError(f"all {length} weights are zero: a weighted estimate needs at least one positive weight")
    return array


def kish_effective_sample_size(weights: ArrayLike) -> float:
    """Kish's effective sample size ``(Σw)² / Σw²`` (section 2); 0.0 for no respondents."""
    array = as_weights(weights, len(np.asarray(weights)))
    if array.size == 0:
        return 0.0
    return float(array.sum() ** 2 / np.square(array).sum())


def kish_design_effect(weights: ArrayLike) -> float:
    """Kish's design effect due to unequal weighting, ``n·Σw² / (Σw)²`` (section 4).

    ``n`` counts respondents with a positive weight; 1.0 means equal weights.
    """
    array = as_weights(weights, len(np.asarray(weights)))
    positive = array[array > 0]
    if positive.size == 0:
        raise ValueError("the design effect needs at least one respondent")
    return float(positive.size * np.square(positive).sum() / positive.sum() ** 2)


def _as_outcomes(is_success: ArrayLike) -> np.ndarray:
    array = np.asarray(is_success)
    if array.ndim != 1:
        raise ValueError(f"outcomes must be one-dimensional, got shape {array.shape}")
    if array.dtype == bool:
        return array.astype(float)
    as_float = array.astype(float)
    bad = ~np.isin(as_float, (0.0, 1.0))
    if np.any(bad):
        position = int(np.flatnonzero(bad)[0])
        raise ValueError(f"outcomes must be 0/1 or booleans; respondent {position} has {array[position].item()!r}")
    return as_float


def _linearised_standard_error(values: np.ndarray, weights: np.ndarray, mean: float, sample_size: int) -> float:
    """Taylor-linearised standard error of a weighted ratio mean (section 3).

    ``values`` and ``weights`` hold the respondents in the domain; everyone
    else in the sample of ``sample_size`` respondents has a linearised value
    of 0, which adds nothing to the sum of squares but counts in n/(n−1).
    """
    residuals = weights * (values - mean) / weights.sum()
    variance = sample_size / (sample_size - 1) * float(np.square(residuals).sum())
    return math.sqrt(variance)


def weighted_share(
    is_success: ArrayLike, weights: ArrayLike | None = None, *, method: Method | None = None
) -> Estimate:
    """Weighted share of respondents with ``is_success`` true, with a 95 % interval.

    By default a weighted share gets the design-based interval, a normal
    interval around the linearised (Taylor) standard error clipped to [0, 1]
    (``LINEARISATION``), and an unweighted share the Wilson interval
    (``WILSON``). ``WILSON_KISH`` (Wilson interval with Kish's effective sample
    size) stays available on request; in simulation it was too narrow for
    raked weights (docs/methods/survey-weighting.md, section 2).
    Respondents with weight 0 are left out.
    """
    outcomes = _as_outcomes(is_success)
    array = as_weights(weights, outcomes.size)
    if method is None:
        method = Method.WILSON if weights is None else Method.LINEARISATION
    if method not in (Method.WILSON, Method.WILSON_KISH, Method.LINEARISATION):
        raise ValueError(f"unknown method for a share: {method!r}")
    if method is Method.WILSON and weights is not None:
        raise ValueError("Method.WILSON is unweighted; use LINEARISATION or WILSON_KISH with weights")
    if method is not Method.LINEARISATION and weights is None:
        return wilson_interval(int(outcomes.sum()), outcomes.size)
    keep = array > 0
    outcomes, array = outcomes[keep], array[keep]
    if outcomes.size == 0:
        return _empty(method)
    share = min(1.0, max(0.0, float(np.dot(array, outcomes) / array.sum())))
    n_effective = float(array.sum() ** 2 / np.square(array).sum())
    if method is Method.WILSON_KISH:
        low, high = wilson_bounds(share, n_effective)
        return Estimate(share, low, high, outcomes.size, n_effective, method)
    if outcomes.size < 2:
        return Estimate(share, share, share, outcomes.size, n_effective, method, has_interval=False)
    error = _linearised_standard_error(outcomes, array, share, outcomes.size)
    low = max(0.0, min(share, share - Z_95 * error))
    high = min(1.0, max(share, share + Z_95 * error))
    return Estimate(share, low, high, outcomes.size, n_effective, method)


def weighted_mean(values: ArrayLike, weights: ArrayLike | None = None, *, domain: ArrayLike | None = None) -> Estimate:
    """Weighted mean of a numeric item with a linearised 95 % interval.

    ``domain`` (booleans, one per respondent) restricts the estimate to a
    subpopulation such as one group or those who answered the item; the
    variance then follows domain estimation over the whole sample (section 3),
    so values outside the domain may be NaN. Without a domain every value must
    be finite. Respondents with weight 0 are left out.
    """
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {array.shape}")
    weight_array = as_weights(weights, array.size)
    if domain is None:
        in_domain = np.ones(array.size, dtype=bool)
    else:
        in_domain = np.asarray(domain, dtype=bool)
        if in_domain.shape != array.shape:
            raise ValueError(
                f"need one domain flag per respondent: {array.size} values but domain of shape {in_domain.shape}"
            )
    in_sample = weight_array > 0
    selected = in_domain & in_sample
    if not np.all(np.isfinite(array[selected])):
        position = int(np.flatnonzero(selected & ~np.isfinite(array))[0])
        raise ValueError(f"values in the estimate must be finite; respondent {position} has {array[position]}")
    sample_size = int(in_sample.sum())
    domain_values, domain_weights = array[selected], weight_array[selected]
    if domain_values.size == 0:
        return _empty(Method.LINEARISATION)
    mean = float(np.dot(domain_weights, domain_values) / domain_weights.sum())
    n_effective = float(domain_weights.sum() ** 2 / np.square(domain_weights).sum())
    if sample_size < 2 or domain_values.size < 2:
        return Estimate(mean, mean, mean, domain_values.size, n_effective, Method.LINEARISATION, has_interval=False)
    error = _linearised_standard_error(domain_values, domain_weights, mean, sample_size)
    return Estimate(
        estimate=mean,
        low=min(mean, mean - Z_95 * error),
        high=max(mean, mean + Z_95 * error),
        n=domain_values.size,
        n_effective=n_effective,
        method=Method.LINEARISATION,
    )


def weighted_total(values: ArrayLike, weights: ArrayLike) -> Estimate:
    """Weighted total Σwᵢyᵢ (for example the number of residents with a property) with a 95 % interval.

    Same design as the means (section 3): drawn with replacement from one stratum, each
    respondent its own sampling unit, so V̂ = n/(n−1) · Σ(wᵢyᵢ − Ŷ/n)². This is R
    `survey::svytotal` on `svydesign(id = ~1, weights = ...)`; the tests compare it with
    the published results of the package's PPS vignette. Respondents with weight 0 are
    left out; the interval is not clipped, since a total of a signed variable may be negative.
    """
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {array.shape}")
    weight_array = as_weights(weights, array.size)
    keep = weight_array > 0
    bad = keep & ~np.isfinite(array)
    if np.any(bad):
        position = int(np.flatnonzero(bad)[0])
        raise ValueError(f"values in the estimate must be finite; respondent {position} has {array[position]}")
    array, weight_array = array[keep], weight_array[keep]
    if array.size == 0:
        return _empty(Method.LINEARISATION)
    contributions = weight_array * array
    total = float(contributions.sum())
    n_effective = float(weight_array.sum() ** 2 / np.square(weight_array).sum())
    if array.size < 2:
        return Estimate(total, total, total, array.size, n_effective, Method.LINEARISATION, has_interval=False)
    variance = array.size / (array.size - 1) * float(np.square(contributions - total / array.size).sum())
    half_width = Z_95 * math.sqrt(variance)
    return Estimate(total, total - half_width, total + half_width, array.size, n_effective, Method.LINEARISATION)
