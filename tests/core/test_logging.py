"""Logs hold no personal data: e-mail addresses are redacted, also from third-party messages."""

import io
import logging

from teilhabe.core.logging import REDACTED, RedactPersonalData, redact


def test_redact_replaces_every_address():
    assert redact("login failed for Anna.B@example.org and x+y@sub.example.de") == (
        f"login failed for {REDACTED} and {REDACTED}"
    )


def test_filter_redacts_arguments_and_tracebacks():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "user %s failed", ("anna@example.org",), None)
    try:
        raise ValueError("bad value anna@example.org")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    RedactPersonalData().filter(record)
    formatted = logging.Formatter().format(record)
    assert "anna@example.org" not in formatted
    assert "user [e-mail redacted] failed" in formatted


def test_a_login_with_an_e_mail_address_does_not_reach_the_log(client, db):
    """A failed and a successful login with an e-mail as username leave no address in the configured log."""
    from tests.accounts.factories import UserFactory

    UserFactory(username="anna@example.org", email="anna@example.org")
    console = next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler) and any(isinstance(f, RedactPersonalData) for f in h.filters)
    )
    stream = io.StringIO()
    original = console.setStream(stream)
    try:
        client.post("/konto/anmelden/", {"username": "anna@example.org", "password": "wrong"})
        client.post("/konto/anmelden/", {"username": "anna@example.org", "password": "correct horse battery staple"})
        client.post("/konto/passwort-vergessen/", {"email": "anna@example.org"})
        logging.getLogger("teilhabe.test").warning("Form data: %s", {"email": "anna@example.org"})
    finally:
        console.setStream(original)
    output = stream.getvalue()
    assert "AXES" in output  # the login attempts were logged ...
    assert "anna@example.org" not in output  # ... without the address
    assert "anna" not in output.lower()
