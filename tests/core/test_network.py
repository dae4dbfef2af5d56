"""The client address that rate limits and lockouts count by."""

import pytest
from django.test import RequestFactory

from teilhabe.core.network import client_ip


@pytest.mark.parametrize(
    ("case", "header_setting", "meta", "expected"),
    [
        ("no proxy configured", "", {"REMOTE_ADDR": "198.51.100.7", "HTTP_X_REAL_IP": "203.0.113.9"}, "198.51.100.7"),
        ("proxy header", "HTTP_X_REAL_IP", {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_REAL_IP": "203.0.113.9"}, "203.0.113.9"),
        (
            "forwarded-for: the proxy's own entry is the last",
            "HTTP_X_FORWARDED_FOR",
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"},
            "203.0.113.9",
        ),
        ("header missing", "HTTP_X_REAL_IP", {"REMOTE_ADDR": "10.0.0.2"}, "10.0.0.2"),
    ],
)
def test_client_ip(settings, case, header_setting, meta, expected):
    settings.TEILHABE_CLIENT_IP_HEADER = header_setting
    request = RequestFactory().get("/", **meta)
    request.META.update(meta)
    assert client_ip(request) == expected
