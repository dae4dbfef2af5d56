"""The indicators resource: the current version's fields in both languages or the requested one."""


def test_indicator_in_the_requested_language(api_client, dataset):
    row = api_client.get("/api/v1/indicators/B1/?lang=en").json()
    assert (row["code"], row["edition"], row["title"], row["title_de"], row["title_en"]) == (
        "B1",
        "2017",
        "School certificates",
        "Schulabschlüsse",
        "School certificates",
    )
    assert row["authority"] == {"code": "schools", "name": "Schulbehörde", "abbreviation": ""}
    assert (row["area_code"], row["breakdowns"], row["measures"]) == (
        "school",
        ["migration_background"],
        ["language-support"],
    )
    assert row["page_url"] == "http://testserver/en/indikatoren/B1/"


def test_german_is_the_default(api_client, dataset):
    row = api_client.get("/api/v1/indicators/").json()["results"][0]
    assert row["title"] == "Schulabschlüsse"


def test_filter_by_area_includes_nested_topics(api_client, dataset):
    field = dataset.edition.areas.get(code="education")
    assert [row["code"] for row in api_client.get(f"/api/v1/indicators/?area={field.pk}").json()["results"]] == ["B1"]


def test_unknown_indicator_is_404_and_unknown_authority_400(api_client, dataset):
    assert api_client.get("/api/v1/indicators/NOPE/").status_code == 404
    response = api_client.get("/api/v1/indicators/?authority=nobody", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"authority": ["There is no authority with the code “…”."]}
