"""The review loop done by clicking, in a real browser, in German and English.

Staff log in through the login form and use only what they see: the staff navigation, the queue, the
review page's buttons and form fields (found by role and accessible name). Nothing is posted by hand.
Each person works in a browser of their own, so the department, the lead authority and the co-authority
can be logged in at the same time, as they would be in their offices.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from teilhabe.participation.models import Contribution, Evaluation, Opinion, Review
from tests.accounts.factories import AuthorityFactory, UserFactory
from tests.monitoring.factories import AreaOfActionFactory, EditionFactory, IndicatorVersionFactory, MeasureFactory

from .factories import ContributionFactory, ProcedureFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
LANGUAGES = ["de", "en"]
JUSTIFICATION = (
    "Wir richten ab dem Herbst in allen sieben Bezirken Sprachkurse mit Kinderbetreuung ein; "
    "die Volkshochschule führt sie durch."
)
REWORKED = JUSTIFICATION + " Die ersten Kurse beginnen im September in Nord und Mitte."


def t(language: str, text: str) -> str:
    """What a person reading `language` sees for an interface text (the German catalogue, or the source)."""
    with translation.override(language):
        return translation.gettext(text)


def prefix(language: str) -> str:
    return "" if language == "de" else f"/{language}"


@pytest.fixture
def loop(transactional_db, live_server):
    from django.contrib.auth.models import Group

    from teilhabe.accounts.models import Role

    for role in Role:  # a transactional test empties the role groups of the data migration
        Group.objects.get_or_create(name=role.value)
    edition = EditionFactory(code="e2017", is_current=True)
    procedure = ProcedureFactory(slug="konzept", edition=edition)
    area = AreaOfActionFactory(edition=edition, code="sprache", title="Sprache und Bildung")
    indicator = IndicatorVersionFactory(edition=edition, area=area, title="Teilnahme an Sprachkursen").indicator
    measure = MeasureFactory(title="Sprachkurse mit Kinderbetreuung in allen Bezirken")
    department_authority = AuthorityFactory(code="integration", name="Integrationsamt", is_department=True)
    schools = AuthorityFactory(code="schools", name="Schulbehörde")
    social = AuthorityFactory(code="social", name="Sozialbehörde")
    people = {
        "department": UserFactory(
            username="dora",
            first_name="Dora",
            last_name="Demir",
            roles=["department_admin"],
            authority=department_authority,
            is_staff=True,
        ),
        "lead": UserFactory(
            username="lena",
            first_name="Lena",
            last_name="Lang",
            roles=["authority_staff"],
            authority=schools,
            is_staff=True,
        ),
        "co": UserFactory(
            username="carl", first_name="Carl", last_name="Cohen", roles=["authority_staff"], authority=social
        ),
    }
    contribution = ContributionFactory(
        procedure=procedure, areas=[area], text="Es fehlen Sprachkurse, bei denen die Kinder betreut werden."
    )
    return {
        "procedure": procedure,
        "contribution": contribution,
        "indicator": indicator,
        "measure": measure,
        "schools": schools,
        "social": social,
        "people": people,
    }


class Person:
    """One staff member in a browser of their own, counting the clicks they make."""

    def __init__(self, browser, live_server, language: str, user):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=f"{language}-DE")
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.server, self.language, self.user = live_server.url, language, user
        self.clicks = 0

    def t(self, text: str) -> str:
        return t(self.language, text)

    def click(self, locator) -> None:
        locator.click()
        self.clicks += 1

    def log_in(self) -> None:
        """Through the login form, as a new member of staff would: the address, two fields, one button."""
        self.page.goto(f"{self.server}{prefix(self.language)}/konto/anmelden/")
        self.page.get_by_label(self.t("Username")).fill(self.user.username)
        self.page.get_by_label(self.t("Password")).fill(PASSWORD)
        self.click(self.page.get_by_role("button", name=self.t("Log in"), exact=True))
        # Staff land on their work area.
        assert self.page.url == f"{self.server}{prefix(self.language)}/beteiligung/arbeit/"

    def open_from_my_queue(self, contribution: Contribution) -> None:
        staff_nav = self.page.get_by_role("navigation", name=self.t("Staff navigation"))
        self.click(staff_nav.get_by_role("link", name=self.t("My queue")))
        self.click(self.page.get_by_role("link", name=re.compile(re.escape(contribution.text[:40]))))
        heading = t(self.language, "Contribution %(number)d") % {"number": contribution.pk}
        assert self.page.get_by_role("heading", level=1).inner_text() == heading

    def button(self, name: str):
        return self.page.get_by_role("button", name=self.t(name), exact=True)

    def close(self) -> None:
        self.context.close()


def _state(contribution: Contribution) -> str:
    return Review.objects.get(contribution=contribution).state


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_review_loop_by_clicking(browser, live_server, loop, language):
    contribution, people = loop["contribution"], loop["people"]
    department = Person(browser, live_server, language, people["department"])
    lead = Person(browser, live_server, language, people["lead"])
    co = Person(browser, live_server, language, people["co"])

    # The department assigns the published contribution to a lead authority and a co-authority.
    department.log_in()
    department.open_from_my_queue(contribution)
    department.page.get_by_label(department.t("Lead authority")).select_option(label="Schulbehörde")
    department.click(department.page.get_by_role("checkbox", name="Sozialbehörde"))
    department.click(department.button("Assign"))
    assert _state(contribution) == "assigned"

    # The lead authority's new staff member finds it in their queue and starts the review.
    lead.log_in()
    lead.open_from_my_queue(contribution)
    lead.click(lead.button("Start the review"))
    assert _state(contribution) == "in_review"

    # The co-authority adds its opinion.
    co.log_in()
    co.open_from_my_queue(contribution)
    co.page.get_by_label(co.t("Internal opinion for the lead authority")).fill(
        "Die Kitas der Sozialbehörde können Räume stellen."
    )
    co.click(co.button("Add the opinion"))
    assert Opinion.objects.get().authority == loop["social"]

    # The lead sees the opinion (after reloading the page they have open) and drafts the evaluation.
    lead.page.reload()
    assert lead.page.get_by_text("Die Kitas der Sozialbehörde können Räume stellen.").is_visible()
    lead.click(lead.page.get_by_role("radio", name=lead.t("Taken up as a measure"), exact=True))
    lead.page.get_by_label(lead.t("Public justification (German)")).fill(JUSTIFICATION)
    lead.click(lead.page.get_by_role("checkbox", name=re.compile(re.escape(loop["measure"].title))))
    lead.click(lead.button("Save the draft"))
    assert _state(contribution) == "drafted"
    clicks_to_draft = lead.clicks
    # Log in, "My queue", the item, "Start the review", the disposition, the measure, "Save the draft".
    assert clicks_to_draft <= 8, clicks_to_draft

    # The department returns it once for rework.
    department.open_from_my_queue(contribution)
    department.page.get_by_label(department.t("What needs rework?")).fill("Bitte nennen Sie, wann die Kurse beginnen.")
    department.click(department.button("Return for rework"))
    assert _state(contribution) == "in_review"

    # The lead revises the draft: the form holds the earlier text.
    lead.open_from_my_queue(contribution)
    assert lead.page.get_by_text("Bitte nennen Sie, wann die Kurse beginnen.").first.is_visible()
    justification = lead.page.get_by_label(lead.t("Public justification (German)"))
    assert justification.input_value() == JUSTIFICATION
    justification.fill(REWORKED)
    lead.click(lead.button("Save the draft"))
    assert _state(contribution) == "drafted"

    # The department publishes it.
    department.open_from_my_queue(contribution)
    department.click(department.button("Publish"))
    assert _state(contribution) == "published"
    assert Review.objects.get(contribution=contribution).published_evaluation.justification == REWORKED

    # The resident's receipt and the public contribution page show the answer and what it led to.
    resident = browser.new_context(locale=f"{language}-DE").new_page()
    with translation.override(language):
        receipt, public = contribution.get_receipt_url(), contribution.get_absolute_url()
    for path in (receipt, public):
        resident.goto(live_server.url + path)
        assert resident.get_by_text(REWORKED).is_visible(), path
        assert resident.get_by_role("link", name=re.compile(re.escape(loop["measure"].title))).first.is_visible()
    resident.context.close()

    print(f"\n[{language}] clicks of the lead authority's staff member from assigned to drafted: {clicks_to_draft}")
    for person in (department, lead, co):
        person.close()


def test_evaluation_form_by_keyboard_only(browser, live_server, loop):
    """The lead drafts an evaluation with Tab, arrow keys, Space and typing: no mouse."""
    from teilhabe.participation import services

    contribution, people = loop["contribution"], loop["people"]
    services.assign_review(actor=people["department"], review=contribution.review, lead_authority=loop["schools"])
    services.start_review(actor=people["lead"], review=contribution.review)
    lead = Person(browser, live_server, "en", people["lead"])
    page = lead.page
    page.goto(f"{live_server.url}/en/konto/anmelden/")
    page.keyboard.press("Tab")
    _tab_to(page, "#id_username")
    page.keyboard.type(people["lead"].username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/en/beteiligung/arbeit/")
    # From the staff navigation to the queue and into the item, by Tab and Enter.
    _tab_to(page, "a[href$='?waiting=on']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/vorgaenge/\?waiting=on$"))
    _tab_to(page, f"a[href$='/vorgaenge/{contribution.review.pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/vorgaenge/{contribution.review.pk}/$"))

    radio = "input[name='disposition'][value='taken_up_as_measure']"
    _tab_to(page, "input[name='disposition']")
    # Arrow keys move through a radio group, selecting as they go, until the wanted disposition.
    for _ in range(len(Evaluation.Disposition.choices)):
        if page.evaluate(f"document.activeElement.matches({radio!r})"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.locator(radio).is_checked()
    _tab_to(page, "textarea[name='justification']")
    page.keyboard.type(JUSTIFICATION)
    measure = f"input[name='measures'][value='{loop['measure'].pk}']"
    _tab_to(page, measure)
    page.keyboard.press("Space")
    assert page.locator(measure).is_checked()
    save = "form[action$='/aktion/draft/'] button[type='submit']:not([name])"
    _tab_to(page, save)
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save the draft"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    review = Review.objects.get(pk=contribution.review.pk)
    assert review.state == "drafted"
    draft = review.evaluations.get()
    assert (draft.disposition, draft.justification) == ("taken_up_as_measure", JUSTIFICATION)
    assert list(draft.measures.all()) == [loop["measure"]]
    lead.close()


def _tab_to(page, selector: str, *, limit: int = 250) -> int:
    """Press Tab until the element matching `selector` has the focus; fail if the keyboard cannot reach it."""
    for presses in range(limit):
        if page.evaluate(f"document.activeElement && document.activeElement.matches({selector!r})"):
            return presses
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_staff_navigation_and_log_out(browser, live_server, loop):
    """The header shows a staff member where they work and what waits for them; logging out is a button."""
    contribution, people = loop["contribution"], loop["people"]
    department = Person(browser, live_server, "en", people["department"])
    department.log_in()
    staff_nav = department.page.get_by_role("navigation", name="Staff navigation")
    for name in ("Work area", "Moderation", "Events", "Administration", "My account"):
        assert staff_nav.get_by_role("link", name=name, exact=True).is_visible(), name
    # One contribution waits for the department (to be assigned).
    assert staff_nav.get_by_role("link", name=re.compile(r"^My queue 1 waiting$")).is_visible()
    department.click(staff_nav.get_by_role("link", name=re.compile("My queue")))
    assert department.page.get_by_role("link", name=re.compile(re.escape(contribution.text[:40]))).is_visible()
    department.click(department.page.get_by_role("button", name="Log out"))
    assert department.page.get_by_role("navigation", name="Staff navigation").count() == 0
    department.page.goto(f"{live_server.url}/en/beteiligung/arbeit/")
    assert "/konto/anmelden/" in department.page.url
    department.close()

    # Authority staff see no moderation or events (they keep their data in the administration); nothing waits
    # for them yet.
    lead = Person(browser, live_server, "en", people["lead"])
    lead.log_in()
    staff_nav = lead.page.get_by_role("navigation", name="Staff navigation")
    assert staff_nav.get_by_role("link", name=re.compile(r"^My queue 0 waiting$")).is_visible()
    for name in ("Moderation", "Events"):
        assert staff_nav.get_by_role("link", name=name, exact=True).count() == 0, name
    assert staff_nav.get_by_role("link", name="Administration", exact=True).is_visible()
    lead.close()


def test_login_keeps_a_safe_next_and_ignores_a_foreign_one(browser, live_server, loop):
    people = loop["people"]
    for target, expected in (
        ("/en/beteiligung/arbeit/vorgaenge/", "/en/beteiligung/arbeit/vorgaenge/"),
        ("https://evil.example/", "/en/beteiligung/arbeit/"),
    ):
        person = Person(browser, live_server, "en", people["lead"])
        person.page.goto(f"{live_server.url}/en/konto/anmelden/?next={target}")
        person.page.get_by_label("Username").fill("lena")
        person.page.get_by_label("Password").fill(PASSWORD)
        person.click(person.page.get_by_role("button", name="Log in", exact=True))
        assert person.page.url == live_server.url + expected
        person.close()
