"""The OpenAPI schema: closed response schemas, and every read endpoint conforms under schemathesis."""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from teilhabe.wsgi import application

SCHEMA_URL = "/api/schema/?format=json"


def _object_schemas(node, where="#"):
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            yield where, node
        for key, value in node.items():
            yield from _object_schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _object_schemas(value, f"{where}/{index}")


def test_every_object_schema_is_closed(api_client, db):
    schema = api_client.get(SCHEMA_URL).json()
    objects = list(_object_schemas(schema))
    assert len(objects) > 20
    assert [where for where, node in objects if node.get("additionalProperties") is not False] == []


def test_schema_lists_every_v1_endpoint_once(api_client, db):
    paths = set(api_client.get(SCHEMA_URL).json()["paths"])
    assert {
        "/api/v1/",
        "/api/v1/observations/",
        "/api/v1/observations/{id}/",
        "/api/v1/observations/upload/",
        "/api/v1/corrections/",
        "/api/v1/downloads/datapackage.zip",
        "/api/v1/indicators/{code}/opensdg.csv",
    } <= paths
    assert not [path for path in paths if "{format}" in path]


def test_docs_page_is_self_hosted_without_inline_script(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts, "the docs page loads its viewer"
    assert all("src=" in attributes and not body.strip() for attributes, body in scripts), scripts
    # everything it loads comes from this host; its one link out of the API is the way back to the portal
    assert all(
        url.startswith("/static/")
        for url in re.findall(r'(?:src|href)="([^"]+)"', html)
        if not url.startswith("/api/") and url != "/offene-daten/"
    ), html
    assert '<a href="/offene-daten/">Zurück zur Seite „Offene Daten“</a>' in html
    assert "'unsafe-inline'" not in response.get("Content-Security-Policy", "")


OPERATION_EXAMPLES = 15  # per operation: a small, explicit budget


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes database connections after each request, which would end the test's
    transaction; Django's test client disconnects that handler the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_conforms_to_its_schema(dataset, settings, keep_test_connection):
    """For every operation: no server error, and every response matches its documented (closed) schema.

    Operations are run one after another inside this test (the schemathesis pytest plugin's fixture
    mode does not run under this pytest), each with its own Hypothesis budget.
    """
    settings.TEILHABE_RATE_API = "100000/m"
    api = schemathesis.openapi.from_wsgi(SCHEMA_URL, application)
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=OPERATION_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,  # the same examples on every run: a failure in CI reproduces locally
            database=None,
        )
        def conforms(case):
            case.call_and_validate(checks=checks)

        conforms()
