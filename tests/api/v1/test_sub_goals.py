"""The sub-goals resource."""


def test_sub_goal_names_its_indicators_and_measures(api_client, dataset):
    row = api_client.get("/api/v1/sub-goals/", HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert (row["code"], row["text"], row["text_de"], row["area_code"], row["edition"]) == (
        "leavers",
        "More certificates",
        "Mehr Abschlüsse",
        "school",
        "2017",
    )
    assert (row["indicators"], row["measures"]) == (["B1"], ["language-support"])
