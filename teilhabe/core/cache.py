"""The data version stamp and the public page cache built on it.

Every write to public data (imports, services, admin saves) calls `bump_data_version()`;
cached pages and API responses carry the stamp in their keys, so the next request after
a write renders fresh. The stamp lives in the counter store (teilhabe.core.counters: Redis
or a database table), which every app server sees and which the page cache's culling
cannot reach; a per-process cache (LocMemCache) would break invalidation.

A cached page's key is its validated host, its path and only the query parameters its view
declares (`cache_public_page(params=...)`), each in one canonical spelling. A GET with any
other parameter, or a non-canonical spelling, is redirected to the canonical URL, so made-up
parameters cannot grow the cache; the cache itself is bounded (settings.CACHES).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, urlencode

from .counters import counters

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
    store = counters()
    version = _as_version(store.get(DATA_VERSION_KEY))
    if version is not None:
        return version
    fresh = _new_version()
    store.add(DATA_VERSION_KEY, (fresh.token, fresh.changed_at), timeout=None)
    return _as_version(store.get(DATA_VERSION_KEY)) or fresh


def bump_data_version() -> DataVersion:
    """Mark all public data as changed: every cached page, chart key and API response renews."""
    fresh = _new_version()
    counters().set(DATA_VERSION_KEY, (fresh.token, fresh.changed_at), timeout=None)
    return fresh


def get_data_version_and(key: str) -> tuple[DataVersion, object]:
    """The current stamp (counter store) and the value cached under `key` (the API's response cache)."""
    return get_data_version(), cache.get(key)


def versioned_key(*parts: object) -> str:
    """A cache key that changes whenever the data version does."""
    return ":".join(["teilhabe", get_data_version().token, *(str(part) for part in parts)])


# A view's declared query parameters: name -> function giving the canonical spelling of a value,
# or None when the value is not one the view uses (then the parameter is dropped).
Normaliser = Callable[[str], "str | None"]


def any_value(value: str) -> str | None:
    """Any non-empty value, as sent (for parameters whose every value gives a different page)."""
    return value or None


def page_number(value: str) -> str | None:
    """A page number from 2 on, without leading zeros; page 1 is the page without the parameter."""
    if not value.isascii() or not value.isdigit() or len(value) > 6:
        return None
    number = int(value)
    return str(number) if number > 1 else None


def _as_params(params: Mapping[str, Normaliser] | tuple[str, ...] | None) -> dict[str, Normaliser]:
    if params is None:
        return {}
    if isinstance(params, Mapping):
        return dict(params)
    return {name: (page_number if name == "page" else any_value) for name in params}


def canonical_query(request: HttpRequest, params: Mapping[str, Normaliser]) -> str:
    """The query string of the canonical URL: declared parameters only, in declared order, last value wins."""
    pairs = []
    for name, normalise in params.items():
        values = request.GET.getlist(name)
        value = normalise(values[-1]) if values else None
        if value is not None:
            pairs.append((name, value))
    return urlencode(pairs)


def _canonical_redirect(request: HttpRequest, params: Mapping[str, Normaliser]) -> HttpResponse | None:
    """A permanent redirect to the canonical URL when the query string is not canonical, else None."""
    if request.method not in ("GET", "HEAD"):
        return None
    query = canonical_query(request, params)
    if request.META.get("QUERY_STRING", "") == query:
        return None
    return HttpResponsePermanentRedirect(request.path + (f"?{query}" if query else ""))


def _page_key(request: HttpRequest) -> str:
    # The validated host (a foreign Host header raises DisallowedHost, answered 400, before any cache access)
    # and the path, which fixes the language (German unprefixed, /en/... English). The query string is
    # canonical by now (see _canonical_redirect).
    full = f"{request.get_host()}{request.path}?{request.META.get('QUERY_STRING', '')}"
    digest = hashlib.sha256(full.encode()).hexdigest()[:32]
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
    """The current data version (counter store), the page's key and its cache entry (page cache)."""
    key = _page_key(request)
    version = get_data_version()
    entry = cache.get(key)
    if isinstance(entry, tuple) and len(entry) == 3 and entry[0] == version.token:
        return version, key, entry
    return version, key, None


# Headers that belong to one response only; everything else (CSP, Vary, ETag, ...) is replayed.
_UNREPLAYED = {"set-cookie", "content-length", "date"}


def cache_public_page(
    view: Callable[..., HttpResponse] | None = None,
    *,
    params: Mapping[str, Normaliser] | tuple[str, ...] | None = None,
):
    """Serve an anonymous GET of a public page from the cache while the data version holds.

    `params` names the query parameters the view reads (a tuple of names, or a mapping of name to
    normaliser: `page_number`, `any_value` or the view's own); a GET with any other parameter or
    spelling is redirected (301) to the canonical URL, so the cache holds one entry per page a
    visitor can actually get. Use bare (`@cache_public_page`) for pages that read no parameter.

    With PublicPageCacheMiddleware installed, the middleware answers cache hits before the
    rest of the middleware runs and stores what this decorator marks; without it, the
    decorator caches by itself. Either way one cache round trip per hit, and the response
    carries an ETag and Last-Modified from the stamp so clients revalidate (304).
    """
    declared = _as_params(params)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            redirect = _canonical_redirect(request, declared)
            if redirect is not None:
                return redirect
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
                    cache.set(
                        key, (version.token, response.content, dict(response.items())), timeout=PAGE_TIMEOUT_SECONDS
                    )
            return response

        wrapper.is_cached_public_page = True  # read by the middleware; functools.wraps passes it outward
        wrapper.cached_page_params = declared
        return wrapper

    return decorate(view) if view is not None else decorate


def _public_page_params(request: HttpRequest) -> Mapping[str, Normaliser] | None:
    """The declared parameters of the view the path resolves to, if it is a cached public page, else None."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
    if not getattr(match.func, "is_cached_public_page", False):
        return None
    return getattr(match.func, "cached_page_params", {})


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
        if not _is_cacheable_request(request):
            return self.get_response(request)
        params = _public_page_params(request)
        if params is None:
            return self.get_response(request)
        request.get_host()  # a Host outside ALLOWED_HOSTS: DisallowedHost (400) before any cache access
        redirect = _canonical_redirect(request, params)
        if redirect is not None:
            return redirect
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
