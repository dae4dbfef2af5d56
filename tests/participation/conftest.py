"""Fixtures for the participation tests."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Staff accounts are created in almost every test; Argon2 would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_messages():
    # Tests compare messages with the English source texts; pages themselves choose their language per request.
    from django.utils import translation

    with translation.override("en"):
        yield
