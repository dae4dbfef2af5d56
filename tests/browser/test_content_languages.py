"""Content in the residents' languages, in a real browser (docs/translations.md): a resident answers the survey
and writes a contribution in Arabic by keyboard alone, reading the texts the city wrote in Arabic; the
participation pages answer in all five languages with the right `lang` and `dir`; German shown for want of a
translation is marked German and runs left to right; the pages reflow at 320 px in Arabic and Farsi."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.browser

DIRECTION = {"ar": "rtl", "fa": "rtl", "tr": "ltr", "uk": "ltr", "ru": "ltr"}
PROCEDURE_TITLES = {
    "de": "Fortschreibung des Integrationskonzepts",
    "ar": "تحديث مفهوم الاندماج",
    "tr": "Uyum konseptinin güncellenmesi",
    "uk": "Оновлення концепції інтеграції",
    "ru": "Обновление концепции интеграции",
    # no Farsi title: Farsi pages show the German one
}


@pytest.fixture(autouse=True)
def _patient(page):
    page.context.set_default_timeout(60_000)  # a loaded machine renders the first page of a language slowly


@pytest.fixture
def site(transactional_db, live_server):
    from tests.monitoring.factories import AreaOfActionFactory, EditionFactory
    from tests.participation.factories import EventFactory, PhaseFactory, ProcedureFactory
    from tests.surveys.factories import OptionFactory, QuestionFactory, SurveyFactory

    today = datetime.date.today()
    with translation.override("de"):
        edition = EditionFactory(is_current=True)
        AreaOfActionFactory(edition=edition, code="f1", title_de="Sprache und Bildung", title_en="Language")
        procedure = ProcedureFactory(
            slug="konzept",
            edition=edition,
            **{f"title_{code}": title for code, title in PROCEDURE_TITLES.items()},
            title_en="Update of the integration concept",
            description_de="Sagen Sie uns, was sich ändern soll.",
            description_ar="أخبرونا بما يجب أن يتغير.",
        )
        PhaseFactory(
            procedure=procedure,
            title_de="Online-Beteiligung",
            title_ar="المشاركة عبر الإنترنت",
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=30),
        )
        # written in German only: every residents' language shows it in German
        event = EventFactory(procedure=procedure, title_de="Stadtteilkonferenz Nord", summary_de="Viele Ideen.")
        survey = SurveyFactory(
            slug="sprachcafe",
            title_de="Umfrage zum Sprachcafé",
            title_ar="استطلاع حول مقهى اللغة",
            introduction_de="Eine Frage, eine Minute.",
            introduction_ar="سؤال واحد، دقيقة واحدة.",
        )
        question = QuestionFactory(
            survey=survey,
            code="use",
            is_required=True,
            text_de="Besuchen Sie das Sprachcafé?",
            text_ar="هل تزور مقهى اللغة؟",
        )
        OptionFactory(question=question, code="yes", position=1, value=1, label_de="Ja", label_ar="نعم")
        OptionFactory(question=question, code="no", position=2, value=2, label_de="Nein", label_ar="لا")
    return {"procedure": procedure, "event": event, "survey": survey}


def arabic(text: str) -> str:
    with translation.override("ar"):
        return gettext(text)


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), id: e.id, type: e.type || '', text: (e.innerText || '').trim(),
                label: e.labels && e.labels.length ? e.labels[0].innerText.trim() : ''}; }"""
    )


def tab_to(page, matches, *, limit: int = 120) -> dict:
    """Press Tab until the focused element matches; fails if it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError("not reached by Tab")


def test_a_resident_answers_the_survey_by_keyboard_in_arabic(page, live_server, site, axe_check):
    from teilhabe.surveys.models import Answer

    # given the survey's page in Arabic, with the survey's Arabic title and introduction
    page.goto(f"{live_server.url}/ar/umfragen/sprachcafe/")
    assert page.locator("h1").inner_text() == "استطلاع حول مقهى اللغة"
    assert page.get_by_text("سؤال واحد، دقيقة واحدة.").is_visible()
    # when the resident starts it by keyboard
    tab_to(page, lambda e: e["tag"] == "button" and e["text"] == arabic("Start the survey"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/ar/umfragen/sprachcafe/seite/1/")
    # then the question and its answers read in Arabic, right to left
    legend = page.locator("legend.question-text")
    assert legend.inner_text().startswith("هل تزور مقهى اللغة؟")
    assert legend.get_attribute("lang") is None and page.locator("html").get_attribute("dir") == "rtl"
    axe_check(page)
    # when the resident chooses "نعم" and sends the answers, all by keyboard
    tab_to(page, lambda e: e["type"] == "radio" and e["label"] == "نعم")
    page.keyboard.press("Space")
    tab_to(page, lambda e: e["tag"] == "button" and e["text"] == arabic("Submit answers"))
    page.keyboard.press("Enter")
    # then the thanks page answers in Arabic and the answer is stored as the option "yes"
    page.wait_for_url("**/ar/umfragen/sprachcafe/danke/")
    assert page.get_by_text(arabic("Your answers have been received and counted.")).is_visible()
    assert list(Answer.objects.values_list("option__code", flat=True)) == ["yes"]


def test_a_resident_writes_a_contribution_by_keyboard_in_arabic(page, live_server, site):
    from teilhabe.participation.models import Contribution

    # given the procedure's page in Arabic, with its Arabic title and the current phase in Arabic
    page.goto(f"{live_server.url}/ar/beteiligung/konzept/")
    assert page.locator("h1").inner_text() == "تحديث مفهوم الاندماج"
    assert page.locator(".phase-list strong").inner_text() == "المشاركة عبر الإنترنت"
    # when the resident opens the form, writes and sends, all by keyboard
    tab_to(page, lambda e: e["tag"] == "a" and e["text"] == arabic("Make a contribution"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/ar/beteiligung/konzept/mitmachen/")
    assert page.locator("main a[href='/ar/beteiligung/konzept/']").first.inner_text() == "تحديث مفهوم الاندماج"
    tab_to(page, lambda e: e["id"] == "id_text")
    page.keyboard.type("نحتاج إلى مقهى لغة في الحي الشمالي.")
    tab_to(page, lambda e: e["tag"] == "button" and e["text"] == arabic("Send contribution"))
    page.keyboard.press("Enter")
    # then the receipt answers in Arabic and names the procedure in Arabic
    page.wait_for_url("**/ar/beteiligung/beitrag/**")
    contribution = Contribution.objects.get()
    assert contribution.text == "نحتاج إلى مقهى لغة في الحي الشمالي."
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.get_by_role("link", name="تحديث مفهوم الاندماج").is_visible()


def test_the_participation_pages_answer_in_all_five_languages(page, live_server, site):
    event = site["event"]
    for language, direction in DIRECTION.items():
        for path in (
            "beteiligung/",
            "beteiligung/konzept/",
            "beteiligung/konzept/mitmachen/",
            event.get_absolute_url(),
        ):
            path = path.removeprefix("/")
            assert page.goto(f"{live_server.url}/{language}/{path}").status == 200, (language, path)
            assert page.locator("html").get_attribute("lang") == language
            assert page.locator("html").get_attribute("dir") == direction
        page.goto(f"{live_server.url}/{language}/beteiligung/konzept/")
        title = page.locator("h1")
        if language in PROCEDURE_TITLES:
            assert (title.inner_text(), title.get_attribute("lang")) == (PROCEDURE_TITLES[language], None)
        else:
            assert (title.inner_text(), title.get_attribute("lang")) == (PROCEDURE_TITLES["de"], "de")


def test_content_without_an_arabic_translation_shows_german_marked_and_left_to_right(page, live_server, site):
    page.goto(f"{live_server.url}/ar{site['event'].get_absolute_url()}")
    title = page.locator("h1")
    assert title.inner_text() == "Stadtteilkonferenz Nord"
    assert (title.get_attribute("lang"), title.get_attribute("dir")) == ("de", "ltr")
    assert title.evaluate("e => getComputedStyle(e).direction") == "ltr"
    summary = page.get_by_text("Viele Ideen.")
    assert summary.get_attribute("lang") == "de"
    # the procedure named above it has an Arabic title: no mark, right to left
    procedure = page.locator("main a[href='/ar/beteiligung/konzept/']").first
    assert procedure.inner_text() == "تحديث مفهوم الاندماج" and procedure.get_attribute("lang") is None
    assert procedure.evaluate("e => getComputedStyle(e).direction") == "rtl"


def test_survey_and_participation_pages_reflow_at_320_pixels_in_arabic_and_farsi(page, live_server, site):
    page.set_viewport_size({"width": 320, "height": 640})
    event = site["event"].get_absolute_url().removeprefix("/")
    too_wide = {}
    for language in ("ar", "fa"):
        for path in (
            "umfragen/sprachcafe/",
            "beteiligung/",
            "beteiligung/konzept/",
            "beteiligung/konzept/mitmachen/",
            event,
        ):
            url = f"{live_server.url}/{language}/{path}"
            assert page.goto(url).status == 200
            too_wide[url] = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        # the questionnaire itself, after starting the survey
        page.goto(f"{live_server.url}/{language}/umfragen/sprachcafe/")
        page.locator("form[action$='/sprachcafe/start/'] button").click()  # "Start" or, the second time, "Start again"
        page.wait_for_url(f"**/{language}/umfragen/sprachcafe/seite/1/")
        too_wide[page.url] = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    assert {url: width for url, width in too_wide.items() if width > 320} == {}
    assert len(too_wide) == 12
