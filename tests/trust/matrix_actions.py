"""The authorisation matrix of admin bulk actions: every action of every registered admin × every role.

A bulk action is a POST to the model's change list naming the action and the selected objects: that is
what an attacker sends, whether or not the page offered them the action. Django runs an action for
anyone who may see the change list unless the action declares its permissions, so each action has a row
here: the roles that may run it, the objects it is tried on, and what running it changes.

test_matrix_actions.py posts each action as each role and checks that a permitted role's action took
effect and a refused one changed nothing; it fails when a registered action has no row here.

`delete_selected`, Django's site-wide action, is not listed: the matrix's generated "bulk delete"
endpoints (matrix.admin_endpoints) try it on every model with the delete roles of ADMIN_ACCESS.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from .matrix import ADMINS, SUPERUSER, World

SITE_WIDE_ACTIONS = {"delete_selected": "tried per model by matrix.admin_endpoints from ADMIN_ACCESS' delete roles"}


@dataclass(frozen=True)
class ActionRule:
    allowed: frozenset[str]
    # The objects the action is tried on, made fresh for each role: (world) -> objects of the model.
    make: Callable[[World], list[models.Model]]
    # What the action changes, read from the database: equal before and after a refusal, different after
    # a permitted run.
    state: Callable[[list[models.Model]], object]


def _rows(model, objects, *fields):
    return list(model._base_manager.filter(pk__in=[obj.pk for obj in objects]).order_by("pk").values_list(*fields))


def _staff_member(world: World):
    from tests.accounts.factories import UserFactory

    return [UserFactory(username="matrix-action-member", authority=world.own, is_staff=True, roles=["moderator"])]


def _user_state(objects):
    from teilhabe.accounts.models import User

    return _rows(User, objects, "is_active", "password")


def _expired_login_record(world: World):
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(
        username="matrix-action", ip_address="192.0.2.1", user_agent="", failures_since_start=1
    )
    # Older than the cool-off time: the clean-up removes it.
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - datetime.timedelta(days=2))
    return [attempt]


def _login_record_state(objects):
    from axes.models import AccessAttempt

    return _rows(AccessAttempt, objects, "pk")


def _survey(status: str):
    def make(world: World):
        from tests.surveys.factories import SurveyFactory

        return [SurveyFactory(slug=f"matrix-action-{status}", status=status)]

    return make


def _survey_state(objects):
    from teilhabe.surveys.models import Survey

    return _rows(Survey, objects, "status")


def _question_with_areas(world: World):
    from tests.monitoring.factories import AreaOfActionFactory, EditionFactory
    from tests.surveys.factories import QuestionFactory, SurveyFactory

    edition = EditionFactory(code="matrix-action-edition")
    AreaOfActionFactory(edition=edition, code="matrix-action-area")
    survey = SurveyFactory(slug="matrix-action-question", edition=edition, status="draft")
    return [QuestionFactory(survey=survey, code="ranking", kind="ranking")]


def _question_state(objects):
    from teilhabe.surveys.models import Option

    return sorted(Option.objects.filter(question__in=objects).values_list("code", flat=True))


# (model label, action name) -> who may run it and how to see that it ran.
ADMIN_ACTIONS: dict[tuple[str, str], ActionRule] = {
    ("accounts.user", "offboard_selected"): ActionRule(frozenset(ADMINS), _staff_member, _user_state),
    ("axes.accessattempt", "cleanup_expired_attempts"): ActionRule(
        frozenset({SUPERUSER}), _expired_login_record, _login_record_state
    ),
    ("surveys.survey", "open_surveys"): ActionRule(frozenset(ADMINS), _survey("draft"), _survey_state),
    ("surveys.survey", "close_surveys"): ActionRule(frozenset(ADMINS), _survey("open"), _survey_state),
    ("surveys.question", "add_areas"): ActionRule(frozenset(ADMINS), _question_with_areas, _question_state),
}
