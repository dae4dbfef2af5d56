"""Assess how fast indicator series move towards their targets (docs/methods/progress.md).

Pure computation: frozen dataclasses and enums in and out, stdlib and numpy only, no
Django and no teilhabe imports. The default profile reproduces the Open SDG progress
measure exactly (it is tested against published results); the other profiles (UN SDG
progress chart, German sustainability-strategy weather symbols, target attainment and
the linear profile for gaps between groups) share its inputs and its result type, so
the services, the portal and the reports handle every profile the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from typing import Literal, TypedDict, Unpack

import numpy as np

# --------------------------------------------------------------------------- vocabulary


class Status(StrEnum):
    """Progress status of a series or an indicator (the Open SDG vocabulary)."""

    TARGET_ACHIEVED = "target_achieved"
    SUBSTANTIAL_PROGRESS = "substantial_progress"
    MODERATE_PROGRESS = "moderate_progress"
    LIMITED_PROGRESS = "limited_progress"
    DETERIORATION = "deterioration"
    NOT_AVAILABLE = "not_available"


class Profile(StrEnum):
    """Assessment method. Every profile reports its verdict in `Status` codes."""

    OPENSDG = "opensdg"
    UN_PROGRESS_CHART = "un_progress_chart"
    GERMAN_WEATHER = "german_weather"
    TARGET_ATTAINMENT = "target_attainment"
    LINEAR = "linear"


class Direction(StrEnum):
    """Desired direction: `positive` means higher values are better."""

    POSITIVE = "positive"
    NEGATIVE = "negative"


class Weather(StrEnum):
    """Weather symbol of the German Sustainability Strategy."""

    SUN = "sun"
    SUN_CLOUD = "sun_cloud"
    CLOUD = "cloud"
    THUNDERSTORM = "thunderstorm"


class Reason(StrEnum):
    """Why a series has no assessment (status `not_available`)."""

    DUPLICATE_YEARS = "duplicate_years"
    SUPPRESSED = "suppressed"
    TOO_FEW_YEARS = "too_few_years"
    NO_BASE_YEAR = "no_base_year"
    OPPOSITE_SIGNS = "opposite_signs"
    BASE_NOT_BEFORE_CURRENT = "base_not_before_current"
    TARGET_NOT_USABLE = "target_not_usable"
    TARGET_REQUIRED = "target_required"
    ZERO_BASE = "zero_base"
    SERIES_NOT_SELECTED = "series_not_selected"
    NO_DATA = "no_data"


class GapMetric(StrEnum):
    """How a gap between two groups is measured (see `derive_gap`)."""

    DIFFERENCE = "difference"
    RATIO = "ratio"
    PARITY_INDEX = "parity_index"


# --------------------------------------------------------------------------- constants

DEFAULT_BASE_YEAR = 2015
DEFAULT_TARGET_YEAR = 2030
# Open SDG replaces a zero base value or target by this so growth rates stay defined.
ZERO_REPLACEMENT = 0.001
# Exponent of the Open SDG limit coefficient C.
LIMIT_EXPONENT = 4.44
# Two-sided 95 % normal quantile for the delta-method interval.
CONFIDENCE_Z = 1.959963984540054
# The German strategy extrapolates the average change of the last five years.
WEATHER_TREND_YEARS = 5


@dataclass(frozen=True)
class Thresholds:
    """Lower bounds of the substantial, moderate and limited bands of the progress value."""

    high: float
    medium: float
    low: float

    def scaled(self, coefficient: float) -> Thresholds:
        return Thresholds(high=self.high * coefficient, medium=self.medium * coefficient, low=self.low * coefficient)


@dataclass(frozen=True)
class ThresholdOverrides:
    """Open SDG `progress_thresholds`: any bound left as None keeps the method's default."""

    high: float | None = None
    medium: float | None = None
    low: float | None = None

    def apply(self, defaults: Thresholds) -> Thresholds:
        return Thresholds(
            high=defaults.high if self.high is None else self.high,
            medium=defaults.medium if self.medium is None else self.medium,
            low=defaults.low if self.low is None else self.low,
        )


NO_TARGET_THRESHOLDS = Thresholds(high=0.015, medium=0.005, low=0.0)
TARGET_THRESHOLDS = Thresholds(high=0.95, medium=0.60, low=0.0)
UN_CHART_THRESHOLDS = Thresholds(high=0.95, medium=0.5, low=-0.1)
# Weather: progress value = share of the remaining distance the trend covers by the
# target year; a miss under 5 % is sun, 5-20 % sun and cloud (see _assess_weather).
WEATHER_THRESHOLDS = Thresholds(high=0.95, medium=0.80, low=0.0)

# Profiles built on compound annual growth rates (they need values of one sign).
GROWTH_PROFILES = frozenset({Profile.OPENSDG, Profile.UN_PROGRESS_CHART})

# Indicator status from the mean score (Open SDG).
INDICATOR_SCORE_BANDS = (
    (2.5, Status.SUBSTANTIAL_PROGRESS),
    (0.0, Status.MODERATE_PROGRESS),
    (-2.5, Status.LIMITED_PROGRESS),
)

# The one vocabulary of the statuses, for badges and for the end of explanations alike (the Django
# layer's status_labels.STATUS_LABELS carries the same words through gettext; a test keeps them equal).
STATUS_NAMES: dict[str, dict[Status, str]] = {
    "en": {
        Status.TARGET_ACHIEVED: "target achieved",
        Status.SUBSTANTIAL_PROGRESS: "substantial progress",
        Status.MODERATE_PROGRESS: "moderate progress",
        Status.LIMITED_PROGRESS: "limited progress",
        Status.DETERIORATION: "moving away from the target",
        Status.NOT_AVAILABLE: "no assessment possible",
    },
    "de": {
        Status.TARGET_ACHIEVED: "Ziel erreicht",
        Status.SUBSTANTIAL_PROGRESS: "deutlicher Fortschritt",
        Status.MODERATE_PROGRESS: "mäßiger Fortschritt",
        Status.LIMITED_PROGRESS: "geringer Fortschritt",
        Status.DETERIORATION: "entfernt sich vom Ziel",
        Status.NOT_AVAILABLE: "keine Bewertung möglich",
    },
}
# Badges use the same words (kept as a name for callers of the pure module).
STATUS_LABELS = STATUS_NAMES

# What a reader is told once the target year has passed without the target being reached: the target
# was missed, whatever pace the method still computes (the Open SDG status itself is left as published).
TARGET_MISSED = "target_missed"
TARGET_MISSED_NAMES = {"en": "target missed", "de": "Ziel verfehlt"}

# UN SDG progress chart wording for the same codes (on track -> substantial, ...).
UN_CHART_LABELS: dict[str, dict[Status, str]] = {
    "en": {
        Status.TARGET_ACHIEVED: "target met",
        Status.SUBSTANTIAL_PROGRESS: "on track",
        Status.MODERATE_PROGRESS: "fair progress, acceleration needed",
        Status.LIMITED_PROGRESS: "limited or no progress",
        Status.DETERIORATION: "deterioration",
        Status.NOT_AVAILABLE: "insufficient data",
    },
    "de": {
        Status.TARGET_ACHIEVED: "Ziel erreicht",
        Status.SUBSTANTIAL_PROGRESS: "auf Kurs",
        Status.MODERATE_PROGRESS: "Fortschritt, Beschleunigung nötig",
        Status.LIMITED_PROGRESS: "kaum oder kein Fortschritt",
        Status.DETERIORATION: "Verschlechterung",
        Status.NOT_AVAILABLE: "unzureichende Daten",
    },
}

WEATHER_LABELS: dict[str, dict[Weather, str]] = {
    "en": {
        Weather.SUN: "sun",
        Weather.SUN_CLOUD: "sun and cloud",
        Weather.CLOUD: "cloud",
        Weather.THUNDERSTORM: "thunderstorm",
    },
    "de": {
        Weather.SUN: "Sonne",
        Weather.SUN_CLOUD: "leicht bewölkt",
        Weather.CLOUD: "bewölkt",
        Weather.THUNDERSTORM: "Gewitter",
    },
}

# German weather symbol -> status code (and back, for display).
WEATHER_STATUS = {
    Weather.SUN: Status.SUBSTANTIAL_PROGRESS,
    Weather.SUN_CLOUD: Status.MODERATE_PROGRESS,
    Weather.CLOUD: Status.LIMITED_PROGRESS,
    Weather.THUNDERSTORM: Status.DETERIORATION,
}


# --------------------------------------------------------------------------- data in and out


@dataclass(frozen=True)
class Point:
    """One observation of a series; survey estimates may carry a standard error and sample size."""

    year: int
    value: float
    standard_error: float | None = None
    sample_size: int | None = None
    # Withheld by disclosure control (too few cases): no value, standard error or sample size is known.
    is_withheld: bool = False
    # 95 % interval of the value where value ± z·SE is not valid (the parity index near parity).
    interval: tuple[float, float] | None = None


@dataclass(frozen=True)
class SeriesOptions:
    """How to assess one series (the Open SDG `progress_calculation_options` of a selection)."""

    direction: Direction = Direction.NEGATIVE
    base_year: int = DEFAULT_BASE_YEAR
    target: float | None = None
    target_year: int = DEFAULT_TARGET_YEAR
    limit: float | None = None
    thresholds: ThresholdOverrides | None = None
    profile: Profile = Profile.OPENSDG
    minimum_sample_size: int | None = None
    # The range a value can take (0 to 100 for shares): projections stop at its ends.
    bounds: tuple[float, float] | None = None


@dataclass(frozen=True)
class Assessment:
    """Every component of a series assessment, so that statuses can be explained and audited.

    `progress_value` is the profile's pace measure P (growth rate without target, pace
    ratio with target, share of the remaining distance for the weather profile); the
    status compares it with `thresholds`. `projected_value` is the value in the target
    year if the current pace continues (None once the target year has passed).
    """

    profile: Profile
    status: Status
    score: float | None
    progress_value: float | None
    base_year: int
    base_value: float | None
    current_year: int | None
    current_value: float | None
    target: float | None
    target_year: int
    direction: int
    sign: int | None
    limit: float | None
    limit_coefficient: float | None = None
    thresholds: Thresholds | None = None
    annual_growth_rate: float | None = None
    annual_change: float | None = None
    projected_value: float | None = None
    needed_change_per_year: float | None = None
    is_target_year_passed: bool = False
    progress_interval: tuple[float, float] | None = None
    is_uncertain: bool = False
    is_suppressed: bool = False
    sample_size: int | None = None
    minimum_sample_size: int | None = None
    reason: Reason | None = None
    warnings: tuple[str, ...] = ()
    weather: Weather | None = None
    trend_start_year: int | None = None
    attainment_share: float | None = None
    elapsed_share: float | None = None
    # The end of the value's range the projection stopped at (e.g. 100 for a share), if it reached one.
    projection_bound: float | None = None

    @property
    def has_target(self) -> bool:
        return self.target is not None

    @property
    def is_target_missed(self) -> bool:
        """The target year has passed and the target was not reached: what a reader must be told."""
        return self.target is not None and self.is_target_year_passed and self.status is not Status.TARGET_ACHIEVED


@dataclass(frozen=True)
class IndicatorAssessment:
    """Status and mean score of an indicator over its series selections."""

    status: Status
    score: float | None
    series_count: int
    scored_count: int


# --------------------------------------------------------------------------- shared formulas


def _power(base: float, exponent: float) -> float:
    """x ** y through numpy's array loop.

    numpy's vectorised power can differ from libm's pow in the last bit; sending the
    scalar through a one-element array-array call makes `assess_series` and
    `assess_many` round identically, so statuses agree even at band boundaries.
    """
    return float(np.power(np.array([base], dtype=float), np.array([exponent], dtype=float))[0])


def compound_annual_growth(value: float, start_value: float, year: int, start_year: int) -> float:
    """CAGR(v1, v0, t1, t0) = (v1 / v0) ** (1 / (t1 - t0)) - 1."""
    return _power(value / start_value, 1.0 / (year - start_year)) - 1.0


def limit_coefficient(base_value: float, limit: float | None) -> float:
    """Open SDG coefficient C that shrinks the no-target thresholds near a natural limit.

    A series close to its floor or ceiling (e.g. a share near 100 %) cannot keep growing
    at 1.5 % a year, so the bar is lowered as the base value approaches the limit.
    """
    if limit is None:
        return 1.0
    b = abs(base_value)
    bound = abs(limit)
    if b >= 2 * bound:
        return 1.0
    if b <= bound:
        return 1.0 - _power(b / bound, LIMIT_EXPONENT)
    return 1.0 - _power((2 * bound - b) / bound, LIMIT_EXPONENT)


def _band(progress_value: float, thresholds: Thresholds) -> Status:
    if progress_value >= thresholds.high:
        return Status.SUBSTANTIAL_PROGRESS
    if progress_value >= thresholds.medium:
        return Status.MODERATE_PROGRESS
    if progress_value >= thresholds.low:
        return Status.LIMITED_PROGRESS
    return Status.DETERIORATION


def _score_without_target(progress_value: float, coefficient: float, thresholds: Thresholds) -> float:
    """Open SDG piecewise score of the no-target method (constants as published)."""
    if progress_value < thresholds.low:
        return max(125 * progress_value - 2.5, -5.0)
    if coefficient == 0:
        return 5.0
    if progress_value >= thresholds.high:
        return min(500 * progress_value / coefficient - 5, 5.0)
    if progress_value >= thresholds.medium:
        return 250 * progress_value / coefficient - 1.25
    return 500 * progress_value / coefficient - 2.5


def _score_with_target(progress_value: float) -> float:
    """Open SDG piecewise score of the target method; the rounded constants are Open SDG's own."""
    if progress_value >= TARGET_THRESHOLDS.medium:
        return min(7.1429 * progress_value - 4.2857, 5.0)
    return max(4.1667 * progress_value - 2.5, -5.0)


def _score_band_aligned(progress_value: float, thresholds: Thresholds) -> float:
    """Score for profiles with their own bands: high -> 2.5, medium -> 0, low -> -2.5, linear between.

    With the Open SDG target thresholds this is the Open SDG target score (up to its
    rounded constants), so scores of all profiles can be averaged into one indicator.
    """
    if progress_value >= thresholds.medium:
        return min(2.5 * (progress_value - thresholds.medium) / (thresholds.high - thresholds.medium), 5.0)
    return max(2.5 * (progress_value - thresholds.medium) / (thresholds.medium - thresholds.low), -5.0)


def _is_achieved(current_value: float, target: float, direction: int) -> bool:
    return direction * (current_value - target) >= 0


# --------------------------------------------------------------------------- per-profile outcomes


@dataclass(frozen=True)
class _Frame:
    """Base and current observation chosen by the Open SDG rules, shared by all profiles."""

    options: SeriesOptions
    direction: int
    observed: tuple[Point, ...]
    base: Point
    current: Point
    sign: int
    growth_base_value: float  # base value with 0 replaced by 0.001


@dataclass(frozen=True)
class _Outcome:
    status: Status
    score: float | None = None
    progress_value: float | None = None
    thresholds: Thresholds | None = None
    limit_coefficient: float | None = None
    annual_growth_rate: float | None = None
    annual_change: float | None = None
    projected_value: float | None = None
    # (dP/d start value, dP/d current value) for the delta method, with the start point.
    gradient: tuple[float, float] | None = None
    start: Point | None = None
    reason: Reason | None = None
    warnings: tuple[str, ...] = ()
    weather: Weather | None = None
    trend_start_year: int | None = None
    attainment_share: float | None = None
    elapsed_share: float | None = None


# Keyword arguments of `_Outcome` that a profile computes once and passes to several outcomes.


class _GrowthParts(TypedDict):
    annual_growth_rate: float
    annual_change: float
    projected_value: float | None


class _LinearParts(TypedDict):
    annual_change: float
    projected_value: float | None


class _AttainmentParts(TypedDict, total=False):
    attainment_share: float | None
    elapsed_share: float | None


class _WeatherParts(TypedDict):
    annual_change: float
    projected_value: float | None
    trend_start_year: int
    thresholds: Thresholds
    warnings: tuple[str, ...]


def _years_left(frame: _Frame) -> int:
    return frame.options.target_year - frame.current.year


def _assess_growth(frame: _Frame, *, un_chart: bool = False) -> _Outcome:
    """Open SDG method (and the UN chart, which compares the same growth ratio with other bands)."""
    options, d, s = frame.options, frame.direction, frame.sign
    b, c = frame.growth_base_value, frame.current.value
    n = frame.current.year - frame.base.year
    growth = compound_annual_growth(c, b, frame.current.year, frame.base.year)
    h = _years_left(frame)
    projected = c * _power(1.0 + growth, float(h)) if h > 0 else None
    common: _GrowthParts = {
        "annual_growth_rate": growth,
        "annual_change": (c - frame.base.value) / n,
        "projected_value": projected,
    }

    if options.target is None:
        if un_chart:
            return _Outcome(
                status=Status.NOT_AVAILABLE,
                reason=Reason.TARGET_REQUIRED,
                warnings=("the UN progress chart needs a target",),
            )
        coefficient = limit_coefficient(b, options.limit)
        thresholds = (options.thresholds or ThresholdOverrides()).apply(NO_TARGET_THRESHOLDS).scaled(coefficient)
        p = s * d * growth
        # dP/dc and dP/db of s*d*((c/b)**(1/n) - 1)
        gradient = (-s * d * (1 + growth) / (n * b), s * d * (1 + growth) / (n * c)) if c != 0 else None
        return _Outcome(
            status=_band(p, thresholds),
            score=_score_without_target(p, coefficient, thresholds),
            progress_value=p,
            thresholds=thresholds,
            limit_coefficient=coefficient,
            gradient=gradient,
            start=frame.base,
            **common,
        )

    defaults = UN_CHART_THRESHOLDS if un_chart else TARGET_THRESHOLDS
    thresholds = (options.thresholds or ThresholdOverrides()).apply(defaults)
    target = options.target
    achieved = _is_achieved(c, target, d)
    # The zero replacement only keeps the growth rate defined; achievement uses the real target.
    growth_target = ZERO_REPLACEMENT if target == 0 else target
    m = options.target_year - frame.base.year
    if growth_target * b < 0 or m <= 0:
        if achieved:
            return _Outcome(status=Status.TARGET_ACHIEVED, score=5.0, thresholds=thresholds, **common)
        why = (
            "the target and the base value have opposite signs"
            if m > 0
            else "the target year is not after the base year"
        )
        return _Outcome(status=Status.NOT_AVAILABLE, reason=Reason.TARGET_NOT_USABLE, warnings=(why,), **common)
    required = compound_annual_growth(growth_target, b, options.target_year, frame.base.year)
    if required == 0:
        # Target equal to the base value: achieved unless the series moved away from it.
        if achieved:
            return _Outcome(status=Status.TARGET_ACHIEVED, score=5.0, thresholds=thresholds, **common)
        return _Outcome(
            status=Status.DETERIORATION,
            score=-5.0,
            thresholds=thresholds,
            warnings=("the target equals the base value and the series moved away from it",),
            **common,
        )
    p = s * d * growth / abs(required)
    gradient = None
    if c != 0:
        dg_db = -(1 + growth) / (n * b)
        dr_db = -(1 + required) / (m * b)
        dp_db = s * d * (dg_db * abs(required) - growth * math.copysign(1.0, required) * dr_db) / required**2
        dp_dc = s * d * (1 + growth) / (n * c * abs(required))
        gradient = (dp_db, dp_dc)
    if achieved:
        # Open SDG still reports P for an achieved target; status and score do not use it.
        return _Outcome(
            status=Status.TARGET_ACHIEVED,
            score=5.0,
            progress_value=p,
            thresholds=thresholds,
            gradient=gradient,
            start=frame.base,
            **common,
        )
    score = _score_band_aligned(p, thresholds) if un_chart else _score_with_target(p)
    return _Outcome(
        status=_band(p, thresholds),
        score=score,
        progress_value=p,
        thresholds=thresholds,
        gradient=gradient,
        start=frame.base,
        **common,
    )


def _assess_linear(frame: _Frame, *, attainment: bool = False) -> _Outcome:
    """Linear pace: actual change per year against the change per year the target needs.

    Gaps between groups often cross zero or target zero, where growth rates break down;
    points per year stay meaningful. Without a target the change per year relative to
    the base value is judged with the Open SDG no-target bands.
    """
    options, d = frame.options, frame.direction
    b, c = frame.base.value, frame.current.value
    n = frame.current.year - frame.base.year
    slope = (c - b) / n
    h = _years_left(frame)
    projected = c + slope * h if h > 0 else None
    common: _LinearParts = {"annual_change": slope, "projected_value": projected}

    if options.target is None:
        if attainment:
            return _Outcome(
                status=Status.NOT_AVAILABLE,
                reason=Reason.TARGET_REQUIRED,
                warnings=("target attainment needs a target",),
            )
        if b == 0:
            return _Outcome(
                status=Status.NOT_AVAILABLE,
                reason=Reason.ZERO_BASE,
                warnings=("without a target the linear profile needs a non-zero base value",),
                **common,
            )
        coefficient = limit_coefficient(b, options.limit)
        thresholds = (options.thresholds or ThresholdOverrides()).apply(NO_TARGET_THRESHOLDS).scaled(coefficient)
        p = d * slope / abs(b)
        gradient = (d * (-1 / (n * abs(b)) - (c - b) * math.copysign(1.0, b) / (n * b * b)), d / (n * abs(b)))
        return _Outcome(
            status=_band(p, thresholds),
            score=_score_without_target(p, coefficient, thresholds),
            progress_value=p,
            thresholds=thresholds,
            limit_coefficient=coefficient,
            gradient=gradient,
            start=frame.base,
            **common,
        )

    thresholds = (options.thresholds or ThresholdOverrides()).apply(TARGET_THRESHOLDS)
    target = options.target
    achieved = _is_achieved(c, target, d)
    m = options.target_year - frame.base.year
    extras: _AttainmentParts = {}
    if attainment:
        extras["attainment_share"] = (c - b) / (target - b) if target != b else None
        extras["elapsed_share"] = n / m if m > 0 else None
    if m <= 0:
        if achieved:
            return _Outcome(status=Status.TARGET_ACHIEVED, score=5.0, thresholds=thresholds, **common, **extras)
        return _Outcome(
            status=Status.NOT_AVAILABLE,
            reason=Reason.TARGET_NOT_USABLE,
            warnings=("the target year is not after the base year",),
            **common,
            **extras,
        )
    needed = (target - b) / m
    if needed == 0:
        if achieved:
            return _Outcome(status=Status.TARGET_ACHIEVED, score=5.0, thresholds=thresholds, **common, **extras)
        return _Outcome(
            status=Status.DETERIORATION,
            score=-5.0,
            thresholds=thresholds,
            warnings=("the target equals the base value and the series moved away from it",),
            **common,
            **extras,
        )
    p = d * slope / abs(needed)
    gradient = (d * (-abs(needed) / n + slope * math.copysign(1.0, needed) / m) / needed**2, d / (n * abs(needed)))
    if achieved:
        return _Outcome(
            status=Status.TARGET_ACHIEVED,
            score=5.0,
            progress_value=p,
            thresholds=thresholds,
            gradient=gradient,
            start=frame.base,
            **common,
            **extras,
        )
    return _Outcome(
        status=_band(p, thresholds),
        score=_score_with_target(p),
        progress_value=p,
        thresholds=thresholds,
        gradient=gradient,
        start=frame.base,
        **common,
        **extras,
    )


def _assess_weather(frame: _Frame) -> _Outcome:
    """German strategy: extend the average change of the last five years to the target year.

    P is the share of the remaining distance (target - current) that the trend covers by
    the target year; the miss is 1 - P. Miss under 5 % sun, 5-20 % sun and cloud, more
    but moving the right way (or standing still) cloud, moving away thunderstorm.
    """
    options, d = frame.options, frame.direction
    if options.target is None:
        return _Outcome(
            status=Status.NOT_AVAILABLE, reason=Reason.TARGET_REQUIRED, warnings=("the weather profile needs a target",)
        )
    c, target = frame.current.value, options.target
    earlier = [p for p in frame.observed if p.year < frame.current.year]
    window = [p for p in earlier if p.year >= frame.current.year - WEATHER_TREND_YEARS]
    warnings: tuple[str, ...] = ()
    if window:
        start = window[0]
    else:
        # Sparse surveys: the trend runs from the latest earlier value instead.
        start = earlier[-1]
        warnings = (
            f"no value in the {WEATHER_TREND_YEARS} years before {frame.current.year}; trend taken from {start.year}",
        )
    k = frame.current.year - start.year
    slope = (c - start.value) / k
    h = max(_years_left(frame), 0)
    projected = c + slope * h if h > 0 else None
    common: _WeatherParts = {
        "annual_change": slope,
        "projected_value": projected,
        "trend_start_year": start.year,
        "thresholds": WEATHER_THRESHOLDS,
        "warnings": warnings,
    }
    if _is_achieved(c, target, d):
        return _Outcome(status=Status.TARGET_ACHIEVED, score=5.0, weather=Weather.SUN, start=start, **common)
    # remaining = d * (target - c) > 0 here, and P = d*slope*h / remaining = slope*h / (target - c).
    p = slope * h / (target - c)
    miss = 1.0 - p
    if miss < 0.05:
        weather = Weather.SUN
    elif miss <= 0.20:
        weather = Weather.SUN_CLOUD
    elif d * slope >= 0:
        weather = Weather.CLOUD
    else:
        weather = Weather.THUNDERSTORM
    gradient = (-h / (k * (target - c)), h * (target - start.value) / (k * (target - c) ** 2))
    return _Outcome(
        status=WEATHER_STATUS[weather],
        score=_score_band_aligned(p, WEATHER_THRESHOLDS),
        progress_value=p,
        gradient=gradient,
        start=start,
        weather=weather,
        **common,
    )


_PROFILES: dict[Profile, Callable[[_Frame], _Outcome]] = {
    Profile.OPENSDG: _assess_growth,
    Profile.UN_PROGRESS_CHART: lambda frame: _assess_growth(frame, un_chart=True),
    Profile.LINEAR: _assess_linear,
    Profile.TARGET_ATTAINMENT: lambda frame: _assess_linear(frame, attainment=True),
    Profile.GERMAN_WEATHER: _assess_weather,
}


# --------------------------------------------------------------------------- per-series entry point


class _Known(TypedDict):
    """Fields of `Assessment` known before any profile runs."""

    profile: Profile
    base_year: int
    base_value: float | None
    current_year: int | None
    current_value: float | None
    target: float | None
    target_year: int
    direction: int
    sign: int | None
    limit: float | None
    minimum_sample_size: int | None


class _Suppression(TypedDict, total=False):
    """What a suppressed series reports instead of (or besides) the known fields."""

    is_suppressed: bool
    sample_size: int | None
    base_value: float | None
    current_value: float | None


class _UnavailableFields(_Known, total=False):
    is_suppressed: bool
    sample_size: int | None


def assess_series(points: Sequence[Point], options: SeriesOptions | None = None) -> Assessment:
    """Assess one series with the profile chosen in `options` (Open SDG by default).

    Edge rules in the order of docs/methods/progress.md: duplicate years, suppression,
    fewer than two years, no value in or after the base year, base and current value of
    opposite signs, base year not before the current year -> `not_available`. The sign
    is taken from the base value before a zero base is replaced by 0.001; a reached
    target is recognised before any division.
    """
    options = options or SeriesOptions()
    direction = 1 if Direction(options.direction) is Direction.POSITIVE else -1
    profile = Profile(options.profile)
    observed = tuple(
        sorted((p for p in points if p.value is not None and math.isfinite(p.value)), key=lambda p: p.year)
    )
    years = [p.year for p in observed]
    base = next((p for p in observed if p.year >= options.base_year), None)
    current = observed[-1] if observed else None
    sign = (-1 if base.value < 0 else 1) if base is not None else None
    known: _Known = {
        "profile": profile,
        # Without a usable base value the configured base year is reported (as Open SDG does).
        "base_year": base.year if base else options.base_year,
        "base_value": base.value if base else None,
        "current_year": current.year if current else None,
        "current_value": current.value if current else None,
        "target": options.target,
        "target_year": options.target_year,
        "direction": direction,
        "sign": sign,
        "limit": options.limit,
        "minimum_sample_size": options.minimum_sample_size,
    }

    def unavailable(reason: Reason, warning: str, **extra: Unpack[_Suppression]) -> Assessment:
        fields: _UnavailableFields = {**known, **extra}
        return Assessment(
            status=Status.NOT_AVAILABLE, score=None, progress_value=None, reason=reason, warnings=(warning,), **fields
        )

    if len(set(years)) != len(years):
        return unavailable(Reason.DUPLICATE_YEARS, "a year occurs more than once")
    withheld_years = [p.year for p in points if p.is_withheld]
    if withheld_years and (current is None or max(withheld_years) > current.year):
        # The latest value is withheld for too few cases; its sample size is not known here either.
        return unavailable(
            Reason.SUPPRESSED,
            "suppressed: the latest value is withheld for too few cases",
            is_suppressed=True,
            sample_size=None,
            base_value=None,
            current_value=None,
        )
    sample_sizes = [p.sample_size for p in (base, current) if p is not None and p.sample_size is not None]
    smallest = min(sample_sizes) if sample_sizes else None
    if options.minimum_sample_size is not None and smallest is not None and smallest < options.minimum_sample_size:
        return unavailable(
            Reason.SUPPRESSED,
            f"suppressed: sample size {smallest} is below the minimum of {options.minimum_sample_size}",
            is_suppressed=True,
            sample_size=smallest,
            base_value=None,
            current_value=None,
        )
    growth_base = None if base is None else (ZERO_REPLACEMENT if base.value == 0 else base.value)
    if (
        base is not None
        and growth_base is not None
        and current is not None
        and sign is not None
        and options.target is not None
        and _is_achieved(current.value, options.target, direction)
        and (
            len(observed) < 2
            or base.year >= current.year
            or (profile in GROWTH_PROFILES and growth_base * current.value < 0)
        )
    ):
        # As sdg-build: a met target is reported even where no pace can be measured
        # (one value, base year = current year, base and current of opposite signs).
        frame = _Frame(options, direction, observed, base, current, sign, growth_base)
        return _finish(known, frame, _achieved_without_pace(options, profile), smallest)
    if len(observed) < 2:
        return unavailable(Reason.TOO_FEW_YEARS, "fewer than two years with a value")
    # growth_base is None exactly when base is: the test only narrows its type.
    if base is None or growth_base is None or current is None or sign is None:
        return unavailable(Reason.NO_BASE_YEAR, f"no value in or after the base year {options.base_year}")
    # Growth rates need base and current on the same side of zero; linear paces do not,
    # which is why gaps that cross zero use the linear profiles.
    if profile in GROWTH_PROFILES and growth_base * current.value < 0:
        return unavailable(Reason.OPPOSITE_SIGNS, "base and current value have opposite signs")
    if base.year >= current.year:
        return unavailable(
            Reason.BASE_NOT_BEFORE_CURRENT, f"the base year {base.year} is not before the current year {current.year}"
        )

    frame = _Frame(options, direction, observed, base, current, sign, growth_base)
    outcome = _PROFILES[profile](frame)
    return _finish(known, frame, outcome, smallest)


def _achieved_without_pace(options: SeriesOptions, profile: Profile) -> _Outcome:
    """Target met, but the series cannot give a pace: achieved, score 5, no progress value."""
    defaults = {
        Profile.UN_PROGRESS_CHART: UN_CHART_THRESHOLDS,
        Profile.GERMAN_WEATHER: WEATHER_THRESHOLDS,
    }.get(profile, TARGET_THRESHOLDS)
    thresholds = (
        defaults if profile is Profile.GERMAN_WEATHER else (options.thresholds or ThresholdOverrides()).apply(defaults)
    )
    return _Outcome(
        status=Status.TARGET_ACHIEVED,
        score=5.0,
        thresholds=thresholds,
        weather=Weather.SUN if profile is Profile.GERMAN_WEATHER else None,
        warnings=("target achieved; the series gives no pace (one value, or base and current value not comparable)",),
    )


def not_assessable(options: SeriesOptions, reason: Reason, warnings: Sequence[str] = ()) -> Assessment:
    """Assessment for a series that could not even be put together (e.g. ambiguous source rows)."""
    return Assessment(
        profile=Profile(options.profile),
        status=Status.NOT_AVAILABLE,
        score=None,
        progress_value=None,
        base_year=options.base_year,
        base_value=None,
        current_year=None,
        current_value=None,
        target=options.target,
        target_year=options.target_year,
        direction=1 if Direction(options.direction) is Direction.POSITIVE else -1,
        sign=None,
        limit=options.limit,
        minimum_sample_size=options.minimum_sample_size,
        reason=reason,
        warnings=tuple(warnings),
    )


def _finish(known: _Known, frame: _Frame, outcome: _Outcome, sample_size: int | None) -> Assessment:
    """Add the parts every profile shares: needed change, target-year check, uncertainty."""
    options = frame.options
    warnings = list(outcome.warnings)
    needed = None
    passed = False
    if options.target is not None:
        if frame.current.year >= options.target_year:
            passed = True
            warnings.append(
                f"target year passed: the current year {frame.current.year} is not before the target year {options.target_year}"
            )
        else:
            needed = (options.target - frame.current.value) / (options.target_year - frame.current.year)

    interval = None
    uncertain = False
    start, current = outcome.start, frame.current
    if outcome.progress_value is not None and outcome.gradient is not None and start is not None:
        error_start, error_current = start.standard_error, current.standard_error
        if error_start is not None and error_current is not None:
            variance = (outcome.gradient[0] * error_start) ** 2 + (outcome.gradient[1] * error_current) ** 2
            half = CONFIDENCE_Z * math.sqrt(variance)
            interval = (outcome.progress_value - half, outcome.progress_value + half)
        elif error_start is not None or error_current is not None:
            warnings.append("only one of the compared values has a standard error; no interval computed")
    if interval is not None and outcome.status is not Status.TARGET_ACHIEVED and outcome.thresholds is not None:
        bounds = (outcome.thresholds.high, outcome.thresholds.medium, outcome.thresholds.low)
        uncertain = any(interval[0] < bound < interval[1] for bound in bounds)
    if options.target is not None and current.interval is not None:
        # Whether the target is met at all is uncertain when the interval holds values that meet it and
        # values that do not (a parity index can meet a target of 1 only at its upper end).
        low, high = current.interval
        meets = high >= options.target if frame.direction > 0 else low <= options.target
        misses = low < options.target if frame.direction > 0 else high > options.target
        uncertain = uncertain or (meets and misses)
    elif options.target is not None and current.standard_error is not None:
        # Whether the target is met at all is uncertain when it lies inside the current value's interval.
        half = CONFIDENCE_Z * current.standard_error
        uncertain = uncertain or (current.value - half < options.target < current.value + half)

    projected, bound = outcome.projected_value, None
    if projected is not None and options.bounds is not None:
        low, high = options.bounds
        if projected > high or projected < low:
            bound = high if projected > high else low
            projected = bound
    return Assessment(
        status=outcome.status,
        score=outcome.score,
        progress_value=outcome.progress_value,
        limit_coefficient=outcome.limit_coefficient,
        thresholds=outcome.thresholds,
        annual_growth_rate=outcome.annual_growth_rate,
        annual_change=outcome.annual_change,
        projected_value=projected,
        projection_bound=bound,
        needed_change_per_year=needed,
        is_target_year_passed=passed,
        progress_interval=interval,
        is_uncertain=uncertain,
        sample_size=sample_size,
        reason=outcome.reason,
        warnings=tuple(warnings),
        weather=outcome.weather,
        trend_start_year=outcome.trend_start_year,
        attainment_share=outcome.attainment_share,
        elapsed_share=outcome.elapsed_share,
        **known,
    )


# --------------------------------------------------------------------------- indicators


def _selection_score(selection: Assessment | Sequence[Assessment]) -> float | None:
    if isinstance(selection, Assessment):
        return selection.score
    scores = [score for member in selection if (score := _selection_score(member)) is not None]
    return sum(scores) / len(scores) if scores else None


def _flatten(selection: Assessment | Sequence[Assessment]) -> list[Assessment]:
    if isinstance(selection, Assessment):
        return [selection]
    return [series for member in selection for series in _flatten(member)]


def assess_indicator(selections: Sequence[Assessment | Sequence[Assessment]]) -> IndicatorAssessment:
    """Combine series into an indicator status (Open SDG).

    A selection is an `Assessment` or a group (a sequence of them) whose scores are
    averaged first. The indicator score is the mean over selections that have a score;
    `target_achieved` needs every series to have achieved its target (a series without
    an assessment blocks it, since nothing is known about it).
    """
    series = [s for selection in selections for s in _flatten(selection)]
    scores = [score for selection in selections if (score := _selection_score(selection)) is not None]
    scored = sum(1 for s in series if s.score is not None)
    if not scores:
        return IndicatorAssessment(status=Status.NOT_AVAILABLE, score=None, series_count=len(series), scored_count=0)
    score = sum(scores) / len(scores)
    if all(s.status is Status.TARGET_ACHIEVED for s in series):
        status = Status.TARGET_ACHIEVED
    else:
        status = next((band for bound, band in INDICATOR_SCORE_BANDS if score >= bound), Status.DETERIORATION)
    return IndicatorAssessment(status=status, score=score, series_count=len(series), scored_count=scored)


# --------------------------------------------------------------------------- gaps between groups


def derive_gap(series_a: Sequence[Point], series_b: Sequence[Point], metric: GapMetric | str) -> tuple[Point, ...]:
    """Gap series between group a and group b, paired by year.

    - difference: a - b (percentage points for shares);
    - ratio: a / b (years with b = 0 are left out);
    - parity_index: min(a, b) / max(a, b), in (0, 1] with 1 = parity, for positive
      values. It is the reciprocal of Open SDG's folded parity max(y, 1/y) of y = a/b,
      so higher is better and a shortfall of either group counts as disparity.

    Standard errors combine as for independent samples (delta method); the sample size
    of a gap point is the smaller of the two groups'.
    """
    metric = GapMetric(metric)
    by_year_b = {p.year: p for p in series_b if p.value is not None and math.isfinite(p.value)}
    gap: list[Point] = []
    for a in sorted(series_a, key=lambda p: p.year):
        b = by_year_b.get(a.year)
        if b is None or a.value is None or not math.isfinite(a.value):
            continue
        errors = (
            (a.standard_error, b.standard_error)
            if a.standard_error is not None and b.standard_error is not None
            else None
        )
        sizes = [n for n in (a.sample_size, b.sample_size) if n is not None]
        sample_size = min(sizes) if sizes else None
        if metric is GapMetric.DIFFERENCE:
            value = a.value - b.value
            error = math.hypot(*errors) if errors is not None else None
        else:
            if b.value == 0 or (metric is GapMetric.PARITY_INDEX and (a.value <= 0 or b.value <= 0)):
                continue
            value = a.value / b.value
            if metric is GapMetric.PARITY_INDEX:
                value = min(value, 1 / value)
            error = (
                abs(value) * math.hypot(errors[0] / a.value, errors[1] / b.value)
                if errors is not None and a.value != 0
                else None
            )
            if metric is GapMetric.PARITY_INDEX and errors is not None:
                interval = parity_index_interval(a.value, errors[0], b.value, errors[1])
                gap.append(
                    Point(year=a.year, value=value, standard_error=error, sample_size=sample_size, interval=interval)
                )
                continue
        gap.append(Point(year=a.year, value=value, standard_error=error, sample_size=sample_size))
    return tuple(gap)


def parity_index_interval(
    a: float, standard_error_a: float, b: float, standard_error_b: float, *, z: float = CONFIDENCE_Z
) -> tuple[float, float]:
    """95 % interval of the parity index min(a, b) / max(a, b) of two positive independent estimates.

    The index is exp(-|r|) of the log ratio r = ln(a / b). The interval is computed for r
    (delta method: SE(r)² = (SE_a / a)² + (SE_b / b)², where the normal approximation is
    good) and carried over by the folding map: when it contains 0 (parity cannot be ruled
    out) the upper bound is 1 and the lower bound comes from the end further from 0. The
    result lies in (0, 1] and contains the index; value ± z·SE does neither near parity,
    where the index has a kink (docs/methods/progress.md, section 5).
    """
    if a <= 0 or b <= 0:
        raise ValueError(f"the parity index needs two positive values, got {a} and {b}")
    ratio_error = math.hypot(standard_error_a / a, standard_error_b / b)
    r = math.log(a / b)
    low, high = r - z * ratio_error, r + z * ratio_error
    if low <= 0.0 <= high:
        return math.exp(-max(-low, high)), 1.0
    nearest, furthest = (low, high) if low > 0 else (-high, -low)
    value = min(a / b, b / a)
    return min(math.exp(-furthest), value), min(max(math.exp(-nearest), value), 1.0)


# --------------------------------------------------------------------------- array entry point

ASSESS_MANY_DTYPE = np.dtype(
    [
        ("status", "U20"),
        ("score", "f8"),
        ("progress_value", "f8"),
        ("base_year", "f8"),
        ("base_value", "f8"),
        ("current_year", "f8"),
        ("current_value", "f8"),
        ("sign", "i1"),
        ("limit_coefficient", "f8"),
        ("projected_value", "f8"),
        ("needed_change_per_year", "f8"),
    ]
)


def _per_series(value: float | np.ndarray | None, size: int, default: float) -> np.ndarray:
    if value is None:
        return np.full(size, default, dtype=float)
    return np.broadcast_to(np.asarray(value, dtype=float), (size,)).astype(float)


def assess_many(
    values: np.ndarray,
    years: np.ndarray,
    *,
    base_year: int | np.ndarray = DEFAULT_BASE_YEAR,
    target: float | np.ndarray | None = None,
    target_year: int | np.ndarray = DEFAULT_TARGET_YEAR,
    direction: int | np.ndarray = -1,
    limit: float | np.ndarray | None = None,
    threshold_high: float | np.ndarray | None = None,
    threshold_medium: float | np.ndarray | None = None,
    threshold_low: float | np.ndarray | None = None,
) -> np.ndarray:
    """Open SDG profile for many series at once; same results as `assess_series`.

    `values` is (n_series, n_years) with NaN for missing values; `years` is the
    increasing year vector. Per-series arguments are scalars or length-n arrays; NaN in
    `target`, `limit` or a threshold means "none" or "default". `direction` is +1/-1.
    Returns a structured array (`ASSESS_MANY_DTYPE`): NaN where `assess_series` gives
    None, sign 0 where there is no base value. Uncertainty and suppression are per-series
    concerns and not handled here.
    """
    values = np.asarray(values, dtype=float)
    years = np.asarray(years, dtype=float)
    n_series, n_years = values.shape
    if years.shape != (n_years,) or np.any(np.diff(years) <= 0):
        raise ValueError("years must be a strictly increasing vector with one entry per column")
    base_from = _per_series(base_year, n_series, DEFAULT_BASE_YEAR)
    target = _per_series(target, n_series, np.nan)
    target_year = _per_series(target_year, n_series, DEFAULT_TARGET_YEAR)
    direction = _per_series(direction, n_series, -1).astype(np.int64)
    limit = _per_series(limit, n_series, np.nan)
    rows = np.arange(n_series)

    valid = np.isfinite(values)
    count = valid.sum(axis=1)
    eligible = valid & (years[None, :] >= base_from[:, None])
    has_base = eligible.any(axis=1)
    base_index = eligible.argmax(axis=1)
    current_index = n_years - 1 - valid[:, ::-1].argmax(axis=1)
    nan = np.full(n_series, np.nan)
    base_value = np.where(has_base, values[rows, base_index], nan)
    base_y = np.where(has_base, years[base_index], nan)
    current_value = np.where(count > 0, values[rows, current_index], nan)
    current_y = np.where(count > 0, years[current_index], nan)
    sign = np.where(has_base, np.where(base_value < 0, -1, 1), 0).astype(np.int64)
    growth_base = np.where(base_value == 0, ZERO_REPLACEMENT, base_value)

    with np.errstate(all="ignore"):
        available = (count >= 2) & has_base & ~(growth_base * current_value < 0) & (base_y < current_y)
        n = current_y - base_y
        growth = np.power(current_value / growth_base, 1.0 / n) - 1.0
        h = target_year - current_y
        projected = np.where(available & (h > 0), current_value * np.power(1.0 + growth, h), np.nan)
        has_target = np.isfinite(target)

        # Without a target: limit coefficient C scales the thresholds.
        b = np.abs(growth_base)
        bound = np.abs(limit)
        exponent = np.full(n_series, LIMIT_EXPONENT)
        coefficient = np.where(
            ~np.isfinite(limit) | (b >= 2 * bound),
            1.0,
            np.where(
                b <= bound, 1.0 - np.power(b / bound, exponent), 1.0 - np.power((2 * bound - b) / bound, exponent)
            ),
        )
        high_nt = _per_series(threshold_high, n_series, np.nan)
        medium_nt = _per_series(threshold_medium, n_series, np.nan)
        low_nt = _per_series(threshold_low, n_series, np.nan)
        high_t = np.where(np.isnan(high_nt), TARGET_THRESHOLDS.high, high_nt)
        medium_t = np.where(np.isnan(medium_nt), TARGET_THRESHOLDS.medium, medium_nt)
        low_t = np.where(np.isnan(low_nt), TARGET_THRESHOLDS.low, low_nt)
        high_nt = np.where(np.isnan(high_nt), NO_TARGET_THRESHOLDS.high, high_nt) * coefficient
        medium_nt = np.where(np.isnan(medium_nt), NO_TARGET_THRESHOLDS.medium, medium_nt) * coefficient
        low_nt = np.where(np.isnan(low_nt), NO_TARGET_THRESHOLDS.low, low_nt) * coefficient
        p_nt = sign * direction * growth
        score_nt = np.select(
            [p_nt < low_nt, coefficient == 0, p_nt >= high_nt, p_nt >= medium_nt],
            [
                np.maximum(125 * p_nt - 2.5, -5.0),
                5.0,
                np.minimum(500 * p_nt / coefficient - 5, 5.0),
                250 * p_nt / coefficient - 1.25,
            ],
            500 * p_nt / coefficient - 2.5,
        )

        # With a target.
        achieved = direction * (current_value - target) >= 0
        growth_target = np.where(target == 0, ZERO_REPLACEMENT, target)
        m = target_year - base_y
        usable = ~(growth_target * growth_base < 0) & (m > 0)
        required = np.power(growth_target / growth_base, 1.0 / m) - 1.0
        divisible = usable & (required != 0)
        p_t = np.where(divisible, sign * direction * growth / np.abs(required), np.nan)
        score_t = np.where(
            p_t >= TARGET_THRESHOLDS.medium,
            np.minimum(7.1429 * p_t - 4.2857, 5.0),
            np.maximum(4.1667 * p_t - 2.5, -5.0),
        )

    def band(p: np.ndarray, high: np.ndarray, medium: np.ndarray, low: np.ndarray) -> np.ndarray:
        return np.select(
            [p >= high, p >= medium, p >= low],
            [Status.SUBSTANTIAL_PROGRESS.value, Status.MODERATE_PROGRESS.value, Status.LIMITED_PROGRESS.value],
            Status.DETERIORATION.value,
        )

    # A met target is reported even where no pace can be measured (as sdg-build).
    achieved_without_pace = ~available & has_base & (count > 0) & has_target & achieved
    with_target = available & has_target
    without_target = available & ~has_target
    status = np.full(n_series, Status.NOT_AVAILABLE.value, dtype="U20")
    status = np.where(without_target, band(p_nt, high_nt, medium_nt, low_nt), status)
    status_t = np.select(
        [achieved, ~usable, ~divisible],
        [Status.TARGET_ACHIEVED.value, Status.NOT_AVAILABLE.value, Status.DETERIORATION.value],
        band(p_t, high_t, medium_t, low_t),
    )
    status = np.where(with_target, status_t, status)
    status = np.where(achieved_without_pace, Status.TARGET_ACHIEVED.value, status)
    score_t = np.select([achieved, ~usable, ~divisible], [5.0, np.nan, -5.0], score_t)

    result = np.empty(n_series, dtype=ASSESS_MANY_DTYPE)
    result["status"] = status
    result["score"] = np.where(
        without_target, score_nt, np.where(with_target, score_t, np.where(achieved_without_pace, 5.0, np.nan))
    )
    result["progress_value"] = np.where(without_target, p_nt, np.where(with_target, p_t, np.nan))
    result["base_year"] = base_y
    result["base_value"] = base_value
    result["current_year"] = current_y
    result["current_value"] = current_value
    result["sign"] = sign
    result["limit_coefficient"] = np.where(without_target, coefficient, np.nan)
    # assess_series keeps the projection when the target cannot be used; only missing data removes it.
    result["projected_value"] = projected
    with np.errstate(all="ignore"):
        result["needed_change_per_year"] = np.where(
            (available | achieved_without_pace) & has_target & (h > 0), (target - current_value) / h, np.nan
        )
    return result


# --------------------------------------------------------------------------- explanations

Language = Literal["de", "en"]
NumberFormat = str | Callable[[float], str]

_REASONS: dict[str, dict[Reason, str]] = {
    "en": {
        Reason.DUPLICATE_YEARS: "a year occurs more than once in the data",
        Reason.SUPPRESSED: "too few people were surveyed",
        Reason.TOO_FEW_YEARS: "there are fewer than two years with a value",
        Reason.NO_BASE_YEAR: "there is no value in or after the base year",
        Reason.OPPOSITE_SIGNS: "the base and the current value have opposite signs",
        Reason.BASE_NOT_BEFORE_CURRENT: "there is no value after the base year",
        Reason.TARGET_NOT_USABLE: "the target cannot be compared with the base value",
        Reason.TARGET_REQUIRED: "this method needs a target",
        Reason.ZERO_BASE: "the base value is zero and there is no target",
        Reason.SERIES_NOT_SELECTED: "the data do not identify a single series",
        Reason.NO_DATA: "there are no data",
    },
    "de": {
        Reason.DUPLICATE_YEARS: "ein Jahr kommt in den Daten mehrfach vor",
        Reason.SUPPRESSED: "zu wenige Personen wurden befragt",
        Reason.TOO_FEW_YEARS: "es gibt weniger als zwei Jahre mit einem Wert",
        Reason.NO_BASE_YEAR: "es gibt keinen Wert im oder nach dem Basisjahr",
        Reason.OPPOSITE_SIGNS: "Basiswert und aktueller Wert haben entgegengesetzte Vorzeichen",
        Reason.BASE_NOT_BEFORE_CURRENT: "es gibt keinen Wert nach dem Basisjahr",
        Reason.TARGET_NOT_USABLE: "der Zielwert lässt sich nicht mit dem Basiswert vergleichen",
        Reason.TARGET_REQUIRED: "diese Methode braucht einen Zielwert",
        Reason.ZERO_BASE: "der Basiswert ist null und es gibt keinen Zielwert",
        Reason.SERIES_NOT_SELECTED: "die Daten bestimmen keine eindeutige Zeitreihe",
        Reason.NO_DATA: "es liegen keine Daten vor",
    },
}


def _half_up(value: float, value_format: str) -> float | Decimal:
    """The value as written, rounded half away from zero to the places the format asks for, so that text
    and tables round alike (0.125 -> 0.13, never truncated); the format then adds no rounding of its own."""
    match = re.search(r"\.(\d+)f\}", value_format)
    if match is None or not math.isfinite(value):
        return value
    with localcontext() as context:
        context.prec = 800  # enough digits for any finite double: quantize never overflows (1e30 with 1 place)
        rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-int(match.group(1))), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def _format_number(value: float, value_format: NumberFormat, language: Language) -> str:
    if callable(value_format):
        return value_format(value)
    text = value_format.format(_half_up(value, value_format))
    if language == "de":
        # Swap decimal point and thousands separator between digits only.
        text = re.sub(r"(?<=\d)[.,](?=\d)", lambda match: "," if match.group() == "." else ".", text)
    return text


def _format_exact(value: float, value_format: NumberFormat, language: Language) -> str:
    """Format a target without rounding it away: 7.25 stays 7.25 under "{:.1f}"."""
    if not callable(value_format) and (match := re.search(r"\{:([^{}]*?)\.(\d+)f\}", value_format)):
        decimals = int(match.group(2))
        needed = next((q for q in range(decimals, 7) if abs(round(value, q) - value) < 1e-9), decimals)
        value_format = f"{value_format[: match.start()]}{{:{match.group(1)}.{needed}f}}{value_format[match.end() :]}"
    return _format_number(value, value_format, language)


def _percent(share: float, language: Language, decimals: int = 0) -> str:
    text = _format_number(share * 100, f"{{:,.{decimals}f}}", language)
    return f"{text} %" if language == "de" else f"{text}%"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def explain(
    assessment: Assessment,
    *,
    unit_label: str,
    language: Language = "en",
    value_format: NumberFormat = "{:.1f}",
    change_format: NumberFormat | None = None,
) -> str:
    """Plain-language explanation whose numbers all come from the assessment.

    `unit_label` is the subject with its article ("the share", "der Anteil").
    `value_format` formats values, e.g. "{:.1f}%" (en) or "{:.1f} %" (de; German text
    gets a decimal comma); targets keep the decimals they need (7.25 stays 7.25).
    `change_format` formats changes per year in the unit, e.g. "{:.1f} points";
    it defaults to `value_format`.
    """
    a = assessment
    de = language == "de"
    subject = _capitalise(unit_label)

    def value(x: float) -> str:
        return _format_number(x, value_format, language)

    def change(x: float) -> str:
        return _format_number(x, change_format or value_format, language)

    if a.is_suppressed and a.sample_size is None:
        # A withheld sample size is never written out: "too few cases", without the number.
        if de:
            return f"{subject} wird nicht bewertet: zu wenige Fälle."
        return f"{subject} is not assessed: too few cases."
    if a.is_suppressed:
        if de:
            return (
                f"{subject} wird nicht bewertet, weil zu wenige Personen befragt wurden "
                f"(n = {a.sample_size}, mindestens {a.minimum_sample_size} nötig)."
            )
        return (
            f"{subject} is not assessed because too few people were surveyed "
            f"(n = {a.sample_size}, at least {a.minimum_sample_size} needed)."
        )
    if a.status is Status.NOT_AVAILABLE or a.base_value is None or a.current_value is None:
        reason = _REASONS[language][a.reason or Reason.TOO_FEW_YEARS]
        return f"{subject} lässt sich nicht bewerten: {reason}." if de else f"{subject} cannot be assessed: {reason}."

    status_name = TARGET_MISSED_NAMES[language] if a.is_target_missed else STATUS_NAMES[language][a.status]
    target = _format_exact(a.target, value_format, language) if a.target is not None else ""
    sentences = [_change_sentence(a, unit_label, language, value, change)]
    if a.status is Status.TARGET_ACHIEVED:
        sentences.append(
            f"Damit ist das Ziel von {target} erreicht: {status_name}."
            if de
            else f"It has reached the {target} target: {status_name}."
        )
    elif a.target is None:
        sentences.extend(_no_target_sentences(a, status_name, language, value))
    elif a.is_target_year_passed or a.projected_value is None:
        sentences.append(_missed_sentence(a, target, status_name, language))
    else:
        sentences.append(_projection_sentence(a, target, status_name, language, value, change))
        if a.needed_change_per_year:
            sentences.append(_needed_sentence(a, language, change))
    sentences.extend(_profile_sentences(a, language))
    if a.progress_interval is not None or a.is_uncertain:
        sentences.append(_uncertainty_sentence(a, language))
    return " ".join(sentence for sentence in sentences if sentence)


def explain_indicator(indicator: IndicatorAssessment, *, language: Language = "en") -> str:
    """Plain-language explanation of an indicator status combined from several series (`assess_indicator`)."""
    de = language == "de"
    status_name = STATUS_NAMES[language][indicator.status]
    n, scored = indicator.series_count, indicator.scored_count
    if indicator.status is Status.TARGET_ACHIEVED:
        if de:
            return f"Alle {n} Zeitreihen des Indikators haben ihr Ziel erreicht: {status_name}."
        return f"All {n} series of the indicator have reached their targets: {status_name}."
    if indicator.score is None:
        if de:
            return f"Keine der {n} Zeitreihen des Indikators lässt sich bewerten: {status_name}."
        return f"None of the indicator's {n} series can be assessed: {status_name}."
    score = _format_number(indicator.score, "{:.2f}", language)
    if de:
        return (
            f"Der Indikator fasst {n} Zeitreihen zusammen, davon {scored} bewertbar; der Mittelwert ihrer "
            f"Punktzahlen beträgt {score} auf einer Skala von −5 bis 5: {status_name}."
        )
    return (
        f"The indicator combines {n} series, {scored} of them assessable; the mean of their scores is {score} "
        f"on a scale from −5 to 5: {status_name}."
    )


def _change_sentence(
    a: Assessment, unit_label: str, language: Language, value: Callable[[float], str], change: Callable[[float], str]
) -> str:
    """What happened between base and current year; growth profiles give the rate in %."""
    de = language == "de"
    b, c, current_year = a.base_value, a.current_value, a.current_year
    # Only asked for once base and current value are known (and with them the current year).
    assert b is not None and c is not None and current_year is not None
    if a.base_year == a.current_year:
        # One value only (a met target is reported without a pace).
        if de:
            return f"Im Jahr {a.current_year} lag {unit_label} bei {value(c)}."
        return f"In {a.current_year} {unit_label} was {value(c)}."
    if c == b:
        if de:
            return f"Von {a.base_year} bis {a.current_year} blieb {unit_label} unverändert bei {value(b)}."
        return f"From {a.base_year} to {a.current_year} {unit_label} stayed at {value(b)}."
    if a.profile in GROWTH_PROFILES and a.annual_growth_rate is not None:
        rate = _percent(abs(a.annual_growth_rate), language, 1)
    else:
        rate = change(abs((c - b) / (current_year - a.base_year)))
    if de:
        verb = "stieg" if c > b else "sank"
        return f"Von {a.base_year} bis {a.current_year} {verb} {unit_label} von {value(b)} auf {value(c)}, um {rate} pro Jahr."
    verb = "rose" if c > b else "fell"
    return (
        f"From {a.base_year} to {a.current_year} {unit_label} {verb} from {value(b)} to {value(c)}, by {rate} a year."
    )


def _no_target_sentences(
    a: Assessment, status_name: str, language: Language, value: Callable[[float], str]
) -> list[str]:
    de = language == "de"
    sentences = []
    if a.projected_value is not None and a.projection_bound is not None:
        sentences.append(
            f"In diesem Tempo erreichte der Wert vor {a.target_year} die Grenze von {value(a.projected_value)}."
            if de
            else f"At this pace it would reach the bound of {value(a.projected_value)} before {a.target_year}."
        )
    elif a.projected_value is not None:
        sentences.append(
            f"In diesem Tempo läge der Wert {a.target_year} bei {value(a.projected_value)}."
            if de
            else f"At this pace it would reach {value(a.projected_value)} in {a.target_year}."
        )
    high = _percent((a.thresholds or NO_TARGET_THRESHOLDS).high, language, 2)
    if de:
        sentences.append(
            f"Ohne Zielwert wird das Tempo selbst bewertet (ab {high} pro Jahr in die gewünschte Richtung "
            f"gilt es als deutlicher Fortschritt): {status_name}."
        )
    else:
        sentences.append(
            f"Without a target the pace itself is judged (from {high} a year in the desired direction "
            f"it counts as substantial progress): {status_name}."
        )
    return sentences


def _missed_sentence(a: Assessment, target: str, status_name: str, language: Language) -> str:
    share = _percent(a.progress_value, language) if a.progress_value is not None else None
    if language == "de":
        pace = f"; das Tempo betrug {share} des nötigen Tempos" if share else ""
        return f"Das Zieljahr {a.target_year} ist verstrichen, ohne dass das Ziel von {target} erreicht wurde{pace}: {status_name}."
    pace = f"; the pace was {share} of what the target needed" if share else ""
    return f"The target year {a.target_year} has passed without the {target} target being reached{pace}: {status_name}."


def _projection_sentence(
    a: Assessment,
    target: str,
    status_name: str,
    language: Language,
    value: Callable[[float], str],
    change: Callable[[float], str],
) -> str:
    """Where the current pace leads by the target year, and how it compares with the pace needed.

    The weather profile extrapolates the recent trend rather than the pace since the
    base year, so its sentence names the trend and the share of the remaining distance
    it covers.
    """
    de = language == "de"
    # Only asked for when there is a target and a projection to the target year.
    assert a.projected_value is not None and a.target is not None
    projected = value(a.projected_value)
    if a.projection_bound is not None:
        # A share cannot pass 100 % (or fall below 0 %): the trend runs into the bound before the target year.
        projected = (
            f"die Grenze von {projected} noch vor {a.target_year}"
            if de
            else f"the bound of {projected} before {a.target_year}"
        )
    reaches = a.direction * (a.projected_value - a.target) >= 0
    # The weather profile's recent trend (change per year since trend_start_year), None for the other profiles.
    trend = a.annual_change if a.profile is Profile.GERMAN_WEATHER and a.trend_start_year is not None else None
    share = _percent(a.progress_value, language) if a.progress_value is not None else None
    if de:
        if reaches:
            relation = f"und würde das Ziel von {target} erreichen"
        elif a.status is Status.DETERIORATION:
            relation = f"und würde sich weiter vom Ziel von {target} entfernen"
        elif a.status is Status.SUBSTANTIAL_PROGRESS:
            relation = f"und würde das Ziel von {target} knapp verfehlen"
        else:
            relation = f"und würde das Ziel von {target} verfehlen"
        if trend is not None:
            lead = f"Im Tempo seit {a.trend_start_year} ({change(trend)} pro Jahr)"
            pace = f"; der Trend legt {share} des verbleibenden Abstands zurück" if share else ""
        else:
            lead = "In diesem Tempo"
            pace = f"; das Tempo beträgt {share} des für das Ziel nötigen Tempos" if share else ""
        if a.projection_bound is not None:
            return f"{lead} stieße der Wert an {projected} {relation}{pace}: {status_name}."
        return f"{lead} läge der Wert {a.target_year} bei {projected} {relation}{pace}: {status_name}."
    if reaches:
        relation = f"meeting the {target} target"
    elif a.status is Status.DETERIORATION:
        relation = f"moving away from the {target} target"
    elif a.status is Status.SUBSTANTIAL_PROGRESS:
        relation = f"just short of the {target} target"
    else:
        relation = f"short of the {target} target"
    if trend is not None:
        lead = f"At the pace since {a.trend_start_year} ({change(trend)} a year)"
        pace = f"; the trend covers {share} of the remaining distance" if share else ""
    else:
        lead = "At this pace"
        pace = f"; the pace is {share} of what the target needs" if share else ""
    if a.projection_bound is not None:
        return f"{lead} it would run into {projected}, {relation}{pace}: {status_name}."
    return f"{lead} it would reach {projected} in {a.target_year}, {relation}{pace}: {status_name}."


def _needed_sentence(a: Assessment, language: Language, change: Callable[[float], str]) -> str:
    # Only asked for when a change per year is needed.
    assert a.needed_change_per_year is not None
    rising = a.needed_change_per_year > 0
    amount = change(abs(a.needed_change_per_year))
    if language == "de":
        verb = "steigen" if rising else "sinken"
        return f"Um das Ziel bis {a.target_year} zu erreichen, müsste der Wert ab jetzt um {amount} pro Jahr {verb}."
    verb = "rise" if rising else "fall"
    return f"To reach the target by {a.target_year} it would have to {verb} by {amount} a year from now on."


def _profile_sentences(a: Assessment, language: Language) -> list[str]:
    de = language == "de"
    sentences = []
    if a.profile is Profile.GERMAN_WEATHER and a.weather is not None:
        label = WEATHER_LABELS[language][a.weather]
        sentences.append(f"Wettersymbol: {label}." if de else f"Weather symbol: {label}.")
    if a.profile is Profile.TARGET_ATTAINMENT and a.attainment_share is not None and a.elapsed_share is not None:
        covered, elapsed = _percent(a.attainment_share, language), _percent(a.elapsed_share, language)
        sentences.append(
            f"Vom Abstand zwischen Basiswert und Ziel sind {covered} zurückgelegt, nach {elapsed} der Zeit."
            if de
            else f"{covered} of the distance from the base value to the target has been covered, after {elapsed} of the time."
        )
    return sentences


def _uncertainty_sentence(a: Assessment, language: Language) -> str:
    """Sampling error: the interval of the pace, and whether it leaves the status open."""
    de = language == "de"
    if a.status is Status.TARGET_ACHIEVED or a.progress_interval is None:
        if de:
            return (
                "Wegen des Stichprobenfehlers ist offen, ob das Ziel tatsächlich erreicht ist."
                if a.is_uncertain
                else ""
            )
        return (
            "Allowing for sampling error, it is not certain that the target has been reached." if a.is_uncertain else ""
        )
    low, high = a.progress_interval
    if a.target is None:
        decimals, what_de, what_en = 1, "pro Jahr", "a year"
    elif a.profile is Profile.GERMAN_WEATHER:
        decimals, what_de, what_en = 0, "des verbleibenden Abstands", "of the remaining distance"
    else:
        decimals, what_de, what_en = 0, "des nötigen Tempos", "of the pace needed"
    low_text, high_text = _percent(low, language, decimals), _percent(high, language, decimals)
    if de:
        verdict = "die Einstufung ist daher unsicher" if a.is_uncertain else "die Einstufung ist daher belastbar"
        return f"Unter Berücksichtigung des Stichprobenfehlers liegt das Tempo zwischen {low_text} und {high_text} {what_de}; {verdict}."
    verdict = "so the status is uncertain" if a.is_uncertain else "so the status holds"
    return f"Allowing for sampling error, the pace lies between {low_text} and {high_text} {what_en}, {verdict}."
