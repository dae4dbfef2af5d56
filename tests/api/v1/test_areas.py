"""The areas resource: nested areas with their we-statements."""


def test_fields_and_topics_with_their_nesting(api_client, dataset):
    rows = api_client.get("/api/v1/areas/?lang=en").json()["results"]
    by_code = {row["code"]: row for row in rows}
    assert set(by_code) == {"education", "school"}
    field, topic = by_code["education"], by_code["school"]
    assert (field["parent"], field["children"], topic["parent"], topic["parent_code"]) == (
        None,
        [topic["id"]],
        field["id"],
        "education",
    )
    assert topic["we_statement"] == "We make sure everyone participates equally."
    assert topic["we_statement_de"] == "Wir sorgen dafür, dass alle gleich teilhaben."
    assert len(topic["sub_goals"]) == 1


def test_top_level_filter(api_client, dataset):
    assert [row["code"] for row in api_client.get("/api/v1/areas/?top_level=true").json()["results"]] == ["education"]
    assert [row["code"] for row in api_client.get("/api/v1/areas/?top_level=false").json()["results"]] == ["school"]


def test_unknown_edition_is_400(api_client, dataset):
    response = api_client.get("/api/v1/areas/?edition=1999", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"edition": ["There is no edition with the code “1999”."]}
