"""Open SDG progress for 100,000 synthetic series: assess_many against a loop over assess_series.

Run `python bench/bench_progress.py` or `python -m bench progress`. Prints series per
second for both entry points, their ratio, whether they agree, and whether the goal
(assess_many on all series under 1 s and at least 20 times the loop's rate) is met.
Never asserts on time. To keep the run short the loop is timed on the first
LOOP_SERIES series; the data are synthetic and seeded.
"""

from __future__ import annotations

import math
import statistics
import time

import numpy as np

try:
    from bench import report
except ModuleNotFoundError:  # run as a script: bench/ is on the path, not the repository
    import report

from teilhabe.monitoring.progress import Direction, Point, SeriesOptions, assess_many, assess_series

SERIES = 100_000
LOOP_SERIES = 10_000
YEARS = np.arange(2010, 2025)  # 15 years
SEED = 20150925  # the day the 2030 Agenda was adopted
REPEATS = 3
GOAL_SECONDS = 1.0
GOAL_RATIO = 20.0
FLOAT_FIELDS = ("score", "progress_value", "base_value", "current_value", "projected_value", "needed_change_per_year")


def synthetic_series(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random walks around shares and rates, with gaps, targets and limits like real indicator sets."""
    start = rng.uniform(2.0, 95.0, SERIES)
    drift = rng.normal(0.0, 0.02, SERIES)
    steps = rng.normal(drift[:, None], 0.03, (SERIES, YEARS.size))
    values = start[:, None] * np.exp(np.cumsum(steps, axis=1))
    values[rng.random(values.shape) < 0.15] = np.nan
    has_target = rng.random(SERIES) < 0.5
    return {
        "values": values,
        "base_year": rng.choice([2010, 2012, 2015], SERIES),
        "target": np.where(has_target, start * rng.uniform(0.5, 1.5, SERIES), np.nan),
        "target_year": rng.choice([2025, 2030], SERIES),
        "direction": rng.choice([-1, 1], SERIES),
        "limit": np.where(rng.random(SERIES) < 0.3, 100.0, np.nan),
    }


def as_inputs(data: dict[str, np.ndarray], row: int) -> tuple[list[Point], SeriesOptions]:
    points = [
        Point(int(year), float(value))
        for year, value in zip(YEARS, data["values"][row], strict=True)
        if not math.isnan(value)
    ]
    target, limit = data["target"][row], data["limit"][row]
    options = SeriesOptions(
        direction=Direction.POSITIVE if data["direction"][row] == 1 else Direction.NEGATIVE,
        base_year=int(data["base_year"][row]),
        target=None if math.isnan(target) else float(target),
        target_year=int(data["target_year"][row]),
        limit=None if math.isnan(limit) else float(limit),
    )
    return points, options


def time_array(data: dict[str, np.ndarray]) -> tuple[float, np.ndarray]:
    times, result = [], None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = assess_many(
            data["values"],
            YEARS,
            base_year=data["base_year"],
            target=data["target"],
            target_year=data["target_year"],
            direction=data["direction"],
            limit=data["limit"],
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def time_loop(inputs: list[tuple[list[Point], SeriesOptions]]) -> tuple[float, list]:
    started = time.perf_counter()
    assessments = [assess_series(points, options) for points, options in inputs]
    return time.perf_counter() - started, assessments


def count_disagreements(result: np.ndarray, assessments: list) -> int:
    disagreements = 0
    for row, assessment in enumerate(assessments):
        same = result["status"][row] == assessment.status.value
        for name in FLOAT_FIELDS:
            mine, theirs = getattr(assessment, name), result[name][row]
            same = same and ((mine is None and math.isnan(theirs)) or mine == theirs)
        disagreements += not same
    return disagreements


def main() -> None:
    data = synthetic_series(np.random.default_rng(SEED))
    inputs = [as_inputs(data, row) for row in range(LOOP_SERIES)]
    array_seconds, result = time_array(data)
    loop_seconds, assessments = time_loop(inputs)
    disagreements = count_disagreements(result, assessments)

    array_rate = SERIES / array_seconds
    loop_rate = LOOP_SERIES / loop_seconds
    ratio = array_rate / loop_rate
    statuses, counts = np.unique(result["status"], return_counts=True)
    print(f"series: {SERIES:,} of {YEARS.size} years; loop timed on the first {LOOP_SERIES:,}")
    print(
        f"assess_many:   {array_seconds:.3f} s for {SERIES:,} series  -> {array_rate:,.0f} series/s (median of {REPEATS})"
    )
    print(f"assess_series: {loop_seconds:.3f} s for {LOOP_SERIES:,} series  -> {loop_rate:,.0f} series/s")
    print(f"ratio: {ratio:.0f}x")
    print(
        f"agreement on the {LOOP_SERIES:,} looped series: {LOOP_SERIES - disagreements:,} identical, {disagreements} differ"
    )
    print("statuses: " + ", ".join(f"{status} {count:,}" for status, count in zip(statuses, counts, strict=True)))
    goal_met = array_seconds < GOAL_SECONDS and ratio >= GOAL_RATIO
    report.record(
        f"assess_many, {SERIES:,} series (baseline: assess_series loop)",
        array_rate,
        loop_rate,
        unit="series/s",
        goal=f"< {GOAL_SECONDS:.0f} s and >= {GOAL_RATIO:.0f}x",
        met=goal_met,
    )
    print(
        f"goal (< {GOAL_SECONDS:.0f} s for all series and >= {GOAL_RATIO:.0f}x the loop): {'met' if goal_met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
