"""Fixtures for the survey tests."""

import pytest
from django.utils import translation

from teilhabe.surveys import queries


@pytest.fixture(autouse=True)
def _fresh_questionnaires():
    """Questionnaires are kept per process; a test starts without any from an earlier test."""
    queries.forget_questionnaires()
    yield
    queries.forget_questionnaires()


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; reverse() gives the English pages (/en/...)."""
    with translation.override("en"):
        yield
