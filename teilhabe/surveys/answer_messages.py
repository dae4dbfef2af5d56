"""The sentences a respondent reads next to a field when an answer is refused (questionnaire.Problem → text)."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import Question
from .questionnaire import Problem, ProblemCode


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return number_format(value)


def problem_message(problem: Problem, question: Question) -> str:
    """One sentence saying what is wrong and how to put it right, naming options and places where useful."""
    params = problem.params
    code = problem.code
    if code is ProblemCode.REQUIRED:
        if question.kind == Question.Kind.RANKING:
            return _("Please choose at least the first place.")
        if question.kind in (Question.Kind.NUMBER, Question.Kind.FREE_TEXT):
            return _("Please answer this question.")
        return _("Please choose an answer.")
    if code is ProblemCode.ROWS_MISSING:
        return _("Please rate this item as well.")
    if code in (ProblemCode.UNKNOWN_OPTION, ProblemCode.SEVERAL_VALUES, ProblemCode.BAD_VALUE):
        return _("Please choose one of the answers offered.")
    if code is ProblemCode.DUPLICATE_RANK:
        label = next((option.label for option in question.options.all() if option.pk == params["option_id"]), "")
        return _("“%(item)s” is already at place %(first)d. Each item can take one place only.") % {
            "item": label,
            "first": params["first_place"],
        }
    if code is ProblemCode.RANK_GAP:
        return _("Place %(empty)d is empty. Please fill the places in order, starting with place 1.") % {
            "empty": params["empty_place"]
        }
    if code is ProblemCode.TOO_MANY_RANKS:
        return _("Please rank at most %(limit)d items.") % {"limit": params["limit"]}
    if code is ProblemCode.NOT_A_NUMBER:
        return _("Please enter a number, for example 12 or 3.5.")
    if code is ProblemCode.TOO_SMALL:
        return _("Please enter a number of at least %(minimum)s.") % {"minimum": _number(params["minimum"])}
    if code is ProblemCode.TOO_LARGE:
        return _("Please enter a number of at most %(maximum)s.") % {"maximum": _number(params["maximum"])}
    if code is ProblemCode.TOO_LONG:
        return _("At most %(limit)d characters, please (you wrote %(length)d).") % {
            "limit": params["limit"],
            "length": params["length"],
        }
    raise ValueError(f"no message for problem {code!r}")
