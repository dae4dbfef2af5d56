"""Document downloads: built once per data version, 202 with Retry-After while a build is pending."""

import pytest
from django.urls import reverse

from teilhabe.core.cache import bump_data_version
from teilhabe.reports import storage, tasks


@pytest.fixture
def builds(monkeypatch):
    """Counts the builds and makes them cheap."""
    calls = []

    def fake_build(edition, *, language):
        calls.append((edition.code, language))
        return b"%PDF-1.7 fake"

    monkeypatch.setitem(tasks.BUILDERS, storage.ReportKind.CONCEPT_PDF, fake_build)
    return calls


def test_concept_pdf_is_built_once_per_data_version(client, dataset, builds):
    url = reverse("reports:concept_pdf", kwargs={"edition": "2017", "language": "en"})
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert b"".join(first.streaming_content) == b"%PDF-1.7 fake"
    assert client.get(url).status_code == 200
    assert builds == [("2017", "en")]
    # when the data change, the next request builds anew and the old file is gone
    bump_data_version()
    assert client.get(url).status_code == 200
    assert builds == [("2017", "en"), ("2017", "en")]
    assert (
        len(
            list(
                (
                    storage.report_path(
                        storage.ReportKind.CONCEPT_PDF, edition_code="2017", language="en", data_version="x"
                    ).parent
                ).glob("en-*-concept.pdf")
            )
        )
        == 1
    )


def test_pending_build_answers_202_with_retry_after(client, dataset, builds):
    path = storage.report_path(
        storage.ReportKind.CONCEPT_PDF, edition_code="2017", language="de", data_version=storage.current_data_version()
    )
    assert storage.claim_build(path)  # a worker has started this build
    response = client.get(reverse("reports:concept_pdf", kwargs={"edition": "2017", "language": "de"}))
    assert response.status_code == 202
    assert response["Retry-After"] == "10"
    assert builds == []


@pytest.mark.parametrize("route", ["reports:concept_pdf", "reports:annual_report_pdf", "reports:annual_report_xlsx"])
def test_real_documents_are_served(client, dataset, route):
    response = client.get(reverse(route, kwargs={"edition": "2017", "language": "de"}))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content[:4] in (b"%PDF", b"PK\x03\x04")


@pytest.mark.parametrize(("edition", "language"), [("1999", "de"), ("2017", "fr")])
def test_unknown_edition_or_language_is_404(client, dataset, edition, language):
    assert (
        client.get(reverse("reports:concept_pdf", kwargs={"edition": edition, "language": language})).status_code == 404
    )


def test_without_language_the_pages_language_is_used(client, dataset, builds):
    from django.utils import translation

    with translation.override("en"):
        url = reverse("reports:concept_pdf", args=["2017"])
    assert url == "/en/berichte/2017/konzept.pdf"
    assert client.get(url).status_code == 200
    assert builds == [("2017", "en")]
