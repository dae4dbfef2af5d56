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


@pytest.mark.parametrize(
    "status, public",
    [("draft", False), ("open", True), ("closed", True)],
)
def test_public_results_only_once_the_survey_is_published(status, public):
    """A draft's results stay staff-only even with "results are public" set; analysts still see them."""
    survey = SurveyFactory(results_are_public=True, status=status)
    assert permissions.can_view_results(AnonymousUser(), survey) is public
    assert permissions.can_view_results(UserFactory(roles=["authority_staff"]), survey) is public
    assert permissions.can_view_results(UserFactory(roles=["analyst"]), survey) is True


def test_a_drafts_results_page_is_not_found_for_the_public(client):
    # given a draft whose "results are public" box is ticked
    survey = SurveyFactory(results_are_public=True, status="draft", title="Secret plans 7f3a")
    url = f"/en/umfragen/{survey.slug}/ergebnisse/"
    # when the public, or staff without analysis rights, ask for its results
    anonymous = client.get(url)
    client.force_login(UserFactory(roles=["moderator"]))
    moderator = client.get(url)
    # then it does not exist for them, and nothing of it is shown
    assert anonymous.status_code == moderator.status_code == 404
    assert "Secret plans 7f3a" not in anonymous.content.decode() + moderator.content.decode()
    # once opened, the same page is public
    survey.status = "open"
    survey.save()
    client.logout()
    assert client.get(url).status_code == 200
