"""The API rate limit: counted per client in the shared cache, 429 with Retry-After when exceeded."""

from django.conf import settings as django_settings

from teilhabe.api.throttling import ApiRateThrottle


def test_requests_beyond_the_rate_get_429(api_client, dataset, settings):
    settings.TEILHABE_RATE_API = "3/m"
    statuses = [api_client.get("/api/v1/editions/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api_client.get("/api/v1/editions/")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"


def test_clients_are_counted_apart(api_client, dataset, settings):
    settings.TEILHABE_RATE_API = "1/m"
    assert api_client.get("/api/v1/editions/", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert api_client.get("/api/v1/editions/", REMOTE_ADDR="10.0.0.2").status_code == 200
    assert api_client.get("/api/v1/editions/", REMOTE_ADDR="10.0.0.1").status_code == 429


def test_the_throttle_is_the_default_for_every_api_view():
    assert django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == ["teilhabe.api.throttling.ApiRateThrottle"]
    throttle = ApiRateThrottle()
    throttle.rate = "600/5m"
    assert throttle.wait() == 300.0
