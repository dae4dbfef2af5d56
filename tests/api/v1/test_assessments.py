"""The assessments resource."""


def test_assessment_with_explanation_in_the_requested_language(api_client, dataset):
    row = api_client.get("/api/v1/assessments/?indicator=B1", HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert (row["status"], row["score"], row["series_kind"], row["geography"]) == (
        "moderate_progress",
        1.5,
        "total",
        "city",
    )
    assert row["components"] == {"base_year": 2019, "current_year": 2020}
    assert (row["explanation"], row["explanation_de"]) == ("Moderate progress.", "Mäßiger Fortschritt.")


def test_assessments_of_another_geography(api_client, dataset):
    assert api_client.get("/api/v1/assessments/?geography=altona").json()["count"] == 0
