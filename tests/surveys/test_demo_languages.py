"""The demo shows the residents' languages: the online survey and the barometer in Arabic and Turkish
(illustrative translations, labelled so), German marked where a text has none."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from teilhabe.surveys import demo
from teilhabe.surveys.models import Barometer, MatrixRow, Option, Question, Survey
from tests.monitoring.factories import AreaOfActionFactory, DistrictFactory, EditionFactory
from tests.participation.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    edition = EditionFactory(is_current=True)
    for position in range(1, 4):
        AreaOfActionFactory(edition=edition, code=f"f{position}", position=position)
    DistrictFactory(code="mitte", population=100_000)
    ProcedureFactory(edition=edition, is_illustrative=True)
    demo.load_demo(seed=2017)
    return Survey.objects.get(slug=demo.ONLINE_SLUG)


def test_every_question_and_answer_of_the_demo_surveys_reads_in_arabic_and_turkish(loaded):
    for language in ("ar", "tr"):
        missing = [
            q.code for q in Question.objects.filter(survey__is_illustrative=True) if not getattr(q, f"text_{language}")
        ]
        missing += [row.code for row in MatrixRow.objects.all() if not getattr(row, f"text_{language}")]
        # the ranking items are the concept's areas of action (monitoring content, German and English only)
        missing += [
            option.code
            for option in Option.objects.filter(question__survey__is_illustrative=True, area__isnull=True)
            if not getattr(option, f"label_{language}")
        ]
        assert missing == [], language
    assert "توضيحية" in loaded.introduction_ar and "örnek niteliğindedir" in loaded.introduction_tr  # labelled
    barometer = Barometer.objects.get()
    assert (barometer.title_ar, barometer.title_tr) == ("مقياس الاندماج (مثال)", "Uyum barometresi (örnek)")
    assert not loaded.title_fa  # Farsi pages show the German text


def test_the_arabic_survey_page_of_the_demo(client, loaded):
    with translation.override("ar"):
        start, first = (
            reverse("surveys:survey_start", args=[loaded.slug]),
            reverse("surveys:survey_page", args=[loaded.slug, 1]),
        )
    client.post(start)
    html = client.get(first).content.decode()
    assert "<h1>استطلاع إلكتروني حول مفهوم الاندماج (مثال)</h1>" in html
    assert "ما مجالات العمل الأهم بالنسبة لكم؟" in html
    # an area of action as a ranking item: German, marked
    assert re.search(r'<option value="\d+" lang="de" dir="ltr">', html)


def test_the_texts_are_the_same_on_every_load(loaded):
    before = list(Question.objects.order_by("survey__slug", "code").values_list("text_ar", "text_tr"))
    demo.load_demo(seed=2017, reset=True)
    assert list(Question.objects.order_by("survey__slug", "code").values_list("text_ar", "text_tr")) == before
