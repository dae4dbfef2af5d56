"""Reads for accounts."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from . import permissions
from .models import Role, User


def list_managed_accounts(user: User) -> QuerySet[User]:
    """The accounts whose credentials and devices this user may change (permissions.can_manage_account)."""
    if not permissions.can_manage_accounts(user):
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    with_admin_rights = User.objects.filter(
        Q(is_superuser=True) | Q(groups__name=Role.DEPARTMENT_ADMIN.value) | Q(user_permissions__isnull=False)
    ).exclude(pk=user.pk)
    return User.objects.exclude(pk__in=with_admin_rights.values("pk"))
