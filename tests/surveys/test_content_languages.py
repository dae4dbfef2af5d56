"""Survey texts in the residents' languages (docs/translations.md): a respondent reads the questionnaire in
Arabic or Turkish where the city wrote it, German marked lang="de" where it did not, and the answers stay the
same option codes whatever language the questions were read in."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from teilhabe.surveys.exports import export_survey
from teilhabe.surveys.models import Answer, Question
from tests.accounts.factories import UserFactory
from tests.surveys.factories import OptionFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def url(language, name, survey, *args):
    with translation.override(language):
        return reverse(f"surveys:{name}", args=[survey.slug, *args])


@pytest.fixture
def survey():
    survey = SurveyFactory(
        slug="sprachcafe",
        title_de="Umfrage zum Sprachcafé",
        title_ar="استطلاع حول مقهى اللغة",
        title_tr="Dil kafesi anketi",
        introduction_de="Sagen Sie uns Ihre Meinung.",
    )
    question = QuestionFactory(
        survey=survey,
        code="use",
        is_required=True,
        text_de="Besuchen Sie das Sprachcafé?",
        text_ar="هل تزور مقهى اللغة؟",
        text_tr="Dil kafesine gidiyor musunuz?",
        help_text_de="Eine Antwort genügt.",
    )
    OptionFactory(question=question, code="yes", value=1, position=1, label_de="Ja", label_ar="نعم", label_tr="Evet")
    # no Arabic or Turkish label: shown in German there
    OptionFactory(question=question, code="no", value=2, position=2, label_de="Nein")
    return survey


def test_the_arabic_page_shows_the_arabic_texts_and_marks_german_fallbacks(client, survey):
    client.post(url("ar", "survey_start", survey))
    html = client.get(url("ar", "survey_page", survey, 1)).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    # translated: shown as they are, in the page's language
    assert "<h1>استطلاع حول مقهى اللغة</h1>" in html
    assert re.search(r'<legend class="question-text">هل تزور مقهى اللغة؟', html)
    assert re.search(r'<label for="q\d+-\d+">نعم</label>', html)
    # not translated: the German text, marked as German running left to right
    assert re.search(r'<label for="q\d+-\d+" lang="de" dir="ltr">Nein</label>', html)
    assert re.search(r'<p class="help" id="[^"]+" lang="de" dir="ltr">Eine Antwort genügt.</p>', html)
    assert "Besuchen Sie" not in html and ">Ja<" not in html


def test_the_turkish_page_shows_the_turkish_texts_and_farsi_falls_back_to_german(client, survey):
    detail = client.get(url("tr", "survey_detail", survey)).content.decode()
    assert "<h1>Dil kafesi anketi</h1>" in detail
    assert '<div class="survey-introduction" lang="de">' in detail  # German on a left-to-right page: no dir
    farsi = client.get(url("fa", "survey_detail", survey)).content.decode()
    assert '<html lang="fa" dir="rtl">' in farsi
    assert '<h1 lang="de" dir="ltr">Umfrage zum Sprachcafé</h1>' in farsi


def test_an_answer_given_in_arabic_and_one_in_german_count_as_the_same_option(client, survey):
    # given one respondent answering "نعم" on the Arabic page and another "Ja" on the German page
    question = Question.objects.get(code="use")
    arabic_yes, german_yes = (
        _option_value_labelled(client, language, survey, label) for language, label in (("ar", "نعم"), ("de", "Ja"))
    )
    assert arabic_yes == german_yes  # the same control value whatever the label reads
    for language, browser in (("ar", client), ("de", client.__class__())):
        response = browser.post(
            url(language, "survey_submit", survey),
            {"page": "1", f"q{question.pk}": arabic_yes, "action": "submit"},
        )
        assert response.status_code == 302 and response["Location"] == url(language, "survey_thanks", survey)
    # then both are stored as the option "yes" and the export codes them alike
    assert list(Answer.objects.values_list("option__code", flat=True)) == ["yes", "yes"]
    rows = list(csv.DictReader(io.StringIO(export_survey(survey, "csv").decode("utf-8-sig"))))
    assert [row["use"] for row in rows] == ["1", "1"]


def _option_value_labelled(client, language, survey, label):
    client.post(url(language, "survey_start", survey))
    html = client.get(url(language, "survey_page", survey, 1)).content.decode()
    control = re.search(rf'value="(\d+)"[^>]*> <label for="[^"]+"[^>]*>{re.escape(label)}</label>', html)
    assert control, f"no option labelled {label!r} on the {language} page"
    return control.group(1)


def test_staff_enter_the_texts_per_language_in_the_admin(client, survey):
    client.force_login(UserFactory(roles=["department_admin"], is_staff=True))
    question = Question.objects.get(code="use")
    html = client.get(reverse("admin:surveys_question_change", args=[question.pk])).content.decode()
    for name in ("text_ar", "text_fa", "text_tr", "text_uk", "text_ru", "help_text_uk", "options-0-label_fa"):
        assert f'name="{name}"' in html, name
    survey_form = client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    for name in ("title_ru", "introduction_uk", "thank_you_text_fa", "questions-0-text_ar"):
        assert f'name="{name}"' in survey_form, name
