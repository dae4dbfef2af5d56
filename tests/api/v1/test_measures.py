"""The measures resource."""


def test_measure_with_links_both_ways(api_client, dataset):
    row = api_client.get("/api/v1/measures/?indicator=B1").json()["results"][0]
    assert (row["code"], row["title"], row["indicators"], row["authority"]["code"]) == (
        "language-support",
        "Sprachförderung",
        ["B1"],
        "schools",
    )
    assert api_client.get("/api/v1/measures/language-support/?lang=en").json()["title"] == "Language support"


def test_bad_status_is_400(api_client, dataset):
    assert api_client.get("/api/v1/measures/?status=someday").status_code == 400
