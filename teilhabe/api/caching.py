"""The public read API's response cache: rendered JSON and CSV kept per data version, with validators.

A response is stored under a key made of the request's address (scheme, host, path, and the query
string with its parameters in a stable order), the negotiated renderer and media type, the response
language and the local date; the entry holds the data-version token it was rendered under, so a bump
of the version (teilhabe.core.cache) makes every entry unusable at once. The token sits in the entry
rather than in the key so that, after a bump, entries are overwritten in place instead of piling up
until they expire: with the database cache a full table culls rate-limit counters and idempotency
records along with them.

The ETag hashes the token and the key, so an If-None-Match is answered with 304 before any query
runs. Last-Modified is when the data version was bumped, or today's local midnight if that is later:
observations become public on their release date without any write, which is also why the date is
part of the key.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from teilhabe.core.cache import DataVersion, get_data_version_and

VARY = ("Accept", "Accept-Language")
# Larger responses are rendered every time rather than crowding the shared cache (a full page of
# observations is far below this).
MAX_ENTRY_BYTES = 4 * 1024 * 1024
# Headers that belong to one response only; everything else (Content-Type, Vary, ETag, ...) is replayed.
_UNREPLAYED = {"set-cookie", "content-length", "date"}


@dataclass(frozen=True)
class CachedRead:
    """What the cache knows about one public read: the data version, the key and the stored response."""

    version: DataVersion
    key: str
    day: datetime.date
    entry: tuple[bytes, dict[str, str]] | None

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(f"{self.version.token}:{self.key}".encode()).hexdigest()[:32] + '"'

    @property
    def last_modified(self) -> int:
        return last_modified(changed_at=self.version.changed_at, day=self.day)

    def validators(self) -> dict[str, str]:
        """The headers a public read carries, whether rendered, replayed or answered with 304."""
        return {
            "ETag": self.etag,
            "Last-Modified": http_date(self.last_modified),
            "Cache-Control": f"public, max-age={settings.TEILHABE_API_MAX_AGE_SECONDS}",
        }


def last_modified(*, changed_at: float, day: datetime.date) -> int:
    """When a public read last changed: the data version's bump, or the start of `day` if later."""
    midnight = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return max(int(changed_at), int(midnight.timestamp()))


def cache_key(request: HttpRequest, *, renderer_format: str, media_type: str, language: str, day: datetime.date) -> str:
    """The key of one public read; equal for requests that must get the same bytes."""
    # Sorted by name only: the relative order of a repeated parameter's values is kept, since the
    # view reads the last one.
    query = urlencode([(name, value) for name in sorted(request.GET) for value in request.GET.getlist(name)])
    parts = [
        request.scheme,  # absolute links in the response (page_url, next) carry scheme and host
        request.get_host(),
        request.path,
        query,
        renderer_format,
        media_type,  # `application/json; indent=4` renders differently
        language,
        day.isoformat(),
    ]
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"teilhabe:api:{digest}"


def look_up(request, *, language: str) -> CachedRead:
    """The cache's state for a GET of a public read: one cache round trip, no database query of its own
    (beyond the cache's, with the database cache). Call after content negotiation."""
    day = timezone.localdate()
    key = cache_key(
        request._request,
        renderer_format=request.accepted_renderer.format,
        media_type=request.accepted_media_type or "",
        language=language,
        day=day,
    )
    version, found = get_data_version_and(key)
    entry = None
    if isinstance(found, tuple) and len(found) == 3 and found[0] == version.token:
        entry = (found[1], found[2])
    return CachedRead(version=version, key=key, day=day, entry=entry)


def answer_from_cache(request: HttpRequest, cached: CachedRead) -> HttpResponse | None:
    """304 (or 412) for a conditional request, else the stored response; None when the view must render.

    Without a stored response only an If-None-Match is answered: the ETag needs no rendering, but
    whether the resource exists (If-None-Match: *) or when it changed (If-Modified-Since) does.
    """
    if cached.entry is None:
        tags = request.META.get("HTTP_IF_NONE_MATCH", "").strip()
        if not tags or tags == "*":
            return None
        probe = _with_headers(HttpResponse(), cached.validators())
        answer = get_conditional_response(request, etag=cached.etag, response=probe)
        return None if answer is probe else answer
    content, headers = cached.entry
    stored = HttpResponse(content)
    for name, value in headers.items():
        stored[name] = value
    return get_conditional_response(request, etag=cached.etag, last_modified=cached.last_modified, response=stored)


def store(request: HttpRequest, cached: CachedRead, response: HttpResponse) -> HttpResponse:
    """Give a freshly rendered 200 its validators, keep it for the next request, answer conditionals."""
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    _with_headers(response, cached.validators())
    patch_vary_headers(response, VARY)
    timeout = settings.TEILHABE_API_CACHE_SECONDS
    if request.method == "GET" and timeout > 0 and not response.cookies and len(response.content) <= MAX_ENTRY_BYTES:
        headers = {name: value for name, value in response.items() if name.lower() not in _UNREPLAYED}
        cache.set(cached.key, (cached.version.token, response.content, headers), timeout=timeout)
    return get_conditional_response(request, etag=cached.etag, last_modified=cached.last_modified, response=response)


def _with_headers(response: HttpResponse, headers: dict[str, str]) -> HttpResponse:
    for name, value in headers.items():
        response[name] = value
    patch_vary_headers(response, VARY)
    return response
