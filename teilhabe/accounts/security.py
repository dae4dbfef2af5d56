"""Hooks that adapt django-axes to teilhabe's rule of no personal data in logs."""

from django.http import HttpRequest


def describe_login_attempt(
    username: str, ip_address: str, user_agent: str, path_info: str, request: HttpRequest
) -> str:
    """What axes writes to the log about a login attempt: only the form's path, no username or address."""
    return f"{{path: {path_info!r}}}"
