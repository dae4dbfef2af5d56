"""The API root lists every resource."""


def test_root_lists_resources(api_client, dataset):
    body = api_client.get("/api/v1/").json()
    assert body["observations"] == "http://testserver/api/v1/observations/"
    assert body["schema"] == "http://testserver/api/schema/"
    assert {"editions", "areas", "sub_goals", "indicators", "targets", "assessments", "measures", "corrections"} <= set(
        body
    )
