"""The observations resource: filters, released data only, small counts suppressed, bad filters refused."""

import pytest
from django.urls import reverse

URL = "/api/v1/observations/"


def _values(response) -> list[tuple]:
    return [(row["period"], row["breakdown_key"], row["geography"], row["value"]) for row in response.json()["results"]]


def test_lists_released_observations_only(api_client, dataset):
    """The observation released in the future is in no list."""
    response = api_client.get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 4
    assert sorted(_values(response)) == [
        ("2019", "", "city", 81.5),
        ("2019", "migration_background=yes", "altona", None),
        ("2020", "", "altona", 77.0),
        ("2020", "migration_background=yes", "city", 70.0),
    ]
    assert "99.25" not in response.content.decode()


def test_unreleased_observation_has_no_detail(api_client, dataset):
    assert api_client.get(f"{URL}{dataset.unreleased.pk}/").status_code == 404
    assert api_client.get(f"{URL}{dataset.released.pk}/").json()["value"] == 81.5


def test_small_counts_are_null_and_large_ones_kept(api_client, dataset, settings):
    settings.TEILHABE_MIN_PUBLIC_COUNT = 5
    rows = {row["id"]: row for row in api_client.get(URL).json()["results"]}
    small = rows[dataset.small_counts.pk]
    assert (small["numerator"], small["denominator"], small["sample_size"]) == (None, None, None)
    # Withheld with every figure: value × denominator or p(1 − p)/SE² would give the counts back.
    assert (small["value"], small["standard_error"], small["reliability"]) == (None, None, "withheld")
    released = rows[dataset.released.pk]
    assert (released["numerator"], released["denominator"], released["sample_size"]) == (815.0, 1000.0, 1000)


def test_detail_suppresses_small_counts(api_client, dataset):
    row = api_client.get(f"{URL}{dataset.small_counts.pk}/").json()
    assert (row["numerator"], row["denominator"], row["sample_size"]) == (None, None, None)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "indicator=B1&period=2019",
            [("2019", "", "city", 81.5), ("2019", "migration_background=yes", "altona", None)],
        ),
        ("period_from=2020", [("2020", "", "altona", 77.0), ("2020", "migration_background=yes", "city", 70.0)]),
        ("period_to=2019", [("2019", "", "city", 81.5), ("2019", "migration_background=yes", "altona", None)]),
        (
            "period_from=2020&period_to=2030",
            [("2020", "", "altona", 77.0), ("2020", "migration_background=yes", "city", 70.0)],
        ),
        ("breakdown=total", [("2019", "", "city", 81.5), ("2020", "", "altona", 77.0)]),
        ("breakdown=migration_background=yes&geography=city", [("2020", "migration_background=yes", "city", 70.0)]),
        (
            "group=migration_background=yes",
            [("2019", "migration_background=yes", "altona", None), ("2020", "migration_background=yes", "city", 70.0)],
        ),
        ("district=altona", [("2019", "migration_background=yes", "altona", None), ("2020", "", "altona", 77.0)]),
        ("geography=city&period=2021", []),
    ],
    ids=[
        "indicator and period",
        "from",
        "to",
        "range",
        "totals",
        "exact breakdown",
        "group",
        "district",
        "unreleased period",
    ],
)
def test_filters(api_client, dataset, query, expected):
    response = api_client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert sorted(_values(response)) == expected


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        # Every message says what is wrong and how to fix it; the value sent is never repeated (…).
        ("indicator=NOPE", "indicator", "There is no indicator with the code “…”."),
        ("geography=atlantis", "geography", "There is no geography with the code “…”."),
        ("district=city", "district", "“…” is not a district."),
        (
            "period=20x9",
            "period",
            "'…' is not a period; use a year (2016), a school year (2016/17) or a date (2016-12-31)",
        ),
        ("period_from=2016/19", "period_from", "'…' is not a school year: the second year must follow the first"),
        (
            "breakdown=sex=female|migration_background=yes",
            "breakdown",
            "breakdown key '…' is not canonical",
        ),
        ("group=migration_background", "group", "Give the group as dimension=category, e.g. sex=female."),
        ("group=colour=blue", "group", "There is no category “…” in a dimension “…”."),
        ("period_from=2020&period_to=2019", "period_to", "The end of the range lies before its start."),
        ("lang=fr", "lang", "This is not one of the allowed values."),
    ],
    ids=lambda value: value if "=" in str(value) and len(str(value)) < 40 else None,
)
def test_bad_filters_are_refused_with_the_parameter_named(api_client, dataset, query, parameter, message):
    response = api_client.get(f"{URL}?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {parameter: [message]}


def test_csv_has_the_same_rows(api_client, dataset):
    response = api_client.get(f"{URL}?format=csv&breakdown=total")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0].split(",")[:4] == ["id", "indicator", "period", "period_kind"]
    assert [line.split(",")[2:9] for line in lines[1:]] == [
        ["2020", "year", "2020-01-01", "2020-12-31", "", "altona", "77.0"],
        ["2019", "year", "2019-01-01", "2019-12-31", "", "city", "81.5"],
    ]


def test_csv_by_suffix(api_client, dataset):
    response = api_client.get("/api/v1/observations.csv?period=2020&geography=altona")
    assert response.status_code == 200
    assert response.content.decode().splitlines()[1].startswith(f"{dataset.district_total.pk},B1,2020,year,")


def test_page_size_is_bounded(api_client, dataset, settings):
    response = api_client.get(f"{URL}?page_size=1")
    body = response.json()
    assert (body["count"], len(body["results"])) == (4, 1)
    assert body["next"].endswith("page=2&page_size=1")
    assert len(api_client.get(f"{URL}?page_size=100000").json()["results"]) == 4
    from teilhabe.api.pagination import BoundedPagination

    assert BoundedPagination.max_page_size == 1000


def test_page_out_of_range_is_404(api_client, dataset):
    assert api_client.get(f"{URL}?page=9").status_code == 404


def test_route_name(dataset):
    assert reverse("api:observation_list") == URL


def test_control_characters_in_a_code_are_400_not_a_database_error(api_client, dataset):
    response = api_client.get(URL, {"indicator": "B\x001"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"indicator": ["This is not a valid code."]}
