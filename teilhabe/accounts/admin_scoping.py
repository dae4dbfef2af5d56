"""Authority scoping for the admin: a specialist authority's staff see and change only their authority's objects.

Usage in a context's admin.py (monitoring, participation, ...)::

    from simple_history.admin import SimpleHistoryAdmin
    from teilhabe.accounts.admin_scoping import AuthorityScopedAdminMixin
    from . import permissions

    @admin.register(Measure)
    class MeasureAdmin(AuthorityScopedAdminMixin, SimpleHistoryAdmin):
        authority_path = "authority"                      # ORM path from the model to its Authority
        change_predicate = staticmethod(permissions.can_edit_measure)   # optional, (user, obj|None) -> bool

The mixin goes first in the bases. Everything follows from one rule: an object is in a user's scope
when it is in `get_queryset(request)` — the change list, change/delete/history views, bulk actions,
autocomplete and the add/change form's result are all checked against that same queryset. Permissions
come from the predicates (teilhabe's one permission layer), not from Django's model permissions:

- view: `view_predicate(user, obj)`, by default any staff role;
- add/change/delete: `change_predicate` / `add_predicate` / `delete_predicate`, by default the
  department admin and authority staff (moderators and analysts read only);
- department admins and superusers are unscoped; staff without an authority see nothing.

A multi-valued path (e.g. "indicator__versions__authority" for observations, whose indicator may be
assigned to an authority per edition) works: the object is in scope when any of its paths reaches the
user's authority. Models whose scope is not a simple path override `scope_queryset(request, queryset)`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import HttpRequest

from . import permissions
from .models import Authority, Role

Predicate = Callable[[object, object], bool]


def staff_may_view(user, obj=None) -> bool:
    return permissions.is_staff_member(user)


def staff_may_edit(user, obj=None) -> bool:
    return permissions.is_department_admin(user) or permissions.has_role(user, Role.AUTHORITY_STAFF)


class AuthorityScopedAdminMixin:
    authority_path: str | None = None
    view_predicate: Predicate = staticmethod(staff_may_view)
    add_predicate: Predicate = staticmethod(staff_may_edit)
    change_predicate: Predicate = staticmethod(staff_may_edit)
    delete_predicate: Predicate = staticmethod(staff_may_edit)

    # --- scope ---------------------------------------------------------------

    def is_unscoped(self, request: HttpRequest) -> bool:
        return permissions.is_department_admin(request.user)

    def scope_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        """The objects of the user's authority; override for scopes that are not a simple path."""
        if not self.authority_path:
            raise ImproperlyConfigured(f"{type(self).__name__} needs authority_path or its own scope_queryset().")
        authority_id = getattr(request.user, "authority_id", None)
        if authority_id is None:
            return queryset.none()
        # A subquery, so multi-valued paths neither duplicate rows nor need distinct().
        in_scope = self.model._default_manager.filter(**{self.authority_path: authority_id}).values("pk")
        return queryset.filter(pk__in=in_scope)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request)
        if self.is_unscoped(request):
            return queryset
        if not permissions.is_staff_member(request.user):
            return queryset.none()
        return self.scope_queryset(request, queryset)

    def is_in_scope(self, request: HttpRequest, obj: models.Model) -> bool:
        if self.is_unscoped(request):
            return True
        return obj.pk is not None and self.get_queryset(request).filter(pk=obj.pk).exists()

    # --- permissions ---------------------------------------------------------

    def _allowed(self, predicate: Predicate, request: HttpRequest, obj) -> bool:
        if not predicate(request.user, obj):
            return False
        return obj is None or self.is_in_scope(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.view_predicate(request.user, None)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._allowed(self.view_predicate, request, obj) or self.has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return self.add_predicate(request.user, None)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._allowed(self.change_predicate, request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._allowed(self.delete_predicate, request, obj)

    # --- forms ---------------------------------------------------------------

    def _scoped_choices(self, db_field, request: HttpRequest):
        """The choices a scoped user may pick for a relation: their authority, or what a scoped admin shows them."""
        if self.is_unscoped(request):
            return None
        if db_field.related_model is Authority:
            return Authority.objects.filter(pk=getattr(request.user, "authority_id", None))
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related_admin, AuthorityScopedAdminMixin):
            return related_admin.get_queryset(request)
        return None

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        """Scoped users pick only their own authority and in-scope objects (no linking to another authority's)."""
        choices = self._scoped_choices(db_field, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        choices = self._scoped_choices(db_field, request)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        """Refuse a save that would put the object outside the user's scope.

        The admin's add and change views run in one transaction, so raising here stores nothing.
        """
        super().save_model(request, obj, form, change)
        if not self.is_in_scope(request, obj):
            raise PermissionDenied

    def save_related(self, request: HttpRequest, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Many-to-many paths (e.g. via sub-goals) are only known after the related objects are saved.
        if not self.is_in_scope(request, form.instance):
            raise PermissionDenied

    # --- history (django-simple-history) ---------------------------------------

    def history_form_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        """Show a past version read-only: simple_history would save a POST as a revert."""
        if request.method == "POST" and getattr(settings, "SIMPLE_HISTORY_REVERT_DISABLED", False):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
