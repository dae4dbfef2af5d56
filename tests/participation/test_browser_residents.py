"""In a real browser, by clicking what a resident sees: taking part from the home page, browsing contributions
without JavaScript, and following a procedure by e-mail with the confirmation link from the mail."""

import re

import pytest
from django.core import mail

from teilhabe.participation.models import Contribution, Subscription
from tests.monitoring.factories import AreaOfActionFactory, DistrictFactory, EditionFactory

from .factories import ContributionFactory, PhaseFactory, ProcedureFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server, settings):
    from django.contrib.auth.models import Group

    from teilhabe.accounts.models import Role

    settings.TEILHABE_REVIEW_DEADLINE_DAYS = 42
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    edition = EditionFactory(code="e2017", is_current=True)
    procedure = ProcedureFactory(slug="konzept", title_en="Update of the concept", edition=edition)
    PhaseFactory(procedure=procedure)
    area = AreaOfActionFactory(edition=edition, code="kita", title="Frühkindliche Bildung", title_en="Early childhood")
    north, south = DistrictFactory(code="nord", name="Nord"), DistrictFactory(code="sued", name="Süd")
    rows = [
        ("proposal", "de", north, "Mehr Sprachkurse mit Kinderbetreuung im Norden"),
        ("question", "de", south, "Warum gibt es im Süden keine Sprachkurse am Abend?"),
        ("proposal", "ar", south, "نحتاج إلى أماكن في الحضانة"),
    ]
    for kind, language, district, text in rows:
        ContributionFactory(
            procedure=procedure, kind=kind, language=language, district=district, text=text, areas=[area]
        )
    for number in range(25):  # enough for a second page
        ContributionFactory(procedure=procedure, kind="statement", text=f"Stellungnahme Nummer {number:02d}")
    ContributionFactory(procedure=procedure, moderation_state="pending", text="Sprachkurse UNMODERIERT")
    return {"procedure": procedure}


def test_from_the_home_page_to_the_receipt_with_next_steps_and_deadline(page, live_server, site):
    # given the English home page
    page.goto(live_server.url + "/en/")
    # when the resident clicks "take part", writes and sends a proposal
    page.get_by_role("link", name="Take part: write your contribution").click()
    page.get_by_label("Proposal").check()
    page.get_by_label("Your contribution").fill("Schattige Spielplätze im Süden")
    page.get_by_role("button", name="Send contribution").click()
    # then the receipt says what happens next and by when, and asks to save the link
    contribution = Contribution.objects.get(text="Schattige Spielplätze im Süden")
    assert page.url == f"{live_server.url}/en/beteiligung/beitrag/{contribution.receipt_token}/"
    assert page.get_by_role("heading", name="What happens next").is_visible()
    current = page.locator(".next-steps li[aria-current=step]")
    assert current.inner_text().startswith("A short check")
    from django.utils import translation

    from teilhabe.core.formatting import format_date
    from teilhabe.participation.queries import answer_due_on

    with translation.override("en"):
        due = format_date(answer_due_on(contribution))  # dates a resident reads go through the formatting layer
    assert page.get_by_text(f"The answer is due by {due}.").is_visible()
    assert page.get_by_text("Save this link now: bookmark this page or copy the address.").is_visible()


def test_browsing_and_searching_contributions_without_javascript(browser, live_server, site):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/en/beteiligung/konzept/")
        page.get_by_role("link", name="Browse and search the contributions").click()
        # the procedure is preselected by the link; all 28 published contributions, 20 on a page
        assert page.get_by_role("heading", name="28 contributions found").is_visible()
        page.get_by_role("link", name="Next page").click()
        assert page.locator(".contribution-list > li").count() == 8
        # filter by district and kind, then search
        page.get_by_label("District").select_option(label="Süd")
        page.get_by_label("Kind:").select_option(label="Open question")
        page.get_by_role("button", name="Show contributions").click()
        assert page.get_by_role("heading", name="1 contribution found").is_visible()
        assert page.get_by_text("Warum gibt es im Süden keine Sprachkurse am Abend?").is_visible()
        page.get_by_role("link", name="Reset filters").click()
        page.get_by_label("Search words").fill("Sprachkurse")
        page.get_by_role("button", name="Show contributions").click()
        assert page.get_by_role("heading", name="2 contributions found").is_visible()
        assert page.get_by_text("UNMODERIERT").count() == 0
        page.get_by_label("Language:").select_option(label="Arabic")
        page.get_by_label("Search words").fill("")
        page.get_by_role("button", name="Show contributions").click()
        item = page.locator(".contribution-list > li")
        assert item.count() == 1 and "نحتاج" in item.inner_text()
    finally:
        context.close()


def test_following_a_procedure_by_e_mail_after_confirming(page, live_server, site):
    mail.outbox.clear()
    page.goto(live_server.url + "/en/beteiligung/konzept/")
    page.get_by_role("link", name="Follow this procedure by e-mail or feed").click()
    page.get_by_label("Your e-mail address").fill("ada@example.org")
    page.get_by_label("I agree that the city stores my e-mail address").check()
    page.get_by_role("button", name="Follow by e-mail").click()
    assert page.get_by_role("heading", name="Please confirm your e-mail address").is_visible()
    subscription = Subscription.objects.get(email="ada@example.org")
    assert subscription.confirmed_at is None
    # the only mail so far is the confirmation; its link is opened in the browser
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    path = re.search(r"https?://[^/\s]+(/\S*/adresse/bestaetigen/[^/\s]+/)", mail.outbox[0].body).group(1)
    page.goto(live_server.url + path)
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None  # opening the link alone confirms nothing
    page.get_by_role("button", name="Yes, confirm my address").click()
    assert page.get_by_text("Your address is confirmed.").is_visible()
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
