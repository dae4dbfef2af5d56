"""The residents' languages in a real browser: the switcher, axe-core on every public page type in Arabic and
Turkish, and reflow at 320 px in Arabic and Farsi (docs/translations.md)."""

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _patient(page):
    # The first page in a language renders its charts once (then they are cached); on a loaded machine that
    # can take longer than the default 10 s.
    page.context.set_default_timeout(60_000)


@pytest.fixture
def resident_site(portal_site):
    """The portal dataset plus an open procedure with a contribution and an open survey."""
    from django.utils import translation

    from tests.participation.factories import ContributionFactory, PhaseFactory, ProcedureFactory
    from tests.surveys.factories import all_kinds_survey

    with translation.override("de"):
        procedure = ProcedureFactory(slug="konzept", edition=portal_site.edition)
        PhaseFactory(procedure=procedure)
        contribution = ContributionFactory(procedure=procedure, text="Mehr Sprachcafés im Quartier")
        all_kinds_survey(slug="umfrage", title_de="Umfrage zum Konzept", title_en="Survey on the concept")
    return {"receipt": f"beteiligung/beitrag/{contribution.receipt_token}/"}


# Every public page type (paths without the language prefix).
PAGE_TYPES = {
    "home": "",
    "area": "konzept/2017/bildung/",
    "indicator": "indikatoren/B1/",
    "district": "bezirke/d1/",
    "procedure": "beteiligung/konzept/",
    "contribution-form": "beteiligung/konzept/mitmachen/",
    "receipt": "{receipt}",
    "survey": "umfragen/umfrage/",
    "easy-language": "leichte-sprache/",
    "imprint": "impressum/",
    "privacy": "datenschutz/",
    "accessibility": "barrierefreiheit/",
    "editions": "konzept/",
    "open-data": "offene-daten/",
    "methodology": "methode/",
    "contributions": "beteiligung/beitraege/",
    "structure-and-climate": "umfragen/struktur-und-klima/",
}


@pytest.mark.parametrize("path", list(PAGE_TYPES.values()), ids=list(PAGE_TYPES))
def test_page_type_has_no_axe_violations_in_arabic_and_turkish(page, live_server, resident_site, axe_check, path):
    for language, direction in (("ar", "rtl"), ("tr", "ltr")):
        # when
        response = page.goto(f"{live_server.url}/{language}/{path.format(**resident_site)}")
        assert response.status == 200
        page.locator("details").evaluate_all("nodes => nodes.forEach(n => n.open = true)")
        # then
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("html").get_attribute("dir") == direction
        axe_check(page)
        assert page.console_errors == [], page.console_errors


def test_public_pages_reflow_at_320_pixels_in_arabic_and_farsi(page, live_server, resident_site):
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = {}
    for language in ("ar", "fa"):
        for path in PAGE_TYPES.values():
            url = f"{live_server.url}/{language}/{path.format(**resident_site)}"
            assert page.goto(url).status == 200
            # scrollWidth counts overflow to either side, so it also catches content pushed off a right-to-left page
            width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
            if width > 320:
                too_wide[url] = width
    assert too_wide == {}


def test_choosing_arabic_in_the_switcher_turns_the_page_right_to_left(page, live_server, resident_site):
    # given the German home page
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "de"
    # when the resident clicks the language named in Arabic
    page.get_by_role("link", name="العربية").click()
    # then the same page answers in Arabic, right to left, and the switcher marks Arabic as current
    page.wait_for_url(live_server.url + "/ar/")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    current = page.locator(".language-switcher a[aria-current=true]")
    assert current.inner_text() == "العربية" and current.get_attribute("dir") == "rtl"
    # and the layout mirrors: the brand now sits at the right edge
    width = page.evaluate("document.documentElement.clientWidth")
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] + brand["width"] > width / 2
    # and back to German from an inner page keeps the page
    page.goto(live_server.url + "/ar/indikatoren/B1/")
    page.get_by_role("link", name="Deutsch").click()
    page.wait_for_url(live_server.url + "/indikatoren/B1/")
    assert page.locator("html").get_attribute("dir") == "ltr"
