"""Deterministic, internally consistent demo observations and targets, generated from a seed.

Each indicator draws from its own generator seeded by (seed, indicator code), so adding an indicator leaves
the others' values unchanged. Consistency by construction:
- a district's total is the mean of its two groups, weighted by the group's share of the indicator's population;
- the city's total is the population-weighted mean of the district totals (the sum, for counts), and the city's
  group values are the means of the district group values weighted by group population, so the city total lies
  between the city's group values as well;
- shares stay within 0–100.
Pure module: no Django imports.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from .content import AGE_BAND_WEIGHTS, CITY_CODE, DISTRICTS, FIRST_YEAR, LAST_YEAR, District, Text
from .indicators import IndicatorSpec

TOTAL = ""
YES = "migration_background=yes"
NO = "migration_background=no"
REFUGEES = "refugee=yes"
SURVEY_SAMPLE_SIZE = 4000
REFUGEE_SURVEY_SAMPLE_SIZE = 600
ELECTION_YEARS = (2011, 2016, 2021)
TARGET_DISTRICTS = ("hafen", "mitte")


@dataclass(frozen=True)
class ObservationRow:
    indicator: str
    period: str
    geography: str
    breakdown_key: str
    value: float
    standard_error: float | None = None
    sample_size: int | None = None
    is_provisional: bool = False
    released_on: date | None = None


@dataclass(frozen=True)
class TargetRow:
    indicator: str
    edition: str
    kind: str  # "value" or "gap"
    breakdown_key: str
    geography: str
    baseline_value: float
    baseline_year: int
    target_value: float
    target_year: int
    note: Text = ("", "")


def period_code(spec: IndicatorSpec, year: int) -> str:
    if spec.has("school_year"):
        return f"{year}/{(year + 1) % 100:02d}"
    if spec.has("reference_date"):
        return f"{year}-12-31"
    return str(year)


def _period_end(spec: IndicatorSpec, year: int) -> date:
    return date(year + 1, 7, 31) if spec.has("school_year") else date(year, 12, 31)


def _years(spec: IndicatorSpec, rng: np.random.Generator) -> list[int]:
    last = LAST_YEAR - 1 if spec.has("school_year") else LAST_YEAR  # the school year 2023/24 ends in 2024
    years = list(range(FIRST_YEAR, last + 1))
    if spec.has("election"):
        years = list(ELECTION_YEARS)
    elif spec.has("survey"):
        years = [y for y in years if y % 2 == 1]
    elif spec.has("biennial"):
        years = [y for y in years if y % 2 == 0]
    if spec.has("from_2016"):
        years = [y for y in years if y >= 2016]
    if spec.has("until_2016"):
        years = [y for y in years if y <= 2016]
    if spec.has("gaps"):
        candidates = [y for y in years if y not in (2015, 2016, years[0], years[-1])]
        missing = set(rng.choice(candidates, size=2, replace=False).tolist())
        years = [y for y in years if y not in missing]
    return years


def _rng(seed: int, code: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(code.encode("utf-8"))])


def _clip(spec: IndicatorSpec, values: np.ndarray, scale: float) -> np.ndarray:
    if spec.unit.kind == "share":
        return np.clip(values, 0.5, 99.5)
    return np.maximum(values, 0.05 * scale)


def _round(spec: IndicatorSpec, value: float) -> float:
    return round(float(value), spec.unit.decimals)


def _standard_error(spec: IndicatorSpec, value: float, sample_size: int) -> float:
    if spec.unit.kind == "share":
        return round(float(np.sqrt(max(value * (100 - value), 1.0) / sample_size)), 2)
    return round(float(0.4 * abs(value) / np.sqrt(sample_size)), 2)


@dataclass
class _Series:
    """One indicator's unrounded values: breakdown key → geography → values over that key's years."""

    years: dict[str, list[int]]
    values: dict[str, dict[str, np.ndarray]]
    sample_sizes: dict[str, dict[str, int]]  # only for survey-based indicators


_REFUGEE_TOPICS = frozenset({"unterbringung", "sprache", "arbeitsmarktzugang"})


def _by_geography(
    districts: Sequence[District], district_values: np.ndarray, city: np.ndarray
) -> dict[str, np.ndarray]:
    series = {d.code: district_values[i] for i, d in enumerate(districts)}
    series[CITY_CODE] = city
    return series


def _sizes_by_geography(districts: Sequence[District], district_sizes: np.ndarray) -> dict[str, int]:
    sizes = {d.code: int(district_sizes[i]) for i, d in enumerate(districts)}
    sizes[CITY_CODE] = int(district_sizes.sum())
    return sizes


def _with_noise(
    spec: IndicatorSpec, model: np.ndarray, scale: float, rng: np.random.Generator, sizes: np.ndarray | None
) -> np.ndarray:
    """Register data vary a little around the model; survey data by their sampling error."""
    if sizes is None:
        return _clip(spec, model + rng.normal(0, 0.012 * scale, model.shape), scale)
    expected = _clip(spec, model, scale)
    if spec.unit.kind == "share":
        noise_sd = np.sqrt(expected * (100 - expected) / sizes[:, None])
    else:
        noise_sd = 0.4 * expected / np.sqrt(sizes[:, None])
    return _clip(spec, model + rng.normal(0, 1, model.shape) * noise_sd, scale)


def _spread(spec: IndicatorSpec, *levels: float) -> float:
    """How far values vary between districts and years: with the level, but less for shares near 100."""
    highest = max(abs(level) for level in levels)
    if spec.unit.kind == "share":
        highest = min(highest, 100.0 - max(levels))
    return max(highest, 1.0)


def _simulate(spec: IndicatorSpec, rng: np.random.Generator, districts: Sequence[District]) -> _Series:
    years = _years(spec, rng)
    year_array = np.array(years)
    # Levels are given for 2010, or for 2016 where the data only start then.
    t = year_array.astype(float) - (2016 if spec.has("from_2016") else FIRST_YEAR)
    population = np.array([d.population for d in districts], dtype=float)
    population_share = population / population.sum()
    social = np.array([d.social_index for d in districts])
    weight = np.clip(np.array([d.immigrant_share for d in districts]) * spec.group_share, 0.03, 0.95)
    shock = np.zeros_like(t)
    if spec.has("covid"):
        shock = np.where(year_array == 2020, 1.0, np.where(year_array == 2021, 0.5, 0.0))
    sample = REFUGEE_SURVEY_SAMPLE_SIZE if spec.topic in _REFUGEE_TOPICS else SURVEY_SAMPLE_SIZE
    is_survey = spec.has("survey")
    values: dict[str, dict[str, np.ndarray]] = {}
    sizes: dict[str, dict[str, int]] = {}
    key_years: dict[str, list[int]] = {}

    if spec.has_groups:
        level_no, level_yes, slope_no, slope_yes = spec.levels
        scale = _spread(spec, level_no, level_yes, level_no + slope_no * t[-1], level_yes + slope_yes * t[-1])
        district_effect = spec.sign * social * 0.08 * scale + rng.normal(0, 0.03 * scale, len(districts))
        groups: dict[str, np.ndarray] = {}
        for key, level, slope, share in ((NO, level_no, slope_no, 1 - weight), (YES, level_yes, slope_yes, weight)):
            trend = level + slope * t - spec.sign * 0.06 * scale * shock
            group_effect = district_effect + rng.normal(0, 0.02 * scale, len(districts))
            group_sizes = np.maximum(np.round(sample * population_share * share), 20) if is_survey else None
            groups[key] = _with_noise(spec, trend[None, :] + group_effect[:, None], scale, rng, group_sizes)
            if group_sizes is not None:
                sizes[key] = _sizes_by_geography(districts, group_sizes)
        total = weight[:, None] * groups[YES] + (1 - weight[:, None]) * groups[NO]
        yes_weight, no_weight = population * weight, population * (1 - weight)
        values[TOTAL] = _by_geography(districts, total, population @ total / population.sum())
        values[YES] = _by_geography(districts, groups[YES], yes_weight @ groups[YES] / yes_weight.sum())
        values[NO] = _by_geography(districts, groups[NO], no_weight @ groups[NO] / no_weight.sum())
        if is_survey:
            sizes[TOTAL] = {code: sizes[YES][code] + sizes[NO][code] for code in sizes[YES]}
        if spec.has("refugee"):
            # Refugees start further behind than everyone with an immigrant background and catch up.
            since = year_array >= 2016
            distance = (abs(level_yes - level_no) * 0.9 + 0.05 * scale) * np.clip(1 - 0.06 * (t - 6), 0.3, 1.0)
            refugees = _clip(spec, groups[YES] - spec.sign * distance[None, :], scale)[:, since]
            values[REFUGEES] = _by_geography(districts, refugees, yes_weight @ refugees / yes_weight.sum())
            key_years[REFUGEES] = year_array[since].tolist()
            if is_survey:
                sizes[REFUGEES] = {code: max(size // 6, 10) for code, size in sizes[YES].items()}
    else:
        level, slope = spec.levels
        scale = _spread(spec, level, level + slope * t[-1])
        trend = level + slope * t - spec.sign * 0.06 * scale * shock
        if spec.unit.kind == "count":
            split = population_share * np.exp(rng.normal(0, 0.15, len(districts)))
            split = split / split.sum()
            city_total = np.maximum(trend * (1 + rng.normal(0, 0.02, t.shape)), 1.0)
            district_values = np.round(split[:, None] * city_total[None, :])
            values[TOTAL] = _by_geography(districts, district_values, district_values.sum(axis=0))
        else:
            district_effect = spec.sign * social * 0.08 * scale + rng.normal(0, 0.03 * scale, len(districts))
            district_sizes = np.maximum(np.round(sample * population_share), 20) if is_survey else None
            district_values = _with_noise(spec, trend[None, :] + district_effect[:, None], scale, rng, district_sizes)
            values[TOTAL] = _by_geography(districts, district_values, population @ district_values / population.sum())
            if district_sizes is not None:
                sizes[TOTAL] = _sizes_by_geography(districts, district_sizes)

    city_total = values[TOTAL][CITY_CODE]
    if spec.has("sex"):
        delta = rng.uniform(0.03, 0.1) * scale * rng.choice([-1.0, 1.0])
        values["sex=female"] = {CITY_CODE: _clip(spec, city_total + delta, scale)}
        values["sex=male"] = {CITY_CODE: _clip(spec, city_total - delta, scale)}
        if is_survey:
            sizes["sex=female"] = sizes["sex=male"] = {CITY_CODE: sizes[TOTAL][CITY_CODE] // 2}
    if spec.has("age"):
        # Offsets that average to zero over the bands, so the total stays the bands' weighted mean.
        weights = dict(AGE_BAND_WEIGHTS)
        offsets = {"under_25": rng.uniform(0.2, 0.4) * scale, "55_plus": rng.uniform(-0.1, 0.2) * scale}
        offsets["25_to_54"] = (
            -(weights["under_25"] * offsets["under_25"] + weights["55_plus"] * offsets["55_plus"]) / weights["25_to_54"]
        )
        for band, _weight in AGE_BAND_WEIGHTS:
            values[f"age_band={band}"] = {CITY_CODE: _clip(spec, city_total + offsets[band], scale)}
    return _Series({key: key_years.get(key, years) for key in values}, values, sizes)


def generate_observations(
    indicators: Iterable[IndicatorSpec], *, seed: int, today: date, districts: Sequence[District] = DISTRICTS
) -> list[ObservationRow]:
    """Observations 2010–2024 of every indicator that has data, for the city and its districts."""
    rows: list[ObservationRow] = []
    for spec in indicators:
        if spec.has("proposed"):
            continue
        rng = _rng(seed, spec.code)
        series = _simulate(spec, rng, districts)
        release_lag = 75 + zlib.crc32(spec.code.encode("utf-8")) % 200
        latest = max(max(years) for years in series.years.values())
        for key, by_geography in series.values.items():
            for geography, values in by_geography.items():
                if spec.has("city_only") and geography != CITY_CODE:
                    continue
                size = series.sample_sizes.get(key, {}).get(geography)
                for year, value in zip(series.years[key], values, strict=True):
                    rounded = _round(spec, value)
                    released_on = _period_end(spec, year) + timedelta(days=release_lag)
                    if year == latest and spec.has("unreleased"):
                        released_on = today + timedelta(days=45)
                    rows.append(
                        ObservationRow(
                            indicator=spec.code,
                            period=period_code(spec, year),
                            geography=geography,
                            breakdown_key=key,
                            value=rounded,
                            standard_error=_standard_error(spec, rounded, size) if size else None,
                            sample_size=size,
                            is_provisional=year == latest and spec.has("provisional"),
                            released_on=released_on,
                        )
                    )
    return rows


def _series_of(rows: Iterable[ObservationRow], geography: str, key: str) -> dict[str, dict[int, float]]:
    """indicator → year → value for one geography and breakdown."""
    result: dict[str, dict[int, float]] = {}
    for row in rows:
        if row.geography == geography and row.breakdown_key == key:
            result.setdefault(row.indicator, {})[int(row.period[:4])] = row.value
    return result


def _target_value(
    spec: IndicatorSpec,
    series: dict[int, float],
    *,
    baseline_year: int,
    target_year: int,
    track: str,
    sign: int,
    limit: float | None,
    last_year: int = LAST_YEAR,
) -> tuple[int, float, float] | None:
    """(baseline year, baseline value, target value) so that the series is on track, slow, achieved or off.

    None when the series has no value between the baseline year and `last_year`.
    """
    years = sorted(y for y in series if baseline_year <= y <= last_year)
    if not years:
        return None
    base_year = years[0]
    current_year = years[-1]
    base, current = series[base_year], series[current_year]
    change = current - base
    step = 10**-spec.unit.decimals
    if current_year <= base_year or change * sign <= 0:
        target = base + sign * max(abs(base) * 0.1, step)  # deteriorating or flat: off track
    else:
        per_year = change / (current_year - base_year)
        factor = {"on": 1.05, "slow": 1.6}.get(track)
        target = base + 0.6 * change if factor is None else base + factor * per_year * (target_year - base_year)
    if limit is not None:
        target = min(max(target, 0.0), limit)
    return base_year, base, round(target, spec.unit.decimals)


_TRACKS = ("on", "slow", "on", "achieved", "slow")
_NOTE_UPDATED: Text = (
    "Zielwert gegenüber der Ausgabe 2013 neu festgelegt, mit neuem Basisjahr.",
    "Target reset from the 2013 edition, with a new baseline year.",
)
_NOTE_DISTRICT: Text = (
    "Eigener Zielwert für einen Bezirk mit besonderem Handlungsbedarf.",
    "A separate target for a district with particular need.",
)
_NOTE_GAP: Text = (
    "Die Lücke zwischen Menschen mit und ohne Migrationshintergrund soll sich schließen.",
    "The gap between people with and without an immigrant background should close.",
)


def generate_targets(
    indicators: Sequence[IndicatorSpec],
    observations: Sequence[ObservationRow],
    *,
    current_edition: str,
    earlier_edition: str,
    earlier_edition_year: int = 2013,
) -> list[TargetRow]:
    """Targets for the current edition (baseline 2015, target 2025 or 2030) and the earlier one (2012 → 2020).

    Value targets are set for people with an immigrant background where the indicator compares groups, else
    for the total; gap indicators also get a gap target. Which indicators are on track, slow, off track or
    have already achieved their target follows from their data and a fixed rotation.
    """
    city = {key: _series_of(observations, CITY_CODE, key) for key in (TOTAL, YES, NO)}
    rows: list[TargetRow] = []
    for index, spec in enumerate(indicators):
        if spec.has("proposed") or spec.code not in city[TOTAL]:
            continue
        key = YES if spec.has_groups else TOTAL
        series = city[key][spec.code]
        limit = spec.unit.limit
        has_value_target = not spec.has("no_target")
        earlier = None
        if has_value_target and not spec.has("new2017") and (index % 3 == 0 or spec.has("retired")):
            earlier = _target_value(
                spec,
                series,
                baseline_year=2012,
                target_year=2020,
                track="on",
                sign=spec.sign,
                limit=limit,
                last_year=2016,
            )
        if earlier and earlier[0] <= earlier_edition_year:
            base_year, base, value = earlier
            rows.append(TargetRow(spec.code, earlier_edition, "value", key, CITY_CODE, base, base_year, value, 2020))
        if spec.has("retired"):
            continue
        target_year = 2025 if index % 4 == 1 else 2030
        current = has_value_target and _target_value(
            spec,
            series,
            baseline_year=2015,
            target_year=target_year,
            track=_TRACKS[index % len(_TRACKS)],
            sign=spec.sign,
            limit=limit,
        )
        if current:
            base_year, base, value = current
            updated = earlier and earlier[0] <= earlier_edition_year
            rows.append(
                TargetRow(
                    spec.code,
                    current_edition,
                    "value",
                    key,
                    CITY_CODE,
                    base,
                    base_year,
                    value,
                    target_year,
                    _NOTE_UPDATED if updated else ("", ""),
                )
            )
        if spec.is_gap:
            rows.extend(
                _gap_target(
                    spec,
                    city[YES][spec.code],
                    city[NO][spec.code],
                    edition=current_edition,
                    track=_TRACKS[(index + 2) % len(_TRACKS)],
                )
            )
        if has_value_target and spec.has("district_target"):
            for district in TARGET_DISTRICTS:
                district_series = _series_of(observations, district, TOTAL).get(spec.code)
                result = district_series and _target_value(
                    spec, district_series, baseline_year=2015, target_year=2030, track="on", sign=spec.sign, limit=limit
                )
                if result:
                    base_year, base, value = result
                    rows.append(
                        TargetRow(
                            spec.code,
                            current_edition,
                            "value",
                            TOTAL,
                            district,
                            base,
                            base_year,
                            value,
                            2030,
                            _NOTE_DISTRICT,
                        )
                    )
    return rows


def _gap_target(
    spec: IndicatorSpec, yes: dict[int, float], no: dict[int, float], *, edition: str, track: str
) -> list[TargetRow]:
    """A target for the difference (with minus without immigrant background): closing towards zero."""
    gap = {year: round(yes[year] - no[year], spec.unit.decimals) for year in yes if year in no}
    baseline_years = [year for year in gap if year >= 2015]
    if not baseline_years:
        return []
    towards_zero = -1 if gap[min(baseline_years)] > 0 else 1
    result = _target_value(spec, gap, baseline_year=2015, target_year=2030, track=track, sign=towards_zero, limit=None)
    if not result:
        return []
    base_year, base, value = result
    if (value - base) * towards_zero <= 0:
        value = round(base * 0.5, spec.unit.decimals)
    # A gap target closes the gap; it never asks for the other group to fall behind.
    value = max(value, 0.0) if base > 0 else min(value, 0.0)
    return [TargetRow(spec.code, edition, "gap", TOTAL, CITY_CODE, base, base_year, value, 2030, _NOTE_GAP)]


def checksum(rows: Iterable[tuple[str, str, str, str, float]]) -> str:
    """A fingerprint of (indicator, period, geography, breakdown key, value) rows, independent of their order."""
    lines = sorted(f"{code}|{period}|{geography}|{key}|{value:.6f}" for code, period, geography, key, value in rows)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
