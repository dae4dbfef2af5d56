"""The one rate-limit mechanism: django-ratelimit counters in the counter store.

The counts live in the cache alias "counters" (settings.RATELIMIT_USE_CACHE; teilhabe.core.counters):
Redis (SET NX + INCRBY) or a database table raised by one atomic UPDATE, never culled, so that neither
parallel requests nor a flood of cached pages let more requests through than the rate allows.

Views use `limit_public_form` (form posts) and `limit_export` (whole-data downloads); the API's throttles (teilhabe.api.throttling) calls the same
`is_ratelimited`, so all counters live in one place and count across app servers.
"""

import re
from functools import wraps

from django.conf import settings
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from .views import rate_limited

__all__ = ["EXPORT_GROUP", "is_ratelimited", "limit_export", "limit_public_form", "rate_period_seconds"]

# Every whole-data download counts against one budget per address (settings.TEILHABE_RATE_EXPORTS).
EXPORT_GROUP = "exports"
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])")
_SECONDS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}


def limit_public_form(group: str, rate: str | None = None):
    """Decorator for public form views: POSTs per client address, blocked with 429 when exceeded."""
    return ratelimit(group=group, key="ip", rate=rate or settings.TEILHABE_RATE_PUBLIC_FORM, method="POST", block=True)


def rate_period_seconds(rate: str) -> int:
    """The window of a rate in seconds ("30/h": 3600, "5/10m": 600): when a blocked client may try again at the
    latest, so it is what a 429 sends as Retry-After."""
    match = _RATE.match(rate)
    if match is None:
        raise ValueError(f"{rate!r} is not a rate like '30/h'.")
    _count, multiplier, unit = match.groups()
    return int(multiplier or 1) * _SECONDS[unit]


def limit_export(view):
    """Decorator for whole-data downloads: every request per client address counts (settings.TEILHABE_RATE_EXPORTS,
    shared with the API's CSV and open-data downloads); past the rate, 429 with Retry-After."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        rate = settings.TEILHABE_RATE_EXPORTS
        if is_ratelimited(request, group=EXPORT_GROUP, key="ip", rate=rate, increment=True):
            response = rate_limited(request, None)
            response["Retry-After"] = str(rate_period_seconds(rate))
            return response
        return view(request, *args, **kwargs)

    return wrapper
