"""Writes of surveys: storing responses atomically and anonymously, codes, drafts, contributions from free text."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from teilhabe.participation.models import Contribution, Review
from teilhabe.surveys import services
from teilhabe.surveys.models import Answer, InvitationCode, Option, RespondentKey, Response, ResumeDraft, Survey
from tests.accounts.factories import UserFactory
from tests.monitoring.factories import AreaOfActionFactory, DistrictFactory, EditionFactory
from tests.participation.factories import ProcedureFactory
from tests.surveys.factories import OptionFactory, QuestionFactory, SurveyFactory, all_kinds_survey

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 5, 6)


def complete_answers(kinds, *, wish="Mehr Sprachkurse"):
    return {
        kinds.single.pk: kinds.option(kinds.single, "yes").pk,
        kinds.multiple.pk: (kinds.option(kinds.multiple, "press").pk, kinds.option(kinds.multiple, "web").pk),
        kinds.ranking.pk: (kinds.option(kinds.ranking, "work").pk, kinds.option(kinds.ranking, "school").pk),
        kinds.likert.pk: kinds.option(kinds.likert, "dk").pk,
        kinds.matrix.pk: {kinds.row("welcome").pk: kinds.option(kinds.matrix, "p4").pk},
        kinds.number.pk: 12.5,
        kinds.free_text.pk: wish,
    }


def stored(response):
    return sorted(
        (a.question.code, a.option.code if a.option else None, a.row.code if a.row else None, a.rank, a.number, a.text)
        for a in response.answers.select_related("question", "option", "row")
    )


def test_a_complete_response_is_stored_with_every_answer():
    # given
    kinds = all_kinds_survey(has_demographic_block=True)
    district = DistrictFactory()
    # when
    response = services.submit_response(
        survey=kinds.survey,
        answers=complete_answers(kinds),
        on=DAY,
        demographics=services.Demographics(immigrant_background="yes", district=district, age_band="30_44"),
    )
    # then
    assert stored(response) == sorted(
        [
            ("single", "yes", None, None, None, ""),
            ("channels", "press", None, None, None, ""),
            ("channels", "web", None, None, None, ""),
            ("areas", "work", None, 1, None, ""),
            ("areas", "school", None, 2, None, ""),
            ("policy", "dk", None, None, None, ""),
            ("climate", "p4", "welcome", None, None, ""),
            ("years", None, None, None, 12.5, ""),
            ("wish", None, None, None, None, "Mehr Sprachkurse"),
        ]
    )
    assert (
        response.submitted_on,
        response.immigrant_background,
        response.district,
        response.age_band,
        response.sex,
    ) == (DAY, "yes", district, "30_44", "")


def test_answers_to_hidden_questions_are_not_stored():
    kinds = all_kinds_survey()
    answers = complete_answers(kinds) | {kinds.single.pk: kinds.option(kinds.single, "no").pk}
    response = services.submit_response(survey=kinds.survey, answers=answers, on=DAY)
    assert not response.answers.filter(question=kinds.free_text).exists()


def test_bad_answers_are_refused_with_messages_by_field_and_nothing_is_stored():
    kinds = all_kinds_survey()
    answers = complete_answers(kinds) | {kinds.number.pk: 500.0}
    del answers[kinds.single.pk]
    with pytest.raises(services.AnswerError) as refused:
        services.submit_response(survey=kinds.survey, answers=answers, on=DAY)
    assert refused.value.message_dict == {
        f"q{kinds.single.pk}": ["Please choose an answer."],
        f"q{kinds.number.pk}": ["Please enter a number of at most 100."],
    }
    assert Response.objects.count() == 0 and Answer.objects.count() == 0


def test_demographic_answers_are_checked():
    kinds = all_kinds_survey(has_demographic_block=True)
    city_district = DistrictFactory().parent
    with pytest.raises(ValidationError) as refused:
        services.submit_response(
            survey=kinds.survey,
            answers=complete_answers(kinds),
            on=DAY,
            demographics=services.Demographics(age_band="7_to_9", district=city_district),
        )
    assert set(refused.value.message_dict) == {"age_band", "district"}
    assert Response.objects.count() == 0


def test_demographics_are_not_stored_when_the_survey_does_not_ask_them():
    kinds = all_kinds_survey(has_demographic_block=False)
    response = services.submit_response(
        survey=kinds.survey,
        answers=complete_answers(kinds),
        on=DAY,
        demographics=services.Demographics(immigrant_background="yes"),
    )
    assert response.immigrant_background == ""


@pytest.mark.parametrize(
    "status, opens_on, closes_on",
    [
        pytest.param(Survey.Status.DRAFT, None, None, id="draft"),
        pytest.param(Survey.Status.CLOSED, None, None, id="closed"),
        pytest.param(Survey.Status.OPEN, DAY + datetime.timedelta(days=1), None, id="not-yet-open"),
        pytest.param(Survey.Status.OPEN, None, DAY - datetime.timedelta(days=1), id="past-closing-day"),
    ],
)
def test_a_survey_that_is_not_open_takes_no_response(status, opens_on, closes_on):
    kinds = all_kinds_survey(status=status, opens_on=opens_on, closes_on=closes_on)
    with pytest.raises(ValidationError, match="not accepting responses"):
        services.submit_response(survey=kinds.survey, answers=complete_answers(kinds), on=DAY)
    assert Response.objects.count() == 0


def test_two_people_with_identical_answers_are_both_counted():
    """Answers are never compared across people: two browsers (tokens), or no token at all, each count."""
    kinds = all_kinds_survey()
    for token in ("browser-a", "browser-b", None, None):
        services.submit_response(survey=kinds.survey, answers=complete_answers(kinds), respondent_token=token, on=DAY)
    assert Response.objects.count() == 4
    assert RespondentKey.objects.count() == 2


def test_a_second_submission_from_the_same_browser_is_not_counted():
    kinds = all_kinds_survey()
    services.submit_response(survey=kinds.survey, answers=complete_answers(kinds), respondent_token="browser-a", on=DAY)
    answers_before = Answer.objects.count()
    with pytest.raises(services.AlreadyCounted):
        services.submit_response(
            survey=kinds.survey, answers=complete_answers(kinds, wish="Anders"), respondent_token="browser-a", on=DAY
        )
    assert Response.objects.count() == 1
    assert Answer.objects.count() == answers_before
    assert RespondentKey.objects.count() == 1


def test_the_same_browser_may_answer_another_survey():
    first, second = all_kinds_survey(), all_kinds_survey()
    services.submit_response(survey=first.survey, answers=complete_answers(first), respondent_token="browser-a", on=DAY)
    services.submit_response(
        survey=second.survey, answers=complete_answers(second), respondent_token="browser-a", on=DAY
    )
    assert Response.objects.count() == 2


def test_the_stored_key_is_keyed_per_survey_and_reveals_no_token():
    """Only HMAC(secret, survey + token) is kept: no token, no link to the response, no time."""
    first, second = all_kinds_survey(), all_kinds_survey()
    token = "browser-a-token"
    services.submit_response(survey=first.survey, answers=complete_answers(first), respondent_token=token, on=DAY)
    services.submit_response(survey=second.survey, answers=complete_answers(second), respondent_token=token, on=DAY)
    rows = list(RespondentKey.objects.values())
    assert {field for row in rows for field in row} == {"key_hash", "survey_id"}
    assert len({row["key_hash"] for row in rows}) == 2
    assert all(token not in row["key_hash"] for row in rows)
    assert (
        services.respondent_key(survey=first.survey, token=token)
        == RespondentKey.objects.get(survey=first.survey).key_hash
    )
    assert services.has_responded(survey=first.survey, token=token)
    assert not services.has_responded(survey=first.survey, token="another-browser")


def test_a_refused_answer_set_leaves_the_browser_free_to_submit_again():
    kinds = all_kinds_survey()
    with pytest.raises(services.AnswerError):
        services.submit_response(survey=kinds.survey, answers={}, respondent_token="browser-a", on=DAY)
    assert not RespondentKey.objects.exists()
    services.submit_response(survey=kinds.survey, answers=complete_answers(kinds), respondent_token="browser-a", on=DAY)
    assert Response.objects.count() == 1


def test_a_refused_submission_does_not_block_the_corrected_one():
    kinds = all_kinds_survey(has_demographic_block=True)
    with pytest.raises(ValidationError):
        services.submit_response(
            survey=kinds.survey,
            answers=complete_answers(kinds),
            on=DAY,
            demographics=services.Demographics(sex="unknown"),
        )
    services.submit_response(survey=kinds.survey, answers=complete_answers(kinds), on=DAY)
    assert Response.objects.count() == 1


# --- Invitation codes ---------------------------------------------------------------------------------------


@pytest.fixture
def invitation_survey():
    survey = SurveyFactory(mode=Survey.Mode.INVITATION)
    question = QuestionFactory(survey=survey, is_required=True)
    OptionFactory(question=question, code="yes", value=1)
    return survey, question


def test_codes_are_issued_once_and_only_their_hashes_kept(invitation_survey):
    survey, _question = invitation_survey
    admin = UserFactory(roles=["department_admin"])
    codes = services.generate_invitation_codes(actor=admin, survey=survey, count=25)
    assert len(set(codes)) == 25
    assert all(len(code) == 14 and code.count("-") == 2 for code in codes)
    stored_hashes = set(InvitationCode.objects.filter(survey=survey).values_list("code_hash", flat=True))
    assert stored_hashes == {services.hash_code(code) for code in codes}
    assert not InvitationCode.objects.filter(code_hash__in=codes).exists()


def test_only_the_department_issues_codes(invitation_survey):
    survey, _question = invitation_survey
    with pytest.raises(PermissionDenied):
        services.generate_invitation_codes(actor=UserFactory(roles=["analyst"]), survey=survey, count=1)
    assert not InvitationCode.objects.exists()


def test_an_invitation_code_admits_one_response_and_is_then_refused(invitation_survey):
    # given
    survey, question = invitation_survey
    code = services.generate_invitation_codes(actor=UserFactory(roles=["department_admin"]), survey=survey, count=1)[0]
    answers = {question.pk: question.options.get().pk}
    # when
    code_hash = services.check_invitation(survey=survey, code=code.lower().replace("-", " "))
    services.submit_response(survey=survey, answers=answers, invitation_hash=code_hash, on=DAY)
    # then
    row = InvitationCode.objects.get()
    assert row.used_on == DAY
    with pytest.raises(ValidationError) as refused:
        services.check_invitation(survey=survey, code=code)
    assert refused.value.message_dict == {
        "code": ["This invitation code has already been used. Each code admits one response."]
    }
    with pytest.raises(ValidationError, match="already been used"):
        services.submit_response(survey=survey, answers=answers, invitation_hash=code_hash, on=DAY)
    assert Response.objects.count() == 1


def test_an_unknown_code_or_none_at_all_is_refused(invitation_survey):
    survey, question = invitation_survey
    with pytest.raises(ValidationError, match="not valid"):
        services.check_invitation(survey=survey, code="AAAA-BBBB-CCCC")
    with pytest.raises(ValidationError, match="invitation code first"):
        services.submit_response(survey=survey, answers={question.pk: question.options.get().pk}, on=DAY)
    assert Response.objects.count() == 0


def test_codes_of_another_survey_do_not_admit(invitation_survey):
    survey, _question = invitation_survey
    other = SurveyFactory(mode=Survey.Mode.INVITATION)
    code = services.generate_invitation_codes(actor=UserFactory(roles=["department_admin"]), survey=other, count=1)[0]
    with pytest.raises(ValidationError, match="not valid"):
        services.check_invitation(survey=survey, code=code)


# --- Resumption ---------------------------------------------------------------------------------------------


def test_saved_answers_come_back_with_the_code_and_are_deleted_on_submission():
    kinds = all_kinds_survey()
    data = {"answers": {str(kinds.single.pk): kinds.option(kinds.single, "yes").pk}, "page": 1}
    code, code_hash = services.save_draft(survey=kinds.survey, data=data, on=DAY)
    assert ResumeDraft.objects.get().token_hash == code_hash != code
    restored, restored_hash = services.resume_draft(survey=kinds.survey, code=code.lower(), on=DAY)
    assert (restored, restored_hash) == (data, code_hash)
    services.submit_response(survey=kinds.survey, answers=complete_answers(kinds), resume_hash=code_hash, on=DAY)
    assert not ResumeDraft.objects.exists()


def test_saving_again_replaces_the_draft_under_a_new_code():
    survey = SurveyFactory()
    first, first_hash = services.save_draft(survey=survey, data={"page": 1}, on=DAY)
    second, _second_hash = services.save_draft(survey=survey, data={"page": 2}, previous_hash=first_hash, on=DAY)
    assert first != second
    with pytest.raises(ValidationError):
        services.resume_draft(survey=survey, code=first, on=DAY)
    assert services.resume_draft(survey=survey, code=second, on=DAY)[0] == {"page": 2}


def test_expired_or_unknown_codes_find_nothing_and_expired_drafts_are_deleted():
    survey = SurveyFactory()
    code, _hash = services.save_draft(survey=survey, data={"page": 1}, on=DAY)
    later = DAY + datetime.timedelta(days=services.RESUME_DAYS + 1)
    with pytest.raises(ValidationError, match="no saved answers"):
        services.resume_draft(survey=survey, code=code, on=later)
    with pytest.raises(ValidationError, match="no saved answers"):
        services.resume_draft(survey=survey, code="WRONG-CODE", on=DAY)
    services.save_draft(survey=survey, data={"page": 1}, on=later)
    assert ResumeDraft.objects.count() == 1


def stored_values(row):
    """Every value of a row as the database holds it, JSON included, as one text."""
    return " ".join(str(value) for value in ResumeDraft.objects.filter(pk=row.pk).values_list().get())


def test_a_draft_in_invitation_mode_keeps_no_trace_of_the_code(invitation_survey):
    # given: a respondent admitted by an invitation code saves for later (the attack read the code's hash
    # next to the partial answers in the draft's row)
    survey, question = invitation_survey
    code = services.generate_invitation_codes(actor=UserFactory(roles=["department_admin"]), survey=survey, count=1)[0]
    code_hash = services.check_invitation(survey=survey, code=code)
    data = {"answers": {str(question.pk): question.options.get().pk}, "page": 1, "invitation": code_hash}
    # when
    resume_code, token_hash = services.save_draft(survey=survey, data=data, invitation_hash=code_hash, on=DAY)
    # then: no field of the draft holds the code or its hash, not even inside the saved answers ...
    draft = ResumeDraft.objects.get()
    assert {field.name for field in ResumeDraft._meta.concrete_fields} == {
        "id",
        "survey",
        "token_hash",
        "data",
        "expires_on",
        "is_admitted",
    }
    assert code_hash not in stored_values(draft) and services.hash_code(code) not in stored_values(draft)
    assert draft.data == {"answers": {str(question.pk): question.options.get().pk}, "page": 1}
    assert draft.token_hash == services.hash_code(resume_code) != code_hash and draft.is_admitted
    # ... the code is used up, with the day only, and the draft carries the admission to one response
    assert InvitationCode.objects.get().used_on == DAY
    restored, restored_hash = services.resume_draft(survey=survey, code=resume_code, on=DAY)
    answers = {question.pk: question.options.get().pk}
    services.submit_response(survey=survey, answers=answers, resume_hash=restored_hash, on=DAY)
    assert Response.objects.count() == 1 and not ResumeDraft.objects.exists()


def test_a_draft_admits_one_response_and_a_used_code_admits_no_draft(invitation_survey):
    survey, question = invitation_survey
    code = services.generate_invitation_codes(actor=UserFactory(roles=["department_admin"]), survey=survey, count=1)[0]
    code_hash = services.check_invitation(survey=survey, code=code)
    _resume_code, token_hash = services.save_draft(survey=survey, data={}, invitation_hash=code_hash, on=DAY)
    answers = {question.pk: question.options.get().pk}
    services.submit_response(survey=survey, answers=answers, resume_hash=token_hash, on=DAY)
    # The same draft again (a second tab), the used code, a made-up draft, a draft of open mode: nothing counts.
    with pytest.raises(ValidationError, match="already been submitted"):
        services.submit_response(survey=survey, answers=answers, resume_hash=token_hash, on=DAY)
    with pytest.raises(ValidationError, match="already been used"):
        services.submit_response(survey=survey, answers=answers, invitation_hash=code_hash, on=DAY)
    with pytest.raises(ValidationError, match="already been used"):
        services.save_draft(survey=survey, data={}, invitation_hash=code_hash, on=DAY)
    with pytest.raises(ValidationError, match="already been submitted"):
        services.submit_response(survey=survey, answers=answers, resume_hash="0" * 64, on=DAY)
    with pytest.raises(ValidationError, match="invitation code first"):
        services.save_draft(survey=survey, data={}, on=DAY)
    assert Response.objects.count() == 1 and not ResumeDraft.objects.exists()


def test_saving_an_admitted_draft_again_keeps_its_admission_and_not_the_old_code(invitation_survey):
    survey, question = invitation_survey
    code = services.generate_invitation_codes(actor=UserFactory(roles=["department_admin"]), survey=survey, count=1)[0]
    code_hash = services.check_invitation(survey=survey, code=code)
    first, first_hash = services.save_draft(survey=survey, data={"page": 1}, invitation_hash=code_hash, on=DAY)
    second, second_hash = services.save_draft(survey=survey, data={"page": 1}, previous_hash=first_hash, on=DAY)
    assert ResumeDraft.objects.get().token_hash == second_hash and ResumeDraft.objects.get().is_admitted
    with pytest.raises(ValidationError, match="already been submitted"):
        services.submit_response(
            survey=survey, answers={question.pk: question.options.get().pk}, resume_hash=first_hash, on=DAY
        )
    services.submit_response(
        survey=survey, answers={question.pk: question.options.get().pk}, resume_hash=second_hash, on=DAY
    )
    assert Response.objects.count() == 1


def test_a_draft_expires_when_the_survey_closes():
    survey = SurveyFactory(closes_on=DAY + datetime.timedelta(days=3))
    services.save_draft(survey=survey, data={}, on=DAY)
    assert ResumeDraft.objects.get().expires_on == DAY + datetime.timedelta(days=3)


# --- Building ---------------------------------------------------------------------------------------------------


def test_areas_of_action_become_ranking_items_once():
    edition = EditionFactory()
    for position, code in enumerate(["school", "work"]):
        AreaOfActionFactory(
            edition=edition, code=code, title_de=f"Feld {code}", title_en=f"Field {code}", position=position
        )
    AreaOfActionFactory(edition=edition, code="topic", parent=edition.areas.get(code="school"))
    question = QuestionFactory(survey=SurveyFactory(edition=edition), kind="ranking", rank_places=2)
    admin = UserFactory(roles=["department_admin"])
    services.add_area_options(actor=admin, question=question)
    services.add_area_options(actor=admin, question=question)
    assert list(question.options.values_list("code", "label_de", "label_en", "value")) == [
        ("school", "Feld school", "Field school", 1),
        ("work", "Feld work", "Field work", 2),
    ]


def test_questionnaire_problems_are_listed_for_the_preview():
    survey = SurveyFactory()
    QuestionFactory(survey=survey, code="lonely", kind="single_choice")
    ranking = QuestionFactory(survey=survey, code="rank", kind="ranking", rank_places=5)
    OptionFactory(question=ranking, code="a")
    OptionFactory(question=ranking, code="b")
    likert = QuestionFactory(survey=survey, code="scale", kind="likert")
    OptionFactory(question=likert, code="p1", value=1)
    OptionFactory(question=likert, code="p5", value=5)
    OptionFactory(question=likert, code="dk", value=3, is_dont_know=True)
    from teilhabe.surveys import queries

    assert services.list_questionnaire_problems(queries.get_questionnaire(survey)) == [
        "lonely: needs at least two options.",
        "rank: the places to rank must lie between 1 and the number of items.",
        "scale: the code of “don't know” must lie outside the scale.",
    ]


# --- Free text → contributions -------------------------------------------------------------------------------


def test_free_text_answers_become_contributions_in_the_review_workflow():
    # given
    procedure = ProcedureFactory()
    kinds = all_kinds_survey(procedure=procedure)
    response = services.submit_response(survey=kinds.survey, answers=complete_answers(kinds), on=DAY)
    answer = response.answers.get(question=kinds.free_text)
    area = AreaOfActionFactory(edition=procedure.edition)
    admin = UserFactory(roles=["department_admin"])
    # when
    [contribution] = services.create_contributions(
        actor=admin, survey=kinds.survey, answers=[answer], kind="proposal", language="de", areas=[area]
    )
    # then
    assert (contribution.source, contribution.text, contribution.kind, contribution.procedure) == (
        Contribution.Source.SURVEY,
        "Mehr Sprachkurse",
        "proposal",
        procedure,
    )
    assert list(contribution.areas.all()) == [area]
    assert contribution.district is None and contribution.contact_email == ""
    assert Review.objects.get(contribution=contribution).state == "received"
    answer.refresh_from_db()
    assert answer.contribution == contribution
    with pytest.raises(ValidationError, match="already a contribution"):
        services.create_contributions(
            actor=admin, survey=kinds.survey, answers=[answer], kind="proposal", language="de"
        )
    assert Contribution.objects.count() == 1


def test_only_free_text_of_the_survey_and_only_the_department():
    procedure = ProcedureFactory()
    kinds = all_kinds_survey(procedure=procedure)
    response = services.submit_response(survey=kinds.survey, answers=complete_answers(kinds), on=DAY)
    choice = response.answers.get(question=kinds.single)
    with pytest.raises(ValidationError, match="free-text answers of this survey"):
        services.create_contributions(
            actor=UserFactory(roles=["department_admin"]),
            survey=kinds.survey,
            answers=[choice],
            kind="proposal",
            language="de",
        )
    with pytest.raises(PermissionDenied):
        services.create_contributions(
            actor=UserFactory(roles=["analyst"]),
            survey=kinds.survey,
            answers=list(response.answers.all()),
            kind="proposal",
            language="de",
        )
    assert Contribution.objects.count() == 0


def test_option_codes_are_unique_per_question():
    question = QuestionFactory()
    OptionFactory(question=question, code="same", value=1)
    with pytest.raises(ValidationError):
        Option(question=question, code="same", label="x", value=2).full_clean()
