"""The whole journey of issue 10 in a real browser, by clicking what each person sees.

A resident starts on the home page and ends on the indicator page their proposal led to; in between the
moderator, the department, a lead authority and a co-authority do their part, each in a browser of their
own. Nobody types an address except the home page: staff log in through the footer's login link or the
link in the e-mail they are sent, residents follow the links of their e-mails. Nothing is posted by hand.

It builds on the review loop's fixture and people (test_review_browser.py); the phone run at the end
repeats the resident's part and one staff step on a 390 × 844 screen.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import translation

from teilhabe.monitoring import status_labels
from teilhabe.monitoring.models import Assessment, Geography
from teilhabe.participation.forms import CONSENT_LABEL
from teilhabe.participation.models import Contribution, Opinion, Review
from tests.monitoring.factories import GeographyFactory

from .factories import PhaseFactory, moderator
from .test_review_browser import PASSWORD, Person, loop, t  # noqa: F401 (loop is a fixture)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# (interface language, language the resident writes in, the proposal)
JOURNEYS = [
    ("de", "ar", "نريد دورات لغة ألمانية مجانية مع رعاية الأطفال في كل حي."),
    ("en", "en", "Free German courses with childcare in every district, please."),
]
JUSTIFICATION = (
    "Der Indikator zur Teilnahme an Sprachkursen zeigt künftig auch, wie viele Kurse Kinderbetreuung anbieten."
)
REWORKED = JUSTIFICATION + " Die erste Auswertung erscheint im Frühjahr."
STATUS = "substantial_progress"


@pytest.fixture
def journey(request, settings):
    """The review loop's site, open for contributions, with a moderator and a live status for the indicator."""
    site = request.getfixturevalue("loop")
    settings.TEILHABE_SITE_URL = ""  # filled in by the test: links in e-mails point at the live server
    PhaseFactory(procedure=site["procedure"])
    Assessment.objects.create(
        indicator=site["indicator"],
        edition=site["procedure"].edition,
        series_kind=Assessment.SeriesKind.TOTAL,
        geography=GeographyFactory(code="city", level=Geography.Level.CITY),
        profile="opensdg",
        status=STATUS,
        score=2.5,
        progress_value=0.8,
    )
    site["people"]["moderator"] = moderator(username="mona", first_name="Mona", last_name="Maier")
    mail.outbox.clear()
    return site


class Visitor(Person):
    """A person who reaches every page from the home page, a link on it, or a link in an e-mail."""

    def __init__(self, browser, live_server, language: str, user=None, *, viewport=None):
        super().__init__(browser, live_server, language, user)
        # The home and indicator pages compute more than a work page; a busy CI machine needs the time.
        self.context.set_default_timeout(45_000)
        if viewport:
            self.page.set_viewport_size(viewport)

    def home(self) -> None:
        self.page.goto(f"{self.server}/" if self.language == "de" else f"{self.server}/{self.language}/")

    def log_in_from_home(self) -> None:
        self.home()
        footer = self.page.get_by_role("contentinfo")
        self.click(footer.get_by_role("link", name=self.t("Staff login"), exact=True))
        self.fill_login_form()
        assert self.page.url.endswith("/beteiligung/arbeit/"), self.page.url

    def fill_login_form(self) -> None:
        self.page.get_by_label(self.t("Username")).fill(self.user.username)
        self.page.get_by_label(self.t("Password")).fill(PASSWORD)
        self.click(self.page.get_by_role("button", name=self.t("Log in"), exact=True))

    def follow_mail_link(self, address: str, pattern: str) -> None:
        """Open the newest link matching `pattern` in the newest e-mail to `address`."""
        bodies = [message.body for message in mail.outbox if address in message.to]
        assert bodies, f"no e-mail to {address}"
        links = re.findall(rf"{re.escape(self.server)}\S*{pattern}\S*", bodies[-1])
        assert links, bodies[-1]
        self.page.goto(links[0])

    def staff_nav(self):
        return self.page.get_by_role("navigation", name=self.t("Staff navigation"))


def _state(contribution: Contribution) -> str:
    return Review.objects.get(contribution=contribution).state


def _submit_proposal(resident: Visitor, writes_in: str, text: str) -> Contribution:
    """From the home page to the receipt: "take part", the kind, the text, its language, an e-mail address."""
    resident.home()
    resident.click(resident.page.get_by_role("link", name=resident.t("Take part: write your contribution")))
    resident.page.get_by_role("radio", name=resident.t("Proposal"), exact=True).check()
    resident.page.get_by_label(resident.t("Your contribution")).fill(text)
    with translation.override(resident.language):
        language_name = str(dict(Contribution._meta.get_field("language").choices)[writes_in])
    resident.page.get_by_label(resident.t("Language you write in")).select_option(label=language_name)
    resident.page.get_by_label(resident.t("E-mail address (optional)")).fill("resident@example.org")
    with translation.override(resident.language):
        consent = str(CONSENT_LABEL)
    resident.page.get_by_role("checkbox", name=consent).check()
    resident.click(resident.page.get_by_role("button", name=resident.t("Send contribution")))
    contribution = Contribution.objects.get(text=text)
    assert (contribution.language, contribution.moderation_state) == (writes_in, "pending")
    # The receipt: the text as written (right to left for Arabic), what happens next, the link to keep.
    page = resident.page
    assert page.get_by_role("heading", name=resident.t("What happens next")).is_visible()
    assert (
        page.locator(".next-steps li[aria-current=step]")
        .inner_text()
        .startswith(
            resident.t(
                "A short check: we publish your contribution if it keeps to the rules (no personal details, no insults)."
            )
        )
    )
    written = page.locator(".contribution-text", has_text=text)
    assert (written.get_attribute("lang"), written.get_attribute("dir")) == (
        writes_in,
        "rtl" if writes_in == "ar" else "ltr",
    )
    assert page.get_by_text(resident.t("Save this link now: bookmark this page or copy the address.")).is_visible()
    return contribution


@pytest.mark.parametrize(("language", "writes_in", "text"), JOURNEYS, ids=["de-arabic", "en"])
def test_the_whole_journey_by_clicking(browser, live_server, journey, settings, language, writes_in, text):
    settings.TEILHABE_SITE_URL = live_server.url
    people = journey["people"]
    resident = Visitor(browser, live_server, language)

    # A resident takes part from the home page and confirms the address with the link in the e-mail.
    contribution = _submit_proposal(resident, writes_in, text)
    resident.follow_mail_link("resident@example.org", "/bestaetigen/")
    resident.click(resident.page.get_by_role("button", name=t(writes_in, "Yes, confirm my address")))
    contribution.refresh_from_db()
    assert contribution.contact_confirmed_at is not None

    # The moderator logs in from the footer's link and publishes it from the moderation queue.
    mod = Visitor(browser, live_server, language, people["moderator"])
    mod.log_in_from_home()
    mod.click(mod.staff_nav().get_by_role("link", name=mod.t("Moderation"), exact=True))
    number = contribution.pk
    decision = mod.page.get_by_role("group", name=mod.t("Decision on contribution %(number)s") % {"number": number})
    assert decision.get_by_label(mod.t("Publish"), exact=True).is_checked()
    mod.click(
        mod.page.get_by_role("button", name=mod.t("Save the decision on contribution %(number)s") % {"number": number})
    )
    assert mod.page.get_by_text(mod.t("Contribution %(number)d moderated.") % {"number": number}).is_visible()
    contribution.refresh_from_db()
    assert contribution.moderation_state == "published"

    # The department assigns it to a lead authority and a co-authority.
    department = Visitor(browser, live_server, language, people["department"])
    department.log_in_from_home()
    department.open_from_my_queue(contribution)
    department.page.get_by_label(department.t("Lead authority")).select_option(label="Schulbehörde")
    department.click(department.page.get_by_role("checkbox", name="Sozialbehörde"))
    department.click(department.button("Assign"))
    assert _state(contribution) == "assigned"

    # The lead authority's staff member follows the link in the assignment e-mail, logs in, starts the review.
    lead = Visitor(browser, live_server, language, people["lead"])
    review_path = re.escape(contribution.review.get_absolute_url().split("/beteiligung/", 1)[1])
    lead.follow_mail_link(people["lead"].email, review_path)
    lead.fill_login_form()
    lead.click(lead.button("Start the review"))
    assert _state(contribution) == "in_review"

    # The co-authority, asked by e-mail for its opinion, adds it.
    co = Visitor(browser, live_server, language, people["co"])
    co.follow_mail_link(people["co"].email, review_path)
    co.fill_login_form()
    co.page.get_by_label(co.t("Internal opinion for the lead authority")).fill(
        "Die Kitas der Sozialbehörde können Räume für die Kinderbetreuung stellen."
    )
    co.click(co.button("Add the opinion"))
    assert Opinion.objects.get(review=contribution.review).authority == journey["social"]

    # The lead sees the opinion and drafts an evaluation that links the indicator.
    lead.page.reload()
    assert lead.page.get_by_text("Die Kitas der Sozialbehörde können Räume").is_visible()
    lead.click(lead.page.get_by_role("radio", name=lead.t("Informs an indicator"), exact=True))
    lead.page.get_by_label(lead.t("Public justification (German)")).fill(JUSTIFICATION)
    lead.click(lead.page.get_by_role("checkbox", name=re.compile(re.escape("Teilnahme an Sprachkursen"))))
    lead.click(lead.button("Save the draft"))
    assert _state(contribution) == "drafted"

    # The department returns it once for rework; the lead revises; the department publishes.
    department.open_from_my_queue(contribution)
    department.page.get_by_label(department.t("What needs rework?")).fill("Bitte sagen Sie, wann es Zahlen gibt.")
    department.click(department.button("Return for rework"))
    assert _state(contribution) == "in_review"
    lead.open_from_my_queue(contribution)
    assert lead.page.get_by_text("Bitte sagen Sie, wann es Zahlen gibt.").first.is_visible()
    lead.page.get_by_label(lead.t("Public justification (German)")).fill(REWORKED)
    lead.click(lead.button("Save the draft"))
    assert _state(contribution) == "drafted"
    department.open_from_my_queue(contribution)
    department.click(department.button("Publish"))
    assert _state(contribution) == "published"
    evaluation = Review.objects.get(contribution=contribution).published_evaluation
    assert evaluation.justification == REWORKED
    assert list(evaluation.indicators.all()) == [journey["indicator"]]

    # The resident opens the receipt from the e-mail that says the answer is published (in the language they
    # wrote in): the answer, and the live status of the indicator it feeds.
    resident.follow_mail_link("resident@example.org", "/beitrag/")
    page = resident.page
    assert page.get_by_text(REWORKED).is_visible()
    with translation.override(writes_in):
        status = str(status_labels.status_label(STATUS))
    progress = page.get_by_role("heading", name=t(writes_in, "Progress of the indicators it led to"))
    assert progress.is_visible()
    indicator = journey["indicator"]
    item = page.locator("li", has=page.get_by_role("link", name=re.compile(re.escape(indicator.code))))
    assert status in item.last.inner_text()
    assert page.locator("html").get_attribute("dir") == ("rtl" if writes_in == "ar" else "ltr")

    # ... and clicks through to the indicator page, which lists the contribution.
    resident.click(item.last.get_by_role("link", name=re.compile(re.escape(indicator.code))))
    assert page.get_by_role("heading", name=t(writes_in, "Contributions from participation that led here")).is_visible()
    assert page.locator(".contribution-text", has_text=text).is_visible()

    print(
        f"\n[{language}] clicks: resident {resident.clicks}, moderator {mod.clicks}, department {department.clicks}, "
        f"lead {lead.clicks}, co-authority {co.clicks}"
    )
    for person in (resident, mod, department, lead, co):
        person.close()


def _fits_the_screen(page, locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


@pytest.mark.parametrize("language", ["de", "en"])
def test_on_a_phone(browser, live_server, journey, language):
    """On a 390 × 844 screen: a resident takes part; the moderator reaches the staff navigation and publishes."""
    text = "Sprachkurse am Abend, damit Berufstätige teilnehmen können."
    resident = Visitor(browser, live_server, language, viewport=PHONE)
    contribution = _submit_proposal(resident, "de", text)
    # Nothing on the receipt needs sideways scrolling.
    assert resident.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    mod = Visitor(browser, live_server, language, journey["people"]["moderator"], viewport=PHONE)
    mod.log_in_from_home()
    nav = mod.staff_nav()
    links = nav.get_by_role("link")
    assert links.count() >= 3
    for index in range(links.count()):
        assert links.nth(index).is_visible()
        _fits_the_screen(mod.page, links.nth(index))
    log_out = mod.page.get_by_role("button", name=mod.t("Log out"), exact=True)
    assert log_out.is_visible()
    _fits_the_screen(mod.page, log_out)
    mod.click(nav.get_by_role("link", name=mod.t("Moderation"), exact=True))
    button = mod.page.get_by_role(
        "button", name=mod.t("Save the decision on contribution %(number)s") % {"number": contribution.pk}
    )
    _fits_the_screen(mod.page, button)
    mod.click(button)
    contribution.refresh_from_db()
    assert contribution.moderation_state == "published"
    assert mod.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    resident.close()
    mod.close()
