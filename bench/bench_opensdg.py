"""Import of an Open SDG data repository (250 indicators, 160,000 data points) next to the CSV import of the same data.

Generates, deterministically and in a temporary directory, an Open SDG repository (data/indicator_<id>.csv
with Year, Sex, Age, Units, GeoCode, Value; meta/<id>.md with progress options) and the same data points in
teilhabe's own import format (concept CSV files and one observations CSV), imports both into one scratch
database in the same run (`import_opensdg` into one edition, `import_data` into another, each with its own
indicators) and prints rows/s of both and their ratio, which it also reports to bench.report (no goal
is set yet: the Open SDG import reads labels, markers and attributes the CSV import does not know).

Database: PostgreSQL when DATABASE_URL names one (a scratch database '<name>_bench_opensdg' on that server,
created and dropped, never the configured one), else SQLite in the temporary directory.

Run: .venv/bin/python -m bench.bench_opensdg [--indicators 250] (or `make bench BENCH=opensdg`).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from bench import report

INDICATORS = 250
YEARS = range(2010, 2026)  # 16 years
GEOCODES = ["", "d1", "d2", "d3", "d4", "d5", "d6", "d7"]
# (Sex, Age) per series: the total, two sexes, two age groups.
SERIES = [("", ""), ("Female", ""), ("Male", ""), ("", "Under 18"), ("", "18 and over")]
CODES = {"Female": "female", "Male": "male", "Under 18": "under_18", "18 and over": "18_plus"}


def indicator_ids(count: int) -> list[str]:
    """Open SDG ids 1-1-1, 1-1-2, ... (ten indicators per target, ten targets per goal)."""
    return [f"{n // 100 + 1}-{n // 10 % 10 + 1}-{n % 10 + 1}" for n in range(count)]


def value(n: int, year: int, geocode: str, series: int) -> float:
    """A deterministic value with one decimal, trending by year."""
    seed = (n * 7919 + year * 104_729 + series * 31 + len(geocode) * 17 + sum(map(ord, geocode))) % 10_000
    return round(20 + seed / 250 + (year - 2010) * 0.3, 1)


def points(count: int):
    """(indicator number, year, geocode, series number) of every data point, in a fixed order."""
    for n in range(count):
        for geocode in GEOCODES:
            for series in range(len(SERIES)):
                for year in YEARS:
                    yield n, year, geocode, series


def write_repository(root: Path, count: int) -> int:
    ids = indicator_ids(count)
    (root / "data").mkdir(parents=True)
    (root / "meta").mkdir()
    rows = 0
    handles = {}
    try:
        for n, year, geocode, series in points(count):
            if n not in handles:
                for handle in handles.values():
                    handle.close()
                handles = {n: open(root / "data" / f"indicator_{ids[n]}.csv", "w", encoding="utf-8", newline="")}
                writer = csv.writer(handles[n], lineterminator="\n")
                writer.writerow(["Year", "Sex", "Age", "Units", "GeoCode", "Value"])
                (root / "meta" / f"{ids[n]}.md").write_text(
                    f"---\nindicator_name: Benchmark indicator {ids[n]}\ncomputation_units: Percent\n"
                    "auto_progress_calculation: true\nprogress_calculation_options:\n"
                    f"- direction: {'positive' if n % 2 else 'negative'}\n  target: 50\n---\n",
                    encoding="utf-8",
                )
            sex, age = SERIES[series]
            writer.writerow([year, sex, age, "Percent", geocode, value(n, year, geocode, series)])
            rows += 1
    finally:
        for handle in handles.values():
            handle.close()
    return rows


def write_csv_import(root: Path, count: int) -> tuple[Path, int]:
    """The same data points in the import format: concept files in `root`, observations in a file of their own."""
    root.mkdir(parents=True)

    def write(path: Path, header: list[str], rows) -> None:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)

    concept = root / "concept"
    concept.mkdir()
    write(
        concept / "editions.csv",
        ["code", "title_de", "is_current", "is_illustrative"],
        [["bench-csv", "Benchmark", "false", "true"]],
    )
    write(concept / "areas.csv", ["edition", "code", "title_de"], [["bench-csv", "area", "Bereich"]])
    write(
        concept / "geography.csv",
        ["code", "name_de", "level", "parent", "population"],
        [["bench-city", "Stadt", "city", "", 1_000_000]]
        + [[f"bench-{g}", g.upper(), "district", "bench-city", 100_000] for g in GEOCODES if g],
    )
    write(
        concept / "breakdowns.csv",
        ["dimension", "dimension_name_de", "category", "category_name_de"],
        [["sex", "Geschlecht", CODES[s], s] for s in ("Female", "Male")]
        + [["age", "Alter", CODES[a], a] for a in ("Under 18", "18 and over")],
    )
    write(
        concept / "indicators.csv",
        ["code", "edition", "area", "title_de", "definition_de", "unit_de", "direction"],
        [[f"C{n:03d}", "bench-csv", "area", f"Indikator {n}", "Illustrativ", "%", "positive"] for n in range(count)],
    )
    observations = root / "observations.csv"
    rows = 0
    with open(observations, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["indicator", "period", "geography", "sex", "age", "value", "source"])
        for n, year, geocode, series in points(count):
            sex, age = SERIES[series]
            writer.writerow(
                [
                    f"C{n:03d}",
                    year,
                    f"bench-{geocode}" if geocode else "bench-city",
                    CODES.get(sex, ""),
                    CODES.get(age, ""),
                    value(n, year, geocode, series),
                    "Illustrative data (benchmark)",
                ]
            )
            rows += 1
    return concept, rows


def _postgres_scratch() -> str | None:
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        return None
    parsed = urlparse(configured)
    return urlunparse(parsed._replace(path=f"/{parsed.path.lstrip('/') or 'teilhabe'}_bench_opensdg"))


def _recreate(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = urlunparse(parsed._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teilhabe.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnop")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.setdefault("EMAIL_URL", "memorymail://")
    os.environ["TEILHABE_TASKS_IMMEDIATE"] = "false"  # recomputation is queued, as in production, not timed
    import django

    django.setup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=int(os.environ.get("BENCH_OPENSDG_INDICATORS", INDICATORS)))
    args = parser.parse_args(argv or [])
    postgres = _postgres_scratch()
    with tempfile.TemporaryDirectory(prefix="teilhabe-bench-opensdg-") as scratch:
        scratch = Path(scratch)
        url = postgres or f"sqlite:///{scratch / 'bench.sqlite3'}"
        if postgres:
            _recreate(postgres)
        try:
            _run(scratch, url, args.indicators, "PostgreSQL" if postgres else "SQLite")
        finally:
            if postgres:
                from django.db import connections

                connections.close_all()
                _recreate(postgres, drop_only=True)


def _run(scratch: Path, url: str, count: int, engine: str) -> None:
    repository = scratch / "opensdg-bench"
    started = time.perf_counter()
    opensdg_rows = write_repository(repository, count)
    concept, csv_rows = write_csv_import(scratch / "csv", count)
    assert opensdg_rows == csv_rows
    print(
        f"bench_opensdg: {count} indicators, {opensdg_rows:,} data points generated in {time.perf_counter() - started:.1f} s"
    )

    _setup_django(url)
    from django.core.management import call_command

    from teilhabe.monitoring import services
    from teilhabe.monitoring.models import Observation
    from teilhabe.monitoring.opensdg_import import import_opensdg

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    actor = services.get_system_actor("benchmark")
    services.import_data(paths=[concept], user=actor)

    started = time.perf_counter()
    result = import_opensdg(repository=repository, user=actor, edition_code="bench-opensdg")
    opensdg_seconds = time.perf_counter() - started
    stored = Observation.objects.filter(indicator__code__contains="-").count()
    if stored != opensdg_rows or result.left_out:
        raise SystemExit(
            f"Open SDG import stored {stored:,} of {opensdg_rows:,} rows ({len(result.left_out)} left out)"
        )

    started = time.perf_counter()
    services.import_data(paths=[scratch / "csv" / "observations.csv"], user=actor)
    csv_seconds = time.perf_counter() - started
    stored_csv = Observation.objects.filter(indicator__code__startswith="C").count()
    if stored_csv != csv_rows:
        raise SystemExit(f"CSV import stored {stored_csv:,} of {csv_rows:,} rows")

    opensdg_rate, csv_rate = opensdg_rows / opensdg_seconds, csv_rows / csv_seconds
    print(f"  database: {engine}")
    print(f"  import_opensdg (Open SDG repository)   {opensdg_seconds:8.2f} s  {opensdg_rate:12,.0f} rows/s")
    print(f"  import_data (CSV observations)         {csv_seconds:8.2f} s  {csv_rate:12,.0f} rows/s")
    print(f"  ratio Open SDG / CSV                   {opensdg_rate / csv_rate:8.2f}")
    report.record(
        f"Open SDG import, {count} indicators, {opensdg_rows:,} points ({engine})",
        opensdg_rate,
        csv_rate,
        unit="rows/s",
        goal="none yet (ratio to the CSV import of the same data)",
        met=None,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
