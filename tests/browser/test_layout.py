"""Reflow at 320 CSS pixels without horizontal scrolling, and a mirrored layout for right-to-left languages."""

import pytest

from tests.browser.test_accessibility import PAGE_TYPES

pytestmark = pytest.mark.browser


def test_every_page_type_reflows_at_320_pixels(page, live_server, portal_site):
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = {}
    for prefix in ("", "/en"):
        for path in PAGE_TYPES.values():
            page.goto(live_server.url + prefix + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                too_wide[prefix + path] = width
    assert too_wide == {}


def test_right_to_left_layout_mirrors(page, live_server, portal_site, axe_check):
    # when
    page.goto(live_server.url + "/ar/indikatoren/B1/")
    # then the document is right-to-left
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    # and the layout mirrors: the brand starts at the right edge, the we-statement border is on the right
    width = page.evaluate("document.documentElement.clientWidth")
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] + brand["width"] > width / 2
    page.goto(live_server.url + "/ar/konzept/2017/schule/")
    border = page.locator(".we-statement").evaluate(
        "e => [getComputedStyle(e).borderRightWidth, getComputedStyle(e).borderLeftWidth]"
    )
    assert border == ["4px", "0px"]
    axe_check(page)
