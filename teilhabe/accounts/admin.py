from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Authority, User


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "code", "email", "is_department"]
    search_fields = ["name", "abbreviation", "code"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "authority", "is_active"]
    list_filter = ["is_active", "authority", "groups"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Authority"), {"fields": ["authority"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Authority"), {"fields": ["authority"]}),)
