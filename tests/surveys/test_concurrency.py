"""Simultaneous submissions on PostgreSQL: an invitation code admits one response even when two arrive at once."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from teilhabe.surveys import services
from teilhabe.surveys.models import InvitationCode, Response, Survey
from tests.accounts.factories import UserFactory
from tests.surveys.factories import OptionFactory, QuestionFactory, SurveyFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(functions):
    """Start the functions at the same moment, each in its own thread (and database connection)."""
    barrier = threading.Barrier(len(functions))
    outcomes = [None] * len(functions)

    def run(position, function):
        try:
            barrier.wait()
            with translation.override("en"):
                outcomes[position] = function()
        except Exception as error:  # the outcome is the exception
            outcomes[position] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(position, function)) for position, function in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_one_invitation_code_used_twice_at_once_admits_one_response():
    survey = SurveyFactory(mode=Survey.Mode.INVITATION)
    question = QuestionFactory(survey=survey, is_required=True)
    yes = OptionFactory(question=question, value=1)
    code = services.generate_invitation_codes(actor=UserFactory(roles=["department_admin"]), survey=survey, count=1)[0]
    code_hash = services.hash_code(code)

    def submit():
        return services.submit_response(survey=survey, answers={question.pk: yes.pk}, invitation_hash=code_hash)

    outcomes = run_together([submit, submit, submit])
    refused = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert len(refused) == 2
    assert all("has already been used" in error.message_dict["code"][0] for error in refused)
    assert Response.objects.filter(survey=survey).count() == 1
    assert InvitationCode.objects.get().used_on is not None


def test_one_browser_submitting_twice_at_once_counts_once():
    """A double click: two requests with the same respondent token race; one response is stored."""
    survey = SurveyFactory()
    question = QuestionFactory(survey=survey, is_required=True)
    yes = OptionFactory(question=question, value=1)

    def submit():
        return services.submit_response(survey=survey, answers={question.pk: yes.pk}, respondent_token="one-browser")

    outcomes = run_together([submit, submit])
    assert sum(isinstance(outcome, services.AlreadyCounted) for outcome in outcomes) == 1
    assert Response.objects.filter(survey=survey).count() == 1


def test_two_browsers_with_identical_answers_at_once_both_count():
    survey = SurveyFactory()
    question = QuestionFactory(survey=survey, is_required=True)
    yes = OptionFactory(question=question, value=1)

    def submit_as(token):
        return lambda: services.submit_response(survey=survey, answers={question.pk: yes.pk}, respondent_token=token)

    outcomes = run_together([submit_as("browser-a"), submit_as("browser-b")])
    assert not any(isinstance(outcome, Exception) for outcome in outcomes)
    assert Response.objects.filter(survey=survey).count() == 2
