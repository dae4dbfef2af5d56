"""The one rate-limit mechanism: django-ratelimit counters in the shared cache.

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
