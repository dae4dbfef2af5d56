"""Admin for authorities and staff accounts; only department admins manage accounts (accounts.permissions)."""

from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import permissions, queries, services
from .models import Authority, User


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "code", "email", "is_department"]
    search_fields = ["name", "abbreviation", "code"]

    # Authorities are public facts (names, addresses); every staff role may look them up,
    # only department admins change them.
    def has_module_permission(self, request):
        return permissions.is_staff_member(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_staff_member(request.user)

    def has_add_permission(self, request):
        return permissions.can_manage_accounts(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_manage_accounts(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.can_manage_accounts(request.user)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "authority", "is_active"]
    list_filter = ["is_active", "authority", "groups"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Authority"), {"fields": ["authority"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Authority"), {"fields": ["authority"]}),)
    actions = ["offboard_selected"]

    def has_module_permission(self, request):
        return permissions.can_manage_accounts(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_manage_accounts(request.user)

    def has_add_permission(self, request):
        return permissions.can_manage_accounts(request.user)

    def has_change_permission(self, request, obj=None):
        # Another admin's account (password, e-mail, roles, staff status) is a superuser's to change:
        # a department admin sees it read-only, and its password form answers 403.
        if obj is not None:
            return permissions.can_manage_account(request.user, obj)
        return permissions.can_manage_accounts(request.user)

    def has_delete_permission(self, request, obj=None):
        # Accounts are offboarded, never deleted: the audit trail names them.
        return False

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes superusers or grants permissions beyond the roles.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def save_model(self, request, obj, form, change):
        # Repeated here, after the form's changes, for whatever bypasses has_change_permission.
        if not request.user.is_superuser and ("is_superuser" in form.changed_data or obj.is_superuser and not change):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Offboard: deactivate, end sessions, delete API tokens"), permissions=["change"])
    def offboard_selected(self, request, queryset):
        offboarded = 0
        for member in queryset:
            try:
                services.offboard_user(user=member, by=request.user)
            except PermissionDenied:
                self.message_user(request, _("You cannot offboard %(user)s.") % {"user": member}, messages.ERROR)
            else:
                offboarded += 1
        if offboarded:
            self.message_user(
                request,
                ngettext("%(count)d account offboarded.", "%(count)d accounts offboarded.", offboarded)
                % {"count": offboarded},
                messages.SUCCESS,
            )


# Department admins remove a lost authenticator so its owner can enrol a new one. The secret and its
# QR code are never shown here: only the owner sees them, once, while enrolling.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__last_name"]
    fields = ["user", "name", "confirmed", "last_used_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        # Another admin's authenticator is a superuser's to remove (permissions.can_manage_account):
        # removing it is a step of taking the account over.
        managed = queries.list_managed_accounts(request.user)
        return super().get_queryset(request).filter(user__in=managed.values("pk"))

    def has_module_permission(self, request):
        return permissions.can_manage_accounts(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_manage_accounts(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None:
            return permissions.can_manage_account(request.user, obj.user)
        return permissions.can_manage_accounts(request.user)


# Login records are the superuser's (the matrix: axes.*); axes' own admin offers a clean-up action that
# names no permission, so anyone who could see the list could run it (teilhabe.E001).
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    actions = ["cleanup_expired_attempts"]

    @admin.action(description=_("Clean up expired attempts"), permissions=["delete"])
    def cleanup_expired_attempts(self, request, queryset):
        # axes reads the time of the request from an attribute it sets only while handling a login.
        request.axes_attempt_time = timezone.now()
        return super().cleanup_expired_attempts(request, queryset)
