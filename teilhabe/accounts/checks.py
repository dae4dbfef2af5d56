"""System checks for the admin: every bulk action declares the permissions it needs.

Django runs an admin action for anyone who may see the change list unless the action names its
permissions (`@admin.action(permissions=[...])`, checked by `has_<name>_permission` on the ModelAdmin).
An action without them is an escalation waiting to happen (issue 11: an analyst opened surveys), so
`manage.py check`, and with it every test run and deployment, fails on one.
"""

from __future__ import annotations

from django.contrib import admin
from django.core import checks


def admin_actions(site: admin.AdminSite = admin.site):
    """(model label, action name, action function) for every action offered on every registered model."""
    for model, model_admin in sorted(site._registry.items(), key=lambda item: item[0]._meta.label_lower):
        # _get_base_actions: the site-wide actions (delete_selected) and the ModelAdmin's own, resolved.
        for function, name, _description in model_admin._get_base_actions():
            yield model._meta.label_lower, name, function


@checks.register(checks.Tags.admin, checks.Tags.security)
def check_admin_actions_declare_permissions(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            f"The admin action {name!r} of {label} declares no permissions.",
            hint="Use @admin.action(permissions=[...]) with a has_<permission>_permission method on the ModelAdmin.",
            obj=function,
            id="teilhabe.E001",
        )
        for label, name, function in admin_actions()
        if not getattr(function, "allowed_permissions", ())
    ]
