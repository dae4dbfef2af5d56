"""Building surveys in the admin: questions inline with every language, options, the preview link, areas as items."""

import pytest
from django.urls import reverse

from teilhabe.surveys import queries
from tests.accounts.factories import UserFactory
from tests.monitoring.factories import AreaOfActionFactory, EditionFactory
from tests.surveys.factories import OptionFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(roles=["department_admin"], is_staff=True))
    return client


def test_the_survey_form_has_its_questions_inline_in_every_language(admin_client):
    survey = SurveyFactory()
    QuestionFactory(survey=survey, code="policy")
    html = admin_client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    for name in (
        "title_de",
        "title_en",
        "questions-0-text_de",
        "questions-0-text_en",
        "questions-0-kind",
        "questions-0-condition_question",
    ):
        assert f'name="{name}"' in html, name
    assert f'href="/umfragen/{survey.slug}/"' in html  # the preview


def test_the_question_form_has_its_options_and_matrix_items(admin_client):
    question = QuestionFactory(kind="matrix")
    OptionFactory(question=question, code="p1", value=1)
    html = admin_client.get(reverse("admin:surveys_question_change", args=[question.pk])).content.decode()
    for name in ("options-0-label_de", "options-0-label_en", "options-0-is_dont_know", "rows-TOTAL_FORMS"):
        assert f'name="{name}"' in html, name
    assert f'href="/umfragen/{question.survey.slug}/"' in html  # the preview


def test_saving_a_question_in_the_admin_renews_the_loaded_questionnaire(admin_client):
    question = QuestionFactory(code="before")
    survey = question.survey
    assert [q.code for q in queries.get_questionnaire(survey).questions] == ["before"]
    url = reverse("admin:surveys_question_change", args=[question.pk])
    response = admin_client.post(
        url,
        {
            "survey": survey.pk,
            "page": 1,
            "position": 0,
            "code": "after",
            "kind": "single_choice",
            "text_de": "Neu?",
            "text_en": "",
            "help_text_de": "",
            "help_text_en": "",
            "max_length": 2000,
            "options-TOTAL_FORMS": 0,
            "options-INITIAL_FORMS": 0,
            "rows-TOTAL_FORMS": 0,
            "rows-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    survey.refresh_from_db()
    assert [q.code for q in queries.get_questionnaire(survey).questions] == ["after"]


def test_the_areas_of_action_become_items_by_an_admin_action(admin_client):
    edition = EditionFactory()
    AreaOfActionFactory(edition=edition, code="school", position=1)
    question = QuestionFactory(survey=SurveyFactory(edition=edition), kind="ranking", rank_places=1)
    admin_client.post(
        reverse("admin:surveys_question_changelist"), {"action": "add_areas", "_selected_action": [question.pk]}
    )
    assert list(question.options.values_list("code", flat=True)) == ["school"]


def test_analysts_may_look_but_not_change(client):
    client.force_login(UserFactory(roles=["analyst"], is_staff=True))
    survey = SurveyFactory()
    assert client.get(reverse("admin:surveys_survey_changelist")).status_code == 200
    response = client.post(reverse("admin:surveys_survey_change", args=[survey.pk]), {"slug": "changed"})
    assert response.status_code == 403
