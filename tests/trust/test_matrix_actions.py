"""Admin bulk actions × roles (matrix_actions.py): a refused action changes nothing, and no action is left out."""

import pytest
from django.contrib import admin
from django.core import checks
from django.urls import reverse

from teilhabe.accounts.checks import admin_actions, check_admin_actions_declare_permissions
from teilhabe.surveys.models import Survey

from . import matrix
from .matrix_actions import ADMIN_ACTIONS, SITE_WIDE_ACTIONS

CASES = [(key, role) for key in ADMIN_ACTIONS for role in matrix.ROLES]


def _registered_actions(site=admin.site) -> set[tuple[str, str]]:
    return {(label, name) for label, name, _function in admin_actions(site) if name not in SITE_WIDE_ACTIONS}


def test_every_registered_admin_action_has_a_row_in_the_matrix():
    registered = _registered_actions()
    assert registered - ADMIN_ACTIONS.keys() == set(), "admin actions missing from matrix_actions.ADMIN_ACTIONS"
    assert ADMIN_ACTIONS.keys() - registered == set(), "rows for admin actions that no longer exist"


def test_every_admin_action_declares_its_permissions():
    undeclared = [
        f"{label}: {name}"
        for label, name, function in admin_actions()
        if not getattr(function, "allowed_permissions", ())
    ]
    assert undeclared == []
    assert check_admin_actions_declare_permissions() == []


def test_the_check_catches_an_action_without_permissions():
    """The system check (run by `check`, every test run and deployment) names an undeclared action."""
    site = admin.AdminSite(name="undeclared")

    class LooseSurveyAdmin(admin.ModelAdmin):
        actions = ["open_all"]

        @admin.action(description="Open")
        def open_all(self, request, queryset):
            queryset.update(status=Survey.Status.OPEN)

    site.register(Survey, LooseSurveyAdmin)
    assert _registered_actions(site) == {("surveys.survey", "open_all")}
    original = admin.site._registry
    admin.site._registry = site._registry
    try:
        errors = check_admin_actions_declare_permissions()
    finally:
        admin.site._registry = original
    assert [(error.id, error.level) for error in errors] == [("teilhabe.E001", checks.ERROR)]
    assert "'open_all' of surveys.survey" in errors[0].msg


@pytest.mark.parametrize("case", CASES, ids=[f"{label}.{name} as {role}" for (label, name), role in CASES])
def test_admin_action_obeys_the_matrix(db, case):
    (label, name), role = case
    rule = ADMIN_ACTIONS[(label, name)]
    # given
    world = matrix.build_world()
    client = world.client(role)  # before making the objects: a login cleans up expired login records
    objects = rule.make(world)
    before = rule.state(objects)
    app_label, model_name = label.split(".")
    # when: the attacker posts the action, whether or not the change list offered it
    response = client.post(
        reverse(f"admin:{app_label}_{model_name}_changelist"),
        {"action": name, "_selected_action": [obj.pk for obj in objects], "index": 0},
    )
    # then
    after = rule.state(objects)
    if role in rule.allowed:
        assert response.status_code == 302, response.content[:500]
        assert after != before, f"{role} may run {name} but nothing changed"
    else:
        assert response.status_code in (200, 302, 403)  # 200: the change list, "no action selected"
        if role in (matrix.ANONYMOUS, matrix.NO_ROLE):
            assert response["Location"].startswith("/admin/login/")
        assert after == before, f"{role} ran {name}: {before} → {after}"
