"""The API's rate limit, counted by teilhabe.core.ratelimit (the one mechanism, in the shared cache)."""

from __future__ import annotations

import re

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from teilhabe.core.ratelimit import is_ratelimited

GROUP = "api"
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])")
_SECONDS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}


class ApiRateThrottle(BaseThrottle):
    """settings.TEILHABE_RATE_API per client: the user for token or session clients, else the address."""

    def allow_request(self, request, view) -> bool:
        # DRF has authenticated the request by now and set request.user on the Django request too,
        # which the "user_or_ip" key reads.
        self.rate = settings.TEILHABE_RATE_API
        return not is_ratelimited(request._request, group=GROUP, key="user_or_ip", rate=self.rate, increment=True)

    def wait(self) -> float | None:
        """An upper bound: the counter resets at the latest after one period of the rate."""
        match = _RATE.match(self.rate)
        if match is None:
            return None
        _count, multiplier, unit = match.groups()
        return float(int(multiplier or 1) * _SECONDS[unit])
