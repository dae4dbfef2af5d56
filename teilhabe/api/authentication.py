"""API authentication: DRF's token, refused when it would skip the user's second factor.

A staff member whose role requires a second factor (or who set one up) reaches the web pages only
after entering a code; their API token must not be a way around it. Such a token works only if it
was issued after the second factor (accounts.services.issue_api_token, on the account page) and
that second factor still counts (accounts.permissions.api_token_is_usable).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from teilhabe.accounts import permissions


class SecondFactorTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if not permissions.api_token_is_usable(token):
            raise exceptions.AuthenticationFailed(
                _("This token was not issued after your second factor. Create a new one on your account page.")
            )
        return user, token
