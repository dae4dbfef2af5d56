"""axe-core finds no violation on any public page type, in German and in English."""

import pytest

pytestmark = pytest.mark.browser

PAGE_TYPES = {
    "home": "/",
    "editions": "/konzept/?from=2013&to=2017",
    "edition": "/konzept/2013/",
    "area": "/konzept/2017/bildung/",
    "topic": "/konzept/2017/schule/",
    "indicator": "/indikatoren/B1/",
    "indicator-without-gap": "/indikatoren/A1/",
    "district": "/bezirke/d1/",
    "measure": "/massnahmen/sprachfoerderung/",
    "search": "/suche/?q=schul",
    "accessibility": "/barrierefreiheit/",
    "imprint": "/impressum/",
    "privacy": "/datenschutz/",
    "easy-language": "/leichte-sprache/",
    "contact": "/kontakt/",
    "open-data": "/offene-daten/",
}


@pytest.mark.parametrize("path", list(PAGE_TYPES.values()), ids=list(PAGE_TYPES))
def test_page_type_has_no_axe_violations_in_both_languages(page, live_server, portal_site, axe_check, path):
    for prefix in ("", "/en"):
        # when
        response = page.goto(live_server.url + prefix + path)
        assert response.status == 200
        page.locator("details").evaluate_all("nodes => nodes.forEach(n => n.open = true)")  # check the tables too
        # then
        axe_check(page)
        assert page.console_errors == [], page.console_errors  # e.g. a CSP violation


def test_form_errors_have_no_axe_violations(page, live_server, portal_site, axe_check):
    page.goto(live_server.url + "/en/barrierefreiheit/")
    page.get_by_role("button", name="Send feedback").click()
    assert page.locator(".errorlist").count() == 1
    axe_check(page)
