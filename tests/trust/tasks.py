"""A background job for the scale-out test: records each run in a file, so double runs show."""

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def record_run(directory: str, number: int) -> int:
    with (Path(directory) / f"{number}.txt").open("a") as handle:
        handle.write(f"{os.getpid()}\n")
    time.sleep(0.05)  # long enough for the other worker to try to take the same job
    return number
