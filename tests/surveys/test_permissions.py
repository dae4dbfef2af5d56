"""Who may do what with surveys: a table over kinds of users."""

import pytest
from django.contrib.auth.models import AnonymousUser

from teilhabe.surveys import permissions
from tests.accounts.factories import UserFactory
from tests.participation.factories import ProcedureFactory
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db

USERS = {
    "anonymous": lambda: AnonymousUser(),
    "department admin": lambda: UserFactory(roles=["department_admin"]),
    "analyst": lambda: UserFactory(roles=["analyst"]),
    "authority staff": lambda: UserFactory(roles=["authority_staff"]),
    "moderator": lambda: UserFactory(roles=["moderator"]),
    "superuser": lambda: UserFactory(is_superuser=True),
    "inactive admin": lambda: UserFactory(roles=["department_admin"], is_active=False),
}


@pytest.mark.parametrize(
    "user, manage, analyse, contribute",
    [
        ("anonymous", False, False, False),
        ("department admin", True, True, True),
        ("analyst", False, True, False),
        ("authority staff", False, False, False),
        ("moderator", False, False, False),
        ("superuser", True, True, True),
        ("inactive admin", False, False, False),
    ],
)
def test_permissions_by_kind_of_user(user, manage, analyse, contribute):
    survey = SurveyFactory(procedure=ProcedureFactory())
    someone = USERS[user]()
    assert permissions.can_manage_surveys(someone) is manage
    assert permissions.can_preview(someone, survey) is manage
    assert permissions.can_manage_barometer(someone) is manage
    assert permissions.can_analyse_survey(someone, survey) is analyse
    assert permissions.can_view_results(someone, survey) is analyse
    assert permissions.can_create_contributions(someone, survey) is contribute


def test_public_results_are_for_everyone_but_contributions_need_a_procedure():
    survey = SurveyFactory(results_are_public=True)
    assert permissions.can_view_results(AnonymousUser(), survey) is True
    assert permissions.can_create_contributions(UserFactory(roles=["department_admin"]), survey) is False
