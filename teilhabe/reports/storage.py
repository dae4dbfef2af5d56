"""Built documents on disk under MEDIA_ROOT/reports/, keyed by edition, language and data version.

A new data version (any write to public data bumps it) gives new file names, so a document is never
served from older data; a marker file says a build is under way, so concurrent requests enqueue one job.
"""

from __future__ import annotations

import os
import time
from enum import StrEnum
from pathlib import Path

from django.conf import settings

from teilhabe.core.cache import get_data_version

# A build that has not finished after this long is taken as failed and may be started again.
PENDING_SECONDS = 15 * 60


class ReportKind(StrEnum):
    CONCEPT_PDF = "concept.pdf"
    ANNUAL_REPORT_PDF = "annual-report.pdf"
    ANNUAL_REPORT_XLSX = "annual-report.xlsx"


def current_data_version() -> str:
    return get_data_version().token


def report_path(kind: ReportKind, *, edition_code: str, language: str, data_version: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "reports" / edition_code / f"{language}-{data_version}-{kind.value}"


def _pending_path(path: Path) -> Path:
    return path.with_name(path.name + ".pending")


def claim_build(path: Path) -> bool:
    """Mark a build of `path` as started; False when another build of it is already under way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    marker = _pending_path(path)
    try:
        if time.time() - marker.stat().st_mtime > PENDING_SECONDS:
            marker.unlink(missing_ok=True)
    except FileNotFoundError:
        pass
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def release_build(path: Path) -> None:
    _pending_path(path).unlink(missing_ok=True)


def store(path: Path, content: bytes) -> None:
    """Write atomically (a reader never sees half a file) and remove older versions of the same document."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(content)
    os.replace(partial, path)
    language, _version, kind = path.name.split("-", 2)
    for older in path.parent.glob(f"{language}-*-{kind}"):
        if older != path:
            older.unlink(missing_ok=True)
