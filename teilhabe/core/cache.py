"""The data version stamp and the public page cache built on it.

Every write to public data (imports, services, admin saves) calls `bump_data_version()`;
cached pages and API responses carry the stamp in their keys, so the next request after
a write renders fresh. The stamp lives in the shared cache (database or Redis), which
every app server sees; a per-process cache (LocMemCache) would break invalidation.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

DATA_VERSION_KEY = "teilhabe:data-version"
# Pages are re-rendered at the latest after this long, so an edit that forgot to bump
# the version (a raw SQL fix, a site-profile change) still shows up.
PAGE_TIMEOUT_SECONDS = 15 * 60


@dataclass(frozen=True)
class DataVersion:
    """A random token that changes with every write, and when that write happened."""

    token: str
    changed_at: float

    @property
    def last_modified(self) -> str:
        return http_date(self.changed_at)


def _new_version() -> DataVersion:
    # Whole seconds: Last-Modified has one-second resolution, and a client that sends
    # back If-Modified-Since must compare equal, not earlier.
    return DataVersion(token=uuid.uuid4().hex[:16], changed_at=float(int(time.time())))


def _as_version(value: object) -> DataVersion | None:
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return DataVersion(token=str(value[0]), changed_at=float(value[1]))
    return None


def get_data_version() -> DataVersion:
    """The current stamp; created on first use (or after the cache was cleared)."""
    version = _as_version(cache.get(DATA_VERSION_KEY))
    if version is not None:
        return version
    fresh = _new_version()
    cache.add(DATA_VERSION_KEY, (fresh.token, fresh.changed_at), timeout=None)
    return _as_version(cache.get(DATA_VERSION_KEY)) or fresh


def bump_data_version() -> DataVersion:
    """Mark all public data as changed: every cached page, chart key and API response renews."""
    fresh = _new_version()
    cache.set(DATA_VERSION_KEY, (fresh.token, fresh.changed_at), timeout=None)
    return fresh


def get_data_version_and(key: str) -> tuple[DataVersion, object]:
    """The current stamp and the value cached under `key`, in one cache round trip (the API's response cache)."""
    found = cache.get_many([DATA_VERSION_KEY, key])
    return _as_version(found.get(DATA_VERSION_KEY)) or get_data_version(), found.get(key)


def versioned_key(*parts: object) -> str:
    """A cache key that changes whenever the data version does."""
    return ":".join(["teilhabe", get_data_version().token, *(str(part) for part in parts)])


def _page_key(request: HttpRequest) -> str:
    # The path fixes the language (German unprefixed, /en/... English), so it is the whole key.
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"teilhabe:page:{digest}"


def _is_cacheable_request(request: HttpRequest) -> bool:
    # A session cookie means a signed-in person or pending messages: render for them.
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _is_cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # get_token() was called: the page holds a CSRF token bound to this visitor.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Cache-Control")
    )


def _conditional_headers(response: HttpResponse, version: DataVersion, key: str) -> HttpResponse:
    response["ETag"] = '"' + hashlib.sha256(f"{version.token}:{key}".encode()).hexdigest()[:32] + '"'
    response["Last-Modified"] = version.last_modified
    return response


def _lookup(request: HttpRequest) -> tuple[DataVersion, str, object]:
    """The current data version, the page's key and its cache entry: one cache round trip."""
    key = _page_key(request)
    found = cache.get_many([DATA_VERSION_KEY, key])
    version = _as_version(found.get(DATA_VERSION_KEY)) or get_data_version()
    entry = found.get(key)
    if isinstance(entry, tuple) and len(entry) == 3 and entry[0] == version.token:
        return version, key, entry
    return version, key, None


# Headers that belong to one response only; everything else (CSP, Vary, ETag, ...) is replayed.
_UNREPLAYED = {"set-cookie", "content-length", "date"}


def cache_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve an anonymous GET of a public page from the cache while the data version holds.

    With PublicPageCacheMiddleware installed, the middleware answers cache hits before the
    rest of the middleware runs and stores what this decorator marks; without it, the
    decorator caches by itself. Either way one cache round trip per hit, and the response
    carries an ETag and Last-Modified from the stamp so clients revalidate (304).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _is_cacheable_request(request):
            return view(request, *args, **kwargs)
        by_middleware = getattr(request, "_teilhabe_page_cache", None)
        if by_middleware is not None:
            version, key = by_middleware
        else:
            version, key, entry = _lookup(request)
            if entry is not None:
                _, content, headers = entry
                return _replay(content, headers)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
            response.render()
        if response.status_code == 200 and not response.streaming:
            _conditional_headers(response, version, key)
            response.teilhabe_cache_public = True
            if by_middleware is None and _is_cacheable_response(request, response):
                cache.set(key, (version.token, response.content, dict(response.items())), timeout=PAGE_TIMEOUT_SECONDS)
        return response

    wrapper.is_cached_public_page = True  # read by the middleware; functools.wraps passes it outward
    return wrapper


def _is_public_page(request: HttpRequest) -> bool:
    """Whether the path resolves to a view decorated with cache_public_page (no cache access otherwise)."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
    return getattr(match.func, "is_cached_public_page", False)


def _replay(content: bytes, headers: dict) -> HttpResponse:
    response = HttpResponse(content)
    for name, value in headers.items():
        if name.lower() not in _UNREPLAYED:
            response[name] = value
    return response


class PublicPageCacheMiddleware:
    """Answer anonymous GETs of cached public pages before sessions, CSRF, auth and the rest run.

    Place it right after WhiteNoiseMiddleware. Only responses of views decorated with
    `cache_public_page` are stored, with the headers the inner middleware added (CSP, Vary,
    Content-Language, ...), so a hit is the same response at a fraction of the cost.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Other apps' pages cost no cache access at all.
        if not (_is_cacheable_request(request) and _is_public_page(request)):
            return self.get_response(request)
        version, key, entry = _lookup(request)
        if entry is not None:
            _, content, headers = entry
            response = _replay(content, headers)
            return get_conditional_response(
                request, etag=response.get("ETag"), last_modified=int(version.changed_at), response=response
            )
        request._teilhabe_page_cache = (version, key)
        response = self.get_response(request)
        if getattr(response, "teilhabe_cache_public", False) and _is_cacheable_response(request, response):
            cache.set(key, (version.token, response.content, dict(response.items())), timeout=PAGE_TIMEOUT_SECONDS)
        return response
