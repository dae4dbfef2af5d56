"""A submission costs the same number of database queries whatever the number of questions (issue #16, item 3).

The answers are written in bulk in the response's transaction; a per-answer query would make the 20-question
survey cost more than the 5-question one, and these tests would fail.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from teilhabe.surveys import queries, services
from teilhabe.surveys.models import Answer, Question, Response, Survey
from tests.accounts.factories import UserFactory
from tests.surveys.factories import OptionFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 5, 6)
KINDS = (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE, Question.Kind.NUMBER, Question.Kind.FREE_TEXT)


def survey_with(count, **survey_fields):
    """A one-page survey of `count` questions cycling through four kinds, and a complete set of answers."""
    survey = SurveyFactory(**survey_fields)
    answers = {}
    for position in range(count):
        kind = KINDS[position % len(KINDS)]
        question = QuestionFactory(survey=survey, code=f"q{position}", kind=kind, position=position)
        if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE):
            options = [OptionFactory(question=question, code=f"o{n}", position=n) for n in range(3)]
        if kind == Question.Kind.SINGLE_CHOICE:
            answers[question.pk] = options[1].pk
        elif kind == Question.Kind.MULTIPLE_CHOICE:
            answers[question.pk] = (options[0].pk, options[2].pk)
        elif kind == Question.Kind.NUMBER:
            answers[question.pk] = 7
        else:
            answers[question.pk] = f"Antwort {position}"
    return survey, answers


def answer_rows(count):
    # every multiple-choice question stores two rows, every other question one
    return sum(2 if KINDS[position % len(KINDS)] == Question.Kind.MULTIPLE_CHOICE else 1 for position in range(count))


def submit_counting(survey, answers, arguments):
    """(queries of a first submission, which loads the questionnaire; queries of a second one; the responses).

    `arguments(survey)` prepares what admits the respondent (a code, a draft) before the counting starts.
    """
    first_arguments, second_arguments = arguments(survey), arguments(survey)
    with CaptureQueriesContext(connection) as first:
        one = services.submit_response(survey=survey, answers=answers, on=DAY, **first_arguments)
    with CaptureQueriesContext(connection) as second:
        two = services.submit_response(survey=survey, answers=answers, on=DAY, **second_arguments)
    return first.captured_queries, second.captured_queries, (one, two)


def open_survey(survey):
    return {}


def open_survey_with_browser_token(survey):
    return {"respondent_token": services.new_code(5)}


def invitation_code(survey):
    code = services.generate_invitation_codes(actor=UserFactory(roles=["department_admin"]), survey=survey, count=1)[0]
    return {"invitation_hash": services.check_invitation(survey=survey, code=code)}


@pytest.mark.parametrize(
    ("mode", "arguments"),
    [
        (Survey.Mode.OPEN, open_survey),
        (Survey.Mode.OPEN, open_survey_with_browser_token),
        (Survey.Mode.INVITATION, invitation_code),
    ],
)
def test_twenty_questions_cost_as_many_queries_as_five(mode, arguments):
    # given
    small, small_answers = survey_with(5, mode=mode)
    large, large_answers = survey_with(20, mode=mode)
    queries.forget_questionnaires()
    # when
    small_first, small_second, small_responses = submit_counting(small, small_answers, arguments=arguments)
    large_first, large_second, large_responses = submit_counting(large, large_answers, arguments=arguments)
    # then: the same number of queries, the loading of the questionnaire included
    assert len(large_first) == len(small_first)
    assert len(large_second) == len(small_second)
    # a questionnaire already loaded is not loaded again
    assert len(small_second) < len(small_first)
    # answers go to the database in one statement per submission (on PostgreSQL one statement that inserts
    # the response and its answers: WITH new_response AS (INSERT ...) INSERT INTO <answers> ...)
    answer_table = Answer._meta.db_table
    inserts = [q["sql"] for q in large_second if re.search(rf'INSERT INTO "?{answer_table}"?', q["sql"])]
    assert len(inserts) == 1
    # and nothing is lost
    for response in small_responses:
        assert Answer.objects.filter(response=response).count() == answer_rows(5)
    for response in large_responses:
        assert Answer.objects.filter(response=response).count() == answer_rows(20)
    assert Response.objects.count() == 4


def test_a_resumed_submission_costs_as_many_queries_for_twenty_questions_as_for_five():
    def resumed(survey):
        _code, token_hash = services.save_draft(survey=survey, data={"answers": {}, "page": 1}, on=DAY)
        return {"resume_hash": token_hash}

    small, small_answers = survey_with(5)
    large, large_answers = survey_with(20)
    small_first, small_second, _ = submit_counting(small, small_answers, arguments=resumed)
    large_first, large_second, _ = submit_counting(large, large_answers, arguments=resumed)
    assert (len(large_first), len(large_second)) == (len(small_first), len(small_second))
    assert Answer.objects.filter(response__survey=large).count() == 2 * answer_rows(20)
    assert (
        not Answer.objects.filter(response__survey=large, text="")
        .filter(question__kind=Question.Kind.FREE_TEXT)
        .exists()
    )
