"""The client's address as the app sees it behind a trusted reverse proxy.

Rate limits (django-ratelimit) and login lockouts (django-axes) both count per this address,
so both must read it the same way; see TEILHABE_CLIENT_IP_HEADER in docs/configuration.md.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address in the configured proxy header, else the connecting peer's address.

    A comma list (X-Forwarded-For) is read from the right: the last entry is the one our own
    proxy appended; entries further left are whatever the client claimed and can be forged.
    """
    header = settings.TEILHABE_CLIENT_IP_HEADER
    if header:
        value = request.META.get(header, "")
        candidates = [part.strip() for part in value.split(",") if part.strip()]
        if candidates:
            return candidates[-1]
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"
