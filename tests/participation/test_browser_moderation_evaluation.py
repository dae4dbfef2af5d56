"""In a real browser, clicking visible controls: a moderator anonymises, publishes and rejects online
contributions; a lead authority fills the evaluation form by its labels, without JavaScript and with it."""

import pytest

from teilhabe.participation import services
from teilhabe.participation.models import Contribution, Evaluation
from tests.accounts.factories import AuthorityFactory
from tests.monitoring.factories import AreaOfActionFactory, EditionFactory, IndicatorVersionFactory, MeasureFactory

from .factories import ContributionFactory, ProcedureFactory, authority_staff, department_admin, moderator

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def site(transactional_db, live_server):
    from django.contrib.auth.models import Group

    from teilhabe.accounts.models import Role

    for role in Role:  # a transactional test empties the role groups of the data migration
        Group.objects.get_or_create(name=role.value)
    edition = EditionFactory(code="e2017", is_current=True)
    procedure = ProcedureFactory(slug="konzept", edition=edition)
    kita = AreaOfActionFactory(edition=edition, code="kita", title="Frühkindliche Bildung")
    work = AreaOfActionFactory(edition=edition, code="arbeit", title="Arbeitsmarkt")
    named = ContributionFactory(
        procedure=procedure,
        moderation_state="pending",
        text="Ich bin Ayşe Yılmaz aus der Lindenstraße 4 und wünsche mir Sprachkurse mit Kinderbetreuung.",
    )
    advert = ContributionFactory(procedure=procedure, moderation_state="pending", text="Kaufen Sie unsere Kurse!")
    department = department_admin()
    lead = authority_staff(AuthorityFactory(code="schools", name="Schulbehörde"), username="lead")
    item = ContributionFactory(procedure=procedure, areas=[kita], text="Mehr Kita-Plätze im Norden")
    services.assign_review(actor=department, review=item.review, lead_authority=lead.authority)
    services.start_review(actor=lead, review=item.review)
    IndicatorVersionFactory(edition=edition, area=kita, title="Kita-Besuchsquote")
    IndicatorVersionFactory(edition=edition, area=work, title="Erwerbstätigenquote")
    MeasureFactory(title="Sprachcafé", authority=lead.authority)
    MeasureFactory(title="Kita-Ausbau Nord", authority=lead.authority)
    return {
        "moderator": moderator(username="moderator"),
        "named": named,
        "advert": advert,
        "item": item,
        "lead": lead,
    }


def _log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/en/konto/anmelden/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_moderator_anonymises_publishes_and_rejects(browser, live_server, site):
    named, advert = site["named"], site["advert"]
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    _log_in(page, live_server, "moderator")
    page.get_by_role("link", name="Moderation").first.click()
    assert page.get_by_role("heading", name="Contributions awaiting moderation").is_visible()
    assert page.get_by_text("Lindenstraße 4").is_visible()

    page.get_by_role("link", name=f"Edit contribution {named.pk} to remove personal details").click()
    page.get_by_label("Text").fill("Ich wünsche mir Sprachkurse mit Kinderbetreuung.")
    page.get_by_role("button", name="Save the edited version").click()
    assert page.get_by_text(f"Contribution {named.pk} edited; the original is kept.").is_visible()

    decision = page.get_by_role("group", name=f"Decision on contribution {named.pk}")
    decision.get_by_label("Publish", exact=True).check()
    page.get_by_role("button", name=f"Save the decision on contribution {named.pk}").click()

    decision = page.get_by_role("group", name=f"Decision on contribution {advert.pk}")
    decision.get_by_label("Reject", exact=True).check()
    decision.get_by_label("Reason for rejecting").fill("Advertising, not a contribution to the concept.")
    page.get_by_role("button", name=f"Save the decision on contribution {advert.pk}").click()
    assert page.get_by_text("Nothing awaits moderation.").is_visible()

    named.refresh_from_db()
    advert.refresh_from_db()
    assert (named.moderation_state, advert.moderation_state) == ("published", "hidden")
    assert "Lindenstraße" in named.original_text

    # What residents see: the edited text on the public page, the reason on the rejected one's receipt.
    resident = browser.new_context(locale="en-GB").new_page()
    resident.goto(live_server.url + named.get_absolute_url())
    assert resident.get_by_text("Ich wünsche mir Sprachkurse mit Kinderbetreuung.").is_visible()
    assert "Lindenstraße" not in resident.content()
    resident.goto(live_server.url + advert.get_receipt_url())
    assert resident.get_by_text("Advertising, not a contribution to the concept.").is_visible()
    context.close()


@pytest.mark.parametrize("javascript", [False, True], ids=["without-javascript", "with-javascript"])
def test_lead_fills_the_evaluation_form_by_its_labels(browser, live_server, site, javascript):
    review = site["item"].review
    context = browser.new_context(locale="en-GB", java_script_enabled=javascript)
    page = context.new_page()
    _log_in(page, live_server, "lead")
    page.goto(live_server.url + f"/en/beteiligung/arbeit/vorgaenge/{review.pk}/")

    page.get_by_label("Taken up as a measure").check()
    assert page.get_by_text("Link at least one measure.").first.is_visible()
    page.get_by_label("Public justification (German)").fill("Zu kurz.")
    page.get_by_role("button", name="Save the draft").click()
    # The service's rules are shown at their fields; nothing is stored.
    assert page.locator("#id_measures_error").is_visible()
    assert "at least 40 characters" in page.locator("#id_justification_error").inner_text()
    assert not Evaluation.objects.exists()

    search = page.get_by_label("Search measures by title or authority")
    search.fill("sprach")
    if javascript:
        assert page.get_by_label("Kita-Ausbau Nord – Schulbehörde").is_hidden()
    else:
        page.get_by_role("button", name="Find measures").click()
        assert page.get_by_label("Kita-Ausbau Nord – Schulbehörde").count() == 0
    page.get_by_label("Sprachcafé – Schulbehörde").check()
    page.get_by_label("Public justification (German)").fill(
        "Wir bieten das Sprachcafé in allen Bücherhallen an, mit Kinderbetreuung."
    )
    page.get_by_label("Public justification (English, optional)").fill(
        "We offer the language café in every public library, with childcare."
    )
    page.get_by_role("button", name="Save the draft").click()
    assert page.get_by_text("Done").first.is_visible()

    evaluation = Evaluation.objects.get()
    assert evaluation.disposition == "taken_up_as_measure"
    assert [measure.title for measure in evaluation.measures.all()] == ["Sprachcafé"]
    assert evaluation.justification_en == "We offer the language café in every public library, with childcare."
    assert Contribution.objects.get(pk=site["item"].pk).review.state == "drafted"
    context.close()
