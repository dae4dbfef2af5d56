"""Survey submissions over HTTP on PostgreSQL, against a minimal Django view that inserts one row.

Run `python bench/bench_survey_submit.py` or `python -m bench survey_submit`. The bench creates a scratch
database (teilhabe_bench_survey; DATABASE_URL of another server with TEILHABE_BENCH_DATABASE_URL), migrates
it, creates a one-page survey with a question of every kind, starts gunicorn on a free port and drives it with
wrk from a separate process: first complete submissions (every answer, "submit"), then the baseline, a view
in bench/survey_submit_urls.py that inserts one row, through the same middleware. It prints requests per
second of both, their ratio (goal: at least 0.5) and checks that none was lost (rows stored = successful
responses). CSRF is handled as a browser would: one token and cookie fetched beforehand, sent by every
request. Rate limits are raised through their environment variables for the run; nothing else changes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

try:
    from bench import report
except ModuleNotFoundError:  # run as a script: bench/ is on the path, not the repository
    import report

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "teilhabe_bench_survey"
SERVER = os.environ.get("TEILHABE_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
DURATION = os.environ.get("TEILHABE_BENCH_DURATION", "6s")
THREADS, CONNECTIONS, WORKERS = 2, 8, 4
ROUNDS = 2  # of each side, alternating
GOAL_RATIO = 0.5
SURVEY_SLUG = "bench"

LUA = r"""
-- One POST per request; a varying number and text so no two submissions are identical.
local counter = 0
ok, failed = 0, 0  -- globals, so that done() can read them with thread:get
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + id * 7919)
end

function request()
  counter = counter + 1
  -- Respondents come from many addresses, as they would through the reverse proxy: at most one request
  -- per address is in flight, so the per-address rate-limit counters do not queue behind each other.
  HEADERS["X-Real-IP"] = string.format("10.%d.%d.%d", id, math.floor(counter / 250) % 250, counter % 250)
  local body = BODY .. "&" .. NUMBER_FIELD .. "=" .. tostring(math.random(0, 120))
    .. "&" .. TEXT_FIELD .. "=" .. "answer+" .. id .. "+" .. counter .. "+" .. math.random(1, 1000000000)
  return wrk.format("POST", PATH, HEADERS, body)
end

function response(status, headers, body)
  if status >= 200 and status < 400 then ok = ok + 1 else failed = failed + 1 end
end

function done(summary, latency, requests)
  local total_ok, total_failed = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_failed = total_failed + thread:get("failed")
  end
  io.write(string.format("RESULT %d %d %d %d %.6f\n", total_ok, total_failed, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6))
end
"""


def _database_url(name: str) -> str:
    return SERVER.rstrip("/") + "/" + name


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(var_dir: str) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.survey_submit_settings",
            "DATABASE_URL": _database_url(DATABASE_NAME),
            "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DJANGO_DEBUG": "0",
            "EMAIL_URL": os.environ.get("EMAIL_URL", "memorymail://"),
            "TEILHABE_VAR_DIR": var_dir,
            "TEILHABE_TASKS_IMMEDIATE": "1",
            # Requests carry a simulated client address, as set by a reverse proxy (see the Lua script).
            "TEILHABE_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
            "TEILHABE_RATE_PUBLIC_FORM": "1000/h",
            "TEILHABE_RATE_SURVEY_PAGE": "1000/h",
            "PYTHONPATH": str(ROOT),
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    return environment


def _recreate_database() -> None:
    import psycopg

    with psycopg.connect(_database_url("postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def _drop_database() -> None:
    import psycopg

    with psycopg.connect(_database_url("postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')


def prepare() -> None:
    """In the bench's Django process: the survey and the baseline table; prints the form fields as JSON."""
    import django

    django.setup()
    from django.db import connection

    from teilhabe.surveys.models import MatrixRow, Option, Question, Survey

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_row (id bigserial PRIMARY KEY, value text NOT NULL)")
    survey = Survey.objects.create(
        slug=SURVEY_SLUG, title="Bench", status=Survey.Status.OPEN, mode=Survey.Mode.OPEN, is_resumable=False
    )
    kinds = Question.Kind

    def question(code: str, kind: str, **fields) -> Question:
        return Question.objects.create(
            survey=survey,
            code=code,
            kind=kind,
            text=code,
            page=1,
            position=Question.objects.filter(survey=survey).count(),
            **fields,
        )

    def options(of: Question, count: int, *, dont_know: bool = False) -> list[Option]:
        made = [
            Option.objects.create(question=of, code=f"o{value}", label=f"option {value}", value=value, position=value)
            for value in range(1, count + 1)
        ]
        if dont_know:
            made.append(
                Option.objects.create(
                    question=of, code="dk", label="don't know", value=9, position=99, is_dont_know=True
                )
            )
        return made

    fields: list[tuple[str, str]] = [("page", "1"), ("action", "submit")]
    single = question("single", kinds.SINGLE_CHOICE, is_required=True)
    fields.append((f"q{single.pk}", str(options(single, 2)[0].pk)))
    multiple = question("multiple", kinds.MULTIPLE_CHOICE)
    chosen = options(multiple, 4)
    fields += [(f"q{multiple.pk}", str(chosen[0].pk)), (f"q{multiple.pk}", str(chosen[2].pk))]
    ranking = question("areas", kinds.RANKING, rank_places=3, is_required=True)
    items = options(ranking, 7)
    fields += [(f"q{ranking.pk}_{place}", str(items[index].pk)) for place, index in ((1, 3), (2, 0), (3, 5))]
    likert = question("policy", kinds.LIKERT)
    fields.append((f"q{likert.pk}", str(options(likert, 5, dont_know=True)[3].pk)))
    matrix = question("climate", kinds.MATRIX)
    scale = options(matrix, 5, dont_know=True)
    for position in range(1, 5):
        row = MatrixRow.objects.create(question=matrix, code=f"r{position}", text=f"item {position}", position=position)
        fields.append((f"q{matrix.pk}_r{row.pk}", str(scale[position % len(scale)].pk)))
    number = question("years", kinds.NUMBER, number_min=0, number_max=120)
    text = question("wish", kinds.FREE_TEXT, max_length=500)
    print(
        json.dumps(
            {
                "survey": survey.pk,
                "path": f"/umfragen/{SURVEY_SLUG}/seite/1/",
                "submit_path": f"/umfragen/{SURVEY_SLUG}/absenden/",
                "fields": fields,
                "number_field": f"q{number.pk}",
                "text_field": f"q{text.pk}",
            }
        )
    )


def _run(command: list[str], environment: dict[str, str]) -> str:
    completed = subprocess.run(command, env=environment, cwd=ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} failed:\n{completed.stderr[-3000:]}")
    return completed.stdout


def _wait_until_up(base: str, server: subprocess.Popen, timeout: float = 60.0) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within a minute")


def _csrf(base: str, path: str) -> tuple[str, str]:
    """The CSRF cookie and the form token, as a browser gets them from the survey page."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + path, timeout=10) as response:
        html = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    cookie = next((c.value for c in jar if c.name == "csrftoken"), None)
    if token is None or cookie is None:
        raise RuntimeError("no CSRF token on the survey page")
    return cookie, token.group(1)


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal for ASCII text


def _script(directory: Path, name: str, path: str, body: str, number_field: str, text_field: str, cookie: str) -> Path:
    headers = (
        f'{{["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = {_lua_string("csrftoken=" + cookie)}}}'
    )
    script = directory / f"{name}.lua"
    script.write_text(
        f"PATH = {_lua_string(path)}\nBODY = {_lua_string(body)}\nNUMBER_FIELD = {_lua_string(number_field)}\n"
        f"TEXT_FIELD = {_lua_string(text_field)}\nHEADERS = {headers}\nid = 0\n" + LUA
    )
    return script


def _wrk(base: str, script: Path) -> dict[str, float]:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-s", str(script), base]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) ([\d.]+)", output)
    if match is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    ok, failed, requests, socket_errors, seconds = match.groups()
    return {
        "ok": int(ok),
        "failed": int(failed),
        "requests": int(requests),
        "socket_errors": int(socket_errors),
        "seconds": float(seconds),
        "rate": int(ok) / float(seconds),
    }


def _combine(runs: list[dict[str, float]]) -> dict[str, float]:
    total = {key: sum(run[key] for run in runs) for key in ("ok", "failed", "requests", "socket_errors", "seconds")}
    return {**total, "rate": total["ok"] / total["seconds"]}


def _count(sql: str, parameters: tuple = ()) -> int:
    import psycopg

    with psycopg.connect(_database_url(DATABASE_NAME)) as connection:
        return connection.execute(sql, parameters).fetchone()[0]


def _start_redis(directory: str) -> tuple[subprocess.Popen, str] | None:
    """A throw-away Redis for the shared cache (rate limits, duplicate marks), as in production; None without one."""
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _attempt in range(50):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.1)
    _stop(server)
    return None


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def _measure(label: str, environment: dict[str, str], setup: dict, directory: Path) -> None:
    """Start gunicorn with ``environment``, run both scripts with wrk, print the figures."""
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            gunicorn,
            "teilhabe.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _wait_until_up(base, server)
        cookie, token = _csrf(base, setup["path"])
        fields = [("csrfmiddlewaretoken", token), *[tuple(pair) for pair in setup["fields"]]]
        survey_script = _script(
            directory,
            "survey",
            setup["submit_path"],
            urllib.parse.urlencode(fields),
            setup["number_field"],
            setup["text_field"],
            cookie,
        )
        baseline_script = _script(
            directory,
            "baseline",
            "/bench/insert/",
            urllib.parse.urlencode([("csrfmiddlewaretoken", token)]),
            "value",
            "text",
            cookie,
        )
        # A short warm-up of both, so that neither pays for first connections and imports.
        warm = os.environ.get("TEILHABE_BENCH_WARMUP", "2s")
        for script in (survey_script, baseline_script):
            subprocess.run(["wrk", "-t1", "-c2", f"-d{warm}", "-s", str(script), base], capture_output=True, check=True)
        count_responses = "SELECT count(*) FROM surveys_response WHERE survey_id = %s"
        before_responses, before_rows = (
            _count(count_responses, (setup["survey"],)),
            _count("SELECT count(*) FROM bench_row"),
        )
        # Alternating rounds, so that a change in the machine's load affects both sides alike.
        survey_runs, baseline_runs = [], []
        for _round in range(ROUNDS):
            survey_runs.append(_wrk(base, survey_script))
            baseline_runs.append(_wrk(base, baseline_script))
        survey, baseline = _combine(survey_runs), _combine(baseline_runs)
        stored_responses = _count(count_responses, (setup["survey"],)) - before_responses
        stored_rows = _count("SELECT count(*) FROM bench_row") - before_rows
    finally:
        _stop(server)
    print(f"[{label}]")
    print(
        f"  survey submissions:  {survey['rate']:7.1f} requests/s ({survey['ok']} ok, {survey['failed']} failed, "
        f"{survey['socket_errors']} socket errors); responses stored: {stored_responses}"
    )
    print(
        f"  minimal insert view: {baseline['rate']:7.1f} requests/s ({baseline['ok']} ok, {baseline['failed']} "
        f"failed, {baseline['socket_errors']} socket errors); rows stored: {stored_rows}"
    )
    ratio = survey["rate"] / baseline["rate"] if baseline["rate"] else float("nan")
    print(
        f"  ratio survey / minimal view: {ratio:.2f} (goal >= {GOAL_RATIO}: {'met' if ratio >= GOAL_RATIO else 'NOT met'})"
    )
    # Requests still in flight when wrk stops are stored but not counted by wrk (at most one per connection).
    lost_responses = max(0, survey["ok"] - stored_responses)
    lost_rows = max(0, baseline["ok"] - stored_rows)
    print(
        f"  lost: {lost_responses} survey responses, {lost_rows} baseline rows "
        f"({'none lost' if lost_responses == 0 and lost_rows == 0 else 'SOME LOST'}; stored beyond the counted "
        f"successes, i.e. in flight when wrk stopped: {stored_responses - survey['ok']} and "
        f"{stored_rows - baseline['ok']}, at most {ROUNDS * CONNECTIONS} each)"
    )
    report.record(
        f"survey submissions, {label} (baseline: minimal insert view; successes only)",
        survey["rate"],
        baseline["rate"],
        unit="requests/s",
        goal=f">= {GOAL_RATIO} of the minimal view",
        met=ratio >= GOAL_RATIO,
    )
    report.record(
        f"survey responses lost, {label}",
        lost_responses,
        unit="",
        goal="0",
        met=lost_responses == 0 and lost_rows == 0,
        note=f"{survey['failed']} non-2xx/3xx answers, {survey['socket_errors']} socket errors",
    )


def main() -> None:
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk); no figures")
        return
    var_dir = tempfile.mkdtemp(prefix="teilhabe-bench-survey-")
    environment = _environment(var_dir)
    python = sys.executable
    redis = None
    try:
        _recreate_database()
        _run([python, "-m", "django", "migrate", "--no-input", "-v", "0"], environment)
        _run([python, "-m", "django", "createcachetable"], environment)
        setup = json.loads(
            _run([python, "-c", "import bench.bench_survey_submit as b; b.prepare()"], environment)
            .strip()
            .splitlines()[-1]
        )
        print(
            f"gunicorn: {WORKERS} sync workers; wrk: {THREADS} threads, {CONNECTIONS} connections, "
            f"{ROUNDS} x {DURATION} per side, alternating; PostgreSQL database {DATABASE_NAME}; the same survey and baseline for each cache"
        )
        redis = _start_redis(var_dir)
        if redis is not None:
            _measure(
                "shared cache: Redis (the production set-up)",
                {**environment, "REDIS_URL": redis[1]},
                setup,
                Path(var_dir),
            )
        else:
            print("[shared cache: Redis] redis-server is not installed; skipped")
        _measure("shared cache: the database (the default without REDIS_URL)", environment, setup, Path(var_dir))
    finally:
        _stop(redis[0] if redis else None)
        shutil.rmtree(var_dir, ignore_errors=True)
        try:
            _drop_database()
        except Exception as error:  # the figures are printed; a leftover scratch database is only untidy
            print(f"could not drop {DATABASE_NAME}: {error!r}")


if __name__ == "__main__":
    main()
