"""Import of 1,000,000 observation rows from CSV on PostgreSQL, next to a plain COPY of the same file.

Creates a scratch database (see _database_url; default postgres://postgres@127.0.0.1:5432/teilhabe_bench),
migrates it, loads a small concept, generates a deterministic observations CSV and prints:
rows/s of `teilhabe import_data` and of a PostgreSQL COPY of the same file into a plain table
(timed before and after the imports) for: the first import (every row new; goal at least 25 % of
COPY), the re-import of the unchanged file (goal 50 %) and a re-import with 1 % of the values
changed (goal 40 %, writing exactly that many revisions, counted in the history table), and the
peak memory of the import for 100k and 1M rows (each in its own process) to show that memory does
not grow with the file. Reports the goals to bench.report. Drops the database at the end.

Run: .venv/bin/python -m bench.bench_import [--rows 1000000] (or BENCH_ROWS=200000 make bench BENCH=import
while iterating; BENCH_SMALL sets the rows of the memory check's small run).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from bench import report

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/teilhabe_bench"
DIMENSIONS = {
    "migration_background": ["yes", "no"],
    "sex": ["female", "male"],
    "age_band": ["under_18", "18_to_64", "65_plus"],
}
DISTRICTS = ["d1", "d2", "d3", "d4", "d5", "d6", "d7"]
YEARS = range(2010, 2025)
INDICATORS = 250
GOAL = 0.25
GOAL_UNCHANGED = 0.5
GOAL_CHANGED = 0.4
CHANGED_SHARE = 0.01
MEMORY_TOLERANCE = 1.25  # "flat": the 1M-row run may take at most this much the memory of the small run


def _database_url() -> str:
    """The scratch database, which is dropped and created: BENCH_DATABASE_URL, else the server of DATABASE_URL
    with a database named '<name>_bench' (never the configured database itself), else DEFAULT_URL."""
    if url := os.environ.get("BENCH_DATABASE_URL"):
        return url
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        parsed = urlparse(configured)
        return urlunparse(parsed._replace(path=f"/{parsed.path.lstrip('/') or 'teilhabe'}_bench"))
    return DEFAULT_URL


def _admin_dsn(url: str) -> tuple[str, str]:
    """(DSN of the maintenance database, name of the scratch database)."""
    parsed = urlparse(url)
    name = parsed.path.lstrip("/") or "teilhabe_bench"
    return urlunparse(parsed._replace(scheme="postgresql", path="/postgres")), name


def _recreate_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    dsn, name = _admin_dsn(url)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teilhabe.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnop")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.setdefault("EMAIL_URL", "memorymail://")  # the settings want a mail server outside debug
    import django

    django.setup()


def _write_concept(directory: Path) -> None:
    """A small concept: one edition, one area, INDICATORS indicators, a city with 7 districts, 3 dimensions."""

    def write(name, header, rows):
        with open(directory / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)

    write("editions", ["code", "title_de", "is_current", "is_illustrative"], [["bench", "Benchmark", "true", "true"]])
    write("areas", ["edition", "code", "title_de"], [["bench", "area", "Bereich"]])
    write(
        "geography",
        ["code", "name_de", "level", "parent", "population"],
        [["city", "Stadt", "city", "", 1_000_000]] + [[d, d.upper(), "district", "city", 100_000] for d in DISTRICTS],
    )
    write(
        "breakdowns",
        ["dimension", "dimension_name_de", "category", "category_name_de"],
        [[d, d, c, c] for d, categories in DIMENSIONS.items() for c in categories],
    )
    write(
        "indicators",
        ["code", "edition", "area", "title_de", "definition_de", "unit_de", "direction"],
        [[f"B{n:03d}", "bench", "area", f"Indikator {n}", "Illustrativ", "%", "positive"] for n in range(INDICATORS)],
    )


def _write_observations(path: Path, rows: int) -> None:
    """Deterministic rows: indicator × geography × breakdown combination × year, values from a fixed formula."""
    combinations = [("", "", "")]
    for m in ["", *DIMENSIONS["migration_background"]]:
        for s in ["", *DIMENSIONS["sex"]]:
            for a in ["", *DIMENSIONS["age_band"]]:
                if (m, s, a) != ("", "", ""):
                    combinations.append((m, s, a))
    header = ["indicator", "period", "geography", *DIMENSIONS, "value", "numerator", "denominator", "status", "source"]
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for n in range(INDICATORS):
            for geography in ["city", *DISTRICTS]:
                for combination in combinations:
                    for year in YEARS:
                        if written >= rows:
                            return
                        seed = (n * 7919 + year * 104729 + hash_combination(combination) + len(geography)) % 100_000
                        value = round(20 + seed / 1250, 1)
                        denominator = 1000 + seed % 5000
                        writer.writerow(
                            [
                                f"B{n:03d}",
                                year,
                                geography,
                                *combination,
                                value,
                                round(denominator * value / 100),
                                denominator,
                                "provisional" if year == 2024 else "final",
                                "Illustrative data (benchmark)",
                            ]
                        )
                        written += 1


def _write_changed(source: Path, target: Path, share: float) -> int:
    """A copy of the file with the value of every 1/share-th row changed (+0.1); returns how many changed."""
    every = round(1 / share)
    changed = 0
    with open(source, encoding="utf-8", newline="") as reading, open(target, "w", encoding="utf-8", newline="") as out:
        out.write(reading.readline())
        value_column = 6  # indicator, period, geography, three dimensions, value
        for number, line in enumerate(reading):
            if number % every == 0:
                cells = line.split(",")
                cells[value_column] = f"{float(cells[value_column]) + 0.1:.1f}"
                line = ",".join(cells)
                changed += 1
            out.write(line)
    return changed


def hash_combination(combination: tuple[str, ...]) -> int:
    return sum((index + 1) * sum(map(ord, part)) for index, part in enumerate(combination))


def _time_copy(path: Path, url: str) -> float:
    """Seconds for COPY of the file into a plain table with matching column types (the baseline)."""
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(urlunparse(parsed._replace(scheme="postgresql"))) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_copy")
        connection.execute(
            "CREATE TABLE bench_copy (indicator text, period text, geography text, migration_background text, "
            "sex text, age_band text, value double precision, numerator double precision, "
            "denominator double precision, status text, source text)"
        )
        connection.commit()
        started = time.perf_counter()
        with connection.cursor() as cursor, open(path, "rb") as handle:
            with cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while block := handle.read(1 << 20):
                    copy.write(block)
        connection.commit()
        elapsed = time.perf_counter() - started
        connection.execute("DROP TABLE bench_copy")
        connection.commit()
    return elapsed


def _child(args) -> None:
    """Run one import in this process and print its figures as JSON (peak memory is per process)."""
    _setup_django(_database_url())
    from django.db import connection

    from teilhabe.monitoring import services

    if args.truncate:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE monitoring_observation, monitoring_historicalobservation")
    actor = services.get_system_actor("benchmark")
    started = time.perf_counter()
    report = services.import_data(paths=[Path(p) for p in args.child], user=actor)
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE history_type = '~'), count(*) FROM monitoring_historicalobservation"
        )
        revisions, history = cursor.fetchone()
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "peak_mib": peak_kib / 1024,
                "counts": report.counts(),
                "revisions": revisions,
                "history_rows": history,
            }
        )
    )


def _run_child(paths: list[Path], *, truncate: bool) -> dict:
    command = [sys.executable, "-m", "bench.bench_import", "--child", *map(str, paths)]
    if truncate:
        command.append("--truncate")
    output = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        env={**os.environ, "DATABASE_URL": _database_url(), "BENCH_DATABASE_URL": _database_url()},
        timeout=float(os.environ.get("BENCH_IMPORT_TIMEOUT", 1800)),
    )
    if output.returncode:
        lines = [line for line in output.stderr.splitlines() if line.strip()]
        raise SystemExit(f"import of {', '.join(p.name for p in paths)} failed: {lines[-1] if lines else 'no message'}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_ROWS", 1_000_000)))
    parser.add_argument(
        "--small",
        type=int,
        default=int(os.environ.get("BENCH_SMALL", 100_000)),
        help="Rows of the small run for the memory check.",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--truncate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
    args = parser.parse_args(argv or [])  # `python -m bench` calls main() without arguments
    if args.child:
        _child(args)
        return
    url = _database_url()
    _recreate_database(url)
    try:
        with tempfile.TemporaryDirectory(prefix="teilhabe-bench-") as scratch:
            scratch = Path(scratch)
            concept = scratch / "concept"
            concept.mkdir()
            _write_concept(concept)
            big, small = scratch / "observations.csv", scratch / "observations_small.csv"
            _write_observations(big, args.rows)
            _write_observations(small, min(args.small, args.rows))
            megabytes = big.stat().st_size / 1e6
            changed_file = scratch / "observations_changed.csv"
            changed_rows = _write_changed(big, changed_file, CHANGED_SHARE)
            for command in (["migrate", "--no-input"], ["createcachetable"]):
                done = subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        "import sys; from teilhabe.cli import main; main(sys.argv[1:])",
                        *command,
                        "-v",
                        "0",
                    ],
                    env={
                        **os.environ,
                        "DATABASE_URL": url,
                        "DJANGO_SECRET_KEY": "bench-" + "x" * 40,
                        "EMAIL_URL": os.environ.get("EMAIL_URL", "memorymail://"),
                    },
                    cwd=Path(__file__).parent.parent,
                    capture_output=True,
                    text=True,
                )
                if done.returncode:
                    raise SystemExit(done.stderr)
            _run_child([concept], truncate=False)

            # The machine may be shared: COPY is timed before and after the imports, the ratio uses the mean.
            copy_before = _time_copy(big, url)
            small_run = _run_child([small], truncate=True)
            first = _run_child([big], truncate=True)
            again = _run_child([big], truncate=False)
            changed = _run_child([changed_file], truncate=False)
            copy_after = _time_copy(big, url)
            copy_seconds = (copy_before + copy_after) / 2
            copy_rate = args.rows / copy_seconds
            rates = {name: args.rows / run["seconds"] for name, run in (("first", first), ("again", again))}
            rates["changed"] = args.rows / changed["seconds"]
            revisions = changed["revisions"] - again["revisions"]
            print(f"bench_import: {args.rows:,} observation rows, {megabytes:.0f} MB CSV, PostgreSQL")
            print(
                f"  COPY into a plain table (baseline)   {copy_seconds:8.2f} s  {copy_rate:12,.0f} rows/s"
                f"  (before {copy_before:.2f} s, after {copy_after:.2f} s)"
            )
            lines = (
                ("first", first, GOAL, "first import (all new)"),
                ("again", again, GOAL_UNCHANGED, "same file again"),
                ("changed", changed, GOAL_CHANGED, f"{CHANGED_SHARE:.0%} of values changed"),
            )
            for name, run, goal, label in lines:
                print(
                    f"  import_data, {label:<24} {run['seconds']:8.2f} s  {rates[name]:12,.0f} rows/s"
                    f"  = {rates[name] / copy_rate:.1%} of COPY (goal >= {goal:.0%}); "
                    f"created, updated, unchanged: {run['counts']['observations']}"
                )
                report.record(
                    f"import {args.rows:,} rows: {label}",
                    rates[name],
                    copy_rate,
                    unit="rows/s",
                    goal=f">= {goal:.0%} of COPY",
                    met=rates[name] / copy_rate >= goal,
                )
            print(
                f"  history rows: none after the first import ({first['history_rows']}), none more after the "
                f"unchanged re-import ({again['history_rows']}); {revisions:,} revisions for {changed_rows:,} changed "
                f"values (and {changed['history_rows'] - again['history_rows'] - revisions:,} rows of the state "
                f"each was created in)"
            )
            report.record(
                f"revisions written for {changed_rows:,} changed values",
                revisions,
                changed_rows,
                goal="exactly the changed values; none when unchanged",
                met=revisions == changed_rows and again["history_rows"] == first["history_rows"] == 0,
            )
            growth = first["peak_mib"] / small_run["peak_mib"]
            print(
                f"  peak memory of the import process: {small_run['peak_mib']:.0f} MiB for {args.small:,} rows, "
                f"{first['peak_mib']:.0f} MiB for {args.rows:,} rows "
                f"(ratio {growth:.2f} for {args.rows / args.small:.0f}x the rows)"
            )
            report.record(
                f"peak memory, import of {args.rows:,} rows (baseline: {args.small:,} rows)",
                first["peak_mib"],
                small_run["peak_mib"],
                unit="MiB",
                goal=f"flat (<= {MEMORY_TOLERANCE:.2f}x)",
                met=growth <= MEMORY_TOLERANCE,
            )
    finally:
        if not args.keep:
            _recreate_database(url, drop_only=True)


if __name__ == "__main__":
    main(sys.argv[1:])
