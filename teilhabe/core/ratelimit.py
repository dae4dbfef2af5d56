"""The one rate-limit mechanism: django-ratelimit counters in the counter store.

The counts live in the cache alias "counters" (settings.RATELIMIT_USE_CACHE; teilhabe.core.counters):
Redis (SET NX + INCRBY) or a database table raised by one atomic UPDATE, never culled, so that neither
parallel requests nor a flood of cached pages let more requests through than the rate allows.

Views use `limit_public_form`; the API's throttle (teilhabe.api.throttling) calls the same
`is_ratelimited`, so all counters live in one place and count across app servers.
"""

from django.conf import settings
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

__all__ = ["is_ratelimited", "limit_public_form"]


def limit_public_form(group: str, rate: str | None = None):
    """Decorator for public form views: POSTs per client address, blocked with 429 when exceeded."""
    return ratelimit(group=group, key="ip", rate=rate or settings.TEILHABE_RATE_PUBLIC_FORM, method="POST",
                     block=True)
