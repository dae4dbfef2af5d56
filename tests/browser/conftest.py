"""Portal browser tests: the small portal dataset (the browser fixtures live in tests/browser/fixtures.py)."""

import pytest


@pytest.fixture
def portal_site(transactional_db, live_server):
    from tests.portal.dataset import build_portal_dataset

    return build_portal_dataset()
