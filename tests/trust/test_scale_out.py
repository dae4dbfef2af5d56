"""Scale-out: two app servers (separate processes and ports) on one PostgreSQL and one Redis.

A change through one is visible through the other at once, rate limits and login lockouts count across
both, and a background job runs once when two workers run.
"""

from __future__ import annotations

import os
import re
import time

import pytest
import redis
import requests
from django_tasks_db.models import DBTaskResult
from rest_framework.authtoken.models import Token

from teilhabe.accounts.models import Role
from teilhabe.monitoring.models import Observation
from tests.accounts.factories import UserFactory
from tests.monitoring.factories import GeographyFactory, IndicatorVersionFactory

from . import servers

REDIS_DB = int(os.environ.get("TEILHABE_TEST_REDIS_DB", "13"))
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
PASSWORD = "correct horse battery staple"
FAILURE_LIMIT = 3
FORM_RATE = 3


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # fails loudly when Redis is not running: CI starts it
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def two_servers(tmp_path, shared_redis):
    environment = servers.child_environment(
        tmp_path,
        REDIS_URL=REDIS_URL,
        TEILHABE_RATE_PUBLIC_FORM=f"{FORM_RATE}/h",
        TEILHABE_LOGIN_FAILURE_LIMIT=str(FAILURE_LIMIT),
    )
    ports = servers.free_port(), servers.free_port()
    with servers.children() as started:
        started.append(servers.start_gunicorn("server-a", ports[0], environment, tmp_path, workers=1))
        started.append(servers.start_gunicorn("server-b", ports[1], environment, tmp_path, workers=1))
        yield [f"http://127.0.0.1:{port}" for port in ports], environment, started


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=10)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_app_servers_share_data_cache_limits_and_lockouts(two_servers):
    (server_a, server_b), _environment, started = two_servers
    GeographyFactory()
    version = IndicatorVersionFactory(indicator__code="SCALE-1")
    uploader = UserFactory(roles=[Role.DEPARTMENT_ADMIN])
    token = Token.objects.create(user=uploader).key
    UserFactory(username="alice", email="alice@example.org")

    # A change through A is visible through B at once (B has the old answer cached).
    def upload(value: float) -> None:
        response = requests.post(
            f"{server_a}/api/v1/observations/upload/",
            json=[{"indicator": "SCALE-1", "period": "2020", "geography": "city", "value": value}],
            headers={"Authorization": f"Token {token}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text + "\n" + started[0].output()

    upload(10.0)
    observation = Observation.objects.get(indicator=version.indicator, period="2020")
    detail = f"/api/v1/observations/{observation.pk}/"
    assert requests.get(server_b + detail, timeout=10).json()["value"] == 10.0
    assert requests.get(server_b + detail, timeout=10).json()["value"] == 10.0  # now served from the cache
    upload(11.5)
    assert requests.get(server_b + detail, timeout=10).json()["value"] == 11.5

    # The public form's rate limit counts requests to both servers together.
    session = requests.Session()
    statuses = []
    for server in (server_a, server_b, server_a, server_b, server_a):
        token_value = _csrf(session, f"{server}/konto/passwort-vergessen/")
        response = session.post(
            f"{server}/konto/passwort-vergessen/",
            data={"email": "nobody@example.org", "csrfmiddlewaretoken": token_value},
            headers={"Referer": f"{server}/konto/passwort-vergessen/"},
            allow_redirects=False,
            timeout=10,
        )
        statuses.append(response.status_code)
    assert statuses == [302] * FORM_RATE + [429] * (5 - FORM_RATE)

    # Failed logins on either server count towards one lockout, which then holds on both.
    statuses = []
    for server in (server_a, server_b, server_a):
        csrf_token = _csrf(session, f"{server}/konto/anmelden/")
        response = session.post(
            f"{server}/konto/anmelden/",
            data={"username": "alice", "password": "wrong", "csrfmiddlewaretoken": csrf_token},
            headers={"Referer": f"{server}/konto/anmelden/"},
            allow_redirects=False,
            timeout=10,
        )
        statuses.append(response.status_code)
    assert statuses == [200] * (FAILURE_LIMIT - 1) + [429]
    csrf_token = _csrf(session, f"{server_b}/konto/anmelden/")
    right_password = session.post(
        f"{server_b}/konto/anmelden/",
        data={"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": csrf_token},
        headers={"Referer": f"{server_b}/konto/anmelden/"},
        allow_redirects=False,
        timeout=10,
    )
    assert right_password.status_code == 429


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_background_job_runs_once_with_two_workers(tmp_path, settings):
    from .tasks import record_run

    runs = tmp_path / "runs"
    runs.mkdir()
    environment = servers.child_environment(tmp_path)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    jobs = 30
    for number in range(jobs):
        record_run.enqueue(str(runs), number)
    command = [str(servers.BIN / "teilhabe"), "db_worker", "--interval=0.1", "--no-startup-delay", "--no-reload"]
    with servers.children() as started:
        started.append(servers.start("worker-1", command, environment, tmp_path))
        started.append(servers.start("worker-2", command, environment, tmp_path))
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            if DBTaskResult.objects.filter(status="SUCCESSFUL").count() == jobs:
                break
            for child in started:
                assert child.process.poll() is None, child.output()
            time.sleep(0.3)
    counts = {
        number: len((runs / f"{number}.txt").read_text().split()) if (runs / f"{number}.txt").exists() else 0
        for number in range(jobs)
    }
    assert counts == {number: 1 for number in range(jobs)}
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == jobs
    workers = {pid for number in range(jobs) for pid in (runs / f"{number}.txt").read_text().split()}
    print(f"{jobs} jobs ran once each, on {len(workers)} worker processes")
