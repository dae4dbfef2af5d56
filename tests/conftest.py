"""Test-wide fixtures and markers.

Tests run on the database in DATABASE_URL (PostgreSQL in CI) or SQLite. Tests marked
`postgres` are deselected, not skipped, on SQLite: they are run by the PostgreSQL pass.
"""

import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.signals import setting_changed
from django.urls import clear_url_caches
from django.utils import translation
from hypothesis import settings as hypothesis_settings

# Registered here, once, so that every test module shares one browser per session.
from tests.browser.fixtures import CHROMIUM, _axe, axe_check, browser, page  # noqa: F401

# In CI the property tests explore the same examples on every run, so a result is reproducible.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")


def _language_settings_changed(*, setting, **kwargs):
    # URL resolvers cache their reverse maps per language, including whether that language gets
    # a URL prefix; a test that changes the default language must not leave those maps behind.
    if setting in ("LANGUAGE_CODE", "LANGUAGES"):
        clear_url_caches()


setting_changed.connect(_language_settings_changed)


def _is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    # Each pass runs the tests for its database; the other pass runs the rest.
    other = "sqlite" if _is_postgres() else "postgres"
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker(other) else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    other = "sqlite" if _is_postgres() else "postgres"
    note = f" (tests marked '{other}' are deselected; CI's other pass runs them)"
    return f"teilhabe: database {engine}{note}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The database cache table is not a migration; create it once per test database."""
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request or override in an earlier test may
    have left another one active in this thread, and translated model fields follow it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _isolated_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception:  # the table may not exist for tests without database access
        pass
    yield


def _browser_available() -> bool:
    return os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def pytest_collection_finish(session):
    browser_tests = [item for item in session.items if item.get_closest_marker("browser")]
    if not browser_tests or _browser_available():
        return
    if os.environ.get("CI") == "true":
        pytest.exit(f"Chromium not found at {CHROMIUM}: the browser tests cannot run in CI.", returncode=3)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = (
        f"NOTE: Chromium is not installed ({CHROMIUM}); {len(browser_tests)} browser tests "
        "(accessibility, keyboard, end-to-end) are NOT run. Install it with: apt-get install chromium"
    )
    if reporter:
        reporter.write_line(message, yellow=True, bold=True)
    session.config.hook.pytest_deselected(items=browser_tests)
    session.items[:] = [item for item in session.items if not item.get_closest_marker("browser")]
