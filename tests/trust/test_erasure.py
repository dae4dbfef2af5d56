"""After `erase_personal_data`, the e-mail address occurs nowhere: no table, no column, no file.

The check does not trust the ORM: it reads every row of every table with plain SQL. Contexts that
store personal data add a maker to PERSONAL_DATA_MAKERS so their data is part of the proof.
"""

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from teilhabe.accounts.audit import acting_as
from teilhabe.accounts.models import Role
from teilhabe.core import privacy
from tests.accounts.factories import UserFactory
from tests.monitoring.factories import IndicatorVersionFactory, MeasureFactory

EMAIL = "Erika.Example@example.org"
PASSWORD = "correct horse battery staple"


def make_staff_account(email: str, media_root) -> None:
    """A staff member who logged in (and failed once), edited data, and has an API token and authenticator."""
    user = UserFactory(
        username=email.lower(),
        email=email,
        first_name="Erika",
        last_name="Example",
        roles=[Role.DEPARTMENT_ADMIN],
        is_staff=True,
        is_superuser=True,
    )
    Token.objects.create(user=user)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    browser = Client()
    browser.post("/konto/anmelden/", {"username": email.lower(), "password": "wrong"})  # an axes record
    browser.post("/konto/anmelden/", {"username": email.lower(), "password": PASSWORD})  # a session, a log
    with acting_as(user):
        measure = MeasureFactory(description=f"Questions to {email}")
        measure.description = f"Questions to {email.upper()} or the hotline"
        measure.save()
    IndicatorVersionFactory(profile_parameters={"contact": email, "reviewers": [email.lower()]})
    # The admin's own log names the account.
    admin = UserFactory(roles=[Role.DEPARTMENT_ADMIN], is_staff=True, is_superuser=True)
    other = Client()
    other.force_login(admin)
    other.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "username": email.lower(),
            "email": email,
            "first_name": "",
            "last_name": "",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "10:00:00",
            "groups": [],
            "user_permissions": [],
            "authority": "",
        },
    )


def make_generated_document(email: str, media_root) -> None:
    reports = media_root / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "documentation.html").write_text(f"<p>Proposal submitted by {email}</p>", encoding="utf-8")


CACHED_URLS = (
    "/beteiligung/konzept/dokumentation/beitraege/ohne/",  # a rendered public page
    "/beteiligung/konzept/dokumentation/beitraege.csv",  # a cached download
    "/beteiligung/konzept/dokumentation/beitraege.xlsx",  # zipped: only its cells show the address
    "/api/v1/contributions/?format=csv&procedure=konzept",  # a cached API answer
)


def make_cached_pages(email: str, media_root) -> None:
    """A published contribution quoting the address, read by a visitor: pages and downloads in the page cache."""
    from tests.participation.factories import ContributionFactory, ProcedureFactory

    ContributionFactory(procedure=ProcedureFactory(slug="konzept"), text=f"Antwort bitte an {email}, danke")
    visitor = Client()
    for url in CACHED_URLS:
        response = visitor.get(url)
        assert response.status_code == 200, url


PERSONAL_DATA_MAKERS: list[Callable] = [make_staff_account, make_generated_document, make_cached_pages]


def occurrences_in_database(needle: str) -> list[str]:
    """Every (table, column) whose value contains needle, case-insensitively, read with plain SQL."""
    needle = needle.lower()
    found = []
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, memoryview | bytes | bytearray):
                        text = bytes(value).decode("utf-8", "ignore")
                    else:
                        text = str(value) if value is not None else ""
                    if needle in text.lower():
                        found.append(f"{table}.{column}")
    return sorted(set(found))


def occurrences_in_files(needle: str, root) -> list[str]:
    return [str(path) for path in privacy.find_in_media(needle, media_root=root)]


def occurrences_in_caches(needle: str) -> list[str]:
    """Entries of every cache that may hold rendered content (all but the counter store) containing needle."""
    return privacy.find_in_caches(needle)


@pytest.fixture
def generated_documents_hook(monkeypatch, settings):
    """Stands in for the reports context's hook: generated documents are deleted (and rebuilt later)."""
    monkeypatch.setattr(privacy, "_erasure_hooks", list(privacy._erasure_hooks))

    def delete_generated(email: str) -> None:
        for path in (settings.MEDIA_ROOT / "reports").glob("*.html"):
            path.unlink()

    privacy.register_erasure_hook(delete_generated)


def test_erased_address_occurs_nowhere(db, settings, generated_documents_hook):
    # given: the address in accounts, sessions, login records, history, JSON, the admin log and a generated file
    for make in PERSONAL_DATA_MAKERS:
        make(EMAIL, settings.MEDIA_ROOT)
    before = occurrences_in_database(EMAIL)
    assert {
        "accounts_user.username",
        "accounts_user.email",
        "axes_accesslog.username",
        "monitoring_historicalmeasure.description",
        "monitoring_indicatorversion.profile_parameters",
        "django_admin_log.object_repr",
    } <= set(before)
    assert occurrences_in_files(EMAIL, settings.MEDIA_ROOT) != []
    assert len(occurrences_in_caches(EMAIL)) >= len(CACHED_URLS)
    # when
    output = io.StringIO()
    call_command("erase_personal_data", EMAIL, "--no-input", stdout=output)
    # then
    assert occurrences_in_database(EMAIL) == [], occurrences_in_database(EMAIL)
    assert occurrences_in_files(EMAIL, settings.MEDIA_ROOT) == []
    assert occurrences_in_caches(EMAIL) == []
    assert "Erasure complete." in output.getvalue()


def test_erasure_keeps_the_documentation_readable(db, settings, generated_documents_hook):
    for make in PERSONAL_DATA_MAKERS:
        make(EMAIL, settings.MEDIA_ROOT)
    call_command("erase_personal_data", EMAIL, "--no-input", stdout=io.StringIO())
    from teilhabe.monitoring.models import Measure

    measure = Measure.objects.get(description__startswith="Questions to")
    assert measure.description == "Questions to [erased] or the hotline"
    history = measure.history.order_by("history_id")
    assert [h.description for h in history] == ["Questions to [erased]", "Questions to [erased] or the hotline"]
    assert history[0].history_user is not None  # still attributed, to the anonymised account
    assert history[0].history_user.username.startswith("erased-")


def _pdf_text(content: bytes) -> str:
    return privacy.extracted_text(content)


def _served_pdf(client, url, capture) -> bytes:
    with capture(execute=True):  # the build job runs when the request's transaction commits
        client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_erasure_withdraws_generated_documents_and_derived_text(
    db, client, settings, django_capture_on_commit_callbacks
):
    """Finding 4 of issue 11: the served documentation PDF and normalised_text kept the address."""
    from django.urls import reverse

    from teilhabe.participation import similarity
    from teilhabe.participation.models import Contribution, DocumentationBuild
    from tests.participation.factories import ContributionFactory, ProcedureFactory

    # given: a published contribution quoting the address, its documentation PDF built and served
    procedure = ProcedureFactory(slug="konzept")
    contribution = ContributionFactory(procedure=procedure, text=f"Bitte schreiben Sie mir an {EMAIL}, danke")
    pdf_url = reverse("participation:documentation_pdf", args=("konzept",))
    xlsx_url = reverse("participation:documentation_download", args=("konzept", "xlsx"))
    served = _served_pdf(client, pdf_url, django_capture_on_commit_callbacks)
    assert EMAIL.lower() in _pdf_text(served).lower()
    assert EMAIL.lower().encode() not in served.lower()  # compressed: only text extraction finds it
    assert occurrences_in_files(EMAIL, settings.MEDIA_ROOT) != []
    assert similarity.normalise(EMAIL) in Contribution.objects.get().normalised_text
    # when
    call_command("erase_personal_data", EMAIL, "--no-input", stdout=io.StringIO())
    # then: nothing in the database (literal or normalised), in MEDIA_ROOT or in what is served
    assert occurrences_in_database(EMAIL) == []
    assert occurrences_in_database(similarity.normalise(EMAIL)) == []
    assert occurrences_in_files(EMAIL, settings.MEDIA_ROOT) == []
    contribution.refresh_from_db()
    assert contribution.text == "Bitte schreiben Sie mir an [erased], danke"
    assert not DocumentationBuild.objects.exists()  # withdrawn; the next request builds it from erased data
    rebuilt = _pdf_text(_served_pdf(client, pdf_url, django_capture_on_commit_callbacks))
    assert "[erased]" in rebuilt and EMAIL.lower() not in rebuilt.lower()
    workbook = b"".join(client.get(xlsx_url).streaming_content)
    assert "[erased]" in privacy.extracted_text(workbook) and EMAIL.lower() not in privacy.extracted_text(workbook)


def test_erasure_removes_cached_pages_and_downloads_but_keeps_rate_limits(db, client, settings):
    """What a visitor's request put in the page cache goes with the address; a blocked address stays blocked."""
    from teilhabe.core.cache import get_data_version

    # given: pages, downloads and an API answer quoting the address in the page cache
    make_cached_pages(EMAIL, settings.MEDIA_ROOT)
    assert len(occurrences_in_caches(EMAIL)) >= len(CACHED_URLS)
    # and an address that has used up its export budget
    settings.TEILHABE_RATE_EXPORTS = "1/h"
    blocked = {"REMOTE_ADDR": "203.0.113.50"}
    assert client.get(CACHED_URLS[1], **blocked).status_code == 200
    assert client.get(CACHED_URLS[1], **blocked).status_code == 429
    version = get_data_version()
    # when
    output = io.StringIO()
    call_command("erase_personal_data", EMAIL, "--no-input", stdout=output)
    # then: no cache entry holds the address; the data version moved on, so nothing older is served
    assert occurrences_in_caches(EMAIL) == []
    assert get_data_version().token != version.token
    assert "Cache entries that still contain" not in output.getvalue()
    # and each page or file, asked for again, is rebuilt from the erased data
    settings.TEILHABE_RATE_EXPORTS = "100/h"
    for url in CACHED_URLS:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = privacy.extracted_text(body) or body.decode("utf-8")
        assert response.status_code == 200 and "[erased]" in text and EMAIL.lower() not in text.lower(), url
    # and the rate-limit counts (counter store) were not reset by the erasure
    settings.TEILHABE_RATE_EXPORTS = "1/h"
    assert client.get(CACHED_URLS[1], **blocked).status_code == 429
