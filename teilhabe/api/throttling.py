"""The API's rate limit, counted by teilhabe.core.ratelimit (the one mechanism, in the shared cache)."""

from __future__ import annotations

import re

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from teilhabe.core.ratelimit import EXPORT_GROUP, is_ratelimited, rate_period_seconds

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


class ExportRateThrottle(BaseThrottle):
    """settings.TEILHABE_RATE_EXPORTS per client address, for whole-data downloads (data.xlsx, the data package);
    the same budget as the documentation downloads (teilhabe.core.ratelimit.limit_export)."""

    def applies_to(self, request) -> bool:
        return True

    def allow_request(self, request, view) -> bool:
        if not self.applies_to(request):
            return True
        self.rate = settings.TEILHABE_RATE_EXPORTS
        return not is_ratelimited(request._request, group=EXPORT_GROUP, key="ip", rate=self.rate, increment=True)

    def wait(self) -> float | None:
        return float(rate_period_seconds(self.rate))


class CsvExportRateThrottle(ExportRateThrottle):
    """The export budget for reads rendered as CSV (`?format=csv`, `.csv`); JSON reads count against the API rate
    only. DRF negotiates the format before it runs the throttles."""

    def applies_to(self, request) -> bool:
        renderer = getattr(request, "accepted_renderer", None)
        return renderer is not None and renderer.format == "csv"
