"""Portal throughput against a production-like server: gunicorn, PostgreSQL, the full demo, warm cache.

Starts gunicorn from .venv on a free localhost port, loads the demo into its own database,
measures the cold (first) render of each page type, then drives wrk from a separate
process (32 connections, BENCH_SECONDS seconds, default 30) against a static file served
by the same server (the baseline), the home page, an indicator page and the observations
API. Prints requests/s and p95 latency, and the indicator page's rate as a share of the
static file's (goal: at least 50 %, p95 under 50 ms). All traffic stays on 127.0.0.1.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/teilhabe_bench_portal),
BENCH_SECONDS, BENCH_WORKERS (gunicorn workers, default 2 × CPUs), REDIS_URL (used as the
cache when it answers, like production; else the database cache).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

try:
    from bench import report
except ModuleNotFoundError:  # run as a script: bench/ is on the path, not the repository
    import report

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
CONNECTIONS = 32
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format("BENCH requests=%d errors=%d status_errors=%d duration_us=%d p95_us=%d p50_us=%d\\n",
           summary.requests, errors, summary.errors.status, summary.duration, latency:percentile(95),
           latency:percentile(50)))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers(url: str) -> bool:
    match = re.match(r"redis://([^:/]+)(?::(\d+))?", url)
    if not match:
        return False
    try:
        with socket.create_connection((match.group(1), int(match.group(2) or 6379)), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    print("NOTE: wrk is not installed; trying `apt-get install -y wrk` (Debian package wrk).")
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        print("NOTE: wrk is still missing; install it with `apt-get install wrk` to get throughput figures.")
    return found


def ensure_database(url: str) -> None:
    import psycopg

    match = re.match(r"postgres(?:ql)?://(?P<auth>[^@]*)@(?P<host>[^:/]+)(?::(?P<port>\d+))?/(?P<name>\w+)", url)
    if not match:
        raise SystemExit(f"BENCH_DATABASE_URL must be a postgres:// URL, not {url!r}")
    user = match.group("auth").split(":")[0] or "postgres"
    with psycopg.connect(
        host=match.group("host"), port=int(match.group("port") or 5432), user=user, dbname="postgres", autocommit=True
    ) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [match.group("name")]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{match.group("name")}"')


def run(env: dict, *args: str, quiet: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "teilhabe"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        text=True,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT if quiet else None,
    )


def django_eval(env: dict, code: str) -> str:
    """Run Python with Django set up in a separate process (same settings as the server)."""
    script = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'teilhabe.settings'); django.setup()\n"
    result = subprocess.run(
        [str(BIN / "python"), "-c", script + code], env=env, cwd=ROOT, check=True, text=True, capture_output=True
    )
    return result.stdout.strip()


def fetch(url: str) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return status, time.perf_counter() - started, body


def wrk(binary: str, url: str, seconds: int, script: str) -> dict:
    output = subprocess.run(
        [binary, "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", script, url],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    figures = dict(re.findall(r"(\w+)=(\d+)", output.split("BENCH", 1)[1])) if "BENCH" in output else {}
    # Throughput counts successful answers only: wrk's Requests/sec includes non-2xx/3xx answers (a rate
    # limit's 429s would look like speed), which are reported separately.
    requests, non_success = int(figures.get("requests", 0)), int(figures.get("status_errors", 0))
    seconds = int(figures.get("duration_us", 0)) / 1e6
    return {
        "rps": (requests - non_success) / seconds if seconds else 0.0,
        "non_success": non_success,
        "p95_ms": int(figures.get("p95_us", 0)) / 1000,
        "p50_ms": int(figures.get("p50_us", 0)) / 1000,
        "errors": int(figures.get("errors", 0)),
        "requests": int(figures.get("requests", 0)),
    }


def load_data(env: dict) -> str:
    """The full demo when `teilhabe load_demo` works; else the small generated portal dataset."""
    try:
        run(env, "load_demo")
        return "full demo (teilhabe load_demo)"
    except subprocess.CalledProcessError as error:
        print(
            f"NOTE: load_demo failed ({error.output.strip().splitlines()[-1] if error.output else error}); "
            "using the generated portal dataset instead."
        )
        django_eval(env, "from tests.portal.dataset import build_portal_dataset\nbuild_portal_dataset()")
        return "generated portal dataset (tests/portal/dataset.py)"


def main() -> None:
    seconds = int(os.environ.get("BENCH_SECONDS", "30"))
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/teilhabe_bench_portal")
    workers = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1))))
    wrk_binary = ensure_wrk()
    ensure_database(database_url)
    var_dir = Path(tempfile.mkdtemp(prefix="teilhabe-bench-portal-"))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "EMAIL_URL": os.environ.get("EMAIL_URL", "memorymail://"),
        "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TEILHABE_VAR_DIR": str(var_dir),
        "TEILHABE_TASKS_IMMEDIATE": "1",
        "TEILHABE_AXES_ENABLED": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    if redis_answers(redis_url):
        env["REDIS_URL"] = redis_url
        cache_name = f"Redis ({redis_url})"
    else:
        env.pop("REDIS_URL", None)
        cache_name = "database cache (no Redis answered)"

    print("preparing: migrate, cache table, demo data, static files ...", flush=True)
    run(env, "migrate", "--no-input")
    run(env, "createcachetable")
    data = load_data(env)
    run(env, "collectstatic", "--no-input")
    code = django_eval(
        env,
        (
            "from teilhabe.monitoring.models import Indicator, Geography, AreaOfAction, Measure\n"
            "from teilhabe.monitoring import queries\n"
            "e = queries.get_current_edition()\n"
            "i = Indicator.objects.filter(versions__edition=e, observations__isnull=False).distinct().order_by('code').first()\n"
            "a = AreaOfAction.objects.filter(edition=e, parent__isnull=True).order_by('position').first()\n"
            "d = Geography.objects.filter(level='district').order_by('position').first()\n"
            "m = Measure.objects.order_by('code').first()\n"
            "print(i.code, e.code, a.code, d.code if d else '', m.code if m else '')"
        ),
    ).split()
    indicator, edition, area, district, measure = (code + [""] * 5)[:5]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "teilhabe.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                if fetch(base + "/static/teilhabe/site.css")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        print(f"server: gunicorn, {workers} sync workers, PostgreSQL, {cache_name}; data: {data}")

        pages = {
            "home": "/",
            "area": f"/konzept/{edition}/{area}/",
            "indicator": f"/indikatoren/{indicator}/",
            "district": f"/bezirke/{district}/" if district else "",
            "measure": f"/massnahmen/{measure}/" if measure else "",
            "editions": "/konzept/",
            "search": "/suche/?q=schul",
            "easy language": "/leichte-sprache/",
        }
        # Warm every worker's process-level state (imports, template loaders, chart renderer) first,
        # so the cold figures measure rendering with an empty cache, not interpreter start-up.
        for _ in range(workers * 2):
            for path in pages.values():
                if path:
                    fetch(base + path)
        print("\ncold render (empty cache), first request per page type:")
        for name, path in pages.items():
            if not path:
                continue
            django_eval(env, "from django.core.cache import cache\ncache.clear()")
            status, elapsed, _ = fetch(base + path)
            print(f"  {name:<14} {elapsed * 1000:8.1f} ms  (HTTP {status})  {path}")
            report.record(
                f"{name}: first render, empty cache",
                elapsed * 1000 if status == 200 else None,
                unit="ms",
                goal="< 200 ms",
                met=status == 200 and elapsed < 0.2,
                note="" if status == 200 else f"HTTP {status}",
            )
        for path in pages.values():  # warm the shared cache
            if path:
                fetch(base + path)

        if not wrk_binary:
            return
        targets = [
            ("static file (baseline)", "/static/teilhabe/site.css"),
            ("home", "/"),
            ("indicator page", f"/indikatoren/{indicator}/"),
        ]
        api = f"/api/v1/observations/?indicator={indicator}"
        api_status = fetch(base + api)[0]
        if api_status == 404:
            print(f"\nNOTE: {api} answers 404; the observations API target is skipped.")
        else:
            fetch(base + api)
            targets.append(("observations API", api))
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        print(f"\nwarm cache, wrk -c{CONNECTIONS} -d{seconds}s from a separate process:")
        print(f"  {'target':<24} {'2xx/3xx/s':>11} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'non-2xx':>8}")
        results = {}
        for name, path in targets:
            result = wrk(wrk_binary, base + path, seconds, script.name)
            results[name] = result
            print(
                f"  {name:<24} {result['rps']:11.0f} {result['p50_ms']:8.1f} {result['p95_ms']:8.1f} "
                f"{result['errors']:7d} {result['non_success']:8d}",
                flush=True,
            )
        os.unlink(script.name)
        baseline = results["static file (baseline)"]["rps"] or 1.0
        print("\nratios to the static file served by the same server:")
        for name, result in results.items():
            if name.startswith("static"):
                continue
            print(f"  {name:<24} {result['rps'] / baseline * 100:6.1f} % of the static rate")
        page = results["indicator page"]
        print(
            f"\ngoal: indicator page >= 50 % of the static rate: {page['rps'] / baseline * 100:.1f} % "
            f"({'met' if page['rps'] / baseline >= 0.5 else 'NOT met'}); p95 < 50 ms: {page['p95_ms']:.1f} ms "
            f"({'met' if page['p95_ms'] < 50 else 'NOT met'})"
        )
        static = results["static file (baseline)"]
        for name in ("home", "indicator page", "area page"):
            if name not in results:
                continue
            result = results[name]
            note = f"{result['non_success']} non-2xx/3xx answers not counted" if result["non_success"] else ""
            report.record(
                f"{name}, warm cache, 32 clients (baseline: static file)",
                result["rps"],
                static["rps"],
                unit="requests/s",
                goal=">= 80% of static",
                met=result["rps"] / baseline >= 0.8,
                note=note,
            )
            report.record(
                f"{name}, p95 latency (baseline: static file)",
                result["p95_ms"],
                static["p95_ms"],
                unit="ms",
                goal="<= 2x static",
                met=result["p95_ms"] <= 2 * static["p95_ms"],
            )
        if "observations API" in results:
            api_result = results["observations API"]
            report.record(
                "observations API, successful answers (no goal)",
                api_result["rps"],
                static["rps"],
                unit="requests/s",
                note=f"{api_result['non_success']} non-2xx/3xx answers not counted",
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
