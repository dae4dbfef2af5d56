"""Admin for authorities and staff accounts; only department admins manage accounts (accounts.permissions)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import permissions, services
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
        return permissions.can_manage_accounts(request.user)

    def has_delete_permission(self, request, obj=None):
        # Accounts are offboarded, never deleted: the audit trail names them.
        return False

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes superusers.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

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

    def has_module_permission(self, request):
        return permissions.can_manage_accounts(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_manage_accounts(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return permissions.can_manage_accounts(request.user)
