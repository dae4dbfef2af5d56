"""Reads of surveys: the questionnaire with its rules, the response dataset, results and the free text.

Each query owns its joins. The dataset (one row per response, one column per export variable) is the
single source of the analysis pages and of every download, so they cannot disagree.
"""

from __future__ import annotations

import dataclasses
import datetime
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from teilhabe.monitoring.models import Geography

from . import questionnaire as rules
from .models import (
    AgeBand,
    Answer,
    ImmigrantBackground,
    MatrixRow,
    Option,
    Question,
    Response,
    ResponseWeight,
    Sex,
    Survey,
    WeightingRun,
)

# --- The questionnaire ----------------------------------------------------------------------------------


def spec_of(question: Question) -> rules.QuestionSpec:
    """The pure description of a question (options and rows must be prefetched)."""
    condition = None
    if question.condition_question_id is not None and question.condition_option_id is not None:
        condition = rules.Condition(question.condition_question_id, question.condition_option_id)
    return rules.QuestionSpec(
        id=question.pk,
        code=question.code,
        kind=rules.Kind(question.kind),
        page=question.page,
        is_required=question.is_required,
        options=tuple(
            rules.OptionSpec(option.pk, option.code, option.value, option.is_dont_know)
            for option in question.options.all()
        ),
        rows=tuple(rules.RowSpec(row.pk, row.code) for row in question.rows.all()),
        rank_places=question.rank_places or 0,
        number_min=question.number_min,
        number_max=question.number_max,
        max_length=question.max_length,
        condition=condition,
    )


@dataclass(frozen=True)
class Questionnaire:
    """A survey with its questions (options and rows loaded) and their pure descriptions, in order."""

    survey: Survey
    questions: tuple[Question, ...]
    specs: tuple[rules.QuestionSpec, ...]

    @cached_property
    def question_by_id(self) -> dict[int, Question]:
        return {question.pk: question for question in self.questions}

    @cached_property
    def question_pages(self) -> list[int]:
        return rules.pages(self.specs)

    @property
    def demographic_page(self) -> int | None:
        """The page number of the demographic block (after the last page of questions), if the survey has one."""
        if not self.survey.has_demographic_block:
            return None
        return (self.question_pages[-1] if self.question_pages else 0) + 1

    @property
    def last_page(self) -> int:
        return self.demographic_page or (self.question_pages[-1] if self.question_pages else 1)

    def first_page(self, answers: rules.Answers) -> int:
        page = rules.next_page(self.specs, 0, answers)
        return page if page is not None else (self.demographic_page or 1)

    def next_page(self, after: int, answers: rules.Answers) -> int | None:
        page = rules.next_page(self.specs, after, answers)
        if page is None and self.demographic_page is not None and after < self.demographic_page:
            return self.demographic_page
        return page

    def previous_page(self, before: int, answers: rules.Answers) -> int | None:
        return rules.previous_page(self.specs, before, answers)

    def visible_questions(self, page: int, answers: rules.Answers) -> list[Question]:
        return [self.question_by_id[spec.id] for spec in rules.visible_on_page(self.specs, page, answers)]

    def may_follow(self, page: int) -> bool:
        """Whether a page could follow this one (then its button says "next", else "submit")."""
        return rules.may_follow(self.specs, page) or (
            self.demographic_page is not None and page < self.demographic_page
        )

    def page_position(self, page: int) -> tuple[int, int]:
        """This page's number among all pages and the number of pages, for "page 2 of 5"."""
        all_pages = self.question_pages + ([self.demographic_page] if self.demographic_page else [])
        return (all_pages.index(page) + 1 if page in all_pages else 1), max(len(all_pages), 1)

    def is_page(self, page: int) -> bool:
        return page in self.question_pages or page == self.demographic_page


def _questions(survey: Survey) -> QuerySet[Question]:
    return (
        Question.objects.filter(survey=survey)
        .select_related("condition_question", "condition_option")
        .prefetch_related(
            Prefetch("options", queryset=Option.objects.select_related("area").order_by("position", "pk")),
            Prefetch("rows", queryset=MatrixRow.objects.order_by("position", "pk")),
        )
        .order_by("page", "position", "pk")
    )


# Loaded questionnaires per process, keyed by survey id and checked against the survey's timestamps: every
# page view and submission needs the questionnaire, and it changes rarely. Editing questions in the admin
# touches the survey (services.touch_questionnaire); entries also expire, in case a change bypassed the admin.
QUESTIONNAIRE_SECONDS = 120
_questionnaires: dict[int, tuple[tuple, float, Questionnaire]] = {}


def get_questionnaire(survey: Survey) -> Questionnaire:
    stamp = (survey.created_at, survey.updated_at)
    entry = _questionnaires.get(survey.pk)
    now = time.monotonic()
    if entry is not None and entry[0] == stamp and now - entry[1] < QUESTIONNAIRE_SECONDS:
        return dataclasses.replace(entry[2], survey=survey)
    questions = tuple(_questions(survey))
    questionnaire = Questionnaire(survey=survey, questions=questions, specs=tuple(spec_of(q) for q in questions))
    _questionnaires[survey.pk] = (stamp, now, questionnaire)
    return questionnaire


def forget_questionnaires() -> None:
    """Drop every loaded questionnaire of this process (tests, and after bulk changes)."""
    _questionnaires.clear()


def get_survey(slug: str) -> Survey:
    return get_object_or_404(Survey.objects.select_related("procedure", "edition", "wave__barometer"), slug=slug)


def get_survey_to_answer(slug: str) -> Survey:
    """The survey alone: answering needs nothing joined, and runs on every page and submission."""
    return get_object_or_404(Survey, slug=slug)


def list_public_surveys(*, on: datetime.date | None = None) -> list[Survey]:
    """Surveys open for responses today, then closed ones whose results are public."""
    surveys = list(
        Survey.objects.filter(Q(status=Survey.Status.OPEN) | Q(status=Survey.Status.CLOSED, results_are_public=True))
        .select_related("wave__barometer")
        .order_by("-opens_on", "slug")
    )
    return sorted(surveys, key=lambda survey: not survey.is_accepting_responses(on=on))


def list_districts() -> QuerySet[Geography]:
    return Geography.objects.filter(level=Geography.Level.DISTRICT).order_by("position", "code")


def count_responses(survey: Survey) -> int:
    return Response.objects.filter(survey=survey).count()


# --- The dataset: one row per response, one column per export variable -----------------------------


class Measure:
    """SPSS measurement levels."""

    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    SCALE = "scale"


@dataclass(frozen=True)
class Variable:
    """A column of the dataset with everything an export needs to describe it."""

    name: str
    label: str
    measure: str = Measure.NOMINAL
    is_text: bool = False
    is_date: bool = False
    value_labels: dict[int, str] = field(default_factory=dict)
    missing_values: tuple[int, ...] = ()  # user-missing codes ("don't know")
    question_id: int | None = None
    option_id: int | None = None
    row_id: int | None = None


IMMIGRANT_BACKGROUND_CODES = {ImmigrantBackground.YES: 1, ImmigrantBackground.NO: 2}
AGE_BAND_CODES = {band: position for position, band in enumerate(AgeBand, start=1)}
SEX_CODES = {sex: position for position, sex in enumerate(Sex, start=1)}


@dataclass
class Dataset:
    """Responses as columns; ``None`` is a missing value (question not shown or not answered)."""

    survey: Survey
    questionnaire: Questionnaire
    variables: list[Variable]
    columns: dict[str, list]
    response_ids: list[int]  # primary keys, internal only (the export shows columns["response_id"], random ids)
    weights: list[float] | None = None  # from the wave's latest weighting run, 0 for unweighted responses
    run: WeightingRun | None = None
    district_codes: dict[int, int] = field(default_factory=dict)  # geography pk → numeric code

    @property
    def size(self) -> int:
        return len(self.response_ids)

    def variable(self, name: str) -> Variable:
        return next(variable for variable in self.variables if variable.name == name)

    def question_variables(self, question: Question) -> list[Variable]:
        return [variable for variable in self.variables if variable.question_id == question.pk]


def _scale_measure(question: Question) -> str:
    return Measure.ORDINAL if question.kind in (Question.Kind.LIKERT, Question.Kind.MATRIX) else Measure.NOMINAL


def build_variables(questionnaire: Questionnaire, districts: Sequence[Geography], *, weighted: bool) -> list[Variable]:
    """The export variables of a survey, in questionnaire order, with labels in the active language."""
    variables = [
        Variable("response_id", _("Response id (random, says nothing about the order of submission)"), is_text=True),
        Variable("submitted_on", _("Day of submission"), Measure.SCALE, is_date=True),
    ]
    for question in questionnaire.questions:
        text = " ".join(question.text.split())
        options = list(question.options.all())
        labels = {option.value: option.label for option in options}
        missing = tuple(option.value for option in options if option.is_dont_know)
        kind = question.kind
        if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.LIKERT):
            variables.append(
                Variable(
                    question.code,
                    text,
                    _scale_measure(question),
                    value_labels=labels,
                    missing_values=missing,
                    question_id=question.pk,
                )
            )
        elif kind == Question.Kind.MULTIPLE_CHOICE:
            for option in options:
                variables.append(
                    Variable(
                        f"{question.code}_{option.code}",
                        f"{text}: {option.label}",
                        Measure.NOMINAL,
                        value_labels={0: _("not selected"), 1: _("selected")},
                        question_id=question.pk,
                        option_id=option.pk,
                    )
                )
        elif kind == Question.Kind.RANKING:
            for option in options:
                variables.append(
                    Variable(
                        f"{question.code}_{option.code}",
                        f"{text}: {option.label} ({_('place')})",
                        Measure.ORDINAL,
                        question_id=question.pk,
                        option_id=option.pk,
                    )
                )
        elif kind == Question.Kind.MATRIX:
            for row in question.rows.all():
                variables.append(
                    Variable(
                        f"{question.code}_{row.code}",
                        f"{text}: {row.text}",
                        Measure.ORDINAL,
                        value_labels=labels,
                        missing_values=missing,
                        question_id=question.pk,
                        row_id=row.pk,
                    )
                )
        elif kind == Question.Kind.NUMBER:
            variables.append(Variable(question.code, text, Measure.SCALE, question_id=question.pk))
        elif kind == Question.Kind.FREE_TEXT:
            variables.append(Variable(question.code, text, is_text=True, question_id=question.pk))
    if questionnaire.survey.has_demographic_block:
        variables += [
            Variable(
                "immigrant_background",
                _("Immigrant background"),
                value_labels={
                    code: str(ImmigrantBackground(key).label) for key, code in IMMIGRANT_BACKGROUND_CODES.items()
                },
            ),
            Variable(
                "district",
                _("District"),
                value_labels={position: district.name for position, district in enumerate(districts, start=1)},
            ),
            Variable(
                "age_band",
                _("Age band"),
                Measure.ORDINAL,
                value_labels={code: str(AgeBand(key).label) for key, code in AGE_BAND_CODES.items()},
            ),
            Variable("sex", _("Sex"), value_labels={code: str(Sex(key).label) for key, code in SEX_CODES.items()}),
        ]
    if weighted:
        variables.append(Variable("weight", _("Weight (raked to the population margins)"), Measure.SCALE))
    return variables


def get_latest_run(survey: Survey) -> WeightingRun | None:
    """The latest weighting run of the wave asked with this survey (None for an open survey)."""
    return WeightingRun.objects.filter(wave__survey=survey).order_by("-created_at", "-pk").first()


def load_dataset(survey: Survey, *, questionnaire: Questionnaire | None = None) -> Dataset:
    """Every response of the survey as columns, with the latest weights for a barometer wave."""
    questionnaire = questionnaire or get_questionnaire(survey)
    districts = list(list_districts())
    district_codes = {district.pk: position for position, district in enumerate(districts, start=1)}
    run = get_latest_run(survey)
    variables = build_variables(questionnaire, districts, weighted=run is not None)
    # Rows in the order of the random public id: a random order, unrelated to the order of submission, and
    # the same in every download. The sequential primary key stays inside (response_ids, for the weights).
    responses = list(
        Response.objects.filter(survey=survey)
        .order_by("public_id")
        .values_list("pk", "submitted_on", "immigrant_background", "district_id", "age_band", "sex", "public_id")
    )
    index = {row[0]: position for position, row in enumerate(responses)}
    size = len(responses)
    columns: dict[str, list] = {variable.name: [None] * size for variable in variables}
    columns["response_id"] = [str(row[6]) for row in responses]
    columns["submitted_on"] = [row[1] for row in responses]
    if survey.has_demographic_block:
        columns["immigrant_background"] = [IMMIGRANT_BACKGROUND_CODES.get(row[2]) for row in responses]
        columns["district"] = [district_codes.get(row[3]) for row in responses]
        columns["age_band"] = [AGE_BAND_CODES.get(row[4]) for row in responses]
        columns["sex"] = [SEX_CODES.get(row[5]) for row in responses]

    by_question: dict[int, list[Variable]] = defaultdict(list)
    for variable in variables:
        if variable.question_id is not None:
            by_question[variable.question_id].append(variable)
    option_value = {option.pk: option.value for q in questionnaire.questions for option in q.options.all()}
    kinds = {question.pk: question.kind for question in questionnaire.questions}
    # Multiple choice: everyone who answered the question gets 0 for the options they did not select.
    answered_multiple: dict[int, set[int]] = defaultdict(set)
    answers = Answer.objects.filter(response__survey=survey).values_list(
        "response_id", "question_id", "option_id", "row_id", "rank", "number", "text"
    )
    for response_id, question_id, option_id, row_id, rank, number, text in answers.iterator(chunk_size=5000):
        position = index.get(response_id)
        kind = kinds.get(question_id)
        if position is None or kind is None:
            continue
        if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.LIKERT):
            columns[by_question[question_id][0].name][position] = option_value.get(option_id)
        elif kind == Question.Kind.MULTIPLE_CHOICE:
            answered_multiple[question_id].add(position)
            for variable in by_question[question_id]:
                if variable.option_id == option_id:
                    columns[variable.name][position] = 1
        elif kind == Question.Kind.RANKING:
            for variable in by_question[question_id]:
                if variable.option_id == option_id:
                    columns[variable.name][position] = rank
        elif kind == Question.Kind.MATRIX:
            for variable in by_question[question_id]:
                if variable.row_id == row_id:
                    columns[variable.name][position] = option_value.get(option_id)
        elif kind == Question.Kind.NUMBER:
            columns[by_question[question_id][0].name][position] = number
        elif kind == Question.Kind.FREE_TEXT:
            columns[by_question[question_id][0].name][position] = text
    for question_id, positions in answered_multiple.items():
        for variable in by_question[question_id]:
            column = columns[variable.name]
            for position in positions:
                if column[position] is None:
                    column[position] = 0

    weights = None
    if run is not None:
        weights = [0.0] * size
        for response_id, weight in ResponseWeight.objects.filter(run=run).values_list("response_id", "weight"):
            if response_id in index:
                weights[index[response_id]] = weight
        columns["weight"] = weights
    return Dataset(
        survey=survey,
        questionnaire=questionnaire,
        variables=variables,
        columns=columns,
        response_ids=[row[0] for row in responses],
        weights=weights,
        run=run,
        district_codes=district_codes,
    )


# --- Free text ------------------------------------------------------------------------------------------


def list_free_text_answers(survey: Survey, *, search: str = "", question: Question | None = None) -> QuerySet[Answer]:
    """Free-text answers of a survey, optionally containing ``search``.

    In the order of the responses' random ids, never in the order of submission (docs/surveys.md).
    """
    rows = (
        Answer.objects.filter(response__survey=survey, question__kind=Question.Kind.FREE_TEXT)
        .exclude(text="")
        .select_related("question", "contribution", "response")
        .order_by("response__public_id", "question__page", "question__position")
    )
    if question is not None:
        rows = rows.filter(question=question)
    if search.strip():
        for word in search.split()[:10]:
            rows = rows.filter(text__icontains=word)
    return rows


def answer_key(answer: Answer) -> str:
    """How staff pages name a free-text answer: its response's random id and its question, never a row number."""
    return f"{answer.response.public_id}.{answer.question_id}"


def find_free_text_answers(survey: Survey, keys: Sequence[str]) -> list[Answer]:
    """The free-text answers of ``survey`` named by ``answer_key``; malformed or unknown keys find nothing."""
    wanted = Q()
    for key in keys[:1000]:
        public_id, _dot, question_id = key.partition(".")
        try:
            public_id = uuid.UUID(public_id)
        except ValueError:
            continue
        if question_id.isdigit():
            wanted |= Q(response__public_id=public_id, question_id=int(question_id))
    if not wanted:
        return []
    return list(
        Answer.objects.filter(wanted, response__survey=survey, question__kind=Question.Kind.FREE_TEXT).select_related(
            "question", "response"
        )
    )
