"""In real browsers: one response per respondent. Two people (separate browser contexts) giving identical
answers are both counted; one browser submitting again is counted once and told so, in one sentence."""

import pytest

from teilhabe.surveys.models import RespondentKey, Response

from .factories import OptionFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.browser

ALREADY = (
    "You have already taken part in this survey from this browser. "
    "Your answers were counted once; this submission was not counted again."
)
COUNTED = "Your answers have been received and counted."


@pytest.fixture
def survey(transactional_db, live_server):
    survey = SurveyFactory(slug="kurzumfrage", title_en="Short survey")
    question = QuestionFactory(survey=survey, is_required=True, text_en="Do you use the language café?")
    OptionFactory(question=question, code="yes", label_en="Yes")
    OptionFactory(question=question, code="no", label_en="No")
    return survey


def answer_yes(page, live_server):
    page.goto(live_server.url + "/en/umfragen/kurzumfrage/")
    page.get_by_role("button", name="Start the survey").click()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Submit answers").click()


def test_two_browsers_with_identical_answers_are_both_counted(browser, live_server, survey):
    contexts = [browser.new_context(locale="en-GB") for _ in range(2)]
    for context in contexts:
        page = context.new_page()
        answer_yes(page, live_server)
        assert page.get_by_text(COUNTED).is_visible()
        assert page.get_by_text(ALREADY).count() == 0
    assert Response.objects.filter(survey=survey).count() == 2
    assert RespondentKey.objects.filter(survey=survey).count() == 2
    for context in contexts:
        context.close()


def test_one_browser_submitting_twice_is_counted_once(browser, live_server, survey):
    """The same form open in two tabs of one browser, submitted in both."""
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    first = context.new_page()
    first.goto(live_server.url + "/en/umfragen/kurzumfrage/")
    first.get_by_role("button", name="Start the survey").click()
    second = context.new_page()
    second.goto(first.url)
    for page in (first, second):
        page.get_by_label("Yes", exact=True).check()
    first.get_by_role("button", name="Submit answers").click()
    assert first.get_by_text(COUNTED).is_visible()
    second.get_by_role("button", name="Submit answers").click()
    assert second.get_by_text(ALREADY).is_visible()
    assert second.get_by_text(COUNTED).count() == 0
    assert Response.objects.filter(survey=survey).count() == 1
    # going back to the form, or to the survey's page, does not offer to start again
    second.go_back()
    assert second.get_by_text(ALREADY).is_visible()
    second.goto(live_server.url + "/en/umfragen/kurzumfrage/")
    assert second.get_by_text("You have already taken part in this survey. Thank you!").is_visible()
    assert second.get_by_role("button", name="Start the survey").count() == 0
    assert Response.objects.filter(survey=survey).count() == 1
    context.close()
