"""The health check: database and cache reachable, JSON, 503 when one is down, nothing personal."""

import pytest
from django.db import connections

from teilhabe.core import views


def test_healthy_server_answers_200_with_both_checks(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_unreachable_database_gives_503(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OSError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connections["default"], "cursor", broken_cursor)
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["checks"]["database"]) == ("unavailable", "unavailable")
    # (without Redis the cache lives in the database and is down with it)


def test_unreachable_cache_gives_503(client, db, monkeypatch):
    def broken_set(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(views.cache, "set", broken_set)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "unavailable"}


def test_health_check_is_not_rate_limited(client, db, settings):
    settings.TEILHABE_RATE_PUBLIC_FORM = "1/h"
    settings.TEILHABE_RATE_API = "1/h"
    assert {client.get("/healthz").status_code for _ in range(5)} == {200}


def test_health_check_has_no_language_prefix(client, db):
    assert client.get("/en/healthz").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_health_check_only_answers_reads(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405


def test_health_check_stays_on_http_behind_secure_settings(client, db, settings):
    """With DJANGO_SECURE every page redirects to https, except the load balancer's probe."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/konto/anmelden/").status_code == 301
