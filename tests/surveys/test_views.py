"""Answering a survey through its pages (no JavaScript), and the staff pages of analysis."""

import re

import pytest
from django.urls import reverse

from teilhabe.surveys import services
from teilhabe.surveys.models import Answer, InvitationCode, Response, ResumeDraft, Survey
from tests.accounts.factories import UserFactory
from tests.monitoring.factories import DistrictFactory
from tests.participation.factories import ProcedureFactory
from tests.surveys.factories import OptionFactory, QuestionFactory, SurveyFactory, all_kinds_survey

pytestmark = pytest.mark.django_db


def url(name, survey, *args):
    return reverse(f"surveys:{name}", args=[survey.slug, *args])


def page_one(kinds, **changes):
    data = {
        "page": "1",
        f"q{kinds.single.pk}": str(kinds.option(kinds.single, "yes").pk),
        f"q{kinds.multiple.pk}": [
            str(kinds.option(kinds.multiple, "press").pk),
            str(kinds.option(kinds.multiple, "friends").pk),
        ],
        f"q{kinds.ranking.pk}_1": str(kinds.option(kinds.ranking, "housing").pk),
        f"q{kinds.ranking.pk}_2": str(kinds.option(kinds.ranking, "school").pk),
        f"q{kinds.likert.pk}": str(kinds.option(kinds.likert, "p2").pk),
        f"q{kinds.matrix.pk}_r{kinds.row('welcome').pk}": str(kinds.option(kinds.matrix, "p5").pk),
        f"q{kinds.matrix.pk}_r{kinds.row('neighbours').pk}": str(kinds.option(kinds.matrix, "dk").pk),
        f"q{kinds.number.pk}": "7",
        "action": "next",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def error_next_to(html, field_id):
    """The message paragraph that belongs to a field, found by the field's aria-describedby."""
    field = re.search(
        rf'<(?:input|select|textarea|fieldset)[^>]*(?:id="{field_id}"[^>]*aria-describedby="([^"]*)"|'
        rf'aria-describedby="([^"]*)"[^>]*id="{field_id}")',
        html,
    )
    assert field, f"no field {field_id} with aria-describedby"
    ids = (field.group(1) or field.group(2)).split()
    messages = [re.search(rf'<p class="field-error" id="{i}">(.*?)</p>', html, re.S) for i in ids]
    return " ".join(re.sub(r"<[^>]+>", "", m.group(1)) for m in messages if m)


@pytest.fixture
def kinds():
    return all_kinds_survey(has_demographic_block=True)


def test_every_question_kind_renders_as_plain_html_form_controls(client, kinds):
    client.post(url("survey_start", kinds.survey))
    html = client.get(url("survey_page", kinds.survey, 1)).content.decode()
    ranking = kinds.ranking.pk
    assert [f'<select id="q{ranking}_{place}" name="q{ranking}_{place}"' in html for place in (1, 2, 3)] == [True] * 3
    assert f'name="q{ranking}_4"' not in html
    assert html.count(f'type="radio" id="q{kinds.single.pk}-') == 2
    assert html.count(f'type="checkbox" id="q{kinds.multiple.pk}-') == 3
    assert html.count(f'name="q{kinds.likert.pk}"') == 6  # five points and "don't know"
    assert html.count(f'name="q{kinds.matrix.pk}_r') == 12  # two items × six options
    assert f'<input type="text" inputmode="decimal" id="q{kinds.number.pk}"' in html
    assert "<legend" in html and "<script" not in html and 'style="' not in html
    assert f'name="q{kinds.free_text.pk}"' not in html  # page 2 (a random CSRF token may contain "q7")
    assert "formaction" not in html  # more pages follow: "next", not "submit"


def test_a_respondent_answers_every_kind_and_the_response_is_stored_and_counted(client, kinds):
    # given
    district = DistrictFactory(name="Nord")
    client.post(url("survey_start", kinds.survey))
    # when: page 1, page 2 (shown because of "yes"), the demographic page, submitted
    response = client.post(url("survey_page", kinds.survey, 1), page_one(kinds))
    assert response.status_code == 302 and response["Location"] == url("survey_page", kinds.survey, 2)
    response = client.post(
        url("survey_page", kinds.survey, 2),
        {"page": "2", f"q{kinds.free_text.pk}": "Mehr Sprachkurse", "action": "next"},
    )
    assert response["Location"] == url("survey_page", kinds.survey, 3)
    html = client.get(url("survey_page", kinds.survey, 3)).content.decode()
    assert f'formaction="{url("survey_submit", kinds.survey)}"' in html
    response = client.post(
        url("survey_submit", kinds.survey),
        {
            "page": "3",
            "immigrant_background": "yes",
            "district": str(district.pk),
            "age_band": "",
            "sex": "female",
            "action": "submit",
        },
    )
    # then
    assert response.status_code == 302 and response["Location"] == url("survey_thanks", kinds.survey)
    assert "Your answers have been received" in client.get(response["Location"]).content.decode()
    stored = Response.objects.get()
    assert (stored.immigrant_background, stored.district, stored.age_band, stored.sex) == (
        "yes",
        district,
        "",
        "female",
    )
    assert sorted(
        Answer.objects.values_list("question__code", "option__code", "row__code", "rank", "number", "text")
    ) == sorted(
        [
            ("single", "yes", None, None, None, ""),
            ("channels", "press", None, None, None, ""),
            ("channels", "friends", None, None, None, ""),
            ("areas", "housing", None, 1, None, ""),
            ("areas", "school", None, 2, None, ""),
            ("policy", "p2", None, None, None, ""),
            ("climate", "p5", "welcome", None, None, ""),
            ("climate", "dk", "neighbours", None, None, ""),
            ("years", None, None, None, 7.0, ""),
            ("wish", None, None, None, None, "Mehr Sprachkurse"),
        ]
    )
    # and the department sees it counted
    client.force_login(UserFactory(roles=["analyst"]))
    results = client.get(url("survey_results", kinds.survey)).content.decode()
    assert "1 person took part so far" in results
    assert "views of those who took part" in results.lower() or "not of the city's population" in results
    assert "95 % interval" not in results


@pytest.mark.parametrize(
    "changes, field, message",
    [
        pytest.param(
            lambda k: {f"q{k.single.pk}": None},
            lambda k: f"q{k.single.pk}",
            "Please choose an answer.",
            id="required-single-choice",
        ),
        pytest.param(
            lambda k: {f"q{k.ranking.pk}_2": str(k.option(k.ranking, "housing").pk)},
            lambda k: f"q{k.ranking.pk}_2",
            "“Wohnen” is already at place 1. Each item can take one place only.",
            id="duplicate-rank",
        ),
        pytest.param(
            lambda k: {f"q{k.ranking.pk}_2": None, f"q{k.ranking.pk}_3": str(k.option(k.ranking, "work").pk)},
            lambda k: f"q{k.ranking.pk}_3",
            "Place 2 is empty. Please fill the places in order, starting with place 1.",
            id="gap-in-ranking",
        ),
        pytest.param(
            lambda k: {f"q{k.number.pk}": "sieben"},
            lambda k: f"q{k.number.pk}",
            "Please enter a number, for example 12 or 3.5.",
            id="number-not-a-number",
        ),
        pytest.param(
            lambda k: {f"q{k.number.pk}": "101"},
            lambda k: f"q{k.number.pk}",
            "Please enter a number of at most 100.",
            id="number-too-large",
        ),
        pytest.param(
            lambda k: {f"q{k.likert.pk}": "999999"},
            lambda k: f"q{k.likert.pk}",
            "Please choose one of the answers offered.",
            id="forged-option",
        ),
    ],
)
def test_bad_answers_are_refused_with_the_message_next_to_the_field(client, kinds, changes, field, message):
    client.post(url("survey_start", kinds.survey))
    response = client.post(url("survey_page", kinds.survey, 1), page_one(kinds, **changes(kinds)))
    html = response.content.decode()
    assert response.status_code == 400
    field_id = field(kinds)
    if field_id.startswith(f"q{kinds.single.pk}") or field_id.startswith(f"q{kinds.likert.pk}"):
        # a radio group: the fieldset carries the message
        assert message in re.search(
            r'<div class="question has-errors" id="question-\d+">.*?</fieldset>', html, re.S
        ).group(0)
    else:
        assert error_next_to(html, field_id) == f"Error: {message}"
    assert f'href="#{field_id}' in html  # the error summary links to the field
    assert "<title>Error:" in html
    assert Response.objects.count() == 0
    session = client.session[f"surveys:progress:{kinds.survey.pk}"]
    assert session["answers"] == {}


def test_the_form_keeps_what_was_entered_after_a_refusal(client, kinds):
    client.post(url("survey_start", kinds.survey))
    html = client.post(
        url("survey_page", kinds.survey, 1), page_one(kinds, **{f"q{kinds.number.pk}": "abc"})
    ).content.decode()
    assert f'value="{kinds.option(kinds.ranking, "housing").pk}" selected' in html
    assert 'value="abc"' in html


def test_conditional_page_is_skipped_when_its_condition_does_not_hold(client, kinds):
    client.post(url("survey_start", kinds.survey))
    response = client.post(
        url("survey_page", kinds.survey, 1),
        page_one(kinds, **{f"q{kinds.single.pk}": str(kinds.option(kinds.single, "no").pk)}),
    )
    assert response["Location"] == url("survey_page", kinds.survey, 3)  # page 2 skipped
    assert client.get(url("survey_page", kinds.survey, 2))["Location"] == url("survey_page", kinds.survey, 3)


def test_going_back_and_changing_an_answer_drops_the_answers_it_hid(client, kinds):
    client.post(url("survey_start", kinds.survey))
    client.post(url("survey_page", kinds.survey, 1), page_one(kinds))
    client.post(url("survey_page", kinds.survey, 2), {"page": "2", f"q{kinds.free_text.pk}": "Text", "action": "next"})
    client.post(
        url("survey_page", kinds.survey, 1),
        page_one(kinds, **{f"q{kinds.single.pk}": str(kinds.option(kinds.single, "no").pk)}),
    )
    client.post(url("survey_submit", kinds.survey), {"page": "3", "action": "submit"})
    assert Response.objects.count() == 1
    assert not Answer.objects.filter(question=kinds.free_text).exists()


def test_a_survey_can_be_saved_and_resumed_with_a_code(client, kinds):
    # given: page 1 answered, then "save and continue later" on page 2
    client.post(url("survey_start", kinds.survey))
    client.post(url("survey_page", kinds.survey, 1), page_one(kinds))
    response = client.post(
        url("survey_page", kinds.survey, 2), {"page": "2", f"q{kinds.free_text.pk}": "Halb fertig", "action": "save"}
    )
    html = client.get(response["Location"]).content.decode()
    code = re.search(r"<code>([A-Z0-9-]+)</code>", html).group(1)
    assert ResumeDraft.objects.get().token_hash == services.hash_code(code)
    assert client.get(response["Location"])["Location"] == url("survey_detail", kinds.survey)  # shown once
    # when: another browser continues with the code
    client.logout()
    other = client.__class__()
    response = other.post(url("survey_resume", kinds.survey), {"resume-code": code.lower()})
    assert response["Location"] == url("survey_page", kinds.survey, 2)
    html = other.get(response["Location"]).content.decode()
    assert "Halb fertig" in html
    other.post(url("survey_page", kinds.survey, 2), {"page": "2", f"q{kinds.free_text.pk}": "Fertig", "action": "next"})
    other.post(url("survey_submit", kinds.survey), {"page": "3", "action": "submit"})
    # then
    assert Answer.objects.get(question=kinds.free_text).text == "Fertig"
    assert Answer.objects.get(question=kinds.ranking, rank=1).option.code == "housing"
    assert not ResumeDraft.objects.exists()


def test_a_wrong_resumption_code_is_refused_next_to_the_field(client, kinds):
    response = client.post(url("survey_resume", kinds.survey), {"resume-code": "NOPE-NOPE"})
    assert response.status_code == 400
    assert error_next_to(response.content.decode(), "id_resume-code") == (
        "Error: We found no saved answers for this code. Please check it; saved answers are kept for 60 days."
    )


def one_page_survey(**fields):
    survey = SurveyFactory(**fields)
    question = QuestionFactory(survey=survey, is_required=True)
    yes = OptionFactory(question=question, code="yes", value=1)
    OptionFactory(question=question, code="no", value=2)
    return survey, {"page": "1", f"q{question.pk}": str(yes.pk), "action": "submit"}


def test_one_response_per_browser(client):
    """The same browser (its respondent cookie) submitting again is not counted, and told so once."""
    survey, data = one_page_survey()
    client.get(url("survey_detail", survey))
    assert "surveys_respondent" in client.cookies
    client.post(url("survey_submit", survey), data)
    response = client.post(url("survey_submit", survey), data, follow=True)
    page = response.content.decode()
    assert Response.objects.count() == 1
    assert "this submission was not counted again" in page
    assert "received and counted" not in page
    assert client.get(url("survey_page", survey, 1))["Location"] == url("survey_thanks", survey)
    assert "already taken part" in client.get(url("survey_detail", survey)).content.decode()


def test_identical_answers_from_another_browser_are_counted(client):
    survey, data = one_page_survey()
    client.post(url("survey_submit", survey), data)
    other = client.__class__()
    page = other.post(url("survey_submit", survey), data, follow=True).content.decode()
    assert "received and counted" in page
    assert "not counted again" not in page
    assert Response.objects.count() == 2


def test_a_forged_respondent_cookie_is_replaced_not_trusted(client):
    survey, data = one_page_survey()
    client.cookies["surveys_respondent"] = "made-up"
    client.post(url("survey_submit", survey), data)
    assert client.cookies["surveys_respondent"].value != "made-up"
    assert Response.objects.count() == 1


def test_nothing_identifying_is_stored_with_a_response(client):
    survey, data = one_page_survey()
    client.post(url("survey_submit", survey), data, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Firefox/128")
    response = Response.objects.values().get()
    assert set(response) == {
        "id",
        "survey_id",
        "public_id",
        "submitted_on",
        "immigrant_background",
        "district_id",
        "age_band",
        "sex",
    }
    stored = repr(list(Response.objects.values_list())) + repr(list(Answer.objects.values_list()))
    assert "203.0.113.7" not in stored and "Firefox" not in stored


def test_invitation_mode_admits_each_code_once(client):
    # given
    survey, data = one_page_survey(mode=Survey.Mode.INVITATION)
    code = services.generate_invitation_codes(actor=UserFactory(roles=["department_admin"]), survey=survey, count=1)[0]
    # a page cannot be reached without a code
    assert client.get(url("survey_page", survey, 1))["Location"] == url("survey_detail", survey)
    # when
    assert client.post(url("survey_start", survey), {"code": code})["Location"] == url("survey_page", survey, 1)
    client.post(url("survey_submit", survey), data)
    # then
    assert Response.objects.count() == 1
    assert InvitationCode.objects.get().used_on is not None
    other = client.__class__()
    response = other.post(url("survey_start", survey), {"code": code})
    assert response.status_code == 400
    assert error_next_to(response.content.decode(), "id_code") == (
        "Error: This invitation code has already been used. Each code admits one response."
    )
    assert Response.objects.count() == 1


def test_saving_for_later_with_an_invitation_code_stores_no_trace_of_the_code(client):
    # given: a respondent admitted by an invitation code saves page 1 for later
    survey, data = one_page_survey(mode=Survey.Mode.INVITATION)
    code = services.generate_invitation_codes(actor=UserFactory(roles=["department_admin"]), survey=survey, count=1)[0]
    client.post(url("survey_start", survey), {"code": code})
    saved = client.post(url("survey_page", survey, 1), {**data, "action": "save"})
    html = client.get(saved["Location"]).content.decode()
    resume_code = re.search(r"<code>([A-Z0-9-]+)</code>", html).group(1)
    assert "Your invitation code is now used up" in html
    # then: the draft's row holds the answers and its own token's hash, nothing of the invitation code
    row = " ".join(str(value) for value in ResumeDraft.objects.values_list().get())
    assert services.hash_code(code) not in row and "invitation" not in row
    assert InvitationCode.objects.get().used_on is not None
    # when: another browser continues with the resumption code alone and submits
    other = client.__class__()
    assert other.post(url("survey_resume", survey), {"resume-code": resume_code})["Location"] == url(
        "survey_page", survey, 1
    )
    other.post(url("survey_submit", survey), data)
    # then: counted once; the draft is gone and cannot admit another response
    assert Response.objects.count() == 1 and not ResumeDraft.objects.exists()
    response = client.__class__().post(url("survey_resume", survey), {"resume-code": resume_code})
    assert response.status_code == 400 and Response.objects.count() == 1


def test_an_unknown_invitation_code_is_refused(client):
    survey, _data = one_page_survey(mode=Survey.Mode.INVITATION)
    response = client.post(url("survey_start", survey), {"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert response.status_code == 400
    assert "not valid for this survey" in error_next_to(response.content.decode(), "id_code")


def test_a_closed_survey_takes_no_answers_but_the_department_can_preview_a_draft(client):
    survey, data = one_page_survey(status=Survey.Status.DRAFT)
    assert client.get(url("survey_page", survey, 1)).status_code == 404
    assert client.post(url("survey_submit", survey), data).status_code == 404
    client.force_login(UserFactory(roles=["department_admin"]))
    html = client.get(url("survey_page", survey, 1)).content.decode()
    assert "answers given here are not stored" in html
    response = client.post(url("survey_submit", survey), data, follow=True)
    assert "Preview finished. Nothing was stored." in response.content.decode()
    assert Response.objects.count() == 0


def test_results_are_for_analysts_unless_public(client):
    survey, _data = one_page_survey()
    assert client.get(url("survey_results", survey))["Location"].startswith(reverse("accounts:login"))
    client.force_login(UserFactory(roles=["authority_staff"]))
    assert client.get(url("survey_results", survey)).status_code == 403
    assert client.get(url("survey_export", survey, "csv")).status_code == 403
    assert client.get(url("freetext_list", survey)).status_code == 403
    client.logout()
    Survey.objects.filter(pk=survey.pk).update(results_are_public=True)
    assert client.get(url("survey_results", survey)).status_code == 200
    assert client.get(url("survey_export", survey, "csv"))["Location"].startswith(reverse("accounts:login"))


def test_crosstab_by_immigrant_background_suppresses_small_cells(client, settings):
    # given: 6 with and 2 without an immigrant background rate the policy
    kinds = all_kinds_survey(has_demographic_block=True)
    for index in range(8):
        answers = {
            kinds.single.pk: kinds.option(kinds.single, "no").pk,
            kinds.ranking.pk: (kinds.option(kinds.ranking, "work").pk,),
            kinds.likert.pk: kinds.option(kinds.likert, "p4").pk,
            kinds.number.pk: float(index),
        }
        services.submit_response(
            survey=kinds.survey,
            answers=answers,
            demographics=services.Demographics(immigrant_background="yes" if index < 6 else "no"),
        )
    client.force_login(UserFactory(roles=["analyst"]))
    # when
    html = client.get(
        url("survey_crosstab", kinds.survey), {"question": "policy", "by": "immigrant_background"}
    ).content.decode()
    # then: the 2 are hidden, and so are the 6, which the row total of 8 would give away, and the group totals
    row = re.search(r"<tr><th scope=\"row\">eher</th>(.*?)</tr>", html).group(1)
    assert row.count('aria-label="hidden"') == 2
    assert '100.0% <span class="muted">(8)</span>' in row
    assert "(2)" not in html and "(6)" not in html


def test_free_text_is_listed_searchable_and_becomes_contributions(client):
    procedure = ProcedureFactory()
    kinds = all_kinds_survey(procedure=procedure)
    for wish in ("Mehr Sprachkurse am Abend", "Kürzere Wartezeiten"):
        services.submit_response(
            survey=kinds.survey,
            answers={
                kinds.single.pk: kinds.option(kinds.single, "yes").pk,
                kinds.ranking.pk: (kinds.option(kinds.ranking, "work").pk,),
                kinds.free_text.pk: wish,
            },
        )
    client.force_login(UserFactory(roles=["department_admin"]))
    html = client.get(url("freetext_list", kinds.survey), {"q": "sprachkurse"}).content.decode()
    assert "Mehr Sprachkurse am Abend" in html and "Kürzere Wartezeiten" not in html
    answer = Answer.objects.get(text="Kürzere Wartezeiten")
    html = client.get(url("freetext_list", kinds.survey)).content.decode()
    # The checkbox before the text names the answer by its response's random id, not by a row number.
    checkbox = r'value="([^"]+)" id="answer-[^"]+">\s*<label[^>]*><span class="muted">[^<]*</span><blockquote>Kürzere'
    key = re.search(checkbox, html)[1]
    assert key == f"{answer.response.public_id}.{kinds.free_text.pk}"
    assert f"response {answer.response.public_id}" in html and f"response {answer.response_id}<" not in html
    response = client.post(url("freetext_list", kinds.survey), {"answers": [key], "kind": "proposal", "language": "de"})
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.contribution.source == "survey" and answer.contribution.text == "Kürzere Wartezeiten"


def test_structure_vs_climate_page_renders_without_a_barometer(client):
    response = client.get(reverse("surveys:structure_climate"))
    assert response.status_code == 200
    assert "Structure and climate, area by area" in response.content.decode()
