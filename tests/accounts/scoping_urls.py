"""A URLconf with an admin site whose Measure and Observation admins use AuthorityScopedAdminMixin (tests only)."""

from django.contrib import admin
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from teilhabe.accounts.admin_scoping import AuthorityScopedAdminMixin
from teilhabe.monitoring.models import Indicator, Measure, Target

site = admin.AdminSite(name="scoped")


@admin.register(Measure, site=site)
class ScopedMeasureAdmin(AuthorityScopedAdminMixin, SimpleHistoryAdmin):
    authority_path = "authority"
    list_display = ["code", "title", "authority"]
    fields = ["code", "title", "authority", "status"]


@admin.register(Target, site=site)
class ScopedTargetAdmin(AuthorityScopedAdminMixin, SimpleHistoryAdmin):
    # A target belongs to the authorities responsible for its indicator in any edition.
    authority_path = "indicator__versions__authority"
    list_display = ["indicator", "target_year", "target_value"]


@admin.register(Indicator, site=site)
class ScopedIndicatorAdmin(AuthorityScopedAdminMixin, SimpleHistoryAdmin):
    authority_path = "versions__authority"
    search_fields = ["code"]


urlpatterns = [path("admin/", site.urls)]
