"""Issue 11, finding 15: API refusals name the field but never repeat what the client sent.

The attack: send a marker in every field of every write endpoint (and in every query parameter of every
read endpoint) and look for it in the answer. Before the fix, DRF's '"x" is not a valid choice.' and the
importer's "unknown indicator 'x'" sent it straight back.
"""

import io
import json

import pytest
from django.urls import URLPattern, reverse
from rest_framework.authtoken.models import Token

from teilhabe.accounts.models import Role
from teilhabe.api.v1 import urls as v1_urls
from teilhabe.api.v1.observation_upload import ObservationRowInput
from teilhabe.monitoring.models import Observation
from tests.accounts.factories import UserFactory

MARKER = "<script>zz-echo-marker-42</script>"
SHORT_MARKER = "<i>zz-42</i>"  # for fields that allow 20 characters
WRITE_METHODS = ("post", "put", "patch", "delete")


def _api_views():
    """(route name, view class) of every DRF endpoint of API v1, from the URL configuration itself."""
    for pattern in v1_urls.urlpatterns:
        if isinstance(pattern, URLPattern) and getattr(pattern.callback, "cls", None) is not None:
            yield pattern.name, pattern.callback.cls


def write_endpoints() -> set[str]:
    return {name for name, view in _api_views() if any(hasattr(view, method) for method in WRITE_METHODS)}


def read_parameters() -> list[tuple[str, str]]:
    """(route name, query parameter) for every parameter of every read endpoint without path arguments."""
    found = set()
    for pattern in v1_urls.urlpatterns:
        view = getattr(pattern.callback, "cls", None)
        if view is None or pattern.pattern.regex.groups or "format" in str(pattern.pattern):
            continue
        parameters_class = getattr(view, "parameters_class", None)
        if parameters_class is not None:
            found |= {(pattern.name, name) for name in parameters_class().fields}
    return sorted(found)


@pytest.fixture
def uploader(api_client, dataset):
    user = UserFactory(authority=dataset.edition.indicator_versions.get().authority, roles=[Role.AUTHORITY_STAFF])
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api_client


def _every_field(overrides=None):
    row = {name: MARKER for name in ObservationRowInput().fields}
    row.update(overrides or {})
    return row


# What each write endpoint is sent: (label, request keyword arguments, fields the answer must name or None).
UPLOAD_ATTACKS = [
    ("marker in every field", {"data": [_every_field()], "format": "json"}, {"value", "status", "released_on"}),
    (
        "marker in every text field, numbers valid",
        {
            "data": [
                _every_field(
                    {
                        "value": 1.0,
                        "numerator": 1,
                        "denominator": 2,
                        "standard_error": 0.1,
                        "sample_size": 2,
                        "progress_value": 0.5,
                        "status": "final",
                        "released_on": "2024-01-02",
                        "period": SHORT_MARKER,
                        "breakdown_key": "",
                    }
                )
            ],
            "format": "json",
        },
        {"indicator"},
    ),
    ("marker as an unknown field", {"data": [{**_every_field(), MARKER: MARKER}], "format": "json"}, {"unknown_field"}),
    ("an object instead of a list", {"data": {MARKER: MARKER}, "format": "json"}, None),
    ("a list of texts", {"data": [MARKER, MARKER], "format": "json"}, None),
    (
        "broken JSON",
        {"data": '[{"indicator": "' + MARKER + '", ', "content_type": "application/json"},
        None,
    ),
    # The file is made afresh for each run (_csv_upload).
    ("CSV with the marker in every cell and the file name", {"format": "multipart"}, {"indicator"}),
]
ATTACKS = {"observation_upload": UPLOAD_ATTACKS}


def _csv_upload():
    header = ["indicator", "period", "geography", "value", "status", "source", "note"]
    body = ",".join(header) + "\n" + ",".join([MARKER, SHORT_MARKER, MARKER, MARKER, MARKER, MARKER, MARKER]) + "\n"
    upload = io.BytesIO(body.encode())
    upload.name = f"{MARKER}.csv"
    return upload


def _fields_named(body) -> set[str]:
    if isinstance(body, dict) and "errors" in body:
        return {error["field"] for error in body["errors"]}
    if isinstance(body, dict):
        return set(body) - {"detail"}
    return set()


def test_every_write_endpoint_has_its_attacks_listed():
    # A new write endpoint fails here until its attacks are added to ATTACKS.
    assert write_endpoints() == set(ATTACKS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "label", "request_kwargs", "fields"),
    [(name, label, kwargs, fields) for name, attacks in ATTACKS.items() for label, kwargs, fields in attacks],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_refusal_names_the_field_but_not_the_value_sent(uploader, name, label, request_kwargs, fields):
    before = list(Observation.objects.values_list("pk", "value"))
    kwargs = dict(request_kwargs)
    if kwargs.get("format") == "multipart":
        kwargs["data"] = {"file": _csv_upload()}
    response = uploader.post(reverse(f"api:{name}"), HTTP_ACCEPT_LANGUAGE="en", **kwargs)
    text = response.content.decode()
    assert response.status_code == 400, text
    assert "zz-echo-marker-42" not in text and "zz-42" not in text and "<script" not in text
    assert json.loads(text)  # still a useful JSON answer
    if fields is not None:
        assert fields <= _fields_named(response.json()), text
    assert list(Observation.objects.values_list("pk", "value")) == before


@pytest.mark.django_db
def test_an_unsupported_content_type_is_not_repeated(uploader):
    response = uploader.post(
        reverse("api:observation_upload"), data=b"x", content_type=f"text/{MARKER.replace('<', 'x')}"
    )
    assert response.status_code == 415
    assert "zz-echo-marker-42" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "parameter"), read_parameters())
def test_a_bad_query_parameter_is_named_but_not_repeated(api_client, dataset, name, parameter):
    response = api_client.get(reverse(f"api:{name}"), {parameter: MARKER}, HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert "zz-echo-marker-42" not in text
    if response.status_code == 400:
        assert parameter in response.json(), text
    else:
        assert response.status_code == 200, text  # free text parameters (a search) may accept anything


@pytest.mark.django_db
@pytest.mark.parametrize("parameter", ["group", "breakdown"])
def test_the_parts_of_a_compound_value_are_not_repeated_either(api_client, dataset, parameter):
    sent = f"{MARKER}={SHORT_MARKER}|sex={MARKER}"
    response = api_client.get(reverse("api:observation_list"), {parameter: sent}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and parameter in response.json()
    assert "zz-echo-marker-42" not in response.content.decode() and "zz-42" not in response.content.decode()


@pytest.mark.django_db
def test_advice_in_a_message_stays_when_only_the_value_goes(api_client, dataset):
    response = api_client.get(reverse("api:observation_list"), {"period": "20x9"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {
        "period": ["'…' is not a period; use a year (2016), a school year (2016/17) or a date (2016-12-31)"]
    }
