"""Uploading observations: own authority only, all or nothing, errors by row and field, idempotent retries."""

import io

import pytest
from rest_framework.authtoken.models import Token

from teilhabe.accounts.models import Role
from teilhabe.monitoring.models import Observation
from tests.accounts.factories import AuthorityFactory, UserFactory
from tests.monitoring.factories import IndicatorFactory, IndicatorVersionFactory

URL = "/api/v1/observations/upload/"


def _client_for(api_client, user):
    token = Token.objects.create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api_client


@pytest.fixture
def staff(dataset):
    """Staff of the authority responsible for B1."""
    return UserFactory(authority=dataset.edition.indicator_versions.get().authority, roles=[Role.AUTHORITY_STAFF])


@pytest.fixture
def other_indicator(dataset):
    """An indicator of another authority in the same edition."""
    indicator = IndicatorFactory(code="H1")
    IndicatorVersionFactory(
        indicator=indicator,
        edition=dataset.edition,
        area=dataset.edition.areas.get(code="school"),
        authority=AuthorityFactory(code="housing"),
    )
    return indicator


ROWS = [
    {"indicator": "B1", "period": "2022", "geography": "city", "value": 83.5, "numerator": 835, "denominator": 1000},
    {
        "indicator": "B1",
        "period": "2022",
        "geography": "city",
        "breakdown_key": "migration_background=yes",
        "value": 72.25,
        "status": "provisional",
    },
    {
        "indicator": "B1",
        "period": "2019",
        "geography": "city",
        "value": 81.5,
        "numerator": 815,
        "denominator": 1000,
    },  # as stored: unchanged
]


def _snapshot():
    return sorted(
        Observation.objects.values_list(
            "indicator__code", "period", "breakdown_key", "geography__code", "value", "is_provisional"
        )
    )


def test_staff_uploads_rows_for_their_own_indicator(api_client, staff):
    response = _client_for(api_client, staff).post(URL, ROWS, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 1}
    assert Observation.objects.get(period="2022", breakdown_key="migration_background=yes").value == 72.25
    total = Observation.objects.get(period="2022", breakdown_key="")
    assert (total.value, total.numerator, total.denominator, total.is_provisional) == (83.5, 835, 1000, False)


def test_upload_of_a_csv_file(api_client, staff):
    content = b"indicator,period,geography,migration_background,value\nB1,2023,altona,,78.5\nB1,2023,altona,yes,70\n"
    upload = io.BytesIO(content)
    upload.name = "daten.csv"
    response = _client_for(api_client, staff).post(URL, {"file": upload}, format="multipart")
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}
    assert Observation.objects.get(period="2023", geography__code="altona", breakdown_key="").value == 78.5


def test_other_authoritys_indicator_is_refused_and_nothing_written(api_client, staff, other_indicator):
    before = _snapshot()
    rows = [*ROWS[:1], {"indicator": "H1", "period": "2022", "geography": "city", "value": 10.0}]
    response = _client_for(api_client, staff).post(URL, rows, format="json")
    assert response.status_code == 403
    assert "H1" in response.json()["detail"]
    assert _snapshot() == before


def test_anonymous_is_401(api_client, dataset):
    before = _snapshot()
    response = api_client.post(URL, ROWS, format="json")
    assert response.status_code == 401
    assert _snapshot() == before


@pytest.mark.parametrize("roles", [[], [Role.MODERATOR]], ids=["no role", "moderator"])
def test_staff_without_the_authority_role_is_403(api_client, dataset, roles):
    user = UserFactory(authority=dataset.edition.indicator_versions.get().authority, roles=roles)
    before = _snapshot()
    assert _client_for(api_client, user).post(URL, ROWS, format="json").status_code == 403
    assert _snapshot() == before


def test_department_admin_may_upload_for_any_indicator(api_client, dataset, other_indicator):
    admin = UserFactory(authority=None, roles=[Role.DEPARTMENT_ADMIN])
    rows = [{"indicator": "H1", "period": "2022", "geography": "city", "value": 10.0}]
    assert _client_for(api_client, admin).post(URL, rows, format="json").json() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
    }


def test_invalid_rows_name_row_and_field_and_write_nothing(api_client, staff):
    before = _snapshot()
    rows = [
        ROWS[0],
        {"indicator": "B1", "period": "2022/19", "geography": "city", "value": 1.0},
        {"indicator": "B1", "period": "2022", "geography": "atlantis", "value": 1.0},
    ]
    response = _client_for(api_client, staff).post(URL, rows, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("Nothing was written")
    assert [(error["row"], error["field"]) for error in body["errors"]] == [(2, "period"), (3, "geography")]
    assert _snapshot() == before


def test_a_field_given_for_some_rows_blanks_it_where_left_out(api_client, staff, dataset):
    """As in a file: a column present in the upload is written for every row (empty where not given)."""
    rows = [ROWS[0], {"indicator": "B1", "period": "2019", "geography": "city", "value": 81.5}]
    assert _client_for(api_client, staff).post(URL, rows, format="json").json() == {
        "created": 1,
        "updated": 1,
        "unchanged": 0,
    }
    dataset.released.refresh_from_db()
    assert (dataset.released.value, dataset.released.numerator, dataset.released.sample_size) == (81.5, None, 1000)


def test_malformed_rows_are_refused_before_import(api_client, staff):
    rows = [{"indicator": "B1", "period": "2022", "geography": "city", "value": "many", "colour": "red"}]
    response = _client_for(api_client, staff).post(URL, rows, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert sorted((error["row"], error["field"]) for error in response.json()["errors"]) == [(1, "colour")]


def test_retry_with_the_same_key_replays_and_writes_nothing_again(api_client, staff):
    client = _client_for(api_client, staff)
    first = client.post(URL, ROWS, format="json", HTTP_IDEMPOTENCY_KEY="upload-42")
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 1}
    Observation.objects.filter(period="2022", breakdown_key="").update(value=1.0)  # changed meanwhile
    retry = client.post(URL, ROWS, format="json", HTTP_IDEMPOTENCY_KEY="upload-42")
    assert retry.status_code == 200
    assert retry.json() == {"created": 2, "updated": 0, "unchanged": 1}
    assert retry["Idempotent-Replayed"] == "true"
    assert Observation.objects.get(period="2022", breakdown_key="").value == 1.0  # not written again


def test_same_key_with_other_rows_is_422(api_client, staff):
    client = _client_for(api_client, staff)
    client.post(URL, ROWS, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    before = _snapshot()
    response = client.post(URL, ROWS[:1], format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 422
    assert _snapshot() == before


def test_a_new_key_runs_again(api_client, staff):
    client = _client_for(api_client, staff)
    client.post(URL, ROWS, format="json", HTTP_IDEMPOTENCY_KEY="a")
    assert client.post(URL, ROWS, format="json", HTTP_IDEMPOTENCY_KEY="b").json() == {
        "created": 0,
        "updated": 0,
        "unchanged": 3,
    }
