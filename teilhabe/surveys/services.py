"""Every write of surveys: responses, invitation and resumption codes, questionnaire building, free text
turned into contributions. The barometer's writes (margins, weighting, index) live in barometer.py.

A response is stored in one transaction (response + answers + the invitation code marked used + the
resumption draft deleted), and only what docs/surveys.md lists is stored with it. A response is named by a
random public id; a draft holds no invitation code (in invitation mode the code is used up when the answers
are first saved, and the draft only records that it was admitted).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.monitoring.models import AreaOfAction, Edition, Geography

from . import permissions, queries
from . import questionnaire as rules
from .answer_messages import problem_message
from .models import (
    AgeBand,
    Answer,
    ImmigrantBackground,
    InvitationCode,
    Option,
    Question,
    RespondentKey,
    Response,
    ResumeDraft,
    Sex,
    Survey,
)

if TYPE_CHECKING:
    from teilhabe.accounts.models import User
    from teilhabe.participation.models import Contribution

RESUME_DAYS = 60
MAX_INVITATION_CODES = 20_000
# Codes people type from a letter: no 0/O, 1/I/L; groups of four.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class AnswerError(ValidationError):
    """Answers refused, with the problems (questionnaire.Problem) so the page can put each message by its field."""

    def __init__(self, problems: Sequence[rules.Problem], messages: dict[str, list[str]]):
        super().__init__(messages)
        self.problems = list(problems)


class AlreadyCounted(ValidationError):
    """A response from this browser (its respondent token) has already been counted for this survey."""


@dataclass(frozen=True)
class Demographics:
    """The optional demographic block; every part may be left empty."""

    immigrant_background: str = ""
    district: Geography | None = None
    age_band: str = ""
    sex: str = ""

    def as_context(self) -> dict[str, object]:
        return {
            "immigrant_background": self.immigrant_background,
            "district": getattr(self.district, "pk", None),
            "age_band": self.age_band,
            "sex": self.sex,
        }


# --- Codes ------------------------------------------------------------------------------------------------


def new_code(groups: int = 3) -> str:
    """A random code like "K7QM-4XDP-9T2B" (about 15 bits per group of four)."""
    return "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(groups))


def normalise_code(code: str) -> str:
    """How a typed code is compared: case, blanks and dashes do not matter; easily confused letters are mapped."""
    text = "".join(character for character in (code or "").upper() if character.isalnum())
    return text.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


# --- Answering ---------------------------------------------------------------------------------------------


def _answer_errors(problems: Sequence[rules.Problem], questionnaire: queries.Questionnaire) -> AnswerError:
    messages: dict[str, list[str]] = {}
    for problem in problems:
        question = questionnaire.question_by_id[problem.question_id]
        messages.setdefault(problem.field, []).append(problem_message(problem, question))
    return AnswerError(problems, messages)


def check_demographics(demographics: Demographics) -> None:
    errors = {}
    if demographics.immigrant_background not in ("", *ImmigrantBackground.values):
        errors["immigrant_background"] = _("Please choose one of the answers offered.")
    if demographics.age_band not in ("", *AgeBand.values):
        errors["age_band"] = _("Please choose one of the answers offered.")
    if demographics.sex not in ("", *Sex.values):
        errors["sex"] = _("Please choose one of the answers offered.")
    if demographics.district is not None and demographics.district.level != Geography.Level.DISTRICT:
        errors["district"] = _("Please choose a district.")
    if errors:
        raise ValidationError(errors)


def check_invitation(*, survey: Survey, code: str) -> str:
    """The hash of a valid, unused invitation code of ``survey``; refuses unknown and used codes.

    Nothing is marked here: the code is used up when the response is stored, or when the answers are first
    saved for later (save_draft).
    """
    code_hash = hash_code(code)
    row = InvitationCode.objects.filter(survey=survey, code_hash=code_hash).first()
    if row is None:
        raise ValidationError({"code": _("This invitation code is not valid for this survey. Please check it.")})
    if row.used_on is not None:
        raise ValidationError({"code": _("This invitation code has already been used. Each code admits one response.")})
    return code_hash


def respondent_key(*, survey: Survey, token: str) -> str:
    """The stored form of a browser's respondent token for one survey (see models.RespondentKey).

    Keyed with the server's secret and the survey, so a key can be checked by the browser that holds the
    token, but neither computed without the secret nor joined across surveys.
    """
    message = f"{survey.pk}:{token}".encode()
    return hmac.new(settings.SECRET_KEY.encode() + b":surveys.respondent", message, hashlib.sha256).hexdigest()


def has_responded(*, survey: Survey, token: str | None) -> bool:
    """Whether a response from the browser holding `token` has been counted for `survey`."""
    if not token:
        return False
    return RespondentKey.objects.filter(key_hash=respondent_key(survey=survey, token=token)).exists()


def submit_response(
    *,
    survey: Survey,
    answers: Mapping[int, rules.Value],
    demographics: Demographics | None = None,
    invitation_hash: str | None = None,
    resume_hash: str | None = None,
    respondent_token: str | None = None,
    on: datetime.date | None = None,
    questionnaire: queries.Questionnaire | None = None,
) -> Response:
    """Store a completed questionnaire atomically and return the response.

    Checks every answer again (conditions decide which count). One response per respondent: in
    invitation mode per invitation code (an unknown or used code is refused), in open mode per browser
    (`respondent_token`, from a signed cookie): a second submission with the same token raises
    AlreadyCounted and stores nothing. Answers are never compared with other people's: identical answers
    from two browsers are two responses. Without a token (a browser refusing cookies) the response is
    counted. The response keeps the day only; the invitation code is marked used with the day and no link.
    In invitation mode, answers resumed from a draft (`resume_hash`) are admitted by that draft, whose code
    was used up when it was saved; the draft is deleted with the submission, so it admits one response.
    """
    if not survey.is_accepting_responses(on=on):
        raise ValidationError(_("This survey is not accepting responses."))
    questionnaire = questionnaire or queries.get_questionnaire(survey)
    kept, problems = rules.check_answers(questionnaire.specs, answers)
    if problems:
        raise _answer_errors(problems, questionnaire)
    demographics = demographics or Demographics()
    if survey.has_demographic_block:
        check_demographics(demographics)
    else:
        demographics = Demographics()
    is_invitation = survey.mode == Survey.Mode.INVITATION
    if is_invitation and not invitation_hash and not resume_hash:
        raise ValidationError({"code": _("Please enter your invitation code first.")})
    key = respondent_key(survey=survey, token=respondent_token) if respondent_token and not is_invitation else None
    day = on or timezone.localdate()
    with transaction.atomic():
        if key is not None:
            _claim_respondent_key(survey, key)
        if connection.vendor == "postgresql" and not is_invitation and not resume_hash:
            # The common case, a response to an open survey, costs one statement on PostgreSQL.
            response = _new_response(survey, demographics, day)
            rows = _answer_rows(response, questionnaire, kept)
            if rows:
                return _insert_at_once(response, rows)
        return _store_response(
            survey=survey,
            questionnaire=questionnaire,
            answers=kept,
            demographics=demographics,
            invitation_hash=invitation_hash if is_invitation else None,
            resume_hash=resume_hash,
            day=day,
        )


def _claim_respondent_key(survey: Survey, key: str) -> None:
    """Record the key in the response's transaction; the primary key refuses a second (also a concurrent) one."""
    try:
        with transaction.atomic():
            RespondentKey.objects.create(key_hash=key, survey=survey)
    except IntegrityError:
        raise AlreadyCounted(
            _("Your answers from this browser were already counted, so this submission was not counted again.")
        ) from None


def _new_response(survey: Survey, demographics: Demographics, day: datetime.date) -> Response:
    return Response(
        survey=survey,
        public_id=uuid.uuid4(),
        submitted_on=day,
        immigrant_background=demographics.immigrant_background,
        district=demographics.district,
        age_band=demographics.age_band,
        sex=demographics.sex,
    )


RESPONSE_COLUMNS = ("survey", "public_id", "submitted_on", "immigrant_background", "district", "age_band", "sex")
ANSWER_COLUMNS = (
    ("question", "bigint"),
    ("option", "bigint"),
    ("row", "bigint"),
    ("rank", "smallint"),
    ("number", "double precision"),
    ("text", "text"),
)


def _insert_at_once(response: Response, rows: list[Answer]) -> Response:
    """Insert the response and its answers with one data-modifying statement (PostgreSQL): atomic by itself,
    one round trip to the database instead of four."""
    quote = connection.ops.quote_name
    response_meta, answer_meta = Response._meta, Answer._meta
    response_columns = ", ".join(quote(response_meta.get_field(name).column) for name in RESPONSE_COLUMNS)
    answer_columns = ", ".join(quote(answer_meta.get_field(name).column) for name, _type in ANSWER_COLUMNS)
    row_sql = "(" + ", ".join(f"%s::{sql_type}" for _name, sql_type in ANSWER_COLUMNS) + ")"
    response_column = quote(answer_meta.get_field("response").column)
    sql = (
        f"WITH new_response AS (INSERT INTO {quote(response_meta.db_table)} ({response_columns}) "
        f"VALUES ({', '.join(['%s'] * len(RESPONSE_COLUMNS))}) RETURNING {quote(response_meta.pk.column)}) "
        f"INSERT INTO {quote(answer_meta.db_table)} ({response_column}, {answer_columns}) "
        f"SELECT new_response.{quote(response_meta.pk.column)}, answer.* FROM new_response, "
        f"(VALUES {', '.join([row_sql] * len(rows))}) AS answer ({answer_columns}) RETURNING {response_column}"
    )
    parameters: list[object] = [
        response.survey_id,
        response.public_id,
        response.submitted_on,
        response.immigrant_background,
        response.district_id,
        response.age_band,
        response.sex,
    ]
    for row in rows:
        parameters += [row.question_id, row.option_id, row.row_id, row.rank, row.number, row.text]
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        response.pk = cursor.fetchone()[0]
    response._state.adding = False
    response._state.db = connection.alias
    return response


def _store_response(
    *,
    survey: Survey,
    questionnaire: queries.Questionnaire,
    answers: Mapping[int, rules.Value],
    demographics: Demographics,
    invitation_hash: str | None,
    resume_hash: str | None,
    day: datetime.date,
) -> Response:
    if invitation_hash is None and resume_hash and survey.mode == Survey.Mode.INVITATION:
        # Admitted by the draft: deleting it here, in the response's transaction, lets it admit one response.
        deleted, _details = ResumeDraft.objects.filter(
            survey=survey, token_hash=resume_hash, is_admitted=True, expires_on__gte=day
        ).delete()
        if not deleted:
            raise ValidationError({"code": _("These saved answers have already been submitted or have expired.")})
        resume_hash = None
    if invitation_hash is not None:
        _use_invitation_code(survey, invitation_hash, day)
    response = _new_response(survey, demographics, day)
    response.save(force_insert=True)
    Answer.objects.bulk_create(_answer_rows(response, questionnaire, answers))
    if resume_hash:
        ResumeDraft.objects.filter(survey=survey, token_hash=resume_hash).delete()
    return response


def _use_invitation_code(survey: Survey, invitation_hash: str, day: datetime.date) -> None:
    """Mark the code used on `day` (nothing else); refuses unknown and used codes, also concurrent uses."""
    code = InvitationCode.objects.select_for_update().filter(survey=survey, code_hash=invitation_hash).first()
    if code is None:
        raise ValidationError({"code": _("This invitation code is not valid for this survey. Please check it.")})
    if code.used_on is not None:
        raise ValidationError({"code": _("This invitation code has already been used. Each code admits one response.")})
    code.used_on = day
    code.save(update_fields=["used_on"])


def _answer_rows(
    response: Response, questionnaire: queries.Questionnaire, answers: Mapping[int, rules.Value]
) -> list[Answer]:
    rows = []
    for question_id, value in answers.items():
        kind = questionnaire.question_by_id[question_id].kind
        if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.LIKERT):
            rows.append(Answer(response=response, question_id=question_id, option_id=value))
        elif kind == Question.Kind.MULTIPLE_CHOICE:
            rows += [Answer(response=response, question_id=question_id, option_id=option) for option in value]
        elif kind == Question.Kind.RANKING:
            rows += [
                Answer(response=response, question_id=question_id, option_id=option, rank=place)
                for place, option in enumerate(value, start=1)
            ]
        elif kind == Question.Kind.MATRIX:
            rows += [
                Answer(response=response, question_id=question_id, row_id=row, option_id=option)
                for row, option in value.items()
            ]
        elif kind == Question.Kind.NUMBER:
            rows.append(Answer(response=response, question_id=question_id, number=float(value)))
        elif kind == Question.Kind.FREE_TEXT:
            rows.append(Answer(response=response, question_id=question_id, text=value))
    return rows


# --- Resumption -----------------------------------------------------------------------------------------------


# What a draft may keep: the answers and where the respondent was. Never the invitation code or its hash.
DRAFT_KEYS = ("answers", "demographics", "page")


@transaction.atomic
def save_draft(
    *,
    survey: Survey,
    data: Mapping[str, object],
    previous_hash: str | None = None,
    invitation_hash: str | None = None,
    on: datetime.date | None = None,
) -> tuple[str, str]:
    """Keep partial answers under a new random code; returns (code, hash). A previous draft is replaced.

    Only DRAFT_KEYS of `data` are kept. In invitation mode the draft must be admitted: either the previous
    draft was, or `invitation_hash` names a valid unused code, which is used up now (the day only). The
    draft then records that it is admitted, not by which code, so no stored row links a code to answers.
    """
    if not survey.is_resumable:
        raise ValidationError(_("This survey cannot be saved for later."))
    day = on or timezone.localdate()
    expires_on = day + datetime.timedelta(days=RESUME_DAYS)
    if survey.closes_on is not None:
        expires_on = min(expires_on, survey.closes_on)
    was_admitted = False
    if previous_hash:
        previous = ResumeDraft.objects.select_for_update().filter(survey=survey, token_hash=previous_hash).first()
        if previous is not None:
            was_admitted = previous.is_admitted
            previous.delete()
    is_admitted = False
    if survey.mode == Survey.Mode.INVITATION:
        if not was_admitted:
            if not invitation_hash:
                raise ValidationError({"code": _("Please enter your invitation code first.")})
            _use_invitation_code(survey, invitation_hash, day)
        is_admitted = True
    # Expired drafts of any survey go now: no schedule needed to keep the promise of deleting them.
    delete_expired_drafts(on=day)
    kept = {key: data[key] for key in DRAFT_KEYS if key in data}
    for _attempt in range(5):
        code = new_code(groups=4)
        token_hash = hash_code(code)
        try:
            with transaction.atomic():
                ResumeDraft.objects.create(
                    survey=survey, token_hash=token_hash, data=kept, expires_on=expires_on, is_admitted=is_admitted
                )
        except IntegrityError:
            continue
        return code, token_hash
    raise RuntimeError("could not draw an unused resumption code")


def resume_draft(*, survey: Survey, code: str, on: datetime.date | None = None) -> tuple[dict, str]:
    """The saved answers for a resumption code and its hash; refuses unknown or expired codes."""
    token_hash = hash_code(code)
    draft = ResumeDraft.objects.filter(survey=survey, token_hash=token_hash).first()
    if draft is None or draft.expires_on < (on or timezone.localdate()):
        raise ValidationError(
            {
                "code": _(
                    "We found no saved answers for this code. Please check it; saved answers "
                    "are kept for %(days)d days."
                )
                % {"days": RESUME_DAYS}
            }
        )
    return dict(draft.data), token_hash


def delete_expired_drafts(*, on: datetime.date | None = None) -> int:
    deleted, _details = ResumeDraft.objects.filter(expires_on__lt=on or timezone.localdate()).delete()
    return deleted


# --- Building and running surveys (the department) --------------------------------------------------------------


def touch_questionnaire(*, survey: Survey) -> None:
    """Mark the questionnaire as changed, so every app server loads it afresh (queries.get_questionnaire)."""
    Survey.objects.filter(pk=survey.pk).update(updated_at=timezone.now())
    queries.forget_questionnaires()


@transaction.atomic
def set_survey_status(*, actor: User, surveys: Iterable[Survey], status: Survey.Status) -> int:
    """Open, close or withdraw surveys to draft (the admin's bulk actions); returns how many changed."""
    if not permissions.can_manage_surveys(actor):
        raise PermissionDenied
    status = Survey.Status(status)
    changed = 0
    for survey in surveys:
        if survey.status != status:
            Survey.objects.filter(pk=survey.pk).update(status=status, updated_at=timezone.now())
            changed += 1
    if changed:
        queries.forget_questionnaires()
    return changed


@transaction.atomic
def generate_invitation_codes(*, actor: User, survey: Survey, count: int) -> list[str]:
    """Create ``count`` one-time codes for an invitation-mode survey; returns them once (only hashes are kept)."""
    if not permissions.can_manage_surveys(actor):
        raise PermissionDenied
    if survey.mode != Survey.Mode.INVITATION:
        raise ValidationError(_("Only surveys in invitation mode use invitation codes."))
    if not 1 <= count <= MAX_INVITATION_CODES:
        raise ValidationError(
            {"count": _("Create between 1 and %(limit)d codes at a time.") % {"limit": MAX_INVITATION_CODES}}
        )
    codes: dict[str, str] = {}
    while len(codes) < count:
        code = new_code()
        codes.setdefault(hash_code(code), code)
    taken = set(InvitationCode.objects.filter(code_hash__in=codes).values_list("code_hash", flat=True))
    for code_hash in taken:
        codes.pop(code_hash)
    InvitationCode.objects.bulk_create([InvitationCode(survey=survey, code_hash=h) for h in codes])
    return list(codes.values())


@transaction.atomic
def add_area_options(*, actor: User, question: Question, edition: Edition | None = None) -> list[Option]:
    """Make the top-level areas of action of an edition (default: the survey's) the items of a question."""
    if not permissions.can_manage_surveys(actor):
        raise PermissionDenied
    edition = edition or question.survey.edition
    if edition is None:
        raise ValidationError(_("Choose the concept edition of the survey first."))
    areas = list(AreaOfAction.objects.filter(edition=edition, parent__isnull=True).order_by("position", "code"))
    existing = {option.area_id for option in question.options.all()}
    next_value = max([option.value for option in question.options.all()], default=0) + 1
    created = []
    for area in areas:
        if area.pk in existing:
            continue
        code = "".join(c if c.isalnum() else "_" for c in area.code.lower())[:30].strip("_") or f"area{area.pk}"
        if not code[0].isalpha():
            code = f"a{code}"[:30]
        option = Option(
            question=question,
            code=code,
            value=next_value,
            position=next_value,
            area=area,
            **{
                # The languages content is stored in (one column each), not every interface language.
                f"label_{language}": getattr(area, f"title_{language}", "") or area.title
                for language in settings.MODELTRANSLATION_LANGUAGES
            },
        )
        option.full_clean()
        option.save()
        created.append(option)
        next_value += 1
    touch_questionnaire(survey=question.survey)
    return created


def list_questionnaire_problems(questionnaire: queries.Questionnaire) -> list[str]:
    """What keeps a questionnaire from working, in sentences for the person building it (shown in the preview)."""
    problems = []
    names: dict[str, str] = {}
    for question in questionnaire.questions:
        options = list(question.options.all())
        label = question.code
        kind = question.kind
        if (
            kind
            in (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE, Question.Kind.LIKERT, Question.Kind.MATRIX)
            and len(options) < 2
        ):
            problems.append(_("%(question)s: needs at least two options.") % {"question": label})
        if kind == Question.Kind.RANKING:
            if len(options) < 2:
                problems.append(_("%(question)s: a ranking needs at least two items.") % {"question": label})
            elif not question.rank_places or question.rank_places > len(options):
                problems.append(
                    _("%(question)s: the places to rank must lie between 1 and the number of items.")
                    % {"question": label}
                )
        if kind == Question.Kind.MATRIX and not list(question.rows.all()):
            problems.append(_("%(question)s: a matrix needs at least one item.") % {"question": label})
        if kind in (Question.Kind.LIKERT, Question.Kind.MATRIX):
            points = [option.value for option in options if not option.is_dont_know]
            missing = [option.value for option in options if option.is_dont_know]
            if points and any(min(points) <= value <= max(points) for value in missing):
                problems.append(
                    _("%(question)s: the code of “don't know” must lie outside the scale.") % {"question": label}
                )
        elif any(option.is_dont_know for option in options):
            problems.append(_("%(question)s: only rating questions have a “don't know” option.") % {"question": label})
        variables = [question.code]
        if kind in (Question.Kind.MULTIPLE_CHOICE, Question.Kind.RANKING):
            variables = [f"{question.code}_{option.code}" for option in options]
        elif kind == Question.Kind.MATRIX:
            variables = [f"{question.code}_{row.code}" for row in question.rows.all()]
        for name in variables:
            if name in names and names[name] != label:
                problems.append(
                    _("%(question)s: the variable name %(name)s is also used by %(other)s.")
                    % {"question": label, "name": name, "other": names[name]}
                )
            names[name] = label
    return problems


# --- Free text → contributions --------------------------------------------------------------------------------


@transaction.atomic
def create_contributions(
    *,
    actor: User,
    survey: Survey,
    answers: Iterable[Answer],
    kind: str,
    language: str,
    areas: Iterable[AreaOfAction] = (),
) -> list[Contribution]:
    """Turn moderated free-text answers into contributions (source "survey") of the survey's procedure.

    They enter the procedure's review workflow like any other contribution. Each answer becomes at
    most one contribution; answers already turned are refused. Only the text travels: no response data.
    """
    from teilhabe.participation import services as participation
    from teilhabe.participation.models import Contribution

    if not permissions.can_create_contributions(actor, survey):
        raise PermissionDenied
    selected = list(
        Answer.objects.select_for_update()
        .filter(pk__in=[answer.pk for answer in answers])
        .select_related("question", "response")
        .order_by("pk")
    )
    if not selected:
        raise ValidationError({"answers": _("Select at least one answer.")})
    for answer in selected:
        if answer.response.survey_id != survey.pk or answer.question.kind != Question.Kind.FREE_TEXT:
            raise ValidationError({"answers": _("Select free-text answers of this survey only.")})
        if answer.contribution_id is not None:
            raise ValidationError(
                {
                    "answers": _("The answer to %(question)s of response %(response)s is already a contribution.")
                    % {"question": answer.question.code, "response": answer.response.public_id}
                }
            )
    areas = list(areas)
    contributions = []
    for answer in selected:
        contribution = participation.record_contribution(
            actor=actor,
            procedure=survey.procedure,
            kind=kind,
            title="",
            text=answer.text,
            language=language,
            source=Contribution.Source.SURVEY,
            areas=areas,
        )
        answer.contribution = contribution
        answer.save(update_fields=["contribution"])
        contributions.append(contribution)
    return contributions
