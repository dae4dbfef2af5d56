"""Responses that are someone's own are never stored by a browser, proxy or shared computer's cache."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivateResponsesMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in person (staff pages, staff exports,
    API answers to a token) and on every admin page (its login included).

    Place it after AuthenticationMiddleware. The API's token user is known only after the view ran (DRF sets
    it on the request then), which is when this looks.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        is_admin = match is not None and "admin" in match.namespaces
        if is_admin or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        return response
