"""Browser test fixtures: one headless Chromium per session and axe-core checks.

They are registered once, in tests/conftest.py, so every test module shares the one browser.

Other apps' page tests use these too:

    @pytest.mark.browser
    def test_my_page(page, live_server, axe_check):
        page.goto(live_server.url + "/beteiligung/")
        axe_check(page)

`page` is a fresh browser context (no cookies) per test; `axe_check(page)` runs every
axe-core rule on the current page and fails listing each violation with its nodes.
"""

from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# (fixtures) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("TEILHABE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="de-DE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.console_errors = problems
    yield page
    context.close()


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']} [{violation['helpUrl']}]")
        for node in violation.get("nodes", [])[:8]:
            lines.append(
                f"    at {' '.join(map(str, node.get('target', [])))}: {node.get('failureSummary', '')!s:.300}"
            )
    return "\n".join(lines)


@pytest.fixture(scope="session")
def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def axe_check(_axe):
    """Run all axe-core rules (WCAG 2.1 A/AA and best practices) on the page; fail listing every violation."""

    def check(page, *, context: str | dict | None = None) -> None:
        results = _axe.run(page, context=context, options={"resultTypes": ["violations"]})
        violations = results.response.get("violations", [])
        assert not violations, f"axe-core found {len(violations)} violation(s) on {page.url}:\n" + format_violations(
            violations
        )

    return check
