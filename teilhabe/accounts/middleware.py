"""Second factor enforcement: staff who need one reach nothing but the login pages until they use it.

A user needs the second factor when the city requires it for one of their roles
(TEILHABE_MFA_REQUIRED_ROLES) or when they have enrolled an authenticator themselves. Without a
confirmed authenticator they are sent to enrolment, otherwise to verification. This covers the admin,
staff views and the API's session authentication alike; API tokens of such users work only when issued
after the second factor (teilhabe.api.authentication).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from . import permissions, services

# Pages a user in the middle of logging in must still reach.
EXEMPT_URL_NAMES = {
    "accounts:login",
    "accounts:logout",
    "accounts:otp_verify",
    "accounts:otp_enrol",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "accounts:invitation_accept",
    "admin:logout",
    "healthz",
    "set_language",
}
OIDC_BACKEND = "teilhabe.accounts.oidc.StaffOIDCBackend"


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified() and not self._is_exempt(request):
            if self._needs_second_factor(request, user):
                return self._refuse(request, user)
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request: HttpRequest, user) -> bool:
        if settings.TEILHABE_OIDC_SATISFIES_MFA and request.session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND:
            return False
        return permissions.requires_second_factor(user) or services.has_confirmed_device(user)

    @staticmethod
    def _is_exempt(request: HttpRequest) -> bool:
        path = request.path_info
        if path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            return True
        try:
            match = resolve(path)
        except Resolver404:
            return True  # a 404 reveals nothing
        return match.view_name in EXEMPT_URL_NAMES

    @staticmethod
    def _refuse(request: HttpRequest, user) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": _("A second factor is required; log in through the web page.")}, status=403)
        target = "accounts:otp_verify" if services.has_confirmed_device(user) else "accounts:otp_enrol"
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
