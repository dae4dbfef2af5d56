"""Raking 1,000,000 synthetic respondents on 4 margins, against the ipfn package.

Run `python bench/bench_raking.py` or `python -m bench raking`. Prints both
times, their ratio, the largest relative weight difference and whether the
goal (our raking, weights mapped back to every respondent, under 0.5 s) is
met. Never asserts on time. The data are synthetic and seeded.
"""

from __future__ import annotations

import contextlib
import io
import math
import statistics
import time

import numpy as np

try:
    from bench import report
except ModuleNotFoundError:  # run as a script: bench/ is on the path, not the repository
    import report

from teilhabe.surveys.weighting import Dimension, rake

RESPONDENTS = 1_000_000
SEED = 20170101
GOAL_SECONDS = 0.5
REPEATS = 5
SIZES = {"district": 7, "age_band": 5, "sex": 2, "immigrant_background": 2}
POPULATION = 1_560_000.0  # illustrative adult population, not an official figure


def synthetic_sample(rng: np.random.Generator) -> tuple[list[np.ndarray], np.ndarray]:
    """Respondents whose categories depend on each other, with district design weights."""
    district = rng.choice(7, RESPONDENTS, p=[0.22, 0.13, 0.16, 0.12, 0.14, 0.10, 0.13])
    background_rate = np.array([0.45, 0.30, 0.28, 0.25, 0.35, 0.30, 0.40])[district]
    background = (rng.random(RESPONDENTS) < background_rate).astype(np.int64)
    # Younger age bands are more common among people with an immigrant background.
    age_score = rng.normal(size=RESPONDENTS) - 0.4 * background
    age_band = np.searchsorted([-0.9, -0.3, 0.3, 0.9], age_score)
    sex = (rng.random(RESPONDENTS) < 0.49 + 0.03 * (age_band == 4)).astype(np.int64)
    design = np.array([1.6, 1.0, 1.1, 0.9, 1.2, 0.8, 1.4])[district] * rng.uniform(0.8, 1.25, RESPONDENTS)
    return [district, age_band, sex, background], design


def population_margins() -> list[np.ndarray]:
    shares = [
        np.array([0.15, 0.16, 0.17, 0.12, 0.16, 0.10, 0.14]),
        np.array([0.14, 0.22, 0.24, 0.20, 0.20]),
        np.array([0.49, 0.51]),
        np.array([0.66, 0.34]),
    ]
    return [share / share.sum() * POPULATION for share in shares]


def time_ours(
    codes: list[np.ndarray], targets: list[np.ndarray], base: np.ndarray
) -> tuple[list[float], np.ndarray, int, bool]:
    dimensions = [Dimension(name, code, target) for name, code, target in zip(SIZES, codes, targets, strict=True)]
    times, result = [], None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = rake(dimensions, base_weights=base, tolerance=1e-12)
        times.append(time.perf_counter() - started)
    return times, result.weights, result.iterations, result.converged


def time_ipfn(codes: list[np.ndarray], targets: list[np.ndarray], base: np.ndarray) -> tuple[float, np.ndarray]:
    """ipfn in numpy mode on the aggregated table, weights mapped back to respondents as for ours."""
    from ipfn.ipfn import ipfn

    sizes = tuple(SIZES.values())
    started = time.perf_counter()
    key = np.ravel_multi_index(codes, sizes)
    table = np.bincount(key, weights=base, minlength=math.prod(sizes)).reshape(sizes)
    with contextlib.redirect_stdout(io.StringIO()):  # ipfn prints its convergence status
        fitted = ipfn(
            table.copy(),
            [target.copy() for target in targets],
            [[axis] for axis in range(len(sizes))],
            convergence_rate=1e-10,
            max_iteration=5000,
            rate_tolerance=0.0,
        ).iteration()
    ratio = np.divide(fitted, table, out=np.zeros_like(table), where=table > 0)
    weights = base * ratio.ravel()[key]
    return time.perf_counter() - started, weights


def main() -> None:
    rng = np.random.default_rng(SEED)
    codes, base = synthetic_sample(rng)
    targets = population_margins()
    print(f"respondents: {RESPONDENTS:,}; margins: " + ", ".join(f"{name} {size}" for name, size in SIZES.items()))

    ours, our_weights, iterations, converged = time_ours(codes, targets, base)
    median = statistics.median(ours)
    print(
        f"teilhabe rake: median {median * 1000:.1f} ms, best {min(ours) * 1000:.1f} ms over {REPEATS} runs "
        f"({iterations} sweeps, {'converged' if converged else 'NOT converged'}, "
        f"weights mapped back to every respondent)"
    )

    try:
        reference_time, reference_weights = time_ipfn(codes, targets, base)
    except ImportError:
        print("ipfn is not installed (pip install -e '.[dev]'); no comparison")
    else:
        difference = float(np.max(np.abs(our_weights / reference_weights - 1.0)))
        print(f"ipfn (numpy mode, aggregated table): {reference_time * 1000:.1f} ms")
        report.record(
            f"raking of {RESPONDENTS:,} respondents, median (baseline: ipfn on the aggregated table)",
            median * 1000,
            reference_time * 1000,
            unit="ms",
            goal="<= ipfn",
            met=median <= reference_time,
        )
        print(f"ratio ipfn / teilhabe (median): {reference_time / median:.2f}")
        print(
            f"largest relative weight difference: {difference:.2e} "
            f"({'within' if difference <= 1e-6 else 'OUTSIDE'} 1e-6)"
        )
    print(f"goal: under {GOAL_SECONDS} s -> {'met' if median < GOAL_SECONDS else 'NOT met'} (median {median:.3f} s)")


if __name__ == "__main__":
    main()
