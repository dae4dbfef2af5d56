"""Tests of the progress assessment (teilhabe/monitoring/progress.py, docs/methods/progress.md).

Expected numbers are worked out by hand in the comments (or written as the arithmetic
itself), never by calling the code under test.
"""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from teilhabe.monitoring.progress import (
    CONFIDENCE_Z,
    STATUS_LABELS,
    STATUS_NAMES,
    TARGET_MISSED_NAMES,
    UN_CHART_LABELS,
    WEATHER_STATUS,
    Assessment,
    Direction,
    GapMetric,
    Point,
    Profile,
    Reason,
    SeriesOptions,
    Status,
    ThresholdOverrides,
    Weather,
    assess_indicator,
    assess_many,
    assess_series,
    derive_gap,
    explain,
    limit_coefficient,
    parity_index_interval,
)

POSITIVE, NEGATIVE = Direction.POSITIVE, Direction.NEGATIVE
SUBSTANTIAL, MODERATE, LIMITED = Status.SUBSTANTIAL_PROGRESS, Status.MODERATE_PROGRESS, Status.LIMITED_PROGRESS
DETERIORATION, ACHIEVED, NOT_AVAILABLE = Status.DETERIORATION, Status.TARGET_ACHIEVED, Status.NOT_AVAILABLE

# C for a base value at half (or one and a half times) the limit: 1 - 0.5 ** 4.44.
# By hand: 2 ** 4.44 = 16 * 2 ** 0.44 = 16 * 1.3566 = 21.71, so C = 1 - 0.04607 = 0.95393.
C_HALF = 1 - 0.5**4.44


def points(*pairs):
    return [Point(year=year, value=value) for year, value in pairs]


def options(**kwargs):
    return SeriesOptions(**kwargs)


# --------------------------------------------------------------------------- Open SDG, no target

NO_TARGET_CASES = [
    # (121 / 100) ** (1 / 2) - 1 = 0.1 >= 0.015; 500 * 0.1 - 5 = 45, capped at 5.
    pytest.param([(2015, 100), (2017, 121)], POSITIVE, SUBSTANTIAL, 5.0, 0.1, id="substantial, capped at 5"),
    # 101.6 / 100 - 1 = 0.016 >= 0.015; 500 * 0.016 - 5 = 3.
    pytest.param([(2015, 100), (2016, 101.6)], POSITIVE, SUBSTANTIAL, 3.0, 0.016, id="substantial, unclamped"),
    # 0.005 <= 0.01 < 0.015; 250 * 0.01 - 1.25 = 1.25.
    pytest.param([(2015, 100), (2016, 101)], POSITIVE, MODERATE, 1.25, 0.01, id="moderate"),
    # 0 <= 0.002 < 0.005; 500 * 0.002 - 2.5 = -1.5.
    pytest.param([(2015, 100), (2016, 100.2)], POSITIVE, LIMITED, -1.5, 0.002, id="limited"),
    # No change: P = 0 is the lower bound of limited; 500 * 0 - 2.5 = -2.5.
    pytest.param([(2015, 100), (2016, 100)], POSITIVE, LIMITED, -2.5, 0.0, id="no change is limited"),
    # -0.01 < 0; 125 * -0.01 - 2.5 = -3.75.
    pytest.param([(2015, 100), (2016, 99)], POSITIVE, DETERIORATION, -3.75, -0.01, id="deterioration"),
    # 125 * -0.1 - 2.5 = -15, floored at -5.
    pytest.param([(2015, 100), (2016, 90)], POSITIVE, DETERIORATION, -5.0, -0.1, id="deterioration, floored at -5"),
    # Lower is better: falling 1 % a year gives P = -1 * -0.01 = 0.01, moderate.
    pytest.param([(2015, 100), (2016, 99)], NEGATIVE, MODERATE, 1.25, 0.01, id="negative direction"),
]


@pytest.mark.parametrize(("pairs", "direction", "status", "score", "progress_value"), NO_TARGET_CASES)
def test_open_sdg_without_target(pairs, direction, status, score, progress_value):
    assessment = assess_series(points(*pairs), options(direction=direction))

    assert assessment.status is status
    assert assessment.score == pytest.approx(score, abs=1e-9)
    assert assessment.progress_value == pytest.approx(progress_value, abs=1e-12)
    assert assessment.limit_coefficient == 1.0


def test_default_direction_is_negative():
    assessment = assess_series(points((2015, 100), (2016, 99)))

    assert assessment.direction == -1
    assert assessment.status is MODERATE


LIMIT_CASES = [
    # b = 250 >= 2L = 200: C = 1; P = 0.01 is moderate, 250 * 0.01 - 1.25 = 1.25.
    pytest.param(250, 252.5, 100, 1.0, MODERATE, 1.25, id="b >= 2L: C = 1"),
    # b = 50 <= L: C = 1 - (50 / 100) ** 4.44 = 0.95393; thresholds 0.01431 / 0.00477;
    # P = 0.01 is moderate, 250 * 0.01 / C - 1.25 = 2.62073 - 1.25 = 1.37073.
    pytest.param(50, 50.5, 100, C_HALF, MODERATE, 250 * 0.01 / C_HALF - 1.25, id="b <= L"),
    # L < b = 150 < 2L: C = 1 - ((200 - 150) / 100) ** 4.44, the same 0.95393.
    pytest.param(150, 151.5, 100, C_HALF, MODERATE, 250 * 0.01 / C_HALF - 1.25, id="L < b < 2L"),
    # The sign of the limit does not matter: |limit| is used.
    pytest.param(50, 50.5, -100, C_HALF, MODERATE, 250 * 0.01 / C_HALF - 1.25, id="negative limit"),
    # b = L: C = 1 - 1 = 0, every threshold is 0; P = 0.005 >= 0 scores 5.
    pytest.param(100, 100.5, 100, 0.0, SUBSTANTIAL, 5.0, id="b = L: C = 0 and P >= 0"),
    # b = L and falling: P = -0.01 < 0, 125 * -0.01 - 2.5 = -3.75 (no division by C).
    pytest.param(100, 99, 100, 0.0, DETERIORATION, -3.75, id="b = L: C = 0 and P < 0"),
    # C close to 1 just below the limit would drop sharply near it: b = 90, C = 1 - 0.9 ** 4.44.
    # 0.9 ** 4.44 = exp(4.44 * -0.10536) = exp(-0.46780) = 0.62638, C = 0.37362;
    # P = 0.01 >= 0.015 * C = 0.0056 -> substantial, 500 * 0.01 / C - 5 = 13.38 - 5, capped at 5.
    pytest.param(90, 90.9, 100, 1 - 0.9**4.44, SUBSTANTIAL, 5.0, id="near the limit the bar is low"),
]


@pytest.mark.parametrize(("base", "current", "limit", "coefficient", "status", "score"), LIMIT_CASES)
def test_limit_coefficient_branches(base, current, limit, coefficient, status, score):
    assessment = assess_series(points((2015, base), (2016, current)), options(direction=POSITIVE, limit=limit))

    assert assessment.limit_coefficient == pytest.approx(coefficient, abs=1e-12)
    assert limit_coefficient(base, limit) == pytest.approx(coefficient, abs=1e-12)
    assert assessment.status is status
    assert assessment.score == pytest.approx(score, abs=1e-9)


def test_limit_scales_the_thresholds():
    assessment = assess_series(points((2015, 50), (2016, 50.5)), options(direction=POSITIVE, limit=100))

    assert assessment.thresholds.high == pytest.approx(0.015 * C_HALF)
    assert assessment.thresholds.medium == pytest.approx(0.005 * C_HALF)
    assert assessment.thresholds.low == 0.0


# --------------------------------------------------------------------------- Open SDG, with target

# Base 100 in 2015, target 81 in 2017, current year 2016, lower is better:
# required CAGR = (81 / 100) ** (1 / 2) - 1 = 0.9 - 1 = -0.1, so P = -1 * CAGR / 0.1.
TARGET_CASES = [
    # CAGR = -0.1, P = 1.0: 7.1429 * 1 - 4.2857 = 2.8572.
    pytest.param(90, SUBSTANTIAL, 7.1429 * 1.0 - 4.2857, 1.0, id="substantial"),
    # CAGR = -0.15, P = 1.5: 7.1429 * 1.5 - 4.2857 = 6.43, capped at 5.
    pytest.param(85, SUBSTANTIAL, 5.0, 1.5, id="substantial, capped at 5"),
    # CAGR = -0.08, P = 0.8: 7.1429 * 0.8 - 4.2857 = 1.42862.
    pytest.param(92, MODERATE, 7.1429 * 0.8 - 4.2857, 0.8, id="moderate"),
    # CAGR = -0.03, P = 0.3: 4.1667 * 0.3 - 2.5 = -1.24999.
    pytest.param(97, LIMITED, 4.1667 * 0.3 - 2.5, 0.3, id="limited"),
    # No change: P = 0, 4.1667 * 0 - 2.5 = -2.5.
    pytest.param(100, LIMITED, -2.5, 0.0, id="no change is limited"),
    # CAGR = +0.05, P = -0.5: 4.1667 * -0.5 - 2.5 = -4.58335.
    pytest.param(105, DETERIORATION, 4.1667 * -0.5 - 2.5, -0.5, id="deterioration"),
    # CAGR = +0.3, P = -3: 4.1667 * -3 - 2.5 = -15, floored at -5.
    pytest.param(130, DETERIORATION, -5.0, -3.0, id="deterioration, floored at -5"),
    # current = target counts as achieved; P is still reported (0.19 / 0.1 = 1.9), as Open SDG does.
    pytest.param(81, ACHIEVED, 5.0, 1.9, id="target reached exactly"),
    # Beyond the target: achieved, P = 0.3 / 0.1 = 3.
    pytest.param(70, ACHIEVED, 5.0, 3.0, id="target passed"),
]


@pytest.mark.parametrize(("current", "status", "score", "progress_value"), TARGET_CASES)
def test_open_sdg_with_target(current, status, score, progress_value):
    assessment = assess_series(
        points((2015, 100), (2016, current)), options(direction=NEGATIVE, target=81, target_year=2017)
    )

    assert assessment.status is status
    assert assessment.score == pytest.approx(score, abs=1e-9)
    assert assessment.progress_value == pytest.approx(progress_value, abs=1e-9)
    assert assessment.limit_coefficient is None


@pytest.mark.parametrize(
    ("current", "status"),
    [
        # Required CAGR = (121 / 100) ** (1 / 2) - 1 = 0.1; current 110 gives CAGR 0.1, P = 1.
        pytest.param(110, SUBSTANTIAL, id="rising on schedule"),
        pytest.param(121, ACHIEVED, id="rising, reached"),
        pytest.param(95, DETERIORATION, id="rising target, falling values"),
    ],
)
def test_open_sdg_with_target_higher_is_better(current, status):
    assessment = assess_series(
        points((2015, 100), (2016, current)), options(direction=POSITIVE, target=121, target_year=2017)
    )

    assert assessment.status is status


def test_limit_is_ignored_with_a_target():
    assessment = assess_series(
        points((2015, 100), (2016, 92)), options(direction=NEGATIVE, target=81, target_year=2017, limit=100)
    )

    assert assessment.status is MODERATE
    assert assessment.limit_coefficient is None


# --------------------------------------------------------------------------- edge rules

EDGE_CASES = [
    pytest.param([(2015, 10)], options(), NOT_AVAILABLE, Reason.TOO_FEW_YEARS, id="too few years: one value"),
    pytest.param([], options(), NOT_AVAILABLE, Reason.TOO_FEW_YEARS, id="too few years: no value"),
    pytest.param(
        [(2015, math.nan), (2016, 10)], options(), NOT_AVAILABLE, Reason.TOO_FEW_YEARS, id="missing values dropped"
    ),
    pytest.param(
        [(2010, 1), (2012, 2)], options(), NOT_AVAILABLE, Reason.NO_BASE_YEAR, id="no value in or after the base year"
    ),
    pytest.param(
        [(2013, 1), (2016, 2)],
        options(base_year=2016),
        NOT_AVAILABLE,
        Reason.BASE_NOT_BEFORE_CURRENT,
        id="base year not before current year",
    ),
    pytest.param([(2015, 5), (2016, -1)], options(), NOT_AVAILABLE, Reason.OPPOSITE_SIGNS, id="opposite signs"),
    # A zero base becomes 0.001, which is positive: a negative current value is then of the opposite sign.
    pytest.param(
        [(2015, 0), (2016, -2)], options(), NOT_AVAILABLE, Reason.OPPOSITE_SIGNS, id="zero base, negative current"
    ),
    pytest.param(
        [(2015, 1), (2015, 2), (2016, 3)], options(), NOT_AVAILABLE, Reason.DUPLICATE_YEARS, id="duplicate years"
    ),
    # 4 > -1, so not achieved; a target of the other sign than the base has no growth rate.
    pytest.param(
        [(2015, 5), (2016, 4)],
        options(target=-1),
        NOT_AVAILABLE,
        Reason.TARGET_NOT_USABLE,
        id="target and base of opposite signs",
    ),
    pytest.param(
        [(2015, 10), (2016, 9)],
        options(target=5, target_year=2015),
        NOT_AVAILABLE,
        Reason.TARGET_NOT_USABLE,
        id="target year not after base year",
    ),
    # Target achieved is checked before any division: target = base and current = base.
    pytest.param(
        [(2015, 50), (2020, 50)], options(target=50), ACHIEVED, None, id="target equals base: achieved, no division"
    ),
    # Target = base but the series moved away: required growth 0 cannot divide; deterioration.
    pytest.param(
        [(2015, 50), (2020, 55)], options(target=50), DETERIORATION, None, id="target equals base: moved away"
    ),
    # A target of 0 is met by 0 (checked before the replacement by 0.001).
    pytest.param([(2015, 10), (2016, 0)], options(target=0, target_year=2017), ACHIEVED, None, id="zero target met"),
]


@pytest.mark.parametrize(("pairs", "series_options", "status", "reason"), EDGE_CASES)
def test_edge_rules(pairs, series_options, status, reason):
    assessment = assess_series(points(*pairs), series_options)

    assert assessment.status is status
    assert assessment.reason is reason
    if status is NOT_AVAILABLE:
        assert assessment.score is None
        assert assessment.progress_value is None
        assert assessment.warnings


def test_not_available_keeps_what_is_known():
    """Like the published Open SDG results, a one-year series still reports its value."""
    assessment = assess_series(points((2019, 13.2)), options(target=10, target_year=2025))

    assert (assessment.base_year, assessment.base_value) == (2019, 13.2)
    assert (assessment.current_year, assessment.current_value) == (2019, 13.2)
    assert assessment.sign == 1


def test_empty_series_reports_the_configured_base_year():
    assessment = assess_series([], options(base_year=2012))

    assert assessment.base_year == 2012
    assert assessment.base_value is None
    assert assessment.sign is None


def test_base_year_missing_takes_the_first_later_year():
    assessment = assess_series(points((2014, 10), (2016, 12), (2018, 14.4)), options(direction=POSITIVE))

    # Base 2016 (12), current 2018 (14.4): (14.4 / 12) ** (1 / 2) - 1 = 1.2 ** 0.5 - 1 = 0.0954451.
    assert (assessment.base_year, assessment.base_value) == (2016, 12)
    assert assessment.progress_value == pytest.approx(1.2**0.5 - 1)
    assert assessment.status is SUBSTANTIAL


def test_zero_base_keeps_sign_and_is_replaced():
    assessment = assess_series(points((2015, 0), (2016, 2)), options(direction=POSITIVE))

    # sign from the base value 0 -> +1; growth from 0.001: 2 / 0.001 - 1 = 1999.
    assert assessment.sign == 1
    assert assessment.base_value == 0
    assert assessment.progress_value == pytest.approx(1999)
    assert assessment.status is SUBSTANTIAL


def test_negative_base_flips_the_sign():
    assessment = assess_series(points((2015, -10), (2016, -5)), options(direction=POSITIVE))

    # s = -1; CAGR = (-5 / -10) - 1 = -0.5; P = -1 * 1 * -0.5 = 0.5: rising towards zero is progress.
    assert assessment.sign == -1
    assert assessment.progress_value == pytest.approx(0.5)
    assert assessment.status is SUBSTANTIAL


def test_zero_target_is_replaced_for_the_growth_rate():
    assessment = assess_series(points((2015, 10), (2016, 1)), options(target=0, target_year=2017))

    # required = (0.001 / 10) ** (1 / 2) - 1 = 0.01 - 1 = -0.99; CAGR = 1 / 10 - 1 = -0.9;
    # P = 0.9 / 0.99 = 0.90909; 7.1429 * 10 / 11 - 4.2857 = 6.49355 - 4.2857 = 2.20785.
    assert assessment.progress_value == pytest.approx(10 / 11)
    assert assessment.status is MODERATE
    assert assessment.score == pytest.approx(7.1429 * 10 / 11 - 4.2857)


# --------------------------------------------------------------------------- threshold overrides

OVERRIDE_CASES = [
    # P = 0.01 >= 0.009: substantial, but the score formula keeps its constants: 500 * 0.01 - 5 = 0.
    pytest.param(
        [(2015, 100), (2016, 101)], {}, ThresholdOverrides(high=0.009), SUBSTANTIAL, 0.0, id="no target: lower high"
    ),
    # Only medium given: high and low keep 0.015 and 0; P = 0.01 < 0.02 is limited; 500 * 0.01 - 2.5 = 2.5.
    pytest.param([(2015, 100), (2016, 101)], {}, ThresholdOverrides(medium=0.02), LIMITED, 2.5, id="partial override"),
    # P = 0.04 < medium 0.05: limited branch 500 * 0.04 - 2.5 = 17.5, outside [-5, 5] as documented.
    pytest.param(
        [(2015, 100), (2016, 104)],
        {},
        ThresholdOverrides(high=0.1, medium=0.05),
        LIMITED,
        17.5,
        id="overrides can leave [-5, 5]",
    ),
    # With target (base 100, target 121 in 2017, current 108.8): P = 0.088 / 0.1 = 0.88 >= 0.8 -> substantial;
    # the score formula is unchanged: 7.1429 * 0.88 - 4.2857.
    pytest.param(
        [(2015, 100), (2016, 108.8)],
        {"target": 121, "target_year": 2017},
        ThresholdOverrides(high=0.8),
        SUBSTANTIAL,
        7.1429 * 0.88 - 4.2857,
        id="with target: lower high",
    ),
]


@pytest.mark.parametrize(("pairs", "extra", "overrides", "status", "score"), OVERRIDE_CASES)
def test_threshold_overrides(pairs, extra, overrides, status, score):
    assessment = assess_series(points(*pairs), options(direction=POSITIVE, thresholds=overrides, **extra))

    assert assessment.status is status
    assert assessment.score == pytest.approx(score, abs=1e-9)


# --------------------------------------------------------------------------- projection and needed change


def test_projection_and_needed_change():
    assessment = assess_series(points((2015, 14.5), (2023, 10.2)), options(target=7.25))

    growth = (10.2 / 14.5) ** (1 / 8) - 1  # -4.3 % a year
    # Projection at the same pace: 10.2 * (1 + growth) ** 7 = 7.4977.
    assert assessment.projected_value == pytest.approx(10.2 * (1 + growth) ** 7)
    # From 2023 to 2030: (7.25 - 10.2) / 7 = -0.42143 a year.
    assert assessment.needed_change_per_year == pytest.approx((7.25 - 10.2) / 7)
    assert not assessment.is_target_year_passed


def test_projection_without_target():
    assessment = assess_series(points((2015, 100), (2017, 121)), options(direction=POSITIVE, target_year=2019))

    # 10 % a year for two more years: 121 * 1.1 * 1.1 = 146.41.
    assert assessment.projected_value == pytest.approx(146.41)
    assert assessment.needed_change_per_year is None


@pytest.mark.parametrize(
    "target_year", [2023, 2020], ids=["current year is the target year", "target year in the past"]
)
def test_target_year_passed(target_year):
    assessment = assess_series(points((2015, 14.5), (2023, 10.2)), options(target=7.25, target_year=target_year))

    assert assessment.is_target_year_passed
    assert assessment.needed_change_per_year is None
    assert assessment.projected_value is None
    assert any("target year passed" in warning for warning in assessment.warnings)


# --------------------------------------------------------------------------- indicators


def series_with(status, score):
    return Assessment(
        profile=Profile.OPENSDG,
        status=status,
        score=score,
        progress_value=None,
        base_year=2015,
        base_value=None,
        current_year=None,
        current_value=None,
        target=None,
        target_year=2030,
        direction=-1,
        sign=1,
        limit=None,
    )


ACHIEVED_5 = series_with(ACHIEVED, 5.0)
NONE = series_with(NOT_AVAILABLE, None)

INDICATOR_CASES = [
    pytest.param([ACHIEVED_5, ACHIEVED_5], ACHIEVED, 5.0, id="every series achieved"),
    # (5 + 0) / 2 = 2.5 >= 2.5.
    pytest.param([ACHIEVED_5, series_with(LIMITED, 0.0)], SUBSTANTIAL, 2.5, id="mixed: mean 2.5 is substantial"),
    pytest.param([series_with(MODERATE, 2.4)], MODERATE, 2.4, id="2.4 is moderate"),
    pytest.param([series_with(LIMITED, 0.0)], MODERATE, 0.0, id="0 is moderate"),
    pytest.param([series_with(LIMITED, -2.5)], LIMITED, -2.5, id="-2.5 is limited"),
    pytest.param([series_with(DETERIORATION, -2.6)], DETERIORATION, -2.6, id="-2.6 is deterioration"),
    # Group averaged first: (5 + (1 - 1) / 2) / 2 = 2.5; flat it would be (5 + 1 - 1) / 3 = 1.67.
    pytest.param(
        [ACHIEVED_5, [series_with(MODERATE, 1.0), series_with(LIMITED, -1.0)]],
        SUBSTANTIAL,
        2.5,
        id="group scores averaged first",
    ),
    # Series without a score are left out of the mean, but block target_achieved.
    pytest.param([ACHIEVED_5, NONE], SUBSTANTIAL, 5.0, id="achieved plus not available"),
    pytest.param([NONE, NONE], NOT_AVAILABLE, None, id="no series has a score"),
    pytest.param([[NONE], series_with(LIMITED, -1.0)], LIMITED, -1.0, id="empty group left out"),
    pytest.param([], NOT_AVAILABLE, None, id="no selections"),
]


@pytest.mark.parametrize(("selections", "status", "score"), INDICATOR_CASES)
def test_assess_indicator(selections, status, score):
    indicator = assess_indicator(selections)

    assert indicator.status is status
    assert indicator.score == (None if score is None else pytest.approx(score))


# --------------------------------------------------------------------------- linear profile and gaps

ON_SCHEDULE = 10 - 8 * 8 / 15  # gap from 10 (2015) towards 2 (2030): 8/15 points a year, 5.7333 in 2023
ON_SCHEDULE_TO_ZERO = 10 - 10 * 8 / 15  # towards 0: 4.6667 in 2023


@pytest.mark.parametrize(
    ("current", "target", "profile", "status"),
    [
        # Linear: actual -8/15 a year = needed -8/15 a year, P = 1.
        pytest.param(ON_SCHEDULE, 2, Profile.LINEAR, SUBSTANTIAL, id="linear: on schedule is substantial"),
        # Growth rates: CAGR = (5.7333 / 10) ** (1/8) - 1 = -0.06717, required = 0.2 ** (1/15) - 1 = -0.10174,
        # P = 0.660: only moderate although the gap closes exactly on schedule.
        pytest.param(ON_SCHEDULE, 2, Profile.OPENSDG, MODERATE, id="open sdg: on schedule is moderate"),
        pytest.param(ON_SCHEDULE_TO_ZERO, 0, Profile.LINEAR, SUBSTANTIAL, id="linear: closing to zero on schedule"),
        # Target 0 becomes 0.001: required = 0.0001 ** (1/15) - 1 = -0.45878, CAGR = 0.46667 ** (1/8) - 1 = -0.09087,
        # P = 0.198: limited.
        pytest.param(ON_SCHEDULE_TO_ZERO, 0, Profile.OPENSDG, LIMITED, id="open sdg: closing to zero is limited"),
    ],
)
def test_gap_closing_on_schedule(current, target, profile, status):
    assessment = assess_series(points((2015, 10), (2023, current)), options(target=target, profile=profile))

    assert assessment.status is status


def test_linear_on_schedule_numbers():
    assessment = assess_series(points((2015, 10), (2023, ON_SCHEDULE)), options(target=2, profile=Profile.LINEAR))

    assert assessment.progress_value == pytest.approx(1.0)
    # With target the Open SDG target score: 7.1429 * 1 - 4.2857 = 2.8572.
    assert assessment.score == pytest.approx(2.8572)
    # On schedule the projection lands on the target: 5.7333 - 8/15 * 7 = 2.
    assert assessment.projected_value == pytest.approx(2.0)


LINEAR_CASES = [
    # Crossing zero is fine for the linear profile: -1 <= 0 reached the target.
    pytest.param([(2015, 4), (2020, -1)], {"target": 0}, ACHIEVED, None, id="gap crosses zero to the target"),
    # Slope -1 a year, needed (-2 - 4) / 15 = -0.4 a year: P = 2.5, score capped at 5.
    pytest.param([(2015, 4), (2020, -1)], {"target": -2}, SUBSTANTIAL, 2.5, id="gap crosses zero, not yet there"),
    # Needed change 0 (target = base) and the gap widened: deterioration without dividing by zero.
    pytest.param([(2015, 3), (2020, 4)], {"target": 3}, DETERIORATION, None, id="needed change zero, moved away"),
    pytest.param([(2015, 3), (2020, 2)], {"target": 3}, ACHIEVED, None, id="needed change zero, achieved"),
    # Widening: slope +0.2, needed -0.2: P = -1, 4.1667 * -1 - 2.5 = -6.67, floored at -5.
    pytest.param([(2015, 5), (2020, 6)], {"target": 2}, DETERIORATION, -1.0, id="gap widens"),
    # No target: relative change per year 0.2 / 10 = 0.02 (higher is better) is substantial.
    pytest.param([(2015, 10), (2016, 10.2)], {"direction": POSITIVE}, SUBSTANTIAL, 0.02, id="no target: relative pace"),
    pytest.param([(2015, 10), (2016, 10.1)], {"direction": POSITIVE}, MODERATE, 0.01, id="no target: moderate"),
]


@pytest.mark.parametrize(("pairs", "extra", "status", "progress_value"), LINEAR_CASES)
def test_linear_profile(pairs, extra, status, progress_value):
    assessment = assess_series(points(*pairs), options(profile=Profile.LINEAR, **extra))

    assert assessment.status is status
    if progress_value is not None:
        assert assessment.progress_value == pytest.approx(progress_value)
    assert -5 <= assessment.score <= 5


def test_linear_without_target_needs_a_non_zero_base():
    assessment = assess_series(points((2015, 0), (2016, 1)), options(profile=Profile.LINEAR))

    assert assessment.status is NOT_AVAILABLE
    assert assessment.reason is Reason.ZERO_BASE


def test_open_sdg_refuses_a_gap_that_crosses_zero():
    # -1 > -2: the target is not met, and a growth rate from 4 to -1 does not exist.
    assessment = assess_series(points((2015, 4), (2020, -1)), options(target=-2))

    assert assessment.reason is Reason.OPPOSITE_SIGNS


# A met target is "target achieved, score 5" even where no pace can be measured, as in sdg-build.
ACHIEVED_WITHOUT_PACE = [
    pytest.param([(2016, 3)], options(target=5), id="one value, target met"),
    pytest.param([(2013, 9), (2016, 3)], options(base_year=2016, target=5), id="base year = current year"),
    pytest.param([(2015, 4), (2020, -1)], options(target=0), id="opposite signs, gap target 0 overshot"),
    pytest.param([(2015, -4), (2020, 2)], options(direction=POSITIVE, target=1), id="opposite signs, positive"),
]


@pytest.mark.parametrize(("series", "series_options"), ACHIEVED_WITHOUT_PACE)
def test_target_met_without_a_pace_is_achieved_in_both_engines(series, series_options):
    assessment = assess_series(points(*series), series_options)
    years = np.arange(2013, 2021)
    values = np.full((1, len(years)), np.nan)
    for year, value in series:
        values[0, year - 2013] = value
    row = assess_many(
        values,
        years,
        base_year=series_options.base_year,
        target=series_options.target,
        direction=1 if series_options.direction is Direction.POSITIVE else -1,
    )[0]

    assert assessment.status is Status.TARGET_ACHIEVED
    assert assessment.score == 5.0
    assert assessment.progress_value is None
    assert assessment.reason is None
    assert row["status"] == Status.TARGET_ACHIEVED.value
    assert row["score"] == 5.0
    assert math.isnan(row["progress_value"])
    assert row["needed_change_per_year"] == assessment.needed_change_per_year
    sentence = explain(assessment, language="en", unit_label="the rate")
    assert "target achieved" in sentence
    assert f"From {assessment.current_year} to {assessment.current_year}" not in sentence


@pytest.mark.parametrize(
    ("series", "series_options", "reason"),
    [
        pytest.param([(2016, 6)], options(target=5), Reason.TOO_FEW_YEARS, id="one value, target not met"),
        pytest.param([(2012, 3)], options(target=5), Reason.TOO_FEW_YEARS, id="met, but before the base year"),
        pytest.param([(2012, 3), (2013, 3)], options(target=5), Reason.NO_BASE_YEAR, id="met, no base year"),
        pytest.param([(2016, 3)], options(), Reason.TOO_FEW_YEARS, id="one value, no target"),
    ],
)
def test_unmet_or_baseless_short_series_stay_unassessed(series, series_options, reason):
    assessment = assess_series(points(*series), series_options)
    years = np.arange(2012, 2017)
    values = np.full((1, len(years)), np.nan)
    for year, value in series:
        values[0, year - 2012] = value
    row = assess_many(values, years, target=np.nan if series_options.target is None else series_options.target)[0]

    assert assessment.status is NOT_AVAILABLE
    assert assessment.reason is reason
    assert row["status"] == NOT_AVAILABLE.value


def test_linear_projection():
    assessment = assess_series(points((2015, 10), (2019, 8)), options(profile=Profile.LINEAR, target=1))

    # Slope (8 - 10) / 4 = -0.5; 2030: 8 - 0.5 * 11 = 2.5; needed from now (1 - 8) / 11.
    assert assessment.annual_change == pytest.approx(-0.5)
    assert assessment.projected_value == pytest.approx(2.5)
    assert assessment.needed_change_per_year == pytest.approx(-7 / 11)


GAP_A = [Point(2014, 40.0), Point(2015, 30.0, 1.0, 200), Point(2016, 33.0, 1.0, 150)]
GAP_B = [Point(2015, 20.0, 1.0, 300), Point(2016, 0.0, 1.0, 100), Point(2017, 25.0)]

GAP_CASES = [
    # 2015: 30 - 20 = 10, se = sqrt(1 + 1); 2016: 33 - 0 = 33. 2014 and 2017 are not in both.
    pytest.param(
        GapMetric.DIFFERENCE, [(2015, 10.0, math.sqrt(2), 200), (2016, 33.0, math.sqrt(2), 100)], id="difference"
    ),
    # 30 / 20 = 1.5, se = 1.5 * sqrt((1/30)^2 + (1/20)^2) = 1.5 * 0.060093 = 0.090139; 2016 has b = 0.
    pytest.param(GapMetric.RATIO, [(2015, 1.5, 1.5 * math.hypot(1 / 30, 1 / 20), 200)], id="ratio"),
    # min(1.5, 1 / 1.5) = 0.6667 with the same relative error.
    pytest.param(GapMetric.PARITY_INDEX, [(2015, 2 / 3, 2 / 3 * math.hypot(1 / 30, 1 / 20), 200)], id="parity index"),
]


@pytest.mark.parametrize(("metric", "expected"), GAP_CASES)
def test_derive_gap(metric, expected):
    gap = derive_gap(GAP_A, GAP_B, metric)

    assert [(p.year, p.value, p.standard_error, p.sample_size) for p in gap] == [
        (year, pytest.approx(value), pytest.approx(error), size) for year, value, error, size in expected
    ]


def test_parity_index_is_symmetric():
    a, b = [Point(2015, 40.0)], [Point(2015, 50.0)]

    assert derive_gap(a, b, "parity_index")[0].value == pytest.approx(0.8)
    assert derive_gap(b, a, "parity_index")[0].value == pytest.approx(0.8)


# The parity index min(a, b) / max(a, b) = exp(-|r|) of r = ln(a / b) has a kink at parity, where
# value ± z·SE leaves [0, 1]; its interval is taken on the log-ratio scale and folded (section 5).
Z = 1.959963984540054


def _log_ratio_interval(a, se_a, b, se_b):
    r, s = math.log(a / b), math.sqrt((se_a / a) ** 2 + (se_b / b) ** 2)
    return r - Z * s, r + Z * s


def test_parity_index_interval_near_parity_stays_below_one():
    a, b = Point(2015, 50.0, 2.5, 400), Point(2015, 49.0, 2.5, 400)
    point = derive_gap([a], [b], "parity_index")[0]
    low_r, high_r = _log_ratio_interval(50.0, 2.5, 49.0, 2.5)

    # The normal interval around the delta-method SE would reach above the maximum of 1.
    assert point.value + Z * point.standard_error > 1.1
    # Parity lies inside the log-ratio interval, so the index may be 1; the far end sets the lower bound.
    assert low_r < 0 < high_r
    assert point.interval == (pytest.approx(math.exp(-max(-low_r, high_r)), rel=1e-12), 1.0)
    assert point.interval[0] < point.value < point.interval[1]


def test_parity_index_interval_at_parity():
    point = derive_gap([Point(2015, 40.0, 2.0)], [Point(2015, 40.0, 2.0)], "parity_index")[0]

    assert point.value == 1.0
    # r = 0, SE(r) = sqrt(2) * 0.05.
    assert point.interval == (pytest.approx(math.exp(-Z * math.sqrt(2) * 0.05), rel=1e-12), 1.0)


@pytest.mark.parametrize(("a", "b"), [(20.0, 60.0), (60.0, 20.0)], ids=["a below b", "a above b"])
def test_parity_index_interval_far_from_parity_is_close_to_the_delta_method(a, b):
    se_a, se_b = a / 20, b / 30
    point = derive_gap([Point(2015, a, se_a)], [Point(2015, b, se_b)], "parity_index")[0]
    low_r, high_r = _log_ratio_interval(a, se_a, b, se_b)
    nearest, furthest = sorted((abs(low_r), abs(high_r)))

    assert point.value == pytest.approx(1 / 3)
    assert point.interval == (
        pytest.approx(math.exp(-furthest), rel=1e-12),
        pytest.approx(math.exp(-nearest), rel=1e-12),
    )
    # Far from the kink the folded log-ratio interval and value ± z·SE nearly coincide (within 1 % of the value).
    assert point.interval[0] == pytest.approx(point.value - Z * point.standard_error, abs=0.01 / 3)
    assert point.interval[1] == pytest.approx(point.value + Z * point.standard_error, abs=0.01 / 3)


@settings(max_examples=300, deadline=None)
@given(
    st.floats(0.01, 1000),
    st.floats(0.01, 1000),
    st.floats(0.0, 0.5),
    st.floats(0.0, 0.5),
)
def test_parity_index_interval_is_bounded_and_contains_the_index(a, b, relative_a, relative_b):
    low, high = parity_index_interval(a, a * relative_a, b, b * relative_b)
    value = min(a / b, b / a)

    assert 0.0 < low <= value <= high <= 1.0


@pytest.mark.parametrize("b_mean", [50.0, 48.0, 45.0, 25.0], ids=["parity", "near 0.96", "0.9", "far 0.5"])
def test_parity_index_interval_covers_the_true_index(b_mean):
    """Seeded simulation: two independent survey estimates with 5 % relative error."""
    rng = np.random.default_rng(12)
    a_mean, se_a, se_b, replications = 50.0, 2.5, b_mean / 20, 4_000
    truth = min(a_mean / b_mean, b_mean / a_mean)
    a_draws = rng.normal(a_mean, se_a, replications)
    b_draws = rng.normal(b_mean, se_b, replications)
    covered = sum(
        low <= truth <= high
        for low, high in (parity_index_interval(a, se_a, b, se_b) for a, b in zip(a_draws, b_draws, strict=True))
    )

    # Monte Carlo standard error 0.35 points at 95 %; near parity the folded interval is conservative.
    assert covered / replications >= 0.94


def test_parity_index_interval_refuses_non_positive_values():
    with pytest.raises(ValueError, match="two positive values"):
        parity_index_interval(0.0, 1.0, 5.0, 1.0)


def test_target_uncertainty_uses_the_interval_of_a_parity_index():
    # Far from the target of 0.9 by the folded interval, although value ± z·SE would reach it.
    far = Point(2020, 0.55, standard_error=0.2, interval=(0.5, 0.6))
    near = Point(2020, 0.97, standard_error=0.01, interval=(0.93, 1.0))
    series_options = options(direction=POSITIVE, target=1.0, profile=Profile.LINEAR)

    assert not assess_series([Point(2015, 0.5), far], options(direction=POSITIVE, target=0.9)).is_uncertain
    # A target of parity (1) is met only at the interval's upper end, which the interval includes.
    assert assess_series([Point(2015, 0.8), near], series_options).is_uncertain


# --------------------------------------------------------------------------- other profiles

UN_CASES = [
    # Same ratio as the Open SDG target method (base 100, target 81 in 2017, current 2016);
    # bands 0.95 / 0.5 / -0.1 and the band-aligned score 2.5 * (CR - 0.5) / 0.45 above 0.5,
    # 2.5 * (CR - 0.5) / 0.6 below.
    pytest.param(90, SUBSTANTIAL, 2.5 * 0.5 / 0.45, id="on track"),  # CR = 1
    pytest.param(92, MODERATE, 2.5 * 0.3 / 0.45, id="fair progress"),  # CR = 0.8
    pytest.param(97, LIMITED, 2.5 * -0.2 / 0.6, id="limited"),  # CR = 0.3
    pytest.param(100.5, LIMITED, 2.5 * -0.55 / 0.6, id="slight worsening is still limited"),  # CR = -0.05
    pytest.param(105, DETERIORATION, 2.5 * -1.0 / 0.6, id="deterioration"),  # CR = -0.5
    pytest.param(80, ACHIEVED, 5.0, id="target met"),
]


@pytest.mark.parametrize(("current", "status", "score"), UN_CASES)
def test_un_progress_chart(current, status, score):
    assessment = assess_series(
        points((2015, 100), (2016, current)),
        options(target=81, target_year=2017, profile=Profile.UN_PROGRESS_CHART),
    )

    assert assessment.status is status
    assert assessment.score == pytest.approx(score)


def test_un_chart_labels_map_onto_status_codes():
    assert UN_CHART_LABELS["en"][SUBSTANTIAL] == "on track"
    assert UN_CHART_LABELS["en"][MODERATE] == "fair progress, acceleration needed"
    assert UN_CHART_LABELS["en"][LIMITED] == "limited or no progress"
    assert UN_CHART_LABELS["en"][DETERIORATION] == "deterioration"


WEATHER_CASES = [
    # Trend since 2020 (32): slope (42 - 32) / 5 = 2; to 2030: 42 + 10 = 52 >= 50.
    # P = 2 * 5 / (50 - 42) = 1.25, miss -25 % < 5 %: sun; score min(2.5 * 0.45 / 0.15, 5) = 5.
    pytest.param(42, Weather.SUN, 1.25, 5.0, id="sun"),
    # slope 1.7, P = 8.5 / 9.5 = 0.8947, miss 10.5 %: sun and cloud; 2.5 * 0.0947 / 0.15 = 1.5789.
    pytest.param(40.5, Weather.SUN_CLOUD, 8.5 / 9.5, 2.5 * (8.5 / 9.5 - 0.8) / 0.15, id="sun and cloud"),
    # slope 0.8, P = 4 / 14 = 0.2857, miss 71 % but rising: cloud; 2.5 * (0.2857 - 0.8) / 0.8 = -1.6071.
    pytest.param(36, Weather.CLOUD, 4 / 14, 2.5 * (4 / 14 - 0.8) / 0.8, id="cloud"),
    # Standing still: P = 0, cloud; 2.5 * -0.8 / 0.8 = -2.5.
    pytest.param(32, Weather.CLOUD, 0.0, -2.5, id="standing still is cloud"),
    # slope -0.4, P = -2 / 20 = -0.1: thunderstorm; 2.5 * -0.9 / 0.8 = -2.8125.
    pytest.param(30, Weather.THUNDERSTORM, -0.1, -2.8125, id="thunderstorm"),
    pytest.param(52, Weather.SUN, None, 5.0, id="target reached"),
]


@pytest.mark.parametrize(("current", "weather", "progress_value", "score"), WEATHER_CASES)
def test_german_weather(current, weather, progress_value, score):
    assessment = assess_series(
        points((2018, 30), (2020, 32), (2025, current)),
        options(direction=POSITIVE, target=50, profile=Profile.GERMAN_WEATHER),
    )

    assert assessment.weather is weather
    assert assessment.status is (ACHIEVED if current >= 50 else WEATHER_STATUS[weather])
    assert assessment.score == pytest.approx(score)
    if progress_value is not None:
        assert assessment.progress_value == pytest.approx(progress_value)
        assert assessment.trend_start_year == 2020


def test_german_weather_with_sparse_data_uses_the_latest_earlier_value():
    assessment = assess_series(
        points((2010, 20), (2025, 35)),
        options(direction=POSITIVE, base_year=2010, target=50, profile=Profile.GERMAN_WEATHER),
    )

    # slope (35 - 20) / 15 = 1; P = 1 * 5 / 15 = 0.333: cloud.
    assert assessment.trend_start_year == 2010
    assert assessment.weather is Weather.CLOUD
    assert assessment.progress_value == pytest.approx(1 / 3)
    assert any("trend taken from 2010" in warning for warning in assessment.warnings)


def test_target_attainment():
    assessment = assess_series(
        points((2015, 20), (2020, 30)),
        options(direction=POSITIVE, target=60, target_year=2025, profile=Profile.TARGET_ATTAINMENT),
    )

    # Covered (30 - 20) / (60 - 20) = 0.25 of the distance after 5 / 10 = 0.5 of the time;
    # pace ratio 0.25 / 0.5 = 0.5: limited, 4.1667 * 0.5 - 2.5 = -0.41665.
    assert assessment.attainment_share == pytest.approx(0.25)
    assert assessment.elapsed_share == pytest.approx(0.5)
    assert assessment.status is LIMITED
    assert assessment.score == pytest.approx(4.1667 * 0.5 - 2.5)


@pytest.mark.parametrize("profile", [Profile.UN_PROGRESS_CHART, Profile.GERMAN_WEATHER, Profile.TARGET_ATTAINMENT])
def test_profiles_that_need_a_target(profile):
    assessment = assess_series(points((2015, 10), (2020, 12)), options(profile=profile))

    assert assessment.status is NOT_AVAILABLE
    assert assessment.reason is Reason.TARGET_REQUIRED


# --------------------------------------------------------------------------- uncertainty and suppression


def test_delta_method_interval_by_hand():
    series = [Point(2015, 100.0, standard_error=2.0), Point(2017, 121.0, standard_error=3.0)]

    assessment = assess_series(series, options(direction=POSITIVE))

    # P = (c/b) ** (1/2) - 1 = 0.1; dP/dc = (1 + P) / (n c) = 1.1 / 242, dP/db = -(1 + P) / (n b) = -1.1 / 200.
    # var = (1.1/200 * 2) ** 2 + (1.1/242 * 3) ** 2 = 0.000121 + 0.000186 = 0.000307; half width 1.96 * 0.01752 = 0.03434.
    half = CONFIDENCE_Z * math.sqrt((1.1 / 200 * 2) ** 2 + (1.1 / 242 * 3) ** 2)
    assert assessment.progress_interval == (pytest.approx(0.1 - half), pytest.approx(0.1 + half))
    # (0.0657, 0.1343) lies above every threshold (0.015, 0.005, 0): the status holds.
    assert not assessment.is_uncertain


def test_interval_straddling_a_threshold_is_uncertain():
    series = [Point(2015, 100.0, standard_error=2.0), Point(2016, 101.0, standard_error=2.0)]

    assessment = assess_series(series, options(direction=POSITIVE))

    # P = 0.01; half width 1.96 * sqrt((1.01/100 * 2) ** 2 + (1.01/101 * 2) ** 2) = 1.96 * 0.02843 = 0.0557.
    assert assessment.status is MODERATE
    assert assessment.is_uncertain


DELTA_CASES = [
    pytest.param(Profile.OPENSDG, {"target": 7.25}, id="open sdg with target"),
    pytest.param(Profile.OPENSDG, {}, id="open sdg without target"),
    pytest.param(Profile.UN_PROGRESS_CHART, {"target": 7.25}, id="un chart"),
    pytest.param(Profile.LINEAR, {"target": 7.25}, id="linear with target"),
    pytest.param(Profile.LINEAR, {}, id="linear without target"),
    pytest.param(Profile.TARGET_ATTAINMENT, {"target": 7.25}, id="target attainment"),
    pytest.param(Profile.GERMAN_WEATHER, {"target": 7.25}, id="german weather"),
]


@pytest.mark.parametrize(("profile", "extra"), DELTA_CASES)
def test_delta_method_matches_numerical_derivatives(profile, extra):
    """The analytic partial derivatives agree with central differences of the progress value."""
    start_year = 2018 if profile is Profile.GERMAN_WEATHER else 2015
    errors = {"start": 0.4, "current": 0.3}

    def progress(start, current):
        series = [Point(start_year, start), Point(2023, current)]
        return assess_series(series, options(profile=profile, **extra)).progress_value

    step = 1e-6
    d_start = (progress(14.5 + step, 10.2) - progress(14.5 - step, 10.2)) / (2 * step)
    d_current = (progress(14.5, 10.2 + step) - progress(14.5, 10.2 - step)) / (2 * step)
    expected_half = CONFIDENCE_Z * math.hypot(d_start * errors["start"], d_current * errors["current"])

    series = [Point(start_year, 14.5, errors["start"]), Point(2023, 10.2, errors["current"])]
    low, high = assess_series(series, options(profile=profile, **extra)).progress_interval

    assert (high - low) / 2 == pytest.approx(expected_half, rel=1e-5)


def test_target_inside_the_current_interval_is_uncertain():
    series = [Point(2015, 14.5, 0.5), Point(2023, 7.1, 0.5)]

    assessment = assess_series(series, options(target=7.25))

    # 7.1 meets 7.25, but 7.1 +- 0.98 contains the target.
    assert assessment.status is ACHIEVED
    assert assessment.is_uncertain


def test_one_standard_error_is_not_enough():
    series = [Point(2015, 14.5, 0.5), Point(2023, 10.2)]

    assessment = assess_series(series, options(target=7.25))

    assert assessment.progress_interval is None
    assert any("standard error" in warning for warning in assessment.warnings)


SUPPRESSION_CASES = [
    pytest.param(40, 380, 100, True, id="base sample too small"),
    pytest.param(400, 99, 100, True, id="current sample too small"),
    pytest.param(100, 100, 100, False, id="exactly the minimum"),
    pytest.param(None, None, 100, False, id="sample sizes unknown"),
    pytest.param(10, 10, None, False, id="no minimum configured"),
]


@pytest.mark.parametrize(("base_size", "current_size", "minimum", "is_suppressed"), SUPPRESSION_CASES)
def test_suppression(base_size, current_size, minimum, is_suppressed):
    series = [Point(2015, 14.5, sample_size=base_size), Point(2023, 10.2, sample_size=current_size)]

    assessment = assess_series(series, options(target=7.25, minimum_sample_size=minimum))

    assert assessment.is_suppressed is is_suppressed
    if is_suppressed:
        assert assessment.status is NOT_AVAILABLE
        assert assessment.reason is Reason.SUPPRESSED
        assert assessment.base_value is None and assessment.current_value is None
        assert any("suppressed" in warning for warning in assessment.warnings)
    else:
        assert assessment.status is SUBSTANTIAL


# --------------------------------------------------------------------------- explanations

FALLING_SHARE = assess_series(points((2015, 14.5), (2023, 10.2)), options(target=7.25))


def test_explanation_model_sentence_in_english():
    text = explain(FALLING_SHARE, unit_label="the share", language="en", value_format="{:.1f}%")

    assert text.startswith(
        "From 2015 to 2023 the share fell from 14.5% to 10.2%, by 4.3% a year. "
        "At this pace it would reach 7.5% in 2030, just short of the 7.25% target; "
        "the pace is 95% of what the target needs: substantial progress."
    )


def test_explanation_model_sentence_in_german():
    text = explain(
        FALLING_SHARE,
        unit_label="der Anteil",
        language="de",
        value_format="{:.1f} %",
        change_format="{:.2f} Prozentpunkte",
    )

    assert text == (
        "Von 2015 bis 2023 sank der Anteil von 14,5 % auf 10,2 %, um 4,3 % pro Jahr. "
        "In diesem Tempo läge der Wert 2030 bei 7,5 % und würde das Ziel von 7,25 % knapp verfehlen; "
        "das Tempo beträgt 95 % des für das Ziel nötigen Tempos: deutlicher Fortschritt. "
        "Um das Ziel bis 2030 zu erreichen, müsste der Wert ab jetzt um 0,42 Prozentpunkte pro Jahr sinken."
    )


EXPLANATION_CASES = [
    pytest.param([(2015, 14.5), (2023, 7.0)], {"target": 7.25}, ("It has reached the 7.25 target",), id="achieved"),
    pytest.param([(2015, 14.5), (2023, 10.2)], {"target": 7.25}, ("just short of",), id="substantial"),
    # (11 / 14.5) ** (1/8) - 1 = -0.0339 against -0.0452 needed: P = 0.75.
    pytest.param([(2015, 14.5), (2023, 11.0)], {"target": 7.25}, ("short of the",), id="moderate"),
    pytest.param([(2015, 14.5), (2023, 14.0)], {"target": 7.25}, ("short of the",), id="limited"),
    pytest.param([(2015, 14.5), (2023, 16.0)], {"target": 7.25}, ("moving away from",), id="deterioration"),
    pytest.param([(2015, 14.5), (2023, 10.2)], {}, ("Without a target",), id="no target"),
    pytest.param([(2015, 14.5), (2023, 10.2)], {"target": 7.25, "target_year": 2020}, ("has passed",), id="passed"),
    pytest.param([(2015, 14.5)], {"target": 7.25}, ("cannot be assessed", "fewer than two years"), id="not available"),
    pytest.param([(2015, 14.5), (2023, 14.5)], {"target": 7.25}, ("stayed at 14.5",), id="unchanged"),
    pytest.param(
        [(2015, 10), (2020, 12), (2023, 13)],
        {"target": 20, "direction": POSITIVE, "profile": Profile.GERMAN_WEATHER},
        ("At the pace since 2020", "Weather symbol: cloud"),
        id="weather",
    ),
    pytest.param(
        [(2015, 20), (2020, 30)],
        {"target": 60, "target_year": 2025, "direction": POSITIVE, "profile": Profile.TARGET_ATTAINMENT},
        ("25% of the distance", "after 50% of the time"),
        id="target attainment",
    ),
    pytest.param(
        [(2015, 14.5), (2023, 10.2)],
        {"target": 7.25, "profile": Profile.UN_PROGRESS_CHART},
        ("substantial progress",),
        id="un chart profile, one vocabulary",
    ),
]


@pytest.mark.parametrize(("pairs", "extra", "fragments"), EXPLANATION_CASES)
@pytest.mark.parametrize("language", ["en", "de"])
def test_explanation_covers_every_case(pairs, extra, fragments, language):
    assessment = assess_series(points(*pairs), options(**extra))

    text = explain(assessment, unit_label="the share" if language == "en" else "der Anteil", language=language)

    # One vocabulary: the sentence ends with the badge's words, whatever the profile.
    if assessment.is_target_missed:
        assert f": {TARGET_MISSED_NAMES[language]}." in text
    elif assessment.status is not NOT_AVAILABLE:
        assert f": {STATUS_NAMES[language][assessment.status]}." in text
    if language == "en":
        for fragment in fragments:
            assert fragment in text
    assert "None" not in text and "nan" not in text
    assert text.endswith(".")


def test_explanation_of_a_suppressed_series():
    series = [Point(2015, 14.5, sample_size=23), Point(2023, 10.2, sample_size=300)]
    assessment = assess_series(series, options(target=7.25, minimum_sample_size=50))

    assert explain(assessment, unit_label="the share") == (
        "The share is not assessed because too few people were surveyed (n = 23, at least 50 needed)."
    )
    assert explain(assessment, unit_label="der Anteil", language="de") == (
        "Der Anteil wird nicht bewertet, weil zu wenige Personen befragt wurden (n = 23, mindestens 50 nötig)."
    )


def test_explanation_of_an_uncertain_status():
    series = [Point(2015, 14.5, 0.8), Point(2023, 10.2, 0.9)]
    assessment = assess_series(series, options(target=7.25))

    text = explain(assessment, unit_label="the share", value_format="{:.1f}%")

    low, high = assessment.progress_interval
    assert f"between {low * 100:.0f}% and {high * 100:.0f}% of the pace needed, so the status is uncertain" in text


def test_explanation_accepts_a_formatting_function():
    text = explain(FALLING_SHARE, unit_label="the rate", value_format=lambda x: f"{x:.2f} per 1,000")

    assert "from 14.50 per 1,000 to 10.20 per 1,000" in text


def test_status_labels_cover_every_status_in_both_languages():
    for mapping in (STATUS_LABELS, STATUS_NAMES, UN_CHART_LABELS):
        assert set(mapping) == {"en", "de"}
        for labels in mapping.values():
            assert set(labels) == set(Status)


# --------------------------------------------------------------------------- properties

positive_values = st.floats(min_value=0.01, max_value=10_000, allow_nan=False, allow_infinity=False)


@st.composite
def series_and_options(draw, *, with_limit=True):
    years = draw(st.lists(st.integers(2005, 2030), min_size=0, max_size=8, unique=True))
    values = draw(st.lists(positive_values, min_size=len(years), max_size=len(years)))
    series = [Point(year, value) for year, value in zip(years, values, strict=True)]
    series_options = SeriesOptions(
        direction=draw(st.sampled_from(list(Direction))),
        base_year=draw(st.integers(2005, 2025)),
        target=draw(st.none() | positive_values | st.just(0.0)),
        target_year=draw(st.integers(2010, 2040)),
        limit=draw(st.none() | st.just(100.0) | positive_values) if with_limit else None,
    )
    return series, series_options


@settings(max_examples=200, deadline=None)
@given(series_and_options())
def test_score_stays_within_five_with_default_thresholds(case):
    series, series_options = case

    assessment = assess_series(series, series_options)

    assert assessment.score is None or -5 <= assessment.score <= 5


@settings(max_examples=200, deadline=None)
@given(
    base=positive_values,
    current=positive_values,
    better=positive_values,
    direction=st.sampled_from(list(Direction)),
    target=st.none() | positive_values,
    limit=st.none() | st.just(100.0),
    profile=st.sampled_from([Profile.OPENSDG, Profile.LINEAR]),
)
def test_score_is_monotone_in_the_current_value(base, current, better, direction, target, limit, profile):
    """Moving the current value in the desired direction never lowers the score."""
    step = better if direction is Direction.POSITIVE else -better
    improved = current + step
    if improved <= 0:
        return
    series_options = SeriesOptions(direction=direction, target=target, limit=limit, profile=profile)

    worse = assess_series([Point(2015, base), Point(2021, current)], series_options)
    best = assess_series([Point(2015, base), Point(2021, improved)], series_options)

    assert best.score >= worse.score - 1e-9


def _same(a, b):
    if a is None:
        return math.isnan(b)
    return a == b


@settings(max_examples=100, deadline=None)
@given(st.lists(series_and_options(), min_size=1, max_size=6))
def test_assess_many_agrees_with_assess_series(cases):
    years = np.arange(2005, 2031)
    values = np.full((len(cases), len(years)), np.nan)
    for row, (series, _) in enumerate(cases):
        for point in series:
            values[row, point.year - 2005] = point.value
    option_list = [series_options for _, series_options in cases]

    result = assess_many(
        values,
        years,
        base_year=np.array([o.base_year for o in option_list]),
        target=np.array([np.nan if o.target is None else o.target for o in option_list]),
        target_year=np.array([o.target_year for o in option_list]),
        direction=np.array([1 if o.direction is Direction.POSITIVE else -1 for o in option_list]),
        limit=np.array([np.nan if o.limit is None else o.limit for o in option_list]),
    )

    for row, (series, series_options) in enumerate(cases):
        assessment = assess_series(series, series_options)
        assert result["status"][row] == assessment.status.value
        for name in ("score", "progress_value", "base_value", "current_value", "projected_value"):
            assert _same(getattr(assessment, name), result[name][row]), name
        assert _same(assessment.needed_change_per_year, result["needed_change_per_year"][row])
        assert _same(assessment.limit_coefficient, result["limit_coefficient"][row])


@pytest.mark.parametrize(
    ("current", "high", "medium", "low", "status"),
    [
        # P = 0.01 >= 0.009.
        pytest.param(101.0, 0.009, np.nan, np.nan, SUBSTANTIAL, id="high override"),
        # 0 <= P = 0.01 < 0.02.
        pytest.param(101.0, np.nan, 0.02, np.nan, LIMITED, id="medium override"),
        # P = -0.01 >= -0.02.
        pytest.param(99.0, np.nan, np.nan, -0.02, LIMITED, id="low override"),
    ],
)
def test_assess_many_threshold_overrides(current, high, medium, low, status):
    result = assess_many(
        np.array([[100.0, current]]),
        np.array([2015, 2016]),
        direction=1,
        threshold_high=high,
        threshold_medium=medium,
        threshold_low=low,
    )
    overrides = ThresholdOverrides(*(None if np.isnan(bound) else bound for bound in (high, medium, low)))
    assessment = assess_series(points((2015, 100), (2016, current)), options(direction=POSITIVE, thresholds=overrides))

    assert result["status"][0] == status.value == assessment.status.value
    assert result["score"][0] == assessment.score


def test_assess_many_needs_increasing_years():
    with pytest.raises(ValueError, match="increasing"):
        assess_many(np.ones((1, 2)), np.array([2016, 2015]))


@settings(max_examples=100, deadline=None)
@given(series_and_options(with_limit=False))
def test_explained_projection_is_the_computed_projection(case):
    series, series_options = case
    assessment = assess_series(series, series_options)

    text = explain(assessment, unit_label="the value", value_format="{:.6f}")

    match = re.search(r"would reach (-?[\d.]+) in (\d{4})", text)
    if assessment.projected_value is None or assessment.status is ACHIEVED:
        assert match is None
    else:
        assert match is not None
        assert float(match.group(1)) == pytest.approx(assessment.projected_value, abs=1e-6)
        assert int(match.group(2)) == assessment.target_year


# --------------------------------------------------------------------------- what a reader is told (issue 13)

READER_CASES = [
    # pairs, options, language, fragment that must be in the explanation
    pytest.param(
        [(2015, 14.5), (2021, 10.2)],
        {"target": 7.25, "target_year": 2020},
        "en",
        "has passed without the 7.25 target being reached; the pace was",
        id="passed target year, unmet: missed",
    ),
    pytest.param(
        [(2015, 14.5), (2021, 10.2)],
        {"target": 7.25, "target_year": 2020},
        "de",
        ": Ziel verfehlt.",
        id="passed target year, unmet, German: verfehlt",
    ),
    pytest.param(
        [(2015, 60.0), (2020, 80.0)],
        {"target": 95.0, "direction": POSITIVE, "bounds": (0.0, 100.0)},
        "en",
        "it would run into the bound of 100.0 before 2030, meeting the 95.0 target",
        id="share projected past 100: stops at the bound",
    ),
    pytest.param(
        [(2015, 60.0), (2020, 80.0)],
        {"target": 95.0, "direction": POSITIVE, "bounds": (0.0, 100.0)},
        "de",
        "stieße der Wert an die Grenze von 100,0 noch vor 2030 und würde das Ziel von 95,0 erreichen",
        id="share projected past 100, German",
    ),
    pytest.param(
        [(2015, 40.0), (2020, 10.0)],
        {"direction": POSITIVE, "bounds": (0.0, 100.0), "target": None, "profile": Profile.LINEAR},
        "en",
        "it would reach the bound of 0.0 before 2030",
        id="falling share without target: stops at 0",
    ),
    pytest.param(
        [(2015, 240000.0), (2020, 250000.0)],
        {"direction": POSITIVE},
        "de",
        "von 240.000,0 auf 250.000,0",
        id="thousands separators",
    ),
    pytest.param(
        [(2015, 0.125), (2020, 0.5)],
        {"direction": POSITIVE},
        "en",
        "from 0.13 to 0.50",
        id="rounded half up, not to the binary neighbour",
    ),
]


@pytest.mark.parametrize(("pairs", "extra", "language", "fragment"), READER_CASES)
def test_what_the_reader_is_told(pairs, extra, language, fragment):
    assessment = assess_series(points(*pairs), options(**extra))

    value_format = "{:,.2f}" if pairs[0][1] < 1 else "{:,.1f}"
    text = explain(
        assessment,
        unit_label="the value" if language == "en" else "der Wert",
        language=language,
        value_format=value_format,
    )

    assert fragment in text


@pytest.mark.parametrize(
    ("pairs", "target_year", "is_missed"),
    [
        pytest.param([(2015, 14.5), (2021, 10.2)], 2020, True, id="passed and unmet"),
        pytest.param([(2015, 14.5), (2021, 7.0)], 2020, False, id="passed and met"),
        pytest.param([(2015, 14.5), (2019, 10.2)], 2020, False, id="not yet passed"),
    ],
)
def test_a_passed_target_year_is_achieved_or_missed(pairs, target_year, is_missed):
    assessment = assess_series(points(*pairs), options(target=7.25, target_year=target_year))

    assert assessment.is_target_missed is is_missed
    if assessment.is_target_year_passed and not is_missed:
        assert assessment.status is Status.TARGET_ACHIEVED


ALL_BOUNDED = (Profile.OPENSDG, Profile.LINEAR, Profile.TARGET_ATTAINMENT)
LINEAR_ONLY = (Profile.LINEAR, Profile.TARGET_ATTAINMENT)


@pytest.mark.parametrize(
    ("pairs", "bounds", "projected", "bound", "profiles"),
    [
        pytest.param([(2015, 60.0), (2020, 80.0)], (0.0, 100.0), 100.0, 100.0, ALL_BOUNDED, id="above 100"),
        # compound growth never crosses zero, a straight line does
        pytest.param([(2015, 40.0), (2020, 10.0)], (0.0, 100.0), 0.0, 0.0, LINEAR_ONLY, id="below 0"),
        pytest.param([(2015, 60.0), (2020, 62.0)], (0.0, 100.0), None, None, ALL_BOUNDED, id="inside the bounds"),
        pytest.param([(2015, 60.0), (2020, 80.0)], None, None, None, ALL_BOUNDED, id="unbounded unit"),
    ],
)
def test_projections_stay_inside_the_units_bounds(pairs, bounds, projected, bound, profiles):
    for profile in profiles:
        free = assess_series(points(*pairs), options(target=95.0, direction=POSITIVE, profile=profile))
        assessment = assess_series(
            points(*pairs), options(target=95.0, direction=POSITIVE, profile=profile, bounds=bounds)
        )
        assert assessment.projection_bound == bound
        assert assessment.projected_value == pytest.approx(projected if projected is not None else free.projected_value)
        assert assessment.status is free.status  # the bound changes what is said, never the status
