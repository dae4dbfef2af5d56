"""Crash test: concurrent clients submit with idempotency keys, the app server is SIGKILLed at a random
moment and restarted, and every submission that got a success response is stored exactly once.

Generic over CRASH_TARGETS: (endpoint, payload builder, verification). Survey responses join the list
when their submission endpoint takes an Idempotency-Key.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import requests
from rest_framework.authtoken.models import Token

from teilhabe.accounts.models import Role
from teilhabe.monitoring.models import ImportRun, Observation
from tests.accounts.factories import UserFactory
from tests.monitoring.factories import GeographyFactory, IndicatorVersionFactory

from . import servers

CLIENTS = 4
SUBMISSIONS_PER_CLIENT = 12
DEADLINE_SECONDS = 50


@dataclass(frozen=True)
class CrashTarget:
    name: str
    path: str
    setup: Callable[[], dict]  # creates what the submissions need; returns the context (e.g. a token)
    payload: Callable[[dict, int], object]  # (context, submission number) -> JSON body
    verify: Callable[[dict, int], str | None]  # (context, submission number) -> problem or None


def _observation_setup() -> dict:
    GeographyFactory()
    version = IndicatorVersionFactory(indicator__code="CRASH-1")
    user = UserFactory(roles=[Role.DEPARTMENT_ADMIN])
    return {"token": Token.objects.create(user=user).key, "indicator": version.indicator}


def _observation_payload(context: dict, number: int) -> list[dict]:
    return [{"indicator": "CRASH-1", "period": str(1800 + number), "geography": "city", "value": number + 0.25}]


def _observation_verify(context: dict, number: int) -> str | None:
    rows = Observation.objects.filter(indicator=context["indicator"], period=str(1800 + number))
    if rows.count() != 1:
        return f"submission {number}: {rows.count()} observations stored"
    observation = rows.get()
    if observation.value != number + 0.25:
        return f"submission {number}: value {observation.value}"
    # A new row's audit record is its import run; writing it again would be a revision (a history row) or,
    # with the same value, a run that created nothing.
    if observation.import_run_id is None or observation.history.exists():
        return f"submission {number}: not written once by its import run"
    repeated = ImportRun.objects.filter(counts__observations=[0, 0, 1]).count()
    if repeated:
        return f"{repeated} import runs wrote a submission again"
    return None


CRASH_TARGETS = [
    CrashTarget(
        "observation upload",
        "/api/v1/observations/upload/",
        _observation_setup,
        _observation_payload,
        _observation_verify,
    ),
]


@dataclass
class Tally:
    succeeded: set[int] = field(default_factory=set)
    attempts: int = 0
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _client(base_url: str, target: CrashTarget, context: dict, numbers: range, tally: Tally, stop_at: float) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {context['token']}"
    for number in numbers:
        key = str(uuid.uuid4())  # one key per submission, reused for every retry of it
        while time.monotonic() < stop_at:
            with tally.lock:
                tally.attempts += 1
            try:
                response = session.post(
                    base_url + target.path,
                    json=target.payload(context, number),
                    headers={"Idempotency-Key": key},
                    timeout=10,
                )
            except requests.RequestException:
                response = None
            if response is not None and response.status_code == 200:
                with tally.lock:
                    tally.succeeded.add(number)
                break
            if response is not None and response.status_code < 500 and response.status_code not in (409, 429):
                raise AssertionError(f"submission {number} refused: {response.status_code} {response.text[:300]}")
            with tally.lock:
                tally.failures += 1
            time.sleep(0.2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("target", CRASH_TARGETS, ids=[target.name for target in CRASH_TARGETS])
def test_nothing_accepted_is_lost_or_doubled_when_the_server_is_killed(target, tmp_path):
    context = target.setup()
    port = servers.free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = servers.child_environment(tmp_path)
    tally = Tally()
    with servers.children() as started:
        started.append(servers.start_gunicorn("app", port, environment, tmp_path))
        stop_at = time.monotonic() + DEADLINE_SECONDS
        threads = [
            threading.Thread(
                target=_client,
                args=(
                    base_url,
                    target,
                    context,
                    range(index * SUBMISSIONS_PER_CLIENT, (index + 1) * SUBMISSIONS_PER_CLIENT),
                    tally,
                    stop_at,
                ),
            )
            for index in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        # Kill the server while submissions are in flight, then bring it back.
        time.sleep(random.uniform(0.3, 1.5))
        killed_after = len(tally.succeeded)
        started[-1].kill()
        started.append(servers.start_gunicorn("app-restarted", port, environment, tmp_path))
        for thread in threads:
            thread.join(timeout=DEADLINE_SECONDS + 10)
    total = CLIENTS * SUBMISSIONS_PER_CLIENT
    print(
        f"{target.name}: {total} submissions, {tally.attempts} attempts, {tally.failures} failed attempts, "
        f"server killed after {killed_after} successes"
    )
    assert tally.failures > 0, "the kill did not interrupt any submission; the test proved nothing"
    server_logs = "\n".join(f"--- {child.name}:\n{child.output()}" for child in started)
    assert tally.succeeded == set(range(total)), (
        f"never succeeded: {sorted(set(range(total)) - tally.succeeded)}\n{server_logs}"
    )
    problems = [problem for number in sorted(tally.succeeded) if (problem := target.verify(context, number))]
    assert problems == []
