"""The admin upload page: validate, preview (writes nothing), confirm (writes exactly what was previewed)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from teilhabe.monitoring import services
from teilhabe.monitoring.models import Edition, IndicatorVersion, Observation
from tests.accounts.factories import UserFactory

DATA = Path(__file__).parent / "data" / "concept"
UPLOAD_URL = "admin:monitoring_import_upload"
CONFIRM_URL = "admin:monitoring_import_confirm"


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.TEILHABE_IMPORT_DIR = tmp_path / "imports"
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def officer(db, client):
    user = UserFactory(username="officer", roles=["department_admin"], is_staff=True)
    client.force_login(user)
    return user


def uploads(*names):
    return [SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="text/csv") for name in names]


ALL_FILES = sorted(path.name for path in DATA.glob("*.csv"))


def preview(client, files, **extra):
    return client.post(
        reverse(UPLOAD_URL),
        {"files": files, "encoding": "utf-8", "decimal": "auto", **extra},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_upload_page_is_for_department_admins(db, client):
    staff = UserFactory(roles=["authority_staff"], is_staff=True)
    client.force_login(staff)
    assert client.get(reverse(UPLOAD_URL)).status_code == 403
    assert client.post(reverse(CONFIRM_URL), {"token": "x" * 32}).status_code == 403


def test_upload_page_shows_the_form(officer, client):
    response = client.get(reverse(UPLOAD_URL))
    assert response.status_code == 200
    assert b'type="file"' in response.content and b"multiple" in response.content


def test_preview_shows_counts_and_writes_nothing_then_confirm_writes(
    officer, client, settings, django_capture_on_commit_callbacks
):
    # when: preview
    response = preview(client, uploads(*ALL_FILES))
    # then: counts per table, nothing written, the files kept under a token
    assert response.status_code == 200
    report = response.context["report"]
    assert report.counts()["observations"] == [7, 0, 0]
    assert report.counts()["indicators"] == [2, 0, 0]
    assert b"S1 2016 city total" in response.content
    assert not Edition.objects.exists() and not Observation.objects.exists()
    token = response.context["confirm_form"].initial["token"]
    assert (Path(settings.TEILHABE_IMPORT_DIR) / token).is_dir()
    assert token.encode() not in client.cookies.output().encode()

    # when: confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(CONFIRM_URL), {"token": token})

    # then: written, with the officer recorded as who entered the rows (their import run); the upload is gone
    assert response.status_code == 302
    assert Observation.objects.count() == 7
    assert IndicatorVersion.objects.count() == 2
    assert {observation.import_run.user for observation in Observation.objects.all()} == {officer}
    assert not (Path(settings.TEILHABE_IMPORT_DIR) / token).exists()


def test_problems_are_listed_by_file_row_and_column(officer, client, settings):
    bad = SimpleUploadedFile("observations.csv", b"indicator,period,geography,value\nS1,2016,city,abc\n")

    response = preview(client, [*uploads(*[n for n in ALL_FILES if n != "observations.csv"]), bad])

    assert response.status_code == 200
    problems = response.context["problems"]
    assert [(p.file, p.row, p.column) for p in problems] == [("observations.csv", 2, "value")]
    assert "&#x27;abc&#x27; is not a number" in response.content.decode()
    assert "confirm_form" not in response.context
    assert not Edition.objects.exists()
    assert list(Path(settings.TEILHABE_IMPORT_DIR).iterdir()) == []


def test_confirm_is_refused_when_the_file_changed_after_the_preview(officer, client, settings):
    response = preview(client, uploads(*ALL_FILES))
    token = response.context["confirm_form"].initial["token"]
    stored = next((Path(settings.TEILHABE_IMPORT_DIR) / token).glob("*observations.csv"))
    stored.write_text(stored.read_text() + "S2,2030,city,,,1,,,,,final,,,\n")

    response = client.post(reverse(CONFIRM_URL), {"token": token}, follow=True)

    assert "no longer available or its files changed" in response.content.decode()
    assert not Edition.objects.exists()


def test_confirm_is_refused_when_the_database_changed_since_the_preview(officer, client):
    services.import_data(paths=[DATA / n for n in ALL_FILES if n != "observations.csv"], user=officer)
    response = preview(client, uploads("observations.csv"))
    token = response.context["confirm_form"].initial["token"]
    services.import_data(paths=[DATA / "observations.csv"], user=officer)  # someone else was faster
    before = Observation.history.count()

    response = client.post(reverse(CONFIRM_URL), {"token": token}, follow=True)

    assert "changed since the preview" in response.content.decode()
    assert Observation.history.count() == before


def test_confirm_needs_the_same_user(officer, client):
    token = preview(client, uploads(*ALL_FILES)).context["confirm_form"].initial["token"]
    other = UserFactory(roles=["department_admin"], is_staff=True)
    client.force_login(other)

    response = client.post(reverse(CONFIRM_URL), {"token": token}, follow=True)

    assert "no longer available" in response.content.decode()
    assert not Edition.objects.exists()


def test_discard_forgets_the_upload(officer, client, settings):
    token = preview(client, uploads(*ALL_FILES)).context["confirm_form"].initial["token"]
    client.post(reverse(CONFIRM_URL), {"token": token, "cancel": "1"})
    assert not (Path(settings.TEILHABE_IMPORT_DIR) / token).exists()
    assert not Edition.objects.exists()


def test_other_file_types_are_refused(officer, client):
    response = preview(client, [SimpleUploadedFile("concept.pdf", b"%PDF-1.4")])
    assert "only .csv and .xlsx files can be imported" in response.content.decode()
    assert not Edition.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "observation",
        "edition",
        "indicator",
        "indicatorversion",
        "areaofaction",
        "subgoal",
        "breakdowndimension",
        "geography",
        "target",
        "measure",
        "assessment",
    ],
)
def test_admin_lists_open(officer, client, name):
    """Every monitoring model has an admin list (checked as superuser: group permissions are the accounts' job)."""
    services.import_data(paths=[DATA], user=officer)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(f"admin:monitoring_{name}_changelist")).status_code == 200


def test_history_is_shown_but_cannot_be_reverted(officer, client):
    services.import_data(paths=[DATA], user=officer)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    row = Observation.objects.first()
    row.value = 99.5  # a revision (an imported row has none until it changes)
    row.save()
    history_url = reverse("admin:monitoring_observation_history", args=[row.pk])
    response = client.get(history_url)
    assert response.status_code == 200
    revision = row.history.first()
    revert_url = reverse("admin:monitoring_observation_simple_history", args=[row.pk, revision.history_id])
    revisions = row.history.count()
    client.post(revert_url, {"value": "1"})
    row.refresh_from_db()
    assert row.value == revision.value
    assert row.history.count() == revisions
