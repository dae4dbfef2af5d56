"""The editions resource."""


def test_list_and_detail(api_client, dataset):
    body = api_client.get("/api/v1/editions/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["count"] == 1
    edition = body["results"][0]
    assert (edition["code"], edition["title"], edition["title_de"], edition["is_current"]) == (
        "2017",
        "Integration concept 2017",
        "Integrationskonzept 2017",
        True,
    )
    assert edition["attachments"] == []
    assert api_client.get("/api/v1/editions/2017/").json()["title"] == "Integrationskonzept 2017"


def test_unknown_edition_is_404(api_client, dataset):
    response = api_client.get("/api/v1/editions/1999/")
    assert response.status_code == 404
