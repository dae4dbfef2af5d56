"""The documentation as files: the PDF holds the published contributions, CSV/XLSX all rows, the command."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from teilhabe.participation import documentation, services
from teilhabe.participation.models import DocumentationBuild
from tests.accounts.factories import AuthorityFactory
from tests.monitoring.factories import AreaOfActionFactory, EditionFactory, IndicatorFactory

from .factories import ContributionFactory, EventFactory, ProcedureFactory, authority_staff, department_admin, evaluate

pytestmark = pytest.mark.django_db


@pytest.fixture
def documented():
    procedure = ProcedureFactory(
        slug="konzept",
        title="Beteiligung Konzept",
        title_en="Concept participation",
        edition=EditionFactory(code="e2017", is_current=True),
    )
    area = AreaOfActionFactory(edition=procedure.edition, code="sprache", title="Sprachförderung")
    department, lead = department_admin(), authority_staff(AuthorityFactory(code="schools"))
    event = EventFactory(procedure=procedure, title="Werkstatt Sprache")
    evaluated = ContributionFactory(
        procedure=procedure, areas=[area], event=event, source="event", text="Abendkurse für Berufstätige anbieten"
    )
    evaluate(
        evaluated.review,
        department=department,
        lead=lead,
        justification="Startet im Herbst mit zwei Kursen in jedem Bezirk.",
        indicators=[IndicatorFactory(code="7.2.1")],
    )
    arabic = ContributionFactory(procedure=procedure, areas=[area], language="ar", text="نحتاج دورات لغة")
    formula = ContributionFactory(procedure=procedure, text='=HYPERLINK("http://evil.example")')
    pending = ContributionFactory(procedure=procedure, moderation_state="pending", text="Wartet auf Prüfung")
    hidden = ContributionFactory(
        procedure=procedure, moderation_state="hidden", moderation_reason="Spam", text="Versteckter Text"
    )
    return procedure, evaluated, arabic, formula, pending, hidden


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_contains_the_published_contributions_and_evaluations(documented):
    procedure, evaluated, arabic, formula, pending, hidden = documented
    pdf = documentation.render_pdf(procedure, language="en")
    text = _pdf_text(pdf)
    assert "Abendkurse für Berufstätige anbieten" in text
    assert "Startet im Herbst mit zwei Kursen in jedem Bezirk." in text
    assert "Werkstatt Sprache" in text
    assert "Sprachförderung" in text
    assert "Wartet auf Prüfung" not in text and "Versteckter Text" not in text
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Documentation: Concept participation"
    assert documentation.count_pages(pdf) == len(reader.pages) >= 3


def test_pdf_marks_text_in_other_languages(documented):
    procedure, *_rest = documented
    html = documentation.render_html(procedure, language="de")
    assert 'lang="ar" dir="rtl">نحتاج دورات لغة</p>' in html
    assert html.startswith("<!DOCTYPE html>") and '<html lang="de">' in html


def test_pdf_is_built_once_per_data_state(client, documented, django_capture_on_commit_callbacks):
    """The first request queues the build (it runs once the request's transaction commits); later requests
    get the stored PDF until the data change."""
    procedure, *_rest = documented
    url = reverse("participation:documentation_pdf", kwargs={"slug": procedure.slug})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 202
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert "Abendkurse für Berufstätige anbieten" in _pdf_text(b"".join(served.streaming_content))
    build = DocumentationBuild.objects.get(procedure=procedure)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.get(url).status_code == 200
    assert callbacks == []  # nothing queued: the stored PDF is current
    assert DocumentationBuild.objects.get(pk=build.pk).finished_at == build.finished_at
    ContributionFactory(procedure=procedure, text="Ein neuer Beitrag")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 202
    assert "Ein neuer Beitrag" in _pdf_text(b"".join(client.get(url).streaming_content))


def test_pdf_page_says_when_the_build_is_queued(client, documented):
    procedure, *_rest = documented
    # Without a worker (on-commit jobs not run here) the page says the PDF is being prepared.
    response = client.get(reverse("participation:documentation_pdf", kwargs={"slug": procedure.slug}))
    assert response.status_code == 202
    assert DocumentationBuild.objects.get(procedure=procedure).status == "pending"


def test_csv_has_every_published_contribution_and_nothing_private(documented):
    procedure, evaluated, arabic, formula, pending, hidden = documented
    stream = io.StringIO()
    assert documentation.write_csv(procedure, stream) == 3
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    by_id = {int(row["contribution_id"]): row for row in rows}
    assert sorted(by_id) == sorted([evaluated.pk, arabic.pk, formula.pk])
    row = by_id[evaluated.pk]
    assert (row["review_state"], row["disposition"], row["justification"], row["indicators"], row["areas"]) == (
        "published",
        "taken_up_as_measure",
        "Startet im Herbst mit zwei Kursen in jedem Bezirk.",
        "7.2.1",
        "sprache",
    )
    assert row["receipt_url"] == "" and evaluated.receipt_token not in stream.getvalue()
    assert by_id[arabic.pk]["language"] == "ar"


def test_xlsx_keeps_formulas_as_text(documented):
    procedure, evaluated, arabic, formula, *_rest = documented
    stream = io.BytesIO()
    assert documentation.write_xlsx(procedure, stream) == 3
    stream.seek(0)
    sheet = load_workbook(stream).active
    texts = {row[0].value: row[6] for row in sheet.iter_rows(min_row=2)}
    cell = texts[formula.pk]
    assert cell.value == '\'=HYPERLINK("http://evil.example")' and cell.data_type == "s"


@pytest.mark.parametrize(
    ("format", "unit"), [("csv", "contributions"), ("xlsx", "contributions"), ("html", "bytes"), ("pdf", "pages")]
)
def test_build_documentation_command(documented, tmp_path, format, unit):
    procedure, *_rest = documented
    output = tmp_path / f"doc.{format}"
    out = io.StringIO()
    call_command("build_documentation", procedure.slug, "--format", format, "--output", str(output), stdout=out)
    assert output.exists() and output.stat().st_size > 0
    assert out.getvalue().startswith(f"Wrote {output} (") and out.getvalue().strip().endswith(f"{unit}).")


def test_build_documentation_command_names_bad_input(documented, tmp_path):
    with pytest.raises(CommandError, match="There is no procedure “nope” \\(known: konzept\\)."):
        call_command("build_documentation", "nope", "--output", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("build_documentation", "konzept", "--output", str(tmp_path / "missing" / "x.pdf"))


def test_send_review_reminders_command(documented):
    out = io.StringIO()
    call_command("send_review_reminders", stdout=out)
    assert out.getvalue().startswith("Reminders queued for 0 authorities")


def test_minutes_go_to_registrants_who_asked(documented, django_capture_on_commit_callbacks, mailoutbox):
    procedure, evaluated, *_rest = documented
    event = evaluated.event
    event.minutes = "<p>Wir haben viel besprochen.</p>"
    event.save()
    services.register_participant(
        procedure=procedure,
        event=event,
        name="Ada",
        email="ada@example.org",
        wants_invitations=False,
        wants_minutes=True,
        has_consented=True,
    )
    services.register_participant(
        procedure=procedure,
        event=event,
        name="Bo",
        email="bo@example.org",
        wants_invitations=True,
        wants_minutes=False,
        has_consented=True,
    )
    # both confirmed their addresses (double opt-in); the confirmation mails are not counted here
    event.registrations.update(email_confirmed_at=timezone.now())
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_minutes(actor=department_admin(), event=event) == 1
    assert [m.to for m in mailoutbox] == [["ada@example.org"]]
    assert "Wir haben viel besprochen." in mailoutbox[0].body and "<p>" not in mailoutbox[0].body
