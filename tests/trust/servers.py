"""Real app servers (gunicorn) and background workers as child processes, for crash and scale-out tests.

Every child runs in its own process group on 127.0.0.1 and is killed in the caller's `finally`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
from django.db import connection

REPOSITORY = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
START_TIMEOUT = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The URL of the (test) database this test process uses, for the children."""
    s = connection.settings_dict
    credentials = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{credentials}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def child_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "TEILHABE_", "REDIS_URL", "DATABASE_URL", "PYTEST"))
    }
    environment.update(
        {
            "DJANGO_SECRET_KEY": "scale-out-and-crash-tests-only-0123456789-abcdefghijklmnop",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url(),
            "TEILHABE_VAR_DIR": str(tmp_path / "var"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "TEILHABE_TASKS_IMMEDIATE": "0",
            "TEILHABE_RATE_API": "100000/m",
            "TEILHABE_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(REPOSITORY),
        }
    )
    environment.update(extra)
    return environment


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL the whole process group (a gunicorn master and its workers)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


def start(name: str, command: list[str], environment: dict[str, str], tmp_path: Path) -> Child:
    log = tmp_path / f"{name}.log"
    handle = log.open("ab")
    process = subprocess.Popen(
        command, cwd=REPOSITORY, env=environment, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    handle.close()
    return Child(name=name, process=process, log=log)


def start_gunicorn(name: str, port: int, environment: dict[str, str], tmp_path: Path, *, workers: int = 2) -> Child:
    command = [
        str(BIN / "gunicorn"),
        "teilhabe.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--timeout=30",
        "--graceful-timeout=1",
    ]
    child = start(name, command, environment, tmp_path)
    wait_until_ready(child, f"http://127.0.0.1:{port}/healthz")
    return child


def wait_until_ready(child: Child, url: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            raise RuntimeError(f"{child.name} exited with {child.process.returncode}:\n{child.output()}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{child.name} did not answer {url} within {timeout} s:\n{child.output()}")


@contextlib.contextmanager
def children() -> Iterator[list[Child]]:
    """Collects started children and kills every one of them on the way out, whatever happened."""
    started: list[Child] = []
    try:
        yield started
    finally:
        for child in started:
            child.kill()
