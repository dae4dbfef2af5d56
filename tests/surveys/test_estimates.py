"""Shares and means with confidence intervals (docs/methods/survey-weighting.md, sections 1–4)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from teilhabe.surveys.estimates import (
    Z_95,
    Method,
    kish_design_effect,
    kish_effective_sample_size,
    weighted_mean,
    weighted_share,
    weighted_total,
    wilson_bounds,
    wilson_interval,
)


# Reference values: R. G. Newcombe (1998), "Two-sided confidence intervals for
# the single proportion: comparison of seven methods", Statistics in Medicine
# 17:857–872, Table I, method 3 (Wilson score interval without continuity
# correction), printed to four decimals.
@pytest.mark.parametrize(
    "successes, n, low, high",
    [
        pytest.param(81, 263, 0.2553, 0.3662, id="newcombe-81-of-263"),
        pytest.param(15, 148, 0.0624, 0.1605, id="newcombe-15-of-148"),
        pytest.param(0, 20, 0.0000, 0.1611, id="newcombe-0-of-20"),
        pytest.param(1, 29, 0.0061, 0.1718, id="newcombe-1-of-29"),
    ],
)
def test_wilson_interval_matches_newcombe_table_1(successes, n, low, high):
    result = wilson_interval(successes, n)
    assert result.estimate == successes / n
    assert round(result.low, 4) == low
    assert round(result.high, 4) == high
    assert (result.n, result.n_effective, result.method) == (n, float(n), Method.WILSON)
    assert not result.is_empty and result.has_interval


@pytest.mark.parametrize(
    "successes, n, mirrored",
    [
        pytest.param(20, 20, (0, 20), id="all-successes-mirrors-none"),
        pytest.param(28, 29, (1, 29), id="28-of-29-mirrors-1-of-29"),
        pytest.param(182, 263, (81, 263), id="182-of-263-mirrors-81-of-263"),
    ],
)
def test_wilson_interval_is_symmetric_under_swapping_success_and_failure(successes, n, mirrored):
    result, other = wilson_interval(successes, n), wilson_interval(*mirrored)
    assert result.low == pytest.approx(1 - other.high, abs=1e-15)
    assert result.high == pytest.approx(1 - other.low, abs=1e-15)


def _wilson_by_quadratic(share: float, n: float) -> tuple[float, float]:
    """Wilson bounds as the roots of (share − p)² = z²·p(1 − p)/n, solved independently."""
    c = Z_95**2 / n
    a, b, constant = 1 + c, -(2 * share + c), share**2
    root = math.sqrt(b * b - 4 * a * constant)
    return (-b - root) / (2 * a), (-b + root) / (2 * a)


@pytest.mark.parametrize(
    "outcomes, weights, share, n_effective",
    [
        pytest.param([1, 0, 1, 1], [1, 2, 1, 1], 3 / 5, 25 / 7, id="one-heavy-no"),
        pytest.param([1, 1, 0, 0, 0], [3, 1, 1, 1, 2], 4 / 8, 64 / 16, id="heavy-yes-and-no"),
        pytest.param([True, False], [0.5, 0.5], 1 / 2, 2.0, id="equal-half-weights"),
    ],
)
def test_weighted_share_plugs_kish_effective_size_into_wilson(outcomes, weights, share, n_effective):
    result = weighted_share(outcomes, weights, method=Method.WILSON_KISH)
    low, high = _wilson_by_quadratic(share, n_effective)
    assert result.method is Method.WILSON_KISH
    assert result.estimate == pytest.approx(share, rel=1e-15)
    assert result.n_effective == pytest.approx(n_effective, rel=1e-15)
    assert result.low == pytest.approx(low, rel=1e-12)
    assert result.high == pytest.approx(high, rel=1e-12)
    assert result.n == len(outcomes)


def test_weighted_share_with_equal_weights_is_the_plain_wilson_interval():
    outcomes = [1] * 81 + [0] * 182
    weighted = weighted_share(outcomes, [2.5] * 263, method=Method.WILSON_KISH)
    plain = wilson_interval(81, 263)
    assert (weighted.low, weighted.high) == pytest.approx((plain.low, plain.high), rel=1e-12)
    assert weighted_share(outcomes) == plain


def test_linearised_share_by_hand():
    # ȳ = (0·1 + 1·1 + 1·2)/4 = 0.75; z_i = w_i(y_i − ȳ)/Σw = (−0.1875, 0.0625, 0.125);
    # V = n/(n−1)·Σz² = 3/2 · 0.0546875 = 0.08203125.
    result = weighted_share([0, 1, 1], [1, 1, 2], method=Method.LINEARISATION)
    error = math.sqrt(0.08203125)
    assert result.estimate == 0.75
    assert result.low == pytest.approx(0.75 - Z_95 * error, rel=1e-12)
    assert result.high == 1.0  # 0.75 + 1.96·0.286 is clipped to 1
    assert result.method is Method.LINEARISATION


@pytest.mark.parametrize(
    "values, weights, mean, variance",
    [
        pytest.param([1, 2, 3, 4], None, 2.5, (5 / 3) / 4, id="unweighted-is-s-squared-over-n"),
        pytest.param([0, 1, 1], [1, 1, 2], 0.75, 0.08203125, id="weighted-by-hand"),
        pytest.param([10, 20], [3, 1], 12.5, 2 * ((3 * -2.5 / 4) ** 2 + (7.5 / 4) ** 2), id="two-respondents"),
    ],
)
def test_weighted_mean_linearised_interval(values, weights, mean, variance):
    result = weighted_mean(values, weights)
    half_width = Z_95 * math.sqrt(variance)
    assert result.estimate == pytest.approx(mean, rel=1e-15)
    assert (result.low, result.high) == pytest.approx((mean - half_width, mean + half_width), rel=1e-12)
    assert result.method is Method.LINEARISATION


def test_weighted_mean_in_a_domain_uses_the_whole_sample_for_the_variance():
    # Domain of two respondents (2 and 4) in a sample of four: z = (−0.5, 0.5),
    # V = 4/3 · 0.5 = 2/3 (treated as its own sample it would be 2/1 · 0.5 = 1).
    result = weighted_mean([2, 4, np.nan, 7], domain=[True, True, False, False])
    assert (result.estimate, result.n) == (3.0, 2)
    assert result.high - result.estimate == pytest.approx(Z_95 * math.sqrt(2 / 3), rel=1e-12)


@pytest.mark.parametrize(
    "weights, n_effective, design_effect",
    [
        pytest.param([1, 1, 2, 4], 64 / 22, 4 * 22 / 64, id="unequal"),
        pytest.param([3, 3, 3], 3.0, 1.0, id="equal-weights-have-no-effect"),
        pytest.param([1, 0, 1], 2.0, 1.0, id="zero-weight-drops-out"),
        pytest.param([9], 1.0, 1.0, id="single-respondent"),
    ],
)
def test_kish_effective_sample_size_and_design_effect(weights, n_effective, design_effect):
    assert kish_effective_sample_size(weights) == pytest.approx(n_effective, rel=1e-15)
    assert kish_design_effect(weights) == pytest.approx(design_effect, rel=1e-15)


@pytest.mark.parametrize(
    "compute, method",
    [
        pytest.param(lambda: wilson_interval(0, 0), Method.WILSON, id="wilson"),
        pytest.param(lambda: weighted_share([]), Method.WILSON, id="share-unweighted"),
        pytest.param(lambda: weighted_share([], []), Method.LINEARISATION, id="share-weighted"),
        pytest.param(lambda: weighted_share([1, 0], [0, 0], method=Method.LINEARISATION), None, id="all-zero-weights"),
        pytest.param(lambda: weighted_mean([]), Method.LINEARISATION, id="mean"),
        pytest.param(lambda: weighted_mean([1.0, 2.0], domain=[False, False]), Method.LINEARISATION, id="empty-domain"),
    ],
)
def test_no_respondents_gives_a_flagged_estimate_without_nan(compute, method):
    if method is None:
        with pytest.raises(ValueError, match="all 2 weights are zero"):
            compute()
        return
    result = compute()
    assert result.is_empty and not result.has_interval
    assert (result.estimate, result.low, result.high, result.n, result.n_effective) == (0.0, 0.0, 0.0, 0, 0.0)
    assert result.method is method


@pytest.mark.parametrize(
    "compute",
    [
        pytest.param(lambda: weighted_mean([4.0]), id="mean-of-one"),
        pytest.param(lambda: weighted_share([1], [2.0], method=Method.LINEARISATION), id="linearised-share-of-one"),
    ],
)
def test_single_respondent_has_no_linearised_interval(compute):
    result = compute()
    assert not result.is_empty and not result.has_interval
    assert result.low == result.estimate == result.high


@pytest.mark.parametrize(
    "compute, message",
    [
        pytest.param(lambda: weighted_share([1, 0], [0, 0]), "all 2 weights are zero", id="all-zero-weights"),
        pytest.param(lambda: weighted_mean([1, 2], [1, -1]), "respondent 1 has weight -1", id="negative-weight"),
        pytest.param(lambda: weighted_mean([1, 2], [1, np.nan]), "must be finite; respondent 1", id="nan-weight"),
        pytest.param(lambda: weighted_share([1, 0], [1]), "2 respondents but weights of shape", id="length-mismatch"),
        pytest.param(lambda: weighted_share([1, 2]), "respondent 1 has 2", id="outcome-not-0-or-1"),
        pytest.param(lambda: weighted_mean([1, np.nan]), "respondent 1 has nan", id="nan-value-outside-domain-use"),
        pytest.param(lambda: weighted_share([1], [1.0], method=Method.WILSON), "unweighted", id="wilson-with-weights"),
        pytest.param(lambda: wilson_interval(5, 4), "successes <= n", id="more-successes-than-n"),
        pytest.param(lambda: wilson_bounds(0.5, 0), "n > 0", id="bounds-without-n"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(compute, message):
    with pytest.raises(ValueError, match=message):
        compute()


respondents = st.lists(
    st.tuples(st.booleans(), st.floats(min_value=0.01, max_value=100, allow_nan=False)), min_size=1, max_size=60
)


@settings(max_examples=150, deadline=None)
@given(respondents, st.sampled_from([Method.WILSON_KISH, Method.LINEARISATION]))
def test_share_interval_contains_the_estimate_and_lies_in_the_unit_interval(rows, method):
    outcomes, weights = zip(*rows, strict=True)
    result = weighted_share(list(outcomes), list(weights), method=method)
    assert 0.0 <= result.low <= result.estimate <= result.high <= 1.0
    assert 1.0 - 1e-9 <= result.n_effective <= result.n + 1e-9


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=500))
def test_wilson_interval_contains_the_share(successes, n):
    successes = min(successes, n)
    result = wilson_interval(successes, n)
    assert 0.0 <= result.low <= result.estimate <= result.high <= 1.0


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-1e3, 1e3, allow_nan=False), st.floats(min_value=0.01, max_value=100, allow_nan=False)),
        min_size=2,
        max_size=60,
    )
)
def test_mean_interval_contains_the_estimate_and_design_effect_is_at_least_one(rows):
    values, weights = zip(*rows, strict=True)
    result = weighted_mean(list(values), list(weights))
    assert result.low <= result.estimate <= result.high
    assert min(values) - 1e-9 <= result.estimate <= max(values) + 1e-9
    assert kish_design_effect(list(weights)) >= 1.0 - 1e-12


def test_weighted_total_by_hand():
    # w·y = 2, 6, 12; total 20; V = 3/2 · ((2 - 20/3)² + (6 - 20/3)² + (12 - 20/3)²) = 3/2 · 456/9 = 76.
    result = weighted_total([1.0, 3.0, 4.0], [2.0, 2.0, 3.0])
    assert result.estimate == 20.0
    assert (result.high - result.low) / (2 * Z_95) == pytest.approx(math.sqrt(76), rel=1e-14)


def test_weighted_total_of_one_respondent_has_no_interval_and_bad_values_are_named():
    assert not weighted_total([5.0, 7.0], [0.0, 2.0]).has_interval
    with pytest.raises(ValueError, match="respondent 1 has nan"):
        weighted_total([1.0, math.nan], [1.0, 1.0])
