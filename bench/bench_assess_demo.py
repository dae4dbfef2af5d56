"""Recomputing the stored assessments of a whole concept (assessing.recompute_assessments).

Run `python bench/bench_assess_demo.py` or `python -m bench assess_demo`. Loads the illustrative
demo concept (teilhabe.monitoring.demo.loader.load_demo) into a scratch SQLite database in a
temporary directory, or, when the loader is missing, a generated concept of 140 indicators x 8
geographies x 3 series x 15 years. Set DATABASE_URL to use a scratch PostgreSQL database instead
(it must be empty or hold only the demo). Prints the time to read and assess (nothing written,
the baseline) beside the full recomputation (read, assess, replace the stored rows), series per
second for both and their ratio. Never asserts on time.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPEATS = 3
INDICATORS = 140
GEOGRAPHIES = 8
YEARS = range(2010, 2025)  # 15 years
SEED = 20170101


def setup_django(scratch: Path) -> str:
    """Configure Django on a scratch database before anything imports the settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teilhabe.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ["TEILHABE_VAR_DIR"] = str(scratch)
    os.environ["TEILHABE_TASKS_IMMEDIATE"] = "1"
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]


def load_concept() -> str:
    """The demo concept if its loader exists, else the generated one; returns what was loaded."""
    try:
        from teilhabe.monitoring.demo.loader import load_demo
    except ImportError:
        generate_concept()
        return f"generated concept ({INDICATORS} indicators x {GEOGRAPHIES} geographies x 3 series x 15 years)"
    load_demo(today=date(2025, 6, 1))
    return "demo concept (teilhabe.monitoring.demo)"


def generate_concept() -> None:
    """A concept like the demo's, written with the plain ORM (bulk_create, no history)."""
    import numpy as np

    from teilhabe.monitoring.models import (
        AreaOfAction,
        BreakdownCategory,
        BreakdownDimension,
        Direction,
        Edition,
        Geography,
        Indicator,
        IndicatorVersion,
        Observation,
        Target,
    )

    rng = np.random.default_rng(SEED)
    edition = Edition.objects.create(code="bench", title="Bench concept", is_current=True, is_illustrative=True)
    area = AreaOfAction.objects.create(edition=edition, code="all", title="All indicators")
    dimension = BreakdownDimension.objects.create(code="migration_background", name="Migration background")
    yes = BreakdownCategory.objects.create(dimension=dimension, code="yes", name="yes")
    no = BreakdownCategory.objects.create(dimension=dimension, code="no", name="no")
    city = Geography.objects.create(code="bench-city", name="City", level=Geography.Level.CITY)
    geographies = [city] + [
        Geography.objects.create(
            code=f"bench-district-{n}", name=f"District {n}", level=Geography.Level.DISTRICT, parent=city
        )
        for n in range(1, GEOGRAPHIES)
    ]
    indicators = Indicator.objects.bulk_create(Indicator(code=f"bench-{n:03d}") for n in range(INDICATORS))
    IndicatorVersion.objects.bulk_create(
        IndicatorVersion(
            indicator=indicator,
            edition=edition,
            area=area,
            title=f"Indicator {n}",
            definition="Illustrative.",
            unit="%",
            direction=Direction.POSITIVE if n % 2 else Direction.NEGATIVE,
            comparison=IndicatorVersion.Comparison.GAP,
            group_a=yes,
            group_b=no,
            profile_parameters={"limit": 100},
        )
        for n, indicator in enumerate(indicators)
    )
    observations = []
    for indicator in indicators:
        for geography in geographies:
            start = rng.uniform(20, 80)
            for key, offset in (("", 0.0), ("migration_background=yes", -8.0), ("migration_background=no", 4.0)):
                walk = start + offset + np.cumsum(rng.normal(0.2, 1.0, len(YEARS)))
                observations.extend(
                    Observation(
                        indicator=indicator,
                        geography=geography,
                        breakdown_key=key,
                        period=str(year),
                        period_kind="year",
                        period_start=date(year, 1, 1),
                        period_end=date(year, 12, 31),
                        value=float(value),
                    )
                    for year, value in zip(YEARS, walk, strict=True)
                )
    Observation.objects.bulk_create(observations, batch_size=5000)
    Target.objects.bulk_create(
        Target(
            indicator=indicator,
            edition=edition,
            geography=city,
            baseline_value=50,
            baseline_year=2015,
            target_value=60,
            target_year=2030,
        )
        for indicator in indicators
    )


def timed(function) -> tuple[float, object]:
    times, result = [], None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="teilhabe-bench-") as scratch:
        engine = setup_django(Path(scratch))
        from teilhabe.monitoring import assessing
        from teilhabe.monitoring.models import Assessment, Edition, Observation
        from teilhabe.monitoring.queries import get_current_edition

        started = time.perf_counter()
        loaded = load_concept()
        print(f"database: {engine}; loaded the {loaded} in {time.perf_counter() - started:.1f} s")
        edition = get_current_edition()
        others = Edition.objects.exclude(pk=edition.pk).count()
        print(
            f"edition {edition.code}: {Observation.objects.count():,} observations in the database "
            f"({others} other edition(s) not timed)"
        )

        read_seconds, rows = timed(lambda: assessing.compute_assessments(edition=edition))
        write_seconds, stored = timed(lambda: assessing.recompute_assessments(edition=edition))
        series = len(rows)
        assert stored == series == Assessment.objects.filter(edition=edition).count()
        kinds = {kind: sum(1 for row in rows if row.series_kind == kind) for kind in ("total", "group", "gap")}
        print(f"series assessed: {series:,} ({kinds['total']} total, {kinds['group']} group, {kinds['gap']} gap)")
        print(
            f"read + assess + explain (baseline, nothing written): {read_seconds:.3f} s, "
            f"{series / read_seconds:,.0f} series/s"
        )
        print(
            f"recompute_assessments (also replaces the stored rows): {write_seconds:.3f} s, "
            f"{series / write_seconds:,.0f} series/s"
        )
        print(f"ratio recompute / baseline: {write_seconds / read_seconds:.2f} (median of {REPEATS} runs each)")


if __name__ == "__main__":
    main()
