"""Account pages: login with second factor, password reset, invitations, the staff member's own page.

Django's auth views do the heavy lifting (they validate every `next` with url_has_allowed_host_and_scheme);
the public forms are rate limited per client address in the shared cache.
"""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import match_token
from rest_framework.authtoken.models import Token

from teilhabe.core.ratelimit import limit_public_form

from . import permissions, reauth, services
from .forms import InvitationForm, LoginForm, PasswordConfirmationForm, PrivatePasswordResetForm, TokenForm
from .middleware import OIDC_BACKEND
from .models import Role


def _login_rate(group: str, request: HttpRequest) -> str:
    return settings.TEILHABE_RATE_LOGIN


def _public_form_rate(group: str, request: HttpRequest) -> str:
    return settings.TEILHABE_RATE_PUBLIC_FORM


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` parameter if it points to this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


login = limit_public_form("login", rate=_login_rate)(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
        extra_context={"oidc_enabled": settings.TEILHABE_OIDC_ENABLED},
    )
)
logout = auth_views.LogoutView.as_view()

password_reset = limit_public_form("password_reset", rate=_public_form_rate)(
    auth_views.PasswordResetView.as_view(
        form_class=PrivatePasswordResetForm,
        template_name="accounts/password_reset_form.html",
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
    )
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
password_reset_confirm = limit_public_form("password_reset", rate=_public_form_rate)(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
password_change = auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change_form.html", success_url=reverse_lazy("accounts:password_change_done")
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
invitation_accept = limit_public_form("password_reset", rate=_public_form_rate)(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/invitation_accept.html",
        success_url=reverse_lazy("accounts:login"),
    )
)


@login_required
def account_detail(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = [Role(name).label for name in user.groups.filter(name__in=Role.values).values_list("name", flat=True)]
    return render(
        request,
        "accounts/account_detail.html",
        {
            "roles": roles,
            "has_device": services.has_confirmed_device(user),
            "second_factor_required": permissions.requires_second_factor(user),
            "can_invite": permissions.can_invite_staff(user),
            "is_staff_member": permissions.is_staff_member(user),
        },
    )


@never_cache
@login_required
@sensitive_post_parameters("token")
@limit_public_form("second_factor", rate=_login_rate)
def otp_verify(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if request.user.is_verified():
        return redirect(next_url)
    if not services.has_confirmed_device(request.user):
        return redirect(f"{reverse('accounts:otp_enrol')}?{urlencode({'next': next_url})}")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        # match_token applies each device's throttling: repeated wrong codes lock it for a growing delay.
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
        form.add_error("token", _("The code is not correct or has expired. Enter the current code."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
@sensitive_post_parameters("token", "password")
@limit_public_form("second_factor", rate=_login_rate)
def otp_enrol(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if services.has_confirmed_device(request.user):
        messages.info(request, _("You already use an authenticator app. Ask a department admin to replace it."))
        if request.user.is_verified():
            return redirect(next_url)
        return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': next_url})}")
    if not reauth.is_fresh(request):
        # The secret is shown only to someone who has just entered the password, not to any open session.
        password_form = PasswordConfirmationForm(request.POST or None, request=request)
        if password_form.is_valid():
            reauth.mark_fresh(request)
            return redirect(f"{reverse('accounts:otp_enrol')}?{urlencode({'next': next_url})}")
        return render(
            request,
            "accounts/password_confirm.html",
            {"form": password_form, "next": next_url, "action": reverse("accounts:otp_enrol")},
        )
    device = services.start_totp_enrolment(user=request.user, login_is_fresh=True)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        confirmed = services.confirm_totp_enrolment(
            user=request.user, token=form.cleaned_data["token"], login_is_fresh=True
        )
        if confirmed is not None:
            otp_login(request, confirmed)
            messages.success(request, _("Your authenticator app is set up. You will be asked for a code at login."))
            return redirect(next_url)
        form.add_error("token", _("The code is not correct. Check the time on your phone and enter the current code."))
    qr_code = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "next": next_url,
            "qr_code_uri": qr_code.svg_data_uri(scale=5, border=2),
            "secret": _group_secret(device),
        },
    )


def _group_secret(device) -> str:
    """The secret in groups of four, for typing it into an app by hand instead of scanning."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    """Create (or replace) one's API token; the key is shown once. The second-factor middleware has already
    asked for the code when the user uses one; the service records which device confirmed it."""
    if not permissions.can_hold_api_token(request.user):
        raise PermissionDenied
    new_key = None
    if request.method == "POST":
        new_key = services.issue_api_token(
            user=request.user,
            verified_device=getattr(request.user, "otp_device", None),
            via_identity_provider=request.session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND,
        )
    return render(
        request,
        "accounts/api_token.html",
        {"new_key": new_key, "has_token": Token.objects.filter(user=request.user).exists()},
    )


@login_required
@limit_public_form("invitation", rate=_public_form_rate)
def invitation_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_invite_staff(request.user):
        raise PermissionDenied
    form = InvitationForm(request.POST or None)
    if form.is_valid():
        try:
            user = services.invite_staff(
                invited_by=request.user, base_url=request.build_absolute_uri("/"), **form.cleaned_data
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("%(email)s has been invited by e-mail.") % {"email": user.email})
            return redirect("accounts:invitation_create")
    return render(request, "accounts/invitation_form.html", {"form": form})
