"""Uploaded import files kept on the server between the admin's preview and its confirmation.

Each upload gets a random token naming a private directory under settings.TEILHABE_IMPORT_DIR
(never under MEDIA_ROOT, never in the session cookie). The directory holds the files and a
manifest with their SHA-256 digests, the uploading user and the counts the preview showed, so
that confirming applies exactly what was previewed and is refused if a file changed.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.text import get_valid_filename

MANIFEST = "manifest.json"
MAX_AGE_SECONDS = 6 * 60 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class UploadExpired(Exception):
    """The token is unknown, expired, belongs to someone else, or its files changed."""


@dataclass
class StoredUpload:
    token: str
    directory: Path
    files: dict[str, str]  # stored name -> original name
    digest: str
    user_id: int
    options: dict
    counts: dict | None = None

    @property
    def paths(self) -> list[Path]:
        return [self.directory / name for name in sorted(self.files)]

    @property
    def labels(self) -> dict[Path, str]:
        return {self.directory / name: original for name, original in self.files.items()}


def _root() -> Path:
    root = Path(settings.TEILHABE_IMPORT_DIR)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def store(files, *, user_id: int, options: dict) -> StoredUpload:
    """Save uploaded files (Django UploadedFile objects) under a new token."""
    discard_expired()
    token = secrets.token_urlsafe(24)
    directory = _root() / token
    directory.mkdir(mode=0o700)
    names: dict[str, str] = {}
    for index, upload in enumerate(files):
        original = Path(upload.name).name
        stored = f"{index:02d}-{get_valid_filename(original)}"
        with open(directory / stored, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        names[stored] = original
    upload = StoredUpload(token, directory, names, "", user_id, options)
    upload.digest = _digest(upload)
    _write_manifest(upload)
    return upload


def load(token: str, *, user_id: int) -> StoredUpload:
    """The upload under this token, checked: same user, not expired, files unchanged since the preview."""
    if not _TOKEN.match(token or ""):
        raise UploadExpired
    directory = _root() / token
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError):
        raise UploadExpired from None
    if manifest["user_id"] != user_id or time.time() - manifest["created"] > MAX_AGE_SECONDS:
        raise UploadExpired
    upload = StoredUpload(
        token,
        directory,
        manifest["files"],
        manifest["digest"],
        manifest["user_id"],
        manifest["options"],
        manifest.get("counts"),
    )
    if _digest(upload) != upload.digest:
        raise UploadExpired
    return upload


def remember_counts(upload: StoredUpload, counts: dict) -> None:
    upload.counts = counts
    _write_manifest(upload)


def discard(upload: StoredUpload) -> None:
    shutil.rmtree(upload.directory, ignore_errors=True)


def discard_expired() -> None:
    root = _root()
    now = time.time()
    for directory in root.iterdir():
        if directory.is_dir() and now - directory.stat().st_mtime > MAX_AGE_SECONDS:
            shutil.rmtree(directory, ignore_errors=True)


def _digest(upload: StoredUpload) -> str:
    digest = hashlib.sha256()
    for name in sorted(upload.files):
        digest.update(name.encode())
        try:
            with open(upload.directory / name, "rb") as handle:
                for block in iter(lambda handle=handle: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            raise UploadExpired from None
    return digest.hexdigest()


def _write_manifest(upload: StoredUpload) -> None:
    manifest = {
        "files": upload.files,
        "digest": upload.digest,
        "user_id": upload.user_id,
        "options": upload.options,
        "counts": upload.counts,
        "created": time.time(),
    }
    (upload.directory / MANIFEST).write_text(json.dumps(manifest))
