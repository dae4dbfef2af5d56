import pytest

from tests.portal.dataset import build_portal_dataset


@pytest.fixture
def portal_data(db):
    return build_portal_dataset()
