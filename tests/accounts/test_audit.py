"""The audit trail: every change attributed (web, commands, bulk), and shown to staff only."""

from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from teilhabe.accounts.audit import acting_as, list_history
from teilhabe.accounts.models import Role
from teilhabe.monitoring.models import Measure, Target
from teilhabe.monitoring.services import get_system_actor
from tests.monitoring.factories import EditionFactory, GeographyFactory, IndicatorFactory, MeasureFactory, TargetFactory

from .factories import UserFactory


def test_changes_in_a_command_are_attributed_to_the_acting_user(db):
    operator = UserFactory(username="operator", first_name="Olga", last_name="Operator")
    with acting_as(operator):
        measure = MeasureFactory(title="Before")
        measure.title = "After"
        measure.save()
    assert [record.history_user for record in measure.history.all()] == [operator, operator]


def test_acting_as_restores_the_previous_attribution(db):
    operator = UserFactory()
    with acting_as(operator):
        pass
    measure = MeasureFactory()
    assert measure.history.get().history_user is None


def test_bulk_updates_of_targets_record_history_for_every_row(db):
    """A bulk update through simple_history's helper leaves one attributed history row per target.

    No bulk target service exists yet (monitoring); services that add one must use these helpers.
    """
    edition, geography = EditionFactory(), GeographyFactory()
    actor = get_system_actor("target_update")
    with acting_as(actor):
        targets = bulk_create_with_history(
            [
                Target(
                    indicator=IndicatorFactory(),
                    edition=edition,
                    geography=geography,
                    baseline_value=1,
                    baseline_year=2015,
                    target_value=value,
                    target_year=2030,
                )
                for value in (10.0, 20.0, 30.0)
            ],
            Target,
        )
        for target in targets:
            target.target_value += 1
        bulk_update_with_history(targets, Target, ["target_value"])
    history = Target.history.order_by("history_id")
    assert [(h.history_type, h.target_value) for h in history] == [
        ("+", 10.0),
        ("+", 20.0),
        ("+", 30.0),
        ("~", 11.0),
        ("~", 21.0),
        ("~", 31.0),
    ]
    assert {h.history_user_id for h in history} == {actor.pk}


def test_history_lists_who_changed_what_newest_first(db):
    editor = UserFactory(first_name="Erika", last_name="Editor")
    with acting_as(editor):
        target = TargetFactory(target_value=90.0, note="")
        target.target_value = 95.0
        target.note = "Raised after the 2020 review"
        target.save()
    entries = list_history(target)
    assert [(entry.actor, entry.kind) for entry in entries] == [
        ("Erika Editor", "changed"),
        ("Erika Editor", "created"),
    ]
    assert {(change.field, change.old, change.new) for change in entries[0].changes} == {
        ("target value", "90.0", "95.0"),
        ("note", "—", "Raised after the 2020 review"),
    }


def test_system_actors_are_named_as_such(db):
    with acting_as(get_system_actor("import_data")):
        measure = MeasureFactory()
    assert list_history(measure)[0].actor == "system (import_data)"


def test_web_changes_are_attributed_to_the_logged_in_user(client, db):
    admin = UserFactory(roles=[Role.DEPARTMENT_ADMIN], is_staff=True, is_superuser=True)
    measure = MeasureFactory(title="Old title")
    client.force_login(admin)
    response = client.post(
        f"/admin/monitoring/measure/{measure.pk}/change/",
        {
            "code": measure.code,
            "title_de": "New title",
            "title_en": "",
            "authority": measure.authority_id,
            "status": "ongoing",
            "description_de": "",
            "description_en": "",
            "url": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert Measure.history.filter(id=measure.pk).latest("history_date").history_user == admin


PANEL = Template("{% load audit_tags %}{% history_panel measure %}")


def _render_panel(user, measure) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return PANEL.render(Context({"request": request, "measure": measure}))


def test_history_panel_is_shown_to_staff(db):
    with acting_as(UserFactory(first_name="Erika", last_name="Editor")):
        measure = MeasureFactory()
    html = _render_panel(UserFactory(roles=[Role.MODERATOR]), measure)
    assert "History of changes" in html
    assert "Erika Editor" in html


def test_history_panel_is_hidden_from_the_public(db):
    with acting_as(UserFactory(first_name="Erika", last_name="Editor")):
        measure = MeasureFactory()
    assert _render_panel(AnonymousUser(), measure).strip() == ""
    assert _render_panel(UserFactory(), measure).strip() == ""
