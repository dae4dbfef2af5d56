"""Fresh logins: some steps need the password entered moments ago, not just a session.

Setting up an authenticator binds the account to a phone from then on; with only a session (a
laptop left unlocked, a stolen session cookie) an attacker could bind it to theirs. So enrolment asks
for the password again unless the session logged in within FRESH_LOGIN_MINUTES.
"""

from __future__ import annotations

import time

from django.http import HttpRequest

FRESH_LOGIN_MINUTES = 10
SESSION_KEY = "teilhabe_authenticated_at"


def mark_fresh(request: HttpRequest) -> None:
    """The user has just proven they know the password (or logged in through the identity provider)."""
    request.session[SESSION_KEY] = time.time()


def is_fresh(request: HttpRequest) -> bool:
    authenticated_at = request.session.get(SESSION_KEY)
    return authenticated_at is not None and time.time() - authenticated_at <= FRESH_LOGIN_MINUTES * 60


def on_user_logged_in(sender, request: HttpRequest | None = None, user=None, **kwargs) -> None:
    """Receiver of django.contrib.auth's user_logged_in: every login, by any backend, starts fresh."""
    if request is not None and hasattr(request, "session"):
        mark_fresh(request)
