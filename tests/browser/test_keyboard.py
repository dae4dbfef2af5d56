"""Keyboard-only use: skip link, navigation, language switcher and search, with a visible focus."""

import pytest

pytestmark = pytest.mark.browser


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {tag: e.tagName, id: e.id, text: (e.innerText || e.value || '').trim(), href: e.getAttribute('href'),
                outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth), shadow: s.boxShadow}; }"""
    )


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page, live_server, portal_site):
    page.goto(live_server.url + "/indikatoren/B1/")
    # when
    page.keyboard.press("Tab")
    # then the skip link has focus, is visible and shows its focus
    element = focused(page)
    assert element["href"] == "#main"
    assert page.locator(".skip-link").is_visible()
    assert element["outline"] != "none" and element["outlineWidth"] >= 2
    # when
    page.keyboard.press("Enter")
    # then
    assert focused(page)["id"] == "main"


def test_main_navigation_is_operable_by_keyboard(page, live_server, portal_site):
    page.goto(live_server.url + "/en/")
    seen = []
    for _ in range(15):
        page.keyboard.press("Tab")
        element = focused(page)
        seen.append(element["text"])
        if element["text"] == "Editions":
            assert element["outline"] != "none"
            break
    assert "Editions" in seen, seen
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/konzept/")
    assert page.locator("h1").inner_text() == "Editions of the concept"


def tab_to(page, text: str, limit: int = 20) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if element["text"] == text:
            return element
    raise AssertionError(f"{text!r} not reached by Tab")


def test_language_switcher_is_operable_by_keyboard(page, live_server, portal_site):
    page.goto(live_server.url + "/indikatoren/B1/")
    # the switcher's links are reached by Tab, with a visible focus, and Enter opens the same page
    element = tab_to(page, "English")
    assert element["tag"] == "A" and element["outline"] != "none"
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/indikatoren/B1/")
    assert page.locator("html").get_attribute("lang") == "en"
    # and on to Turkish, then back to German
    tab_to(page, "Türkçe")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tr/indikatoren/B1/")
    assert page.locator("html").get_attribute("lang") == "tr"
    tab_to(page, "Deutsch")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/indikatoren/B1/")
    assert page.locator("html").get_attribute("lang") == "de"


def test_a_search_can_be_done_by_keyboard(page, live_server, portal_site):
    page.goto(live_server.url + "/en/")
    for _ in range(20):
        page.keyboard.press("Tab")
        if focused(page)["id"] == "site-search-q":
            break
    assert focused(page)["id"] == "site-search-q"
    page.keyboard.type("Abitur")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/suche/?q=Abitur")
    assert page.get_by_role("link", name="B1 Share with Abitur").count() == 1
    # the results are reachable by Tab
    for _ in range(40):
        page.keyboard.press("Tab")
        if (focused(page)["href"] or "").endswith("/en/indikatoren/B1/"):
            break
    assert focused(page)["href"].endswith("/en/indikatoren/B1/")


def test_chart_data_table_opens_by_keyboard(page, live_server, portal_site):
    page.goto(live_server.url + "/en/indikatoren/B1/")
    summary = page.locator("details.chart-data summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.chart-data").first.evaluate("d => d.open") is True
    assert page.locator("details.chart-data table").first.is_visible()
