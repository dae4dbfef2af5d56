"""Site-wide views: rate-limit and error pages, health check."""

import logging
import uuid

from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "core/rate_limited.html", status=429)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Whether this app server reaches its database and its cache: 200 when both do, else 503.

    Says nothing about data or people; meant for load balancers and monitoring.
    """
    checks = {"database": _check_database(), "cache": _check_cache()}
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


def _check_database() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database is not reachable")
        return "unavailable"
    return "ok"


def _check_cache() -> str:
    key = f"teilhabe:healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=10)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception:
        logger.exception("Health check: the cache is not reachable")
        return "unavailable"
    return "ok" if ok else "unavailable"
