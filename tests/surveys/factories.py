"""Factories for surveys and the barometer, and a questionnaire with one question of every kind."""

from __future__ import annotations

import io
from dataclasses import dataclass

import factory

from teilhabe.surveys import models
from teilhabe.surveys.models import Answer, IndexDomain, IndexItem, Response
from tests.monitoring.factories import AreaOfActionFactory, EditionFactory


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Survey
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"survey-{n}")
    title_de = factory.Sequence(lambda n: f"Umfrage {n}")
    title_en = factory.Sequence(lambda n: f"Survey {n}")
    status = models.Survey.Status.OPEN
    mode = models.Survey.Mode.OPEN


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Question

    survey = factory.SubFactory(SurveyFactory)
    code = factory.Sequence(lambda n: f"q{n}")
    kind = models.Question.Kind.SINGLE_CHOICE
    # German texts; English ones empty unless given, so English pages fall back to German.
    text_de = factory.Sequence(lambda n: f"Frage {n}?")
    text_en = ""
    page = 1
    position = factory.Sequence(lambda n: n)


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Option

    question = factory.SubFactory(QuestionFactory)
    code = factory.Sequence(lambda n: f"o{n}")
    label_de = factory.Sequence(lambda n: f"Option {n}")
    label_en = ""
    value = factory.Sequence(lambda n: n + 1)
    position = factory.Sequence(lambda n: n)


class MatrixRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MatrixRow

    question = factory.SubFactory(QuestionFactory)
    code = factory.Sequence(lambda n: f"r{n}")
    text_de = factory.Sequence(lambda n: f"Aussage {n}")
    text_en = ""
    position = factory.Sequence(lambda n: n)


class BarometerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Barometer
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"barometer-{n}")
    title_de = factory.Sequence(lambda n: f"Integrationsbarometer {n}")


class WaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Wave

    barometer = factory.SubFactory(BarometerFactory)
    year = 2020
    survey = factory.SubFactory(SurveyFactory, mode=models.Survey.Mode.INVITATION, has_demographic_block=True)


LIKERT_POINTS = (
    ("1", "stimme gar nicht zu", 1),
    ("2", "eher nicht", 2),
    ("3", "teils, teils", 3),
    ("4", "eher", 4),
    ("5", "stimme voll zu", 5),
)
DONT_KNOW_VALUE = 9


def add_likert_options(question: models.Question, *, dont_know: bool = True) -> list[models.Option]:
    options = [
        OptionFactory(question=question, code=f"p{code}", label_de=label, value=value, position=value)
        for code, label, value in LIKERT_POINTS
    ]
    if dont_know:
        options.append(
            OptionFactory(
                question=question,
                code="dk",
                label_de="weiß nicht",
                value=DONT_KNOW_VALUE,
                position=10,
                is_dont_know=True,
            )
        )
    return options


@dataclass
class AllKinds:
    """A two-page survey with one question of every kind; page 2's free text shows only if single = "yes"."""

    survey: models.Survey
    single: models.Question
    multiple: models.Question
    ranking: models.Question
    likert: models.Question
    matrix: models.Question
    number: models.Question
    free_text: models.Question

    def option(self, question: models.Question, code: str) -> models.Option:
        return question.options.get(code=code)

    def row(self, code: str) -> models.MatrixRow:
        return self.matrix.rows.get(code=code)


def all_kinds_survey(**survey_fields) -> AllKinds:
    survey = SurveyFactory(**survey_fields)
    single = QuestionFactory(
        survey=survey,
        code="single",
        kind=models.Question.Kind.SINGLE_CHOICE,
        text_de="Wohnen Sie in der Stadt?",
        text_en="Do you live in the city?",
        is_required=True,
    )
    OptionFactory(question=single, code="yes", label_de="ja", label_en="yes", value=1, position=1)
    OptionFactory(question=single, code="no", label_de="nein", label_en="no", value=2, position=2)
    multiple = QuestionFactory(
        survey=survey,
        code="channels",
        kind=models.Question.Kind.MULTIPLE_CHOICE,
        text_de="Wie haben Sie von der Umfrage erfahren?",
    )
    for position, (code, label) in enumerate(
        (("press", "Zeitung"), ("web", "Internet"), ("friends", "Bekannte")), start=1
    ):
        OptionFactory(question=multiple, code=code, label_de=label, value=position, position=position)
    edition = EditionFactory()
    ranking = QuestionFactory(
        survey=survey,
        code="areas",
        kind=models.Question.Kind.RANKING,
        rank_places=3,
        text_de="Welche Handlungsfelder sind am wichtigsten?",
    )
    for position, (code, label) in enumerate(
        (("school", "Schule"), ("work", "Arbeit"), ("housing", "Wohnen"), ("health", "Gesundheit")), start=1
    ):
        area = AreaOfActionFactory(edition=edition, code=code, title_de=label, position=position)
        OptionFactory(question=ranking, code=code, label_de=label, value=position, position=position, area=area)
    likert = QuestionFactory(
        survey=survey,
        code="policy",
        kind=models.Question.Kind.LIKERT,
        text_de="Die Integrationspolitik der Stadt ist gut.",
    )
    add_likert_options(likert)
    matrix = QuestionFactory(
        survey=survey, code="climate", kind=models.Question.Kind.MATRIX, text_de="Wie sehr stimmen Sie zu?"
    )
    add_likert_options(matrix)
    MatrixRowFactory(question=matrix, code="welcome", text_de="Ich fühle mich willkommen.", position=1)
    MatrixRowFactory(question=matrix, code="neighbours", text_de="Meine Nachbarn helfen mir.", position=2)
    number = QuestionFactory(
        survey=survey,
        code="years",
        kind=models.Question.Kind.NUMBER,
        number_min=0,
        number_max=100,
        text_de="Seit wie vielen Jahren leben Sie hier?",
    )
    free_text = QuestionFactory(
        survey=survey,
        code="wish",
        kind=models.Question.Kind.FREE_TEXT,
        max_length=200,
        page=2,
        text_de="Was sollte sich ändern?",
        condition_question=single,
        condition_option=single.options.get(code="yes"),
    )
    return AllKinds(survey, single, multiple, ranking, likert, matrix, number, free_text)


# --- A small barometer wave -------------------------------------------------------------------------------


def upload(text: str, name: str = "margins.csv"):
    file = io.BytesIO(text.encode("utf-8"))
    file.name = name
    return file


# (sex, immigrant background, "I feel at home" 1–5, "I was treated unfairly" 1–5 or 9 = don't know)
RESPONDENTS = [
    ("female", "yes", 5, 1),
    ("female", "no", 4, 9),
    ("male", "yes", 2, 3),
    ("male", "no", 3, 2),
    ("female", "yes", 1, 5),
    ("male", "no", 4, 1),
    ("female", "no", 5, 2),
    ("male", "yes", 3, 4),
]
MARGINS = (
    "dimension,category,population\nsex,female,600\nsex,male,400\nimmigrant_background,yes,300\n"
    "immigrant_background,no,700\n"
)


def make_wave(year=2020, respondents=RESPONDENTS, barometer_object=None, shift=0):
    wave = WaveFactory(year=year, **({"barometer": barometer_object} if barometer_object else {}))
    matrix = QuestionFactory(survey=wave.survey, code="climate", kind="matrix")
    scale = {option.value: option for option in add_likert_options(matrix)}
    home = MatrixRowFactory(question=matrix, code="home")
    unfair = MatrixRowFactory(question=matrix, code="unfair")
    for sex, background, home_answer, unfair_answer in respondents:
        response = Response.objects.create(
            survey=wave.survey, submitted_on="2020-05-04", sex=sex, immigrant_background=background
        )
        Answer.objects.create(response=response, question=matrix, row=home, option=scale[min(5, home_answer + shift)])
        Answer.objects.create(response=response, question=matrix, row=unfair, option=scale[unfair_answer])
    return wave


def define_index(barometer_object):
    belonging = IndexDomain.objects.create(
        barometer=barometer_object, code="belonging", title_de="Zugehörigkeit", position=1
    )
    coexistence = IndexDomain.objects.create(
        barometer=barometer_object, code="coexistence", title_de="Zusammenleben", position=2
    )
    IndexItem.objects.create(domain=belonging, variable="climate_home", title_de="Zuhause", scale_min=1, scale_max=5)
    IndexItem.objects.create(
        domain=coexistence,
        variable="climate_unfair",
        title_de="Benachteiligt",
        scale_min=1,
        scale_max=5,
        is_reversed=True,
    )
    return belonging, coexistence
