"""Public downloads built once per data version: the bytes are kept in the page cache, not rebuilt per request.

A whole-data export (the documentation CSV/XLSX) costs about a second of CPU; a repeated download answers
from the cache until the next write bumps the data version (teilhabe.core.cache). The key names the download
and every parameter the view reads (the language included); the entry carries the version token it was built
under, so a bump makes it unusable at once and the next build overwrites it in place instead of piling up.
The page cache may evict entries as it likes: a miss only means one more build. How often one address may
ask at all is limited separately (teilhabe.core.ratelimit.limit_export).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping

from django.core.cache import cache

from .cache import PAGE_TIMEOUT_SECONDS, get_data_version

# Larger files are built every time rather than crowding out the pages in the shared cache.
MAX_CACHED_BYTES = 32 * 1024 * 1024


def download_key(name: str, params: Mapping[str, str]) -> str:
    """The page-cache key of one download: its name and the parameters it was built from, in a stable order."""
    spelled = "\n".join([name, *(f"{key}={params[key]}" for key in sorted(params))])
    return "teilhabe:download:" + hashlib.sha256(spelled.encode()).hexdigest()[:40]


def cached_download(name: str, build: Callable[[], bytes], *, params: Mapping[str, str]) -> bytes:
    """The download's bytes: from the page cache if built under the current data version, else `build()`."""
    key = download_key(name, params)
    # Read the version before building: a write during the build leaves an entry under the old token,
    # which the next request ignores.
    version = get_data_version()
    entry = cache.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == version.token:
        return entry[1]
    content = build()
    if len(content) <= MAX_CACHED_BYTES:
        cache.set(key, (version.token, content), timeout=PAGE_TIMEOUT_SECONDS)
    return content
