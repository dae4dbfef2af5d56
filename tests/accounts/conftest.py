"""The accounts tests read the English interface (German is the default; its wording is the translators')."""

import pytest


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
