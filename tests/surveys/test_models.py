"""The survey schema: anonymity by construction, and the checks on questions, links and slugs."""

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from teilhabe.surveys import questionnaire
from teilhabe.surveys.models import (
    Answer,
    ClimateAreaLink,
    InvitationCode,
    Question,
    Response,
    ResumeDraft,
    Survey,
)
from tests.monitoring.factories import AreaOfActionFactory
from tests.surveys.factories import BarometerFactory, OptionFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def field_kinds(model):
    return {field.name: type(field) for field in model._meta.concrete_fields}


@pytest.mark.parametrize("model", [Response, Answer, InvitationCode, ResumeDraft], ids=lambda m: m.__name__)
def test_no_time_finer_than_the_day_no_address_and_no_person_is_stored(model):
    kinds = field_kinds(model)
    assert not [name for name, kind in kinds.items() if issubclass(kind, (models.DateTimeField, models.TimeField))]
    assert not [name for name, kind in kinds.items() if issubclass(kind, models.GenericIPAddressField)]
    assert not [name for name in kinds if any(word in name for word in ("ip", "user", "agent", "session", "email"))]
    related = {field.related_model._meta.label for field in model._meta.concrete_fields if field.is_relation}
    assert "accounts.User" not in related


def test_a_used_invitation_code_has_no_link_to_a_response():
    assert set(field_kinds(InvitationCode)) == {"id", "survey", "code_hash", "used_on"}
    assert set(field_kinds(ResumeDraft)) == {"id", "survey", "token_hash", "data", "expires_on", "is_admitted"}


def test_the_model_kinds_are_the_rules_kinds():
    assert list(Question.Kind.values) == [kind.value for kind in questionnaire.Kind]


def test_a_condition_must_refer_to_a_choice_on_an_earlier_page():
    survey = SurveyFactory()
    source = QuestionFactory(survey=survey, page=2)
    option = OptionFactory(question=source)
    same_page = Question(
        survey=survey, page=2, code="b", kind="free_text", text="?", condition_question=source, condition_option=option
    )
    with pytest.raises(ValidationError, match="earlier page"):
        same_page.full_clean()
    other = OptionFactory(question=QuestionFactory(survey=survey, page=1))
    wrong_option = Question(
        survey=survey, page=3, code="c", kind="free_text", text="?", condition_question=source, condition_option=other
    )
    with pytest.raises(ValidationError, match="option of the question"):
        wrong_option.full_clean()
    Question(
        survey=survey, page=3, code="d", kind="free_text", text="?", condition_question=source, condition_option=option
    ).full_clean()


@pytest.mark.parametrize(
    "fields, error_field",
    [
        pytest.param({"code": "weight"}, "code", id="reserved-variable"),
        pytest.param({"code": "Frage 1"}, "code", id="not-a-variable-name"),
        pytest.param({"kind": "ranking"}, "rank_places", id="ranking-without-places"),
        pytest.param({"kind": "number", "number_min": 5, "number_max": 1}, "number_max", id="bounds-reversed"),
    ],
)
def test_question_checks(fields, error_field):
    question = Question(survey=SurveyFactory(), page=1, text="?", **{"code": "q", "kind": "single_choice", **fields})
    with pytest.raises(ValidationError) as refused:
        question.full_clean()
    assert error_field in refused.value.message_dict


def test_survey_slugs_that_are_pages_are_refused():
    with pytest.raises(ValidationError, match="address of another page"):
        Survey(slug="barometer", title="x").full_clean()


def test_a_climate_link_names_a_domain_or_an_item_of_its_barometer():
    barometer = BarometerFactory()
    link = ClimateAreaLink(barometer=barometer, area=AreaOfActionFactory())
    with pytest.raises(ValidationError, match="either an index domain or an index item"):
        link.full_clean()
    other_domain = BarometerFactory().domains.create(code="x", title="x")
    link.domain = other_domain
    with pytest.raises(ValidationError, match="domain of this barometer"):
        link.full_clean()
