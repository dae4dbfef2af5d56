"""Writes for accounts: inviting and offboarding staff, second-factor enrolment, single sign-on sync.

Each service repeats its permission check, so views, the admin and commands cannot bypass it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from . import permissions
from .models import ApiTokenGrant, Authority, Role, User

# --- Inviting staff ---------------------------------------------------------


@transaction.atomic
def invite_staff(
    *,
    invited_by: User,
    email: str,
    first_name: str,
    last_name: str,
    authority: Authority | None,
    role: Role,
    base_url: str,
) -> User:
    """Create a staff account without a password and e-mail its owner a one-time link to set one.

    base_url is the site's address as the invitee reaches it (e.g. "https://teilhabe.example.org").
    """
    if not permissions.can_invite_staff(invited_by):
        raise PermissionDenied
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    if role != Role.DEPARTMENT_ADMIN and authority is None:
        raise ValidationError({"authority": _("Staff other than department admins belong to an authority.")})
    user = User(
        username=email,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        authority=authority,
        # The admin site admits only is_staff accounts; what each may do there is decided by the predicates.
        is_staff=True,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get(name=Role(role).value))
    link = base_url.rstrip("/") + invitation_path(user)
    transaction.on_commit(lambda: _send_invitation(user=user, invited_by=invited_by, link=link))
    return user


def invitation_path(user: User) -> str:
    """The path of the one-time set-password link; it expires with PASSWORD_RESET_TIMEOUT and after first use."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("accounts:invitation_accept", kwargs={"uidb64": uidb64, "token": token})


def _send_invitation(*, user: User, invited_by: User, link: str) -> None:
    context = {
        "user": user,
        "invited_by": invited_by,
        "link": link,
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = render_to_string("accounts/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/invitation_email.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


# --- Offboarding ------------------------------------------------------------


@dataclass(frozen=True)
class OffboardingResult:
    sessions_revoked: int
    tokens_deleted: int


@transaction.atomic
def offboard_user(*, user: User, by: User) -> OffboardingResult:
    """Deactivate an account: it can no longer log in, its sessions end now and its API tokens are deleted.

    The row stays, so the audit trail still names who made earlier changes.
    """
    if not permissions.can_offboard(by, user):
        raise PermissionDenied
    user.is_active = False
    # A new password hash also invalidates sessions the session store cannot enumerate (cache sessions).
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    tokens_deleted, _details = Token.objects.filter(user=user).delete()
    return OffboardingResult(sessions_revoked=revoke_sessions(user=user), tokens_deleted=tokens_deleted)


def revoke_sessions(*, user: User) -> int:
    """Delete every unexpired database session of this user; returns how many."""
    user_id = str(user.pk)
    doomed = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500):
        if session.get_decoded().get("_auth_user_id") == user_id:
            doomed.append(session.session_key)
    deleted, _details = Session.objects.filter(session_key__in=doomed).delete()
    return deleted


# --- Second factor (TOTP) -----------------------------------------------------

TOTP_DEVICE_NAME = "Authenticator app"


def has_confirmed_device(user: User) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


@transaction.atomic
def start_totp_enrolment(*, user: User, login_is_fresh: bool) -> TOTPDevice:
    """The user's pending (unconfirmed) authenticator, created with a fresh secret if there is none.

    Only after a fresh login (reauth): whoever sees the secret can make codes for this account forever.
    """
    if not login_is_fresh:
        raise PermissionDenied
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_totp_enrolment(*, user: User, token: str, login_is_fresh: bool) -> TOTPDevice | None:
    """Confirm the pending authenticator if the token matches; returns it, or None when the token is wrong.

    The device counts (confirmed) only once a code it made has been entered, after a fresh login.
    """
    if not login_is_fresh:
        raise PermissionDenied
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


# --- API tokens -----------------------------------------------------------------


@transaction.atomic
def issue_api_token(*, user: User, verified_device=None, via_identity_provider: bool = False) -> str:
    """A new API token for the user (replacing any old one); returns its key, which is shown once.

    verified_device is the device the session was verified with (request.user.otp_device); a user who
    uses a second factor gets a token only with one, and the token works only while that device does.
    """
    if not permissions.can_hold_api_token(user):
        raise PermissionDenied
    if verified_device is not None and (verified_device.user_id != user.pk or not verified_device.confirmed):
        raise PermissionDenied
    if via_identity_provider and not settings.TEILHABE_OIDC_SATISFIES_MFA:
        via_identity_provider = False
    if permissions.uses_second_factor(user) and verified_device is None and not via_identity_provider:
        raise PermissionDenied
    if verified_device is not None:
        second_factor = verified_device.persistent_id
    elif via_identity_provider:
        second_factor = ApiTokenGrant.IDENTITY_PROVIDER
    else:
        second_factor = ""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    ApiTokenGrant.objects.create(token=token, second_factor=second_factor)
    return token.key


# --- Single sign-on -----------------------------------------------------------


@transaction.atomic
def sync_staff_from_identity_provider(
    *, user: User, first_name: str, last_name: str, roles: Iterable[str], authority_code: str
) -> User:
    """Apply what the city's identity provider says about a staff member: name, roles, authority.

    Only teilhabe's staff roles are granted this way, never superuser status. An authority code that
    does not exist leaves the user without an authority, so scoped roles see nothing rather than too much.
    """
    wanted = {Role(name) for name in roles if name in Role.values}
    user.first_name = first_name[:150]
    user.last_name = last_name[:150]
    user.authority = Authority.objects.filter(code=authority_code).first() if authority_code else None
    user.is_staff = bool(wanted)
    user.save(update_fields=["first_name", "last_name", "authority", "is_staff"])
    role_groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*role_groups.exclude(name__in=[role.value for role in wanted]))
    user.groups.add(*role_groups.filter(name__in=[role.value for role in wanted]))
    if hasattr(user, "_teilhabe_roles"):
        del user._teilhabe_roles
    return user
