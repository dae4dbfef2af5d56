"""A department admin sets up the second factor and an API key in the browser, clicking what the pages show.

The session gets old between logging in and setting up the authenticator: the page asks for the
password again before it shows a secret. The API key made afterwards works for a program.
"""

from base64 import b32decode

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from teilhabe.accounts import reauth
from teilhabe.accounts.models import Role

from .factories import UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def _code_for(secret: str) -> str:
    return f"{totp(b32decode(secret.replace(' ', '') + '=' * (-len(secret.replace(' ', '')) % 8))):06d}"


def _age_the_session(context) -> None:
    """As if the login were long ago (a laptop left open): the server-side session's login time goes back."""
    cookie = next(c for c in context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[reauth.SESSION_KEY] = 0
    session.save()


def test_enrolment_after_an_old_login_and_an_api_key(browser, live_server, transactional_db, settings):
    from django.contrib.auth.models import Group

    for role in Role:  # a transactional test empties the role groups of the data migration
        Group.objects.get_or_create(name=role.value)
    settings.TEILHABE_MFA_REQUIRED_ROLES = ["department_admin"]
    user = UserFactory(username="head", is_staff=True, authority=None, roles=[Role.DEPARTMENT_ADMIN])
    # English is the default language in the accounts tests (conftest), so paths have no prefix.
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(30_000)  # a shared, busy test machine
    page = context.new_page()
    try:
        # Log in: the role requires a second factor, so the site sends the admin to set one up.
        page.goto(f"{live_server.url}/konto/anmelden/")
        page.get_by_label("Username").fill("head")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in", exact=True).click()
        page.wait_for_url("**/konto/zwei-faktor/einrichten/**")
        assert page.locator("img.qr-code").is_visible()

        # Later, the same session: the page wants the password before it shows a secret again.
        _age_the_session(context)
        page.reload()
        assert page.get_by_role("heading", name="Confirm your password").is_visible()
        assert page.locator("img.qr-code").count() == 0
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()

        # The secret, then a code from the app (computed here from the key shown for typing in).
        secret = page.locator("code.secret-key").inner_text()
        assert page.locator("img.qr-code").is_visible()
        page.get_by_label("Six-digit code from your authenticator app").fill(_code_for(secret))
        page.get_by_role("button", name="Confirm and finish").click()
        page.wait_for_url(lambda url: "/zwei-faktor/" not in url)
        assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1

        # The API key, from the account page.
        page.goto(f"{live_server.url}/konto/")
        page.get_by_role("link", name="Your API key").click()
        page.get_by_role("button", name="Create a new key").click()
        key = page.locator("code.secret-key").inner_text().strip()
        assert len(key) == 40
    finally:
        context.close()

    # A program uses the key: accepted (the upload of no rows is answered, not refused as unauthenticated).
    program = Client()
    answer = program.post(
        "/api/v1/observations/upload/", data="[]", content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert answer.status_code != 401
