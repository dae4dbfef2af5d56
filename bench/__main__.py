"""Run the benchmarks: `make bench` or `python -m bench [name ...]`, ending with one table.

Each bench/bench_<topic>.py has a main() that prints its figures beside a baseline measured in the
same run and reports its goals through bench.report.record(). Every benchmark runs in its own
process (a crash or a Django set-up of one cannot leak into the next) with a time limit
(BENCH_TIMEOUT seconds, default 3600); a benchmark that fails or runs out of time ends with its
reason and a row in the closing table. Nothing here asserts on time.
"""

from __future__ import annotations

import os
import pkgutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import report

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES, connect_timeout=3):
            return True
    except Exception:  # no driver, no server: the benchmarks that need it say so themselves
        return False


def _run(name: str, results: str, timeout: float) -> tuple[bool, str]:
    """Run one benchmark in a child process; (succeeded, reason)."""
    environment = {
        **os.environ,
        report.RESULTS: results,
        "BENCH_NAME": name.removeprefix("bench_"),
        # The settings refuse to start without these outside debug; benchmarks never send mail.
        "EMAIL_URL": os.environ.get("EMAIL_URL", "memorymail://"),
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnop"),
        "PYTHONUNBUFFERED": "1",
    }
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errors:
        process = subprocess.Popen(
            [sys.executable, "-c", f"import bench.{name} as b; b.main()"],
            cwd=ROOT,
            env=environment,
            stderr=errors,
            start_new_session=True,  # its servers and workers form one group, ended together
        )
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _end_group(process)
            code = None
        errors.seek(0)
        text = errors.read()
    _end_group(process)  # whatever it left running (a server, a worker)
    if text.strip():
        sys.stderr.write(text[-4000:])
    if code is None:
        return False, f"no result after {timeout:.0f} s (BENCH_TIMEOUT); stopped"
    if code != 0:
        lines = [line for line in text.splitlines() if line.strip()]
        return False, f"exit status {code}: {lines[-1].strip() if lines else 'no message'}"
    return True, ""


def _end_group(process: subprocess.Popen) -> None:
    for sent in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sent)
        except (ProcessLookupError, PermissionError):
            return
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            continue
        if sent == signal.SIGTERM:
            time.sleep(0.5)  # children of the group may still be ending


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    wanted = [f"bench_{n.removeprefix('bench_')}" for n in argv] or names
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(names)}")
        return 2
    timeout = float(os.environ.get("BENCH_TIMEOUT", 3600))
    print(f"PostgreSQL on 127.0.0.1:5432: {'answers' if postgres_answers() else 'does NOT answer'}", flush=True)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="teilhabe-bench-results-") as scratch:
        results = str(Path(scratch) / "rows.jsonl")
        for name in wanted:
            print(f"\n=== {name} ===", flush=True)
            started = time.perf_counter()
            succeeded, reason = _run(name, results, timeout)
            if not succeeded:
                failures += 1
                print(f"{name} failed: {reason}", flush=True)
                report.record(
                    "benchmark did not finish",
                    None,
                    note=f"failed: {reason}"[:200],
                    met=False,
                    benchmark=name.removeprefix("bench_"),
                    path=results,
                )
            print(f"--- {name}: {time.perf_counter() - started:.1f} s", flush=True)
        rows = report.read(results)
    print("\n=== summary (one run; ratios against baselines of the same run) ===")
    print(report.table(rows) if rows else "no figures were reported")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
