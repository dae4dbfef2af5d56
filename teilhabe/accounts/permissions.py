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


def can_offboard(user: User | AnonymousUser, member: User) -> bool:
    """Department admins offboard anyone but themselves (so the city cannot lock itself out by accident)."""
    return can_manage_accounts(user) and user.pk != member.pk


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
