"""The rules of a questionnaire: read submitted answers, check them, decide which questions and pages show.

Pure module: frozen dataclasses describe the questions; answers are plain values keyed by question id
(an option id, a tuple of option ids, a row → option mapping, a number or a text); problems come back
as codes with the form field they belong to. answer_messages.py turns them into sentences (gettext).
Conditions ("show B if A is X") only look at earlier pages, so the server decides between pages.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TypeGuard

# A number field takes at most this many characters; anything longer is not a number anyone typed.
MAX_NUMBER_INPUT = 40
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
# Control characters other than tab and newline have no place in an answer (and PostgreSQL refuses NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Kind(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    RANKING = "ranking"
    LIKERT = "likert"
    MATRIX = "matrix"
    NUMBER = "number"
    FREE_TEXT = "free_text"


@dataclass(frozen=True)
class OptionSpec:
    id: int
    code: str
    value: int  # the numeric code in exports; the scale point of a Likert item
    is_dont_know: bool = False


@dataclass(frozen=True)
class RowSpec:
    id: int
    code: str


@dataclass(frozen=True)
class Condition:
    """Show the question only if the answer to ``question_id`` is (or, for several answers, includes) ``option_id``."""

    question_id: int
    option_id: int


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    code: str
    kind: Kind
    page: int
    is_required: bool = False
    options: tuple[OptionSpec, ...] = ()
    rows: tuple[RowSpec, ...] = ()
    rank_places: int = 0  # ranking: how many places the respondent may fill (top k)
    number_min: float | None = None
    number_max: float | None = None
    max_length: int = 2000
    condition: Condition | None = None

    def option(self, option_id: int) -> OptionSpec | None:
        return next((option for option in self.options if option.id == option_id), None)


class ProblemCode(StrEnum):
    REQUIRED = "required"
    ROWS_MISSING = "rows_missing"  # a required matrix with unanswered rows
    UNKNOWN_OPTION = "unknown_option"  # a value that is not one of the question's options
    SEVERAL_VALUES = "several_values"  # several values where one is expected
    DUPLICATE_RANK = "duplicate_rank"  # the same item at two places
    RANK_GAP = "rank_gap"  # a place filled while an earlier one is empty
    TOO_MANY_RANKS = "too_many_ranks"
    NOT_A_NUMBER = "not_a_number"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"
    TOO_LONG = "too_long"
    BAD_VALUE = "bad_value"  # a stored value of the wrong shape (not from a form)


@dataclass(frozen=True)
class Problem:
    """What is wrong with one answer, and the form field the message belongs next to."""

    question_id: int
    field: str
    code: ProblemCode
    # dataclasses.field in full: to a type checker the attribute `field` above shadows the bare name.
    params: Mapping[str, object] = dataclasses.field(default_factory=lambda: MappingProxyType({}))


Value = int | float | str | tuple[int, ...] | Mapping[int, int]
Answers = Mapping[int, Value]


def field_name(question_id: int) -> str:
    return f"q{question_id}"


def rank_field(question_id: int, place: int) -> str:
    return f"q{question_id}_{place}"


def row_field(question_id: int, row_id: int) -> str:
    return f"q{question_id}_r{row_id}"


def first_field(question: QuestionSpec) -> str:
    """The field a message about the whole question points to (the first input of the group)."""
    if question.kind is Kind.RANKING:
        return rank_field(question.id, 1)
    if question.kind is Kind.MATRIX and question.rows:
        return row_field(question.id, question.rows[0].id)
    return field_name(question.id)


def _problem(question: QuestionSpec, code: ProblemCode, field: str | None = None, **params: object) -> Problem:
    return Problem(question.id, field or first_field(question), code, MappingProxyType(params))


# --- Reading submitted form data ------------------------------------------------------------------


def parse_answer(question: QuestionSpec, data: Mapping[str, Sequence[str]]) -> tuple[Value | None, list[Problem]]:
    """The answer to ``question`` from form data (field name → submitted strings), and what is wrong with it.

    Returns ``None`` for no answer. The value is only meaningful when there are no problems.
    """
    kind = question.kind
    if kind in (Kind.SINGLE_CHOICE, Kind.LIKERT):
        values = _non_empty(data.get(field_name(question.id), ()))
        if not values:
            return None, _required(question)
        if len(values) > 1:
            return None, [_problem(question, ProblemCode.SEVERAL_VALUES)]
        option_id = _option_id(question, values[0])
        if option_id is None:
            return None, [_problem(question, ProblemCode.UNKNOWN_OPTION)]
        return option_id, []
    if kind is Kind.MULTIPLE_CHOICE:
        chosen = []
        for raw in _non_empty(data.get(field_name(question.id), ())):
            option_id = _option_id(question, raw)
            if option_id is None:
                return None, [_problem(question, ProblemCode.UNKNOWN_OPTION)]
            if option_id not in chosen:
                chosen.append(option_id)
        if not chosen:
            return None, _required(question)
        order = [option.id for option in question.options]
        return tuple(sorted(chosen, key=order.index)), []
    if kind is Kind.RANKING:
        return _parse_ranking(question, data)
    if kind is Kind.MATRIX:
        answered: dict[int, int] = {}
        problems = []
        for row in question.rows:
            name = row_field(question.id, row.id)
            values = _non_empty(data.get(name, ()))
            if not values:
                continue
            option_id = _option_id(question, values[0]) if len(values) == 1 else None
            if option_id is None:
                problems.append(_problem(question, ProblemCode.UNKNOWN_OPTION, name))
            else:
                answered[row.id] = option_id
        if problems:
            return None, problems
        value = MappingProxyType(answered) if answered else None
        return value, check_answer(question, value)
    if kind is Kind.NUMBER:
        values = _non_empty(data.get(field_name(question.id), ()))
        if not values:
            return None, _required(question)
        number = parse_number(values[0])
        if number is None or len(values) > 1:
            return None, [_problem(question, ProblemCode.NOT_A_NUMBER)]
        return number, check_answer(question, number)
    if kind is Kind.FREE_TEXT:
        entered = data.get(field_name(question.id), ())
        text = clean_text(entered[0] if entered else "")
        if not text:
            return None, _required(question)
        return text, check_answer(question, text)
    raise ValueError(f"unknown question kind {kind!r}")


def _non_empty(values: Sequence[str]) -> list[str]:
    return [value.strip() for value in values if value is not None and value.strip()]


def _required(question: QuestionSpec) -> list[Problem]:
    return [_problem(question, ProblemCode.REQUIRED)] if question.is_required else []


def _option_id(question: QuestionSpec, raw: str) -> int | None:
    try:
        option_id = int(raw)
    except (TypeError, ValueError):
        return None
    return option_id if question.option(option_id) is not None else None


def _parse_ranking(question: QuestionSpec, data: Mapping[str, Sequence[str]]) -> tuple[Value | None, list[Problem]]:
    chosen: dict[int, int] = {}  # place → option id
    problems = []
    for place in range(1, question.rank_places + 1):
        name = rank_field(question.id, place)
        values = _non_empty(data.get(name, ()))
        if not values:
            continue
        option_id = _option_id(question, values[0]) if len(values) == 1 else None
        if option_id is None:
            problems.append(_problem(question, ProblemCode.UNKNOWN_OPTION, name))
            continue
        chosen[place] = option_id
    if problems:
        return None, problems
    first_place: dict[int, int] = {}
    for place, option_id in sorted(chosen.items()):
        if option_id in first_place:
            problems.append(
                _problem(
                    question,
                    ProblemCode.DUPLICATE_RANK,
                    rank_field(question.id, place),
                    option_id=option_id,
                    place=place,
                    first_place=first_place[option_id],
                )
            )
        else:
            first_place[option_id] = place
    for place in sorted(chosen):
        empty = next((earlier for earlier in range(1, place) if earlier not in chosen), None)
        if empty is not None:
            problems.append(
                _problem(question, ProblemCode.RANK_GAP, rank_field(question.id, place), place=place, empty_place=empty)
            )
            break
    if problems:
        return None, problems
    if not chosen:
        return None, _required(question)
    return tuple(chosen[place] for place in sorted(chosen)), []


def parse_number(raw: str) -> float | None:
    """A number as people type it: optional sign, decimal point or comma; None if it is not one."""
    text = (raw or "").strip().replace("\u2212", "-")
    if len(text) > MAX_NUMBER_INPUT or not _NUMBER.match(text):
        return None
    number = float(text.replace(",", "."))
    return number if math.isfinite(number) else None


def clean_text(raw: str) -> str:
    """Free text as stored: line breaks unified, control characters removed, outer blanks trimmed."""
    text = (raw or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


# --- Checking answers (from a form or from storage) -------------------------------------------------


def check_answer(question: QuestionSpec, value: Value | None) -> list[Problem]:
    """Problems of a canonical answer value: shape, options, bounds, length, and whether it is required."""
    if value is None:
        return _required(question)
    kind = question.kind
    if kind in (Kind.SINGLE_CHOICE, Kind.LIKERT):
        if not _is_int(value):
            return [_problem(question, ProblemCode.BAD_VALUE)]
        return [] if question.option(value) is not None else [_problem(question, ProblemCode.UNKNOWN_OPTION)]
    if kind in (Kind.MULTIPLE_CHOICE, Kind.RANKING):
        if not isinstance(value, (tuple, list)) or not all(_is_int(item) for item in value):
            return [_problem(question, ProblemCode.BAD_VALUE)]
        if not value:
            return _required(question)
        if any(question.option(item) is None for item in value):
            return [_problem(question, ProblemCode.UNKNOWN_OPTION)]
        if len(set(value)) != len(value):
            duplicate = next(item for item in value if list(value).count(item) > 1)
            places = [place for place, item in enumerate(value, start=1) if item == duplicate]
            return [
                _problem(
                    question, ProblemCode.DUPLICATE_RANK, option_id=duplicate, place=places[1], first_place=places[0]
                )
            ]
        if kind is Kind.RANKING and len(value) > question.rank_places:
            return [_problem(question, ProblemCode.TOO_MANY_RANKS, limit=question.rank_places)]
        return []
    if kind is Kind.MATRIX:
        if not isinstance(value, Mapping) or not all(_is_int(k) and _is_int(v) for k, v in value.items()):
            return [_problem(question, ProblemCode.BAD_VALUE)]
        row_ids = [row.id for row in question.rows]
        if any(row_id not in row_ids for row_id in value) or any(question.option(v) is None for v in value.values()):
            return [_problem(question, ProblemCode.UNKNOWN_OPTION)]
        if not value:
            return _required(question)
        missing = [row.id for row in question.rows if row.id not in value]
        if question.is_required and missing:
            return [
                _problem(question, ProblemCode.ROWS_MISSING, row_field(question.id, row_id), row_id=row_id)
                for row_id in missing
            ]
        return []
    if kind is Kind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return [_problem(question, ProblemCode.NOT_A_NUMBER)]
        if question.number_min is not None and value < question.number_min:
            return [_problem(question, ProblemCode.TOO_SMALL, minimum=question.number_min)]
        if question.number_max is not None and value > question.number_max:
            return [_problem(question, ProblemCode.TOO_LARGE, maximum=question.number_max)]
        return []
    if kind is Kind.FREE_TEXT:
        if not isinstance(value, str):
            return [_problem(question, ProblemCode.BAD_VALUE)]
        if not value.strip():
            return _required(question)
        if len(value) > question.max_length:
            return [_problem(question, ProblemCode.TOO_LONG, limit=question.max_length, length=len(value))]
        return []
    raise ValueError(f"unknown question kind {kind!r}")


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def is_answered(value: Value | None) -> bool:
    return value is not None and value != () and value != "" and not (isinstance(value, Mapping) and not value)


# --- Which questions and pages show -----------------------------------------------------------------


def ordered(questions: Iterable[QuestionSpec]) -> list[QuestionSpec]:
    """Questions in questionnaire order: by page, keeping the given order within a page."""
    return sorted(questions, key=lambda question: question.page)


def _condition_met(condition: Condition, answers: Answers) -> bool:
    value = answers.get(condition.question_id)
    if value is None:
        return False
    if isinstance(value, (tuple, list)):
        return condition.option_id in value
    if isinstance(value, Mapping):
        return condition.option_id in value.values()
    return value == condition.option_id


def visible_answers(questions: Sequence[QuestionSpec], answers: Answers) -> dict[int, Value]:
    """The answers that count: those to questions that show, given the answers before them.

    A question whose condition is not met is hidden and its answer dropped, which in turn hides
    the questions that depend on it. Unknown question ids are dropped too.
    """
    kept: dict[int, Value] = {}
    for question in ordered(questions):
        if question.condition is not None and not _condition_met(question.condition, kept):
            continue
        if question.id in answers and is_answered(answers[question.id]):
            kept[question.id] = answers[question.id]
    return kept


def is_visible(question: QuestionSpec, questions: Sequence[QuestionSpec], answers: Answers) -> bool:
    if question.condition is None:
        return True
    earlier = [other for other in questions if other.page < question.page]
    return _condition_met(question.condition, visible_answers(earlier, answers))


def visible_on_page(questions: Sequence[QuestionSpec], page: int, answers: Answers) -> list[QuestionSpec]:
    """The questions of ``page`` that show, given the answers to earlier pages."""
    earlier = visible_answers([question for question in questions if question.page < page], answers)
    return [
        question
        for question in questions
        if question.page == page and (question.condition is None or _condition_met(question.condition, earlier))
    ]


def pages(questions: Sequence[QuestionSpec]) -> list[int]:
    return sorted({question.page for question in questions})


def next_page(questions: Sequence[QuestionSpec], after: int, answers: Answers) -> int | None:
    """The first page after ``after`` with a question that shows, or None if ``after`` was the last."""
    for page in pages(questions):
        if page > after and visible_on_page(questions, page, answers):
            return page
    return None


def previous_page(questions: Sequence[QuestionSpec], before: int, answers: Answers) -> int | None:
    for page in reversed(pages(questions)):
        if page < before and visible_on_page(questions, page, answers):
            return page
    return None


def may_follow(questions: Sequence[QuestionSpec], after: int) -> bool:
    """Whether some later page could show, whatever the answers (to label the button "next" or "submit")."""
    return any(question.page > after for question in questions)


def check_answers(questions: Sequence[QuestionSpec], answers: Answers) -> tuple[dict[int, Value], list[Problem]]:
    """The answers that count (see visible_answers) and every problem with them, required ones included."""
    kept = visible_answers(questions, answers)
    problems = []
    for question in ordered(questions):
        if question.condition is not None and not _condition_met(question.condition, kept):
            continue
        problems.extend(check_answer(question, kept.get(question.id)))
    return kept, problems


# --- Storage form ---------------------------------------------------------------------------------------


def to_json(answers: Answers) -> dict[str, object]:
    """Answers as JSON-safe data (string keys; tuples as lists) for the session and resumption drafts."""
    data: dict[str, object] = {}
    for question_id, value in answers.items():
        if isinstance(value, Mapping):
            data[str(question_id)] = {str(row): option for row, option in value.items()}
        elif isinstance(value, tuple):
            data[str(question_id)] = list(value)
        else:
            data[str(question_id)] = value
    return data


def from_json(data: Mapping[str, object], questions: Sequence[QuestionSpec]) -> dict[int, Value]:
    """The inverse of to_json for the given questions; entries of unknown questions or shapes are dropped."""
    by_id = {question.id: question for question in questions}
    answers: dict[int, Value] = {}
    for key, value in (data or {}).items():
        try:
            question = by_id.get(int(key))
        except (TypeError, ValueError):
            continue
        if question is None or value is None:
            continue
        if question.kind is Kind.MATRIX and isinstance(value, Mapping):
            try:
                answers[question.id] = MappingProxyType({int(row): int(option) for row, option in value.items()})
            except (TypeError, ValueError):
                continue
        elif question.kind in (Kind.MULTIPLE_CHOICE, Kind.RANKING) and isinstance(value, list):
            answers[question.id] = tuple(value)
        elif question.kind in (Kind.SINGLE_CHOICE, Kind.LIKERT) and _is_int(value):
            answers[question.id] = value
        elif question.kind is Kind.NUMBER and isinstance(value, (int, float)) and not isinstance(value, bool):
            answers[question.id] = value
        elif question.kind is Kind.FREE_TEXT and isinstance(value, str):
            answers[question.id] = value
    return answers
