"""The pure rules of a questionnaire: reading answers, checking them, conditions and pages."""

from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from teilhabe.surveys import questionnaire as rules
from teilhabe.surveys.questionnaire import Condition, Kind, OptionSpec, ProblemCode, QuestionSpec, RowSpec

OPTIONS = (OptionSpec(1, "a", 1), OptionSpec(2, "b", 2), OptionSpec(3, "c", 3), OptionSpec(4, "d", 4))
SCALE = (*(OptionSpec(10 + v, f"p{v}", v) for v in range(1, 6)), OptionSpec(19, "dk", 9, is_dont_know=True))
SINGLE = QuestionSpec(100, "single", Kind.SINGLE_CHOICE, page=1, is_required=True, options=OPTIONS[:2])
MULTIPLE = QuestionSpec(101, "multiple", Kind.MULTIPLE_CHOICE, page=1, options=OPTIONS)
RANKING = QuestionSpec(102, "ranking", Kind.RANKING, page=1, options=OPTIONS, rank_places=3, is_required=True)
LIKERT = QuestionSpec(103, "likert", Kind.LIKERT, page=1, options=SCALE)
MATRIX = QuestionSpec(
    104, "matrix", Kind.MATRIX, page=1, options=SCALE, rows=(RowSpec(7, "x"), RowSpec(8, "y")), is_required=True
)
NUMBER = QuestionSpec(105, "number", Kind.NUMBER, page=1, number_min=0, number_max=120)
TEXT = QuestionSpec(
    106, "text", Kind.FREE_TEXT, page=2, max_length=10, condition=Condition(question_id=100, option_id=1)
)


def parse(question, **fields):
    return rules.parse_answer(
        question, {name: value if isinstance(value, list) else [value] for name, value in fields.items()}
    )


@pytest.mark.parametrize(
    "question, fields, value",
    [
        pytest.param(SINGLE, {"q100": "2"}, 2, id="single-choice"),
        pytest.param(MULTIPLE, {"q101": ["3", "1", "3"]}, (1, 3), id="multiple-choice-in-option-order"),
        pytest.param(RANKING, {"q102_1": "4", "q102_2": "1"}, (4, 1), id="ranking-top-2-of-3"),
        pytest.param(LIKERT, {"q103": "19"}, 19, id="likert-dont-know"),
        pytest.param(MATRIX, {"q104_r7": "12", "q104_r8": "19"}, {7: 12, 8: 19}, id="matrix-all-rows"),
        pytest.param(NUMBER, {"q105": "12,5"}, 12.5, id="number-decimal-comma"),
        pytest.param(NUMBER, {"q105": " 7 "}, 7.0, id="number-blanks"),
        pytest.param(NUMBER, {"q105": "\u221210"}, None, id="number-below-minimum-is-refused"),
        pytest.param(TEXT, {"q106": "  Hallo\r\nWelt\x00 "}, "Hallo\nWelt", id="text-cleaned"),
        pytest.param(MULTIPLE, {}, None, id="optional-left-empty"),
    ],
)
def test_parse_reads_each_kind(question, fields, value):
    parsed, problems = parse(question, **fields)
    if value is None and fields:
        assert problems
    else:
        assert problems == []
        assert (dict(parsed) if isinstance(parsed, MappingProxyType) else parsed) == value


@pytest.mark.parametrize(
    "question, fields, code, field, params",
    [
        pytest.param(SINGLE, {}, ProblemCode.REQUIRED, "q100", {}, id="required-single"),
        pytest.param(SINGLE, {"q100": "3"}, ProblemCode.UNKNOWN_OPTION, "q100", {}, id="option-of-another-question"),
        pytest.param(SINGLE, {"q100": ["1", "2"]}, ProblemCode.SEVERAL_VALUES, "q100", {}, id="two-radios"),
        pytest.param(SINGLE, {"q100": "x"}, ProblemCode.UNKNOWN_OPTION, "q100", {}, id="not-a-number"),
        pytest.param(RANKING, {}, ProblemCode.REQUIRED, "q102_1", {}, id="required-ranking"),
        pytest.param(
            RANKING,
            {"q102_1": "1", "q102_3": "1"},
            ProblemCode.DUPLICATE_RANK,
            "q102_3",
            {"option_id": 1, "place": 3, "first_place": 1},
            id="duplicate-next-to-its-select",
        ),
        pytest.param(
            RANKING,
            {"q102_1": "1", "q102_3": "2"},
            ProblemCode.RANK_GAP,
            "q102_3",
            {"place": 3, "empty_place": 2},
            id="gap",
        ),
        pytest.param(
            RANKING,
            {"q102_2": "1"},
            ProblemCode.RANK_GAP,
            "q102_2",
            {"place": 2, "empty_place": 1},
            id="first-place-empty",
        ),
        pytest.param(
            MATRIX,
            {"q104_r7": "12"},
            ProblemCode.ROWS_MISSING,
            "q104_r8",
            {"row_id": 8},
            id="required-matrix-row-missing",
        ),
        pytest.param(MATRIX, {"q104_r7": "1"}, ProblemCode.UNKNOWN_OPTION, "q104_r7", {}, id="matrix-bad-option"),
        pytest.param(NUMBER, {"q105": "12a"}, ProblemCode.NOT_A_NUMBER, "q105", {}, id="letters"),
        pytest.param(NUMBER, {"q105": "inf"}, ProblemCode.NOT_A_NUMBER, "q105", {}, id="infinity"),
        pytest.param(NUMBER, {"q105": "1e3"}, ProblemCode.NOT_A_NUMBER, "q105", {}, id="exponent"),
        pytest.param(NUMBER, {"q105": "-1"}, ProblemCode.TOO_SMALL, "q105", {"minimum": 0}, id="too-small"),
        pytest.param(NUMBER, {"q105": "121"}, ProblemCode.TOO_LARGE, "q105", {"maximum": 120}, id="too-large"),
        pytest.param(
            TEXT, {"q106": "x" * 11}, ProblemCode.TOO_LONG, "q106", {"limit": 10, "length": 11}, id="too-long"
        ),
    ],
)
def test_parse_refuses_with_the_field_and_the_reason(question, fields, code, field, params):
    _value, problems = parse(question, **fields)
    assert [(problem.code, problem.field, dict(problem.params)) for problem in problems][:1] == [(code, field, params)]


def test_a_ranking_refuses_several_problems_at_once_each_next_to_its_select():
    _value, problems = parse(RANKING, q102_1="2", q102_2="2", q102_3="9")
    assert [(problem.code, problem.field) for problem in problems] == [(ProblemCode.UNKNOWN_OPTION, "q102_3")]


@pytest.mark.parametrize(
    "answers, visible",
    [
        pytest.param({100: 1}, True, id="condition-met"),
        pytest.param({100: 2}, False, id="condition-not-met"),
        pytest.param({}, False, id="condition-unanswered"),
    ],
)
def test_conditional_question_shows_only_when_the_condition_holds(answers, visible):
    questions = [SINGLE, TEXT]
    assert [q.id for q in rules.visible_on_page(questions, 2, answers)] == ([106] if visible else [])
    assert rules.next_page(questions, 1, answers) == (2 if visible else None)


def test_answers_to_hidden_questions_are_dropped_and_hide_their_dependants():
    chained = QuestionSpec(
        107,
        "chained",
        Kind.SINGLE_CHOICE,
        page=3,
        options=OPTIONS[:2],
        condition=Condition(question_id=106, option_id=1),
    )
    questions = [SINGLE, TEXT, chained]
    # 106 is free text, so "106 is option 1" can never hold: 107 stays hidden whatever was stored for it.
    kept, problems = rules.check_answers(questions, {100: 2, 106: "stale", 107: 1})
    assert kept == {100: 2}
    assert problems == []


def test_check_answers_reports_required_questions_that_show():
    kept, problems = rules.check_answers([SINGLE, RANKING, TEXT], {})
    assert kept == {}
    assert [(p.question_id, p.code) for p in problems] == [(100, ProblemCode.REQUIRED), (102, ProblemCode.REQUIRED)]


@pytest.mark.parametrize(
    "question, value, code",
    [
        pytest.param(SINGLE, "1", ProblemCode.BAD_VALUE, id="string-for-option"),
        pytest.param(SINGLE, True, ProblemCode.BAD_VALUE, id="boolean-for-option"),
        pytest.param(RANKING, (1, 2, 3, 4), ProblemCode.TOO_MANY_RANKS, id="more-places-than-allowed"),
        pytest.param(RANKING, (1, 1), ProblemCode.DUPLICATE_RANK, id="stored-duplicate"),
        pytest.param(MATRIX, {9: 12}, ProblemCode.UNKNOWN_OPTION, id="unknown-row"),
        pytest.param(NUMBER, float("nan"), ProblemCode.NOT_A_NUMBER, id="nan"),
        pytest.param(TEXT, 5, ProblemCode.BAD_VALUE, id="number-for-text"),
    ],
)
def test_check_answer_refuses_stored_values_of_the_wrong_shape(question, value, code):
    assert [problem.code for problem in rules.check_answer(question, value)] == [code]


def test_pages_and_navigation():
    questions = [SINGLE, TEXT, QuestionSpec(108, "later", Kind.NUMBER, page=5)]
    assert rules.pages(questions) == [1, 2, 5]
    assert rules.next_page(questions, 1, {100: 2}) == 5  # page 2 is hidden
    assert rules.previous_page(questions, 5, {100: 2}) == 1
    assert rules.may_follow(questions, 2) is True
    assert rules.may_follow(questions, 5) is False


def test_json_round_trip_keeps_every_kind():
    answers = {100: 1, 101: (1, 3), 102: (4, 1), 103: 19, 104: MappingProxyType({7: 12}), 105: 12.5, 106: "Hallo"}
    questions = [SINGLE, MULTIPLE, RANKING, LIKERT, MATRIX, NUMBER, TEXT]
    restored = rules.from_json(rules.to_json(answers), questions)
    assert {key: dict(value) if isinstance(value, MappingProxyType) else value for key, value in restored.items()} == {
        100: 1,
        101: (1, 3),
        102: (4, 1),
        103: 19,
        104: {7: 12},
        105: 12.5,
        106: "Hallo",
    }


def test_from_json_drops_unknown_questions_and_shapes():
    assert rules.from_json({"999": 1, "100": "1", "x": 2, "105": True}, [SINGLE, NUMBER]) == {}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["1", "2", "3", "4", "7", "", "x"])), min_size=3, max_size=3))
def test_a_ranking_that_parses_is_a_valid_answer(places):
    fields = {f"q102_{place}": [value] for place, value in enumerate(places, start=1) if value is not None}
    value, problems = rules.parse_answer(RANKING, fields)
    if not problems:
        assert rules.check_answer(RANKING, value) == []
        assert len(set(value)) == len(value) and 1 <= len(value) <= 3
        filled = [v for v in places if v not in (None, "")]
        assert [str(item) for item in value] == filled
