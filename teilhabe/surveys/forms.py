"""Forms of surveys: a questionnaire page (read by questionnaire.py's rules), the demographic block, codes,
and the staff forms for analysis, free text, margins and invitation codes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _

from teilhabe.monitoring.models import AreaOfAction, Geography

from . import questionnaire as rules
from .answer_messages import problem_message
from .models import AgeBand, ImmigrantBackground, Question, Sex

# --- A page of the questionnaire ------------------------------------------------------------------------


@dataclass
class Choice:
    id: str  # the input's HTML id
    value: str
    label: str
    is_checked: bool = False
    option: object = None  # the Option, so the page can mark a label shown in another language (lang_attr)


@dataclass
class Place:
    """One rank of a ranking question: a <select> of all items."""

    number: int
    name: str
    selected: str
    errors: list[str] = field(default_factory=list)

    @property
    def error_id(self) -> str:
        return f"{self.name}-error"


@dataclass
class Row:
    """One item of a matrix: a group of radio buttons."""

    text: str
    name: str
    choices: list[Choice]
    errors: list[str] = field(default_factory=list)
    row: object = None  # the MatrixRow (for lang_attr)

    @property
    def error_id(self) -> str:
        return f"{self.name}-error"


@dataclass
class BoundQuestion:
    """A question with what the respondent entered and the messages to show next to it."""

    question: Question
    name: str
    errors: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    text_value: str = ""
    items: list[tuple[str, str]] = field(default_factory=list)  # (value, label) of the items to rank

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def help_id(self) -> str:
        return f"{self.name}-help"

    @property
    def error_id(self) -> str:
        return f"{self.name}-error"

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or any(p.errors for p in self.places) or any(r.errors for r in self.rows))

    @property
    def all_errors(self) -> list[tuple[str, str]]:
        """(field id, message) pairs for the error summary at the top of the page."""
        found = [(self.name, message) for message in self.errors]
        found += [(place.name, message) for place in self.places for message in place.errors]
        found += [(row.name, message) for row in self.rows for message in row.errors]
        return [(self._anchor(name), message) for name, message in found]

    def _anchor(self, name: str) -> str:
        if self.choices and name == self.name:
            return self.choices[0].id
        for row in self.rows:
            if row.name == name and row.choices:
                return row.choices[0].id
        return name


class PageForm:
    """The questions of one page: reads submitted data with questionnaire.parse_answer, keeps messages by field.

    Not a Django form because the fields come from the questionnaire; it offers the same small interface
    (is_valid, errors, answers) and prepares each question for its template in includes/.
    """

    def __init__(
        self,
        questions: Sequence[Question],
        specs: Mapping[int, rules.QuestionSpec],
        *,
        data: Mapping[str, Sequence[str]] | None = None,
        initial: Mapping[int, rules.Value] | None = None,
    ):
        self.questions = list(questions)
        self.specs = specs
        self.data = data
        self.initial = dict(initial or {})
        self.answers: dict[int, rules.Value | None] = {}
        self.errors: dict[str, list[str]] = {}
        self.problems: list[rules.Problem] = []
        if data is not None:
            for question in self.questions:
                value, problems = rules.parse_answer(specs[question.pk], data)
                self.answers[question.pk] = value if not problems else self.initial.get(question.pk)
                self.problems += problems
                for problem in problems:
                    self.errors.setdefault(problem.field, []).append(problem_message(problem, question))

    def is_valid(self) -> bool:
        return self.data is not None and not self.problems

    @property
    def valid_answers(self) -> dict[int, rules.Value | None]:
        """Answers of the questions read without problems (None where a question was left empty)."""
        failed = {problem.question_id for problem in self.problems}
        return {question_id: value for question_id, value in self.answers.items() if question_id not in failed}

    def bound_questions(self) -> list[BoundQuestion]:
        return [self._bind(question) for question in self.questions]

    def _raw(self, name: str) -> list[str]:
        return list(self.data.get(name, ())) if self.data is not None else []

    def _bind(self, question: Question) -> BoundQuestion:
        name = rules.field_name(question.pk)
        initial = self.initial.get(question.pk)
        bound = BoundQuestion(question=question, name=name, errors=self.errors.get(name, []))
        options = list(question.options.all())
        kind = question.kind
        if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.LIKERT, Question.Kind.MULTIPLE_CHOICE):
            if self.data is not None:
                chosen = set(self._raw(name))
            elif isinstance(initial, tuple):
                chosen = {str(value) for value in initial}
            else:
                chosen = {str(initial)} if initial is not None else set()
            bound.choices = [
                Choice(f"{name}-{option.pk}", str(option.pk), option.label, str(option.pk) in chosen, option)
                for option in options
            ]
        elif kind == Question.Kind.RANKING:
            ranked = list(initial) if isinstance(initial, tuple) else []
            bound.items = [(str(option.pk), option.label, option) for option in options]
            for number in range(1, (question.rank_places or 0) + 1):
                place_name = rules.rank_field(question.pk, number)
                if self.data is not None:
                    values = self._raw(place_name)
                    selected = values[0] if values else ""
                else:
                    selected = str(ranked[number - 1]) if number <= len(ranked) else ""
                bound.places.append(Place(number, place_name, selected, self.errors.get(place_name, [])))
        elif kind == Question.Kind.MATRIX:
            rated = dict(initial) if isinstance(initial, Mapping) else {}
            for row in question.rows.all():
                row_name = rules.row_field(question.pk, row.pk)
                if self.data is not None:
                    values = self._raw(row_name)
                    chosen = values[0] if values else ""
                else:
                    chosen = str(rated[row.pk]) if row.pk in rated else ""
                bound.rows.append(
                    Row(
                        text=row.text,
                        row=row,
                        name=row_name,
                        errors=self.errors.get(row_name, []),
                        choices=[
                            Choice(
                                f"{row_name}-{option.pk}",
                                str(option.pk),
                                option.label,
                                chosen == str(option.pk),
                                option,
                            )
                            for option in options
                        ],
                    )
                )
        elif kind in (Question.Kind.NUMBER, Question.Kind.FREE_TEXT):
            if self.data is not None:
                values = self._raw(name)
                bound.text_value = values[0] if values else ""
            elif initial is not None:
                bound.text_value = _format_number(initial) if kind == Question.Kind.NUMBER else str(initial)
        return bound


def _format_number(value: rules.Value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- The demographic block and codes ----------------------------------------------------------------------

NO_ANSWER = ("", _("I prefer not to say"))


class DemographicsForm(forms.Form):
    """Four optional questions; leaving one empty is an answer too."""

    immigrant_background = forms.ChoiceField(
        label=_("Do you have an immigrant background?"),
        help_text=_("You or at least one of your parents did not have German citizenship at birth."),
        choices=[(ImmigrantBackground.YES, _("Yes")), (ImmigrantBackground.NO, _("No")), NO_ANSWER],
        required=False,
        widget=forms.RadioSelect,
    )
    district = forms.ModelChoiceField(
        label=_("In which district do you live?"),
        queryset=Geography.objects.none(),
        required=False,
        empty_label=str(NO_ANSWER[1]),
    )
    age_band = forms.ChoiceField(
        label=_("How old are you?"), choices=[*AgeBand.choices, NO_ANSWER], required=False, widget=forms.RadioSelect
    )
    sex = forms.ChoiceField(
        label=_("What is your sex?"), choices=[*Sex.choices, NO_ANSWER], required=False, widget=forms.RadioSelect
    )

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = (
            districts if districts is not None else Geography.objects.filter(level=Geography.Level.DISTRICT)
        )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your invitation code"),
        max_length=40,
        help_text=_("It is printed in the letter you received, e.g. K7QM-4XDP-9T2B."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class ResumeForm(forms.Form):
    code = forms.CharField(
        label=_("Your code for saved answers"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "resume")
        super().__init__(*args, **kwargs)


# --- Staff forms ----------------------------------------------------------------------------------------------


class FreeTextFilterForm(forms.Form):
    q = forms.CharField(label=_("Search the answers"), required=False, max_length=200)
    question = forms.ModelChoiceField(
        label=_("Question"), queryset=Question.objects.none(), required=False, empty_label=_("All free-text questions")
    )

    def __init__(self, *args, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = Question.objects.filter(survey=survey, kind=Question.Kind.FREE_TEXT)


class ContributionForm(forms.Form):
    """What the selected free-text answers become: kind, language and areas of action."""

    kind = forms.ChoiceField(label=_("They are"), choices=())
    language = forms.ChoiceField(label=_("Written in"), choices=())
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas of action"),
        queryset=AreaOfAction.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, survey=None, **kwargs):
        from teilhabe.participation.models import Contribution, Language

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Contribution.Kind.choices
        self.fields["language"].choices = Language.choices
        if survey is not None and survey.procedure_id:
            self.fields["areas"].queryset = AreaOfAction.objects.filter(edition_id=survey.procedure.edition_id)


class CrosstabForm(forms.Form):
    question = forms.ChoiceField(label=_("Question"), choices=())
    by = forms.ChoiceField(
        label=_("By"), choices=[("immigrant_background", _("Immigrant background")), ("district", _("District"))]
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [(q.code, f"{q.code}: {q.text[:80]}") for q in questions]


class MarginsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Population margins (CSV)"),
        help_text=_("Columns: dimension, category, population. See docs/surveys.md."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = getattr(upload, "name", "") or ""
        if not name.lower().endswith(".csv"):
            raise forms.ValidationError(_("The file %(name)s is not a CSV file.") % {"name": name})
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file %(name)s is larger than 5 MB.") % {"name": name})
        return upload


class InvitationCodesForm(forms.Form):
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=20_000)
