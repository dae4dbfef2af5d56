"""Contributions across languages in a real browser, by clicking what each person sees.

A stand-in LibreTranslate server runs on this machine (tests/participation/libretranslate_standin.py). A
member of the department sees the language a contribution was detected in and the German machine
translation beside the original, corrects the language by clicking, and the lead authority adds the
answer in Arabic from a machine draft it checks. The resident then reads the authority's answer in Arabic
on the receipt, with the German text beside it.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils import translation

from teilhabe.participation import services
from teilhabe.participation.models import Contribution, JustificationTranslation, Review

from .libretranslate_standin import StandIn
from .test_review_browser import Person, loop, t  # noqa: F401 (loop is a fixture)

pytestmark = pytest.mark.browser

ARABIC = "نحتاج إلى المزيد من دورات اللغة مع رعاية الأطفال في كل حي"
ARABIC_IN_GERMAN = "Wir brauchen mehr Sprachkurse mit Kinderbetreuung in jedem Stadtteil"
JUSTIFICATION = (
    "Wir richten ab dem Herbst in allen sieben Bezirken Sprachkurse mit Kinderbetreuung ein; "
    "die Volkshochschule führt sie durch."
)
JUSTIFICATION_AR = "سنقدم اعتبارًا من الخريف دورات لغة مع رعاية الأطفال في جميع الأحياء السبعة، تنظمها الجامعة الشعبية."


@pytest.fixture
def site(request):
    """The review loop's site and people (test_review_browser.py)."""
    return request.getfixturevalue("loop")


@pytest.fixture
def standin(settings):
    with StandIn(dictionary={ARABIC: ARABIC_IN_GERMAN, JUSTIFICATION: JUSTIFICATION_AR}) as server:
        settings.TEILHABE_TRANSLATION_URL = server.url  # the live server runs in this process
        yield server


def test_staff_see_detected_language_and_machine_translation_and_the_resident_reads_the_answer_in_arabic(
    browser, live_server, site, standin
):
    people = site["people"]
    # The detector took the Arabic text for Persian (as it may with short texts); no translation yet.
    contribution = Contribution.objects.create(
        procedure=site["procedure"],
        kind=Contribution.Kind.PROPOSAL,
        text=ARABIC,
        language="fa",
        language_origin="detected",
        source=Contribution.Source.ONLINE_FORM,
        moderation_state=Contribution.Moderation.PUBLISHED,
    )
    Review.objects.create(procedure=site["procedure"], contribution=contribution)
    department = Person(browser, live_server, "de", people["department"])
    department.context.set_default_timeout(60_000)  # the first page of a cold live server can be slow on 2 cores
    department.log_in()
    department.open_from_my_queue(contribution)
    page = department.page

    # The language as detected, and how it was set.
    with translation.override("de"):
        persian = str(dict(Contribution._meta.get_field("language").choices)["fa"])
        arabic = str(dict(Contribution._meta.get_field("language").choices)["ar"])
    written_in = page.locator(".contribution-language")
    assert (
        written_in.inner_text() == f"{department.t('Written in')}: {persian} ({department.t('detected automatically')})"
    )

    # Correct it by clicking: the control offers the languages by name.
    page.get_by_label(department.t("Written in"), exact=True).select_option(label=arabic)
    department.click(department.button("Correct the language"))
    assert page.locator(".contribution-language").inner_text() == (
        f"{department.t('Written in')}: {arabic} ({department.t('corrected by staff')})"
    )
    contribution.refresh_from_db()
    assert (contribution.language, contribution.language_origin) == ("ar", "corrected")

    # The correction asked the stand-in server for a German translation, shown beside the original.
    assert [request["body"]["source"] for request in standin.requests] == ["ar"]
    section = page.get_by_role("region", name=department.t("Machine translation into German"))
    assert section.locator('[lang="de"]').inner_text().strip() == ARABIC_IN_GERMAN
    note = section.locator(".machine-translation-note").inner_text()
    assert "LibreTranslate (127.0.0.1:" in note, note
    original = page.locator(".original-text .contribution-text")
    assert original.get_attribute("lang") == "ar" and original.get_attribute("dir") == "rtl"
    left, right = original.bounding_box(), section.bounding_box()
    assert abs(left["y"] - right["y"]) < 60 and left["x"] != right["x"], (left, right)  # side by side
    # The public page never shows it.
    with translation.override("de"):
        public = contribution.get_absolute_url()
    visitor = browser.new_context().new_page()
    visitor.goto(live_server.url + public)
    assert visitor.get_by_text(ARABIC).is_visible()
    assert visitor.get_by_text(ARABIC_IN_GERMAN).count() == 0
    visitor.context.close()

    # The review, up to the published evaluation (the loop itself is tested in test_review_browser.py).
    review = contribution.review
    services.assign_review(actor=people["department"], review=review, lead_authority=site["schools"])
    services.start_review(actor=people["lead"], review=review)
    services.draft_evaluation(
        actor=people["lead"],
        review=review,
        disposition="taken_up_as_measure",
        justification=JUSTIFICATION,
        measures=[site["measure"]],
    )
    services.publish_evaluation(actor=people["department"], review=review)

    # The lead authority asks for a machine draft in Arabic, checks it and saves it.
    lead = Person(browser, live_server, "de", people["lead"])
    lead.context.set_default_timeout(60_000)
    lead.log_in()
    with translation.override("de"):
        lead.page.goto(f"{live_server.url}{review.get_absolute_url()}")
    with translation.override("de"):
        arabic_site_name = str(dict(settings.LANGUAGES)["ar"])
    draft_language = lead.page.locator("#justification-draft-language")
    draft_language.select_option(label=arabic_site_name)
    lead.click(lead.button("Ask for a machine draft"))
    text = lead.page.get_by_label(lead.t("Justification in this language"))
    assert text.input_value() == JUSTIFICATION_AR
    assert lead.page.get_by_label(
        lead.t("Made with the help of a machine translation, which I have checked")
    ).is_checked()
    lead.click(lead.button("Save the translation"))
    translation_row = JustificationTranslation.objects.get()
    assert (translation_row.language, translation_row.origin) == ("ar", "machine_approved")

    # The resident, in Arabic, reads the answer in Arabic first, the German text beside it.
    resident = browser.new_context(locale="ar-SY").new_page()
    with translation.override("ar"):
        receipt = contribution.get_receipt_url()
    resident.goto(live_server.url + receipt)
    answer = resident.get_by_text(JUSTIFICATION_AR)
    german = resident.get_by_text(JUSTIFICATION)
    assert answer.is_visible() and german.is_visible()
    assert (answer.get_attribute("lang"), answer.get_attribute("dir")) == ("ar", "rtl")
    assert (german.get_attribute("lang"), german.get_attribute("dir")) == ("de", "ltr")
    # First in reading order, and marked as a machine translation checked by the authority.
    html = resident.content()
    assert html.index(JUSTIFICATION_AR) < html.index(JUSTIFICATION)
    assert (
        resident.get_by_text(re.compile(re.escape(t("ar", "machine translation, checked by the authority")))).count()
        == 1
    )
    resident.context.close()
    department.close()
    lead.close()
