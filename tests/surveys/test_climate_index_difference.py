"""The difference of two estimates (a change between waves, a gap between groups), section 12 of
docs/methods/survey-weighting.md."""

import math

import pytest

from teilhabe.surveys.climate_index import difference
from teilhabe.surveys.estimates import Z_95, Estimate, Method


def estimate(value, error, n=100, **flags):
    return Estimate(value, value - Z_95 * error, value + Z_95 * error, n, float(n), Method.LINEARISATION, **flags)


@pytest.mark.parametrize(
    "first, second, value, half_width",
    [
        pytest.param(estimate(60, 3), estimate(55, 4), 5.0, Z_95 * 5.0, id="3-4-5"),
        pytest.param(estimate(50, 1), estimate(50, 1), 0.0, Z_95 * math.sqrt(2), id="no-change"),
        pytest.param(estimate(40, 0), estimate(45, 2), -5.0, Z_95 * 2.0, id="one-exact-side"),
    ],
)
def test_difference_combines_independent_standard_errors(first, second, value, half_width):
    result = difference(first, second)
    assert result.estimate == pytest.approx(value, abs=1e-12)
    assert (result.high - result.low) / 2 == pytest.approx(half_width, rel=1e-12)
    assert result.low == pytest.approx(value - half_width, rel=1e-12, abs=1e-12)
    assert result.has_interval and not result.is_empty


def test_difference_without_an_interval_or_with_an_empty_side():
    no_interval = Estimate(50, 50, 50, 1, 1.0, Method.LINEARISATION, has_interval=False)
    result = difference(estimate(60, 3), no_interval)
    assert (result.estimate, result.low, result.high, result.has_interval) == (10, 10, 10, False)
    empty = Estimate(0, 0, 0, 0, 0.0, Method.LINEARISATION, is_empty=True, has_interval=False)
    assert difference(empty, estimate(60, 3)).is_empty
