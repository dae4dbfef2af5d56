"""In a real browser: a resident contributes without JavaScript, and every public participation page is axe-clean."""

import pytest

from teilhabe.participation import services
from teilhabe.participation.models import Contribution
from tests.accounts.factories import AuthorityFactory
from tests.monitoring.factories import (
    AreaOfActionFactory,
    DistrictFactory,
    EditionFactory,
    IndicatorVersionFactory,
    MeasureFactory,
)

from .factories import (
    ContributionFactory,
    EventFactory,
    PhaseFactory,
    ProcedureFactory,
    StakeholderGroupFactory,
    authority_staff,
    department_admin,
    evaluate,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server):
    from django.contrib.auth.models import Group

    from teilhabe.accounts.models import Role

    # A transactional test empties every table afterwards, the role groups of the data migration included.
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    edition = EditionFactory(code="e2017", is_current=True)
    procedure = ProcedureFactory(slug="konzept", edition=edition, is_illustrative=True)
    PhaseFactory(procedure=procedure)
    area = AreaOfActionFactory(edition=edition, code="kita", title="Frühkindliche Bildung")
    district = DistrictFactory(code="nord", name="Nord")
    event = EventFactory(procedure=procedure, district=district, minutes="<p>Protokoll</p>", summary="Kurz.")
    event.stakeholder_groups.add(StakeholderGroupFactory(code="seniors", name="Seniorenbeirat"))
    department, lead = department_admin(), authority_staff(AuthorityFactory(code="schools"))
    indicator = IndicatorVersionFactory(edition=edition, area=area).indicator
    single = ContributionFactory(
        procedure=procedure, event=event, source="event", areas=[area], text="Mehr Kita-Plätze im Norden"
    )
    evaluate(single.review, department=department, lead=lead, indicators=[indicator], measures=[MeasureFactory()])
    services.publish_revision(
        actor=department,
        review=single.review,
        disposition="informs_indicator",
        justification="Korrigiert: der Indikator misst die Kita-Plätze im Norden.",
        reason="Indikator ergänzt.",
        indicators=[indicator],
    )
    members = [
        ContributionFactory(procedure=procedure, areas=[area], language=language, text=text)
        for language, text in (("ar", "نحتاج إلى أماكن في الحضانة"), ("tr", "Kreşte yer yok"))
    ]
    bundle = services.create_bundle(actor=department, procedure=procedure, title="Kita-Plätze", contributions=members)
    evaluate(
        bundle.review,
        department=department,
        lead=lead,
        disposition="outside_competence",
        justification="Bundessache: das Aufenthaltsrecht regelt der Bund allein.",
    )
    pending = ContributionFactory(procedure=procedure, moderation_state="pending", text="Wartet")
    return {"procedure": procedure, "event": event, "single": single, "bundle": bundle, "pending": pending}


def test_contribution_without_javascript_reaches_its_receipt(browser, live_server, site):  # noqa: F811
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()  # noqa: F811
    page.goto(live_server.url + "/en/beteiligung/konzept/mitmachen/")
    page.get_by_label("Proposal").check()
    page.get_by_label("Your contribution").fill("Spielplätze mit Schatten")
    page.get_by_label("Language you write in").select_option("de")
    page.get_by_role("button", name="Send contribution").click()
    contribution = Contribution.objects.get(text="Spielplätze mit Schatten")
    assert page.url == f"{live_server.url}/en/beteiligung/beitrag/{contribution.receipt_token}/"
    assert page.get_by_text("Received – it will be published after a short check.").is_visible()
    assert contribution.moderation_state == "pending" and contribution.contact_email == ""
    context.close()


def test_form_errors_are_shown_by_the_field_without_javascript(browser, live_server, site):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()  # noqa: F811
    page.goto(live_server.url + "/en/beteiligung/konzept/mitmachen/")
    page.get_by_label("E-mail address (optional)").fill("ada@example.org")
    page.get_by_role("button", name="Send contribution").click()
    assert page.locator("#id_text_error").inner_text() == "This field is required."
    assert "Please confirm that we may use your e-mail address" in page.locator("#id_consent_error").inner_text()
    assert not Contribution.objects.filter(text="").exists()
    context.close()


def _paths(site) -> dict[str, str]:
    procedure, event = site["procedure"], site["event"]
    return {
        "procedures": "/beteiligung/",
        "procedure": procedure.get_absolute_url(),
        "event": event.get_absolute_url(),
        "contribution": site["single"].get_absolute_url(),
        "bundle": site["bundle"].get_absolute_url(),
        "receipt": site["single"].get_receipt_url(),
        "receipt-pending": site["pending"].get_receipt_url(),
        "form": f"/beteiligung/{procedure.slug}/mitmachen/",
        "registration": f"/beteiligung/{procedure.slug}/veranstaltungen/{event.pk}/anmelden/",
        "documentation": f"/beteiligung/{procedure.slug}/dokumentation/",
        "documentation-events": f"/beteiligung/{procedure.slug}/dokumentation/veranstaltungen/",
        "documentation-contributions": f"/beteiligung/{procedure.slug}/dokumentation/beitraege/",
        "documentation-area": f"/beteiligung/{procedure.slug}/dokumentation/beitraege/kita/",
        "documentation-limits": f"/beteiligung/{procedure.slug}/dokumentation/grenzen/",
    }


PAGES = [
    "procedures",
    "procedure",
    "event",
    "contribution",
    "bundle",
    "receipt",
    "receipt-pending",
    "form",
    "registration",
    "documentation",
    "documentation-events",
    "documentation-contributions",
    "documentation-area",
    "documentation-limits",
]


@pytest.mark.parametrize("name", PAGES)
def test_public_page_has_no_axe_violations_in_both_languages(page, live_server, site, axe_check, name):  # noqa: F811
    from django.utils import translation

    for language in ("de", "en"):
        with translation.override(language):
            path = _paths(site)[name]
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        axe_check(page)
        assert page.console_errors == [], page.console_errors


def test_form_with_errors_has_no_axe_violations(page, live_server, site, axe_check):  # noqa: F811
    page.goto(live_server.url + "/en/beteiligung/konzept/mitmachen/")
    page.get_by_role("button", name="Send contribution").click()
    assert page.locator(".errorlist").count() >= 1
    axe_check(page)
