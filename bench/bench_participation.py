"""Participation at scale: documentation pages and the work overview with 10,000 contributions, and the PDF.

Run `python bench/bench_participation.py` or `python -m bench participation`. Uses a scratch PostgreSQL
database (`teilhabe_bench_participation` on 127.0.0.1, dropped and created; BENCH_DATABASE_URL overrides,
never DATABASE_URL, which may be a real one). When no PostgreSQL server answers, it says so and uses
SQLite in a temporary directory; when one answers but the scratch database cannot be made, it stops
with the reason (no silent fallback). Loads the demo concept and
the demo procedure scaled to about 10,000 contributions, then prints:

1. the median time (of REPEATS uncached renders, through the Django test client) of the documentation
   overview, a documentation page of contributions, the events page, the department's overview and work
   queue, beside the procedure list (the baseline: a page with almost no data) and the ratio;
2. the PDF of the first 1,000 contributions: seconds, pages, pages/s and peak memory, beside WeasyPrint
   rendering the same number of pages of plain text in the same run (each in its own process, so the
   peak memory is that of the rendering alone);
3. the PDF of all contributions built as a background job (tasks.build_documentation_pdf), time and peak
   memory.

Goal: each page under 300 ms. Never asserts on time.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

try:
    from bench import report
except ModuleNotFoundError:  # run as a script: bench/ is on the path, not the repository
    import report

REPEATS = 7
CHILD_TIMEOUT = int(os.environ.get("BENCH_CHILD_TIMEOUT", 1800))
SCALE = 8.1  # the demo procedure at this scale holds about 10,000 contributions
PDF_CONTRIBUTIONS = 1000
DATABASE = "teilhabe_bench_participation"
PLAIN_TEXT = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore "
    "et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris. "
) * 18


def _postgres_url() -> str | None:
    """A fresh scratch PostgreSQL database, or None when no server answers (an error when it answers but
    the database cannot be made: falling back to SQLite then would measure something else)."""
    import psycopg

    try:
        connection = psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3
        )
    except psycopg.OperationalError as error:
        print(f"NOTE: no PostgreSQL server answers on 127.0.0.1:5432 ({error}); using SQLite instead.")
        return None
    with connection:
        # FORCE: a connection left over from an interrupted run must not make this run fall back.
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    return f"postgres://postgres@127.0.0.1:5432/{DATABASE}"


def setup_django(scratch: Path) -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teilhabe.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ["TEILHABE_VAR_DIR"] = str(scratch)
    os.environ["MEDIA_ROOT"] = str(scratch / "media")
    os.environ["TEILHABE_TASKS_IMMEDIATE"] = "1"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.setdefault("EMAIL_URL", "memorymail://")  # the settings want a mail server outside debug
    os.environ["DATABASE_URL"] = (
        os.environ.get("BENCH_DATABASE_URL") or _postgres_url() or f"sqlite:///{scratch / 'bench.sqlite3'}"
    )
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]


def load_data() -> tuple[int, float]:
    from teilhabe.monitoring.demo import load_demo as load_concept
    from teilhabe.participation.demo import load_demo

    started = time.perf_counter()
    load_concept()
    load_demo(seed=2017, scale=SCALE)
    from teilhabe.participation.models import Contribution

    return Contribution.objects.count(), time.perf_counter() - started


def _median_ms(client, url: str, *, cached: bool = False) -> float:
    from teilhabe.core.cache import bump_data_version

    times = []
    client.get(url)  # compile templates, fill the site profile and translation caches
    for _ in range(REPEATS):
        if not cached:
            bump_data_version()  # a page-cache miss: the page is rendered from the database
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def time_pages() -> None:
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import setup_test_environment

    from teilhabe.accounts.models import User
    from teilhabe.participation.models import Contribution, Procedure

    setup_test_environment()
    procedure = Procedure.objects.get(slug="demo-beteiligung")
    largest = (
        Contribution.areas.through.objects.filter(contribution__procedure=procedure)
        .values("areaofaction__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    anonymous = Client()
    department = Client()
    department.force_login(User.objects.filter(is_superuser=True).order_by("pk").first())
    base = f"/beteiligung/{procedure.slug}/dokumentation"
    baseline = _median_ms(anonymous, "/beteiligung/")
    rows = [
        ("documentation overview", anonymous, f"{base}/"),
        (
            f"documentation: area {largest['areaofaction__code']} ({largest['n']}), page 1",
            anonymous,
            f"{base}/beitraege/{largest['areaofaction__code']}/",
        ),
        (
            "documentation: area, last page",
            anonymous,
            f"{base}/beitraege/{largest['areaofaction__code']}/?page={-(-largest['n'] // 50)}",
        ),
        ("documentation: events", anonymous, f"{base}/veranstaltungen/"),
        ("department overview (signed in)", department, "/beteiligung/arbeit/"),
        ("work queue, page 1 (signed in)", department, "/beteiligung/arbeit/vorgaenge/"),
        ("work queue, full-text search (signed in)", department, "/beteiligung/arbeit/vorgaenge/?q=Sprachkurse"),
    ]
    print(f"page (median of {REPEATS} uncached renders)        ms   x baseline   goal < 300 ms")
    print(f"  baseline: procedure list             {baseline:7.1f}")
    for label, client, url in rows:
        median = _median_ms(client, url)
        verdict = "ok" if median < 300 else "SLOW"
        print(f"  {label:<45.45} {median:7.1f}   {median / baseline:6.1f}     {verdict}")
        goal = 100 if "search" in label else 300  # issue #16: the search answers in < 100 ms
        report.record(
            f"{label}, median uncached (baseline: procedure list)",
            median,
            baseline,
            unit="ms",
            goal=f"< {goal} ms",
            met=median < goal,
        )
    hit = _median_ms(anonymous, f"{base}/", cached=True)
    print(f"  documentation overview from the page cache {hit:7.1f}")


def _in_child(target, *args) -> tuple:
    """Run target(*args) in a forked process; returns its result and the process's peak memory in MiB.

    A child that fails sends its error instead, and one that dies or takes longer than CHILD_TIMEOUT
    seconds ends this benchmark with that reason (rather than waiting for a result forever)."""
    import queue as queues

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()

    def run():
        try:
            result = target(*args)
        except BaseException as error:  # the parent reports it
            queue.put(("error", f"{type(error).__name__}: {error}"))
            raise
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        queue.put(("ok", (result, peak)))

    process = context.Process(target=run)
    process.start()
    deadline = time.monotonic() + CHILD_TIMEOUT
    try:
        while True:
            try:
                kind, payload = queue.get(timeout=5)
                break
            except queues.Empty:
                if not process.is_alive():
                    raise RuntimeError(
                        f"{target.__name__}: the child process ended with status {process.exitcode}"
                    ) from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{target.__name__}: no result after {CHILD_TIMEOUT} s") from None
    finally:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
    if kind == "error":
        raise RuntimeError(f"{target.__name__} failed in its child process: {payload}")
    return payload


def _render_documentation(limit: int | None) -> tuple[float, int]:
    from teilhabe.participation import documentation
    from teilhabe.participation.models import Procedure

    procedure = Procedure.objects.get(slug="demo-beteiligung")
    started = time.perf_counter()
    pdf = documentation.render_pdf(procedure, language="de", contribution_limit=limit)
    return time.perf_counter() - started, documentation.count_pages(pdf) or 0


def _render_plain_text(pages: int) -> tuple[float, int]:
    from pypdf import PdfReader
    from weasyprint import HTML

    sections = "".join(
        f'<section class="page"><h2>Seite {n}</h2><p>{PLAIN_TEXT}</p></section>' for n in range(1, pages + 1)
    )
    html = (
        f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Plain text</title><style>'
        "body { font-family: 'Noto Sans', sans-serif; font-size: 10pt; } .page { break-after: page; }"
        f"</style></head><body>{sections}</body></html>"
    )
    started = time.perf_counter()
    import io

    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return time.perf_counter() - started, len(PdfReader(io.BytesIO(pdf)).pages)


def _build_as_job() -> tuple[float, int]:
    """The PDF of everything, through the background job (run at once here, as the demo's worker would)."""
    from teilhabe.participation import tasks
    from teilhabe.participation.models import DocumentationBuild, Procedure

    procedure = Procedure.objects.get(slug="demo-beteiligung")
    started = time.perf_counter()
    result = tasks.build_documentation_pdf.enqueue(procedure_id=procedure.pk, language="de")
    seconds = time.perf_counter() - started
    if result.errors:
        raise RuntimeError(result.errors[0].traceback)
    return seconds, DocumentationBuild.objects.get(procedure=procedure, language="de").page_count or 0


def time_pdfs(total: int) -> None:
    (seconds, pages), peak = _in_child(_render_documentation, PDF_CONTRIBUTIONS)
    (plain_seconds, plain_pages), plain_peak = _in_child(_render_plain_text, pages)
    rate, plain_rate = pages / seconds, plain_pages / plain_seconds
    print(
        f"PDF of {PDF_CONTRIBUTIONS:,} contributions    {seconds:7.1f} s  {pages:5d} pages  {rate:6.1f} pages/s  "
        f"peak {peak:7.0f} MiB"
    )
    print(
        f"plain text, same page count (baseline) {plain_seconds:5.1f} s  {plain_pages:5d} pages  "
        f"{plain_rate:6.1f} pages/s  peak {plain_peak:7.0f} MiB"
    )
    print(f"  documentation at {rate / plain_rate:.0%} of the plain-text rate, {peak / plain_peak:.1f}x its memory")
    report.record(
        f"PDF of {PDF_CONTRIBUTIONS:,} contributions (baseline: plain WeasyPrint)",
        rate,
        plain_rate,
        unit="pages/s",
        goal=">= 70% of plain",
        met=rate / plain_rate >= 0.7,
    )
    (job_seconds, job_pages), job_peak = _in_child(_build_as_job)
    print(
        f"PDF of all {total:,} contributions as a background job: {job_seconds:.1f} s, {job_pages} pages "
        f"({job_pages / job_seconds:.1f} pages/s), peak {job_peak:.0f} MiB"
    )
    report.record(
        f"PDF of all {total:,} contributions: peak memory (baseline: plain WeasyPrint)",
        job_peak,
        plain_peak,
        unit="MiB",
        goal="<= 500 MB",
        met=job_peak * 1.048576 <= 500,
    )


def main(parts: tuple[str, ...] = ("pages", "pdf")) -> None:
    """Run the page timings and the PDF figures (`python bench/bench_participation.py pages` for one part)."""
    with tempfile.TemporaryDirectory(prefix="bench-participation-") as scratch:
        engine = setup_django(Path(scratch))
        if engine != "postgresql":
            print(f"NOTE: measuring on {engine}, not PostgreSQL: the figures are not comparable to production.")
        total, seconds = load_data()
        print(f"database: {engine}; demo concept and procedure with {total:,} contributions loaded in {seconds:.1f} s")
        if "pages" in parts:
            time_pages()
        if "pdf" in parts:
            time_pdfs(total)


if __name__ == "__main__":
    main(tuple(sys.argv[1:]) or ("pages", "pdf"))
