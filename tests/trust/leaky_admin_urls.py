"""A deliberately wrong admin (permissions by role, but no authority scoping) to prove the matrix catches it."""

from django.contrib import admin
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from teilhabe.accounts.admin_scoping import staff_may_edit, staff_may_view
from teilhabe.monitoring.models import Measure

site = admin.AdminSite(name="leaky")


@admin.register(Measure, site=site)
class LeakyMeasureAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "authority"]
    fields = ["code", "title", "authority", "status"]

    def has_module_permission(self, request):
        return staff_may_view(request.user)

    def has_view_permission(self, request, obj=None):
        return staff_may_view(request.user)

    def has_add_permission(self, request):
        return staff_may_edit(request.user)

    def has_change_permission(self, request, obj=None):
        return staff_may_edit(request.user)

    def has_delete_permission(self, request, obj=None):
        return staff_may_edit(request.user)


urlpatterns = [path("admin/", site.urls)]
