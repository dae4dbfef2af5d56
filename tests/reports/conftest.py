"""The reports read the same small dataset as the API tests."""

from tests.api.conftest import dataset  # noqa: F401
