"""Named permission predicates for accounts and roles, used by views, services, API and templates.

Every other context's permissions.py builds on these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from .models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import Authority, User


def _roles(user: User | AnonymousUser) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_teilhabe_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._teilhabe_roles = cached
    return cached


def has_role(user: User | AnonymousUser, role: Role) -> bool:
    return role.value in _roles(user)


def is_staff_member(user: User | AnonymousUser) -> bool:
    """Any logged-in staff role (or superuser)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(_roles(user) & {r.value for r in Role})


def is_department_admin(user: User | AnonymousUser) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or has_role(user, Role.DEPARTMENT_ADMIN)


def belongs_to(user: User | AnonymousUser, authority: Authority | None) -> bool:
    """Whether the user works for this authority (the department admin counts for every one)."""
    if is_department_admin(user):
        return True
    if authority is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.authority_id == authority.pk


def can_manage_accounts(user: User | AnonymousUser) -> bool:
    return is_department_admin(user)


def can_import_data(user: User | AnonymousUser) -> bool:
    """Bulk import of the whole concept is a department task."""
    return is_department_admin(user)


def can_analyse(user: User | AnonymousUser) -> bool:
    return is_department_admin(user) or has_role(user, Role.ANALYST)


def can_invite_staff(user: User | AnonymousUser) -> bool:
    return can_manage_accounts(user)


def holds_admin_rights(member: User) -> bool:
    """A superuser, a department admin or an account with permissions of its own, active or not.

    Deactivated accounts count too: reactivating one and setting its password is a takeover as well.
    """
    if member.pk is None:
        return member.is_superuser
    return (
        member.is_superuser
        or member.groups.filter(name=Role.DEPARTMENT_ADMIN.value).exists()
        or member.user_permissions.exists()
    )


def can_manage_account(user: User | AnonymousUser, member: User) -> bool:
    """Change this account's password, e-mail, username, roles, staff status or second-factor devices.

    Department admins manage staff accounts and their own; only a superuser manages another admin's
    (a superuser's, a department admin's): otherwise one department admin could take over a superuser
    by setting its e-mail and password and removing its authenticator.
    """
    if not can_manage_accounts(user):
        return False
    return user.is_superuser or member.pk == user.pk or not holds_admin_rights(member)


def can_offboard(user: User | AnonymousUser, member: User) -> bool:
    """Department admins offboard the accounts they manage but not themselves (so the city cannot lock
    itself out by accident)."""
    return can_manage_account(user, member) and user.pk != member.pk


def requires_second_factor(user: User | AnonymousUser) -> bool:
    """Whether the city requires a second factor for this user's roles (settings.TEILHABE_MFA_REQUIRED_ROLES).

    The role name "superuser" stands for superusers.
    """
    required = {name.strip() for name in settings.TEILHABE_MFA_REQUIRED_ROLES if name.strip()}
    if not required or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if "superuser" in required and user.is_superuser:
        return True
    return bool(_roles(user) & required)


def uses_second_factor(user: User) -> bool:
    """The city requires a second factor for the user's roles, or the user has set up an authenticator."""
    from django_otp import devices_for_user

    return requires_second_factor(user) or any(True for _device in devices_for_user(user, confirmed=True))


def api_token_is_usable(token) -> bool:
    """Whether this API token may act for its user: a user who uses a second factor needs a token issued
    after it (accounts.services.issue_api_token) by a second factor that still counts; a removed
    authenticator ends its tokens."""
    from django_otp.models import Device

    from .models import ApiTokenGrant

    user = token.user
    if not user.is_active:
        return False
    if not uses_second_factor(user):
        return True
    grant = ApiTokenGrant.objects.filter(token=token).first()
    if grant is None or not grant.second_factor:
        return False
    if grant.second_factor == ApiTokenGrant.IDENTITY_PROVIDER:
        return settings.TEILHABE_OIDC_ENABLED and settings.TEILHABE_OIDC_SATISFIES_MFA
    device = Device.from_persistent_id(grant.second_factor)
    return device is not None and device.user_id == user.pk and device.confirmed


def can_hold_api_token(user: User | AnonymousUser) -> bool:
    return is_staff_member(user)
