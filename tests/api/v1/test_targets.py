"""The targets resource."""


def test_targets_of_the_current_edition(api_client, dataset):
    rows = api_client.get("/api/v1/targets/?indicator=B1").json()["results"]
    assert [
        (
            r["indicator"],
            r["edition"],
            r["kind"],
            r["geography"],
            r["baseline_value"],
            r["target_value"],
            r["target_year"],
        )
        for r in rows
    ] == [("B1", "2017", "value", "city", 80.0, 90.0, 2030)]


def test_bad_kind_is_400(api_client, dataset):
    assert api_client.get("/api/v1/targets/?kind=wish").status_code == 400
