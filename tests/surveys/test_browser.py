"""In a real browser: answering without JavaScript and by keyboard alone, reflow at 320 px, and axe-core on every
public survey page (German and English)."""

import re

import pytest

from teilhabe.surveys import barometer, services
from teilhabe.surveys.models import Answer, ClimateAreaLink, Response
from tests.accounts.factories import UserFactory
from tests.monitoring.factories import AreaOfActionFactory, DistrictFactory, EditionFactory

from .factories import MARGINS, all_kinds_survey, define_index, make_wave, upload

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, live_server):
    from django.contrib.auth.models import Group

    from teilhabe.accounts.models import Role

    for role in Role:  # a transactional test empties the tables, the role groups included
        Group.objects.get_or_create(name=role.value)
    edition = EditionFactory(code="e2017", is_current=True)
    field = AreaOfActionFactory(edition=edition, code="f1", title_de="Teilhabe", title_en="Participation")
    DistrictFactory(code="nord", name="Nord")
    kinds = all_kinds_survey(
        slug="umfrage",
        has_demographic_block=True,
        results_are_public=True,
        title_de="Umfrage zum Konzept",
        title_en="Survey on the concept",
    )
    services.submit_response(
        survey=kinds.survey,
        answers={
            kinds.single.pk: kinds.option(kinds.single, "yes").pk,
            kinds.ranking.pk: (kinds.option(kinds.ranking, "work").pk,),
            kinds.free_text.pk: "Mehr Kurse",
        },
    )
    admin = UserFactory(roles=["department_admin"])
    first = make_wave(2020)
    first.barometer.slug = "barometer-demo"
    first.barometer.save()
    first.survey.slug, first.survey.results_are_public = "barometer-2020", True
    first.survey.save()
    belonging, _coexistence = define_index(first.barometer)
    second = make_wave(2022, barometer_object=first.barometer, shift=1)
    ClimateAreaLink.objects.create(barometer=first.barometer, area=field, domain=belonging)
    for wave in (first, second):
        barometer.import_margins(actor=admin, wave=wave, file=upload(MARGINS))
        barometer.run_weighting(actor=admin, wave=wave)
        barometer.compute_climate_index(actor=admin, wave=wave)
    return kinds


def answer_page_one(page, kinds):  # noqa: F811
    page.get_by_label("yes", exact=True).check()
    page.get_by_label("Internet").check()
    page.get_by_label("Place 1").select_option(label="Arbeit")
    page.get_by_label("Place 2").select_option(label="Schule")
    page.locator(f"#q{kinds.likert.pk}-{kinds.option(kinds.likert, 'p4').pk}").check()
    page.locator(f"#q{kinds.matrix.pk}_r{kinds.row('welcome').pk}-{kinds.option(kinds.matrix, 'p5').pk}").check()
    page.get_by_label("Seit wie vielen Jahren leben Sie hier?").fill("12")


def test_a_resident_answers_without_javascript_and_sees_the_answer_counted(browser, live_server, site):  # noqa: F811
    kinds = site
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()  # noqa: F811
    page.goto(live_server.url + "/en/umfragen/umfrage/")
    page.get_by_role("button", name="Start the survey").click()
    answer_page_one(page, kinds)
    page.get_by_label("Place 3").select_option(label="Arbeit")  # a duplicate
    page.get_by_role("button", name="Next page").click()
    # the message stands next to the select of place 3, and nothing was stored
    assert page.locator(f"#q{kinds.ranking.pk}_3-error").text_content() == (
        "Error: “Arbeit” is already at place 1. Each item can take one place only."
    )
    assert page.locator(f"#q{kinds.ranking.pk}_3").get_attribute("aria-invalid") == "true"
    assert Response.objects.filter(survey=kinds.survey).count() == 1
    page.get_by_label("Place 3").select_option(value="")
    page.get_by_role("button", name="Next page").click()
    page.get_by_label("Was sollte sich ändern?").fill("Abendkurse")
    page.get_by_role("button", name="Next page").click()
    page.get_by_label("In which district do you live?").select_option(label="Nord")
    page.get_by_role("button", name="Submit answers").click()
    assert page.url == f"{live_server.url}/en/umfragen/umfrage/danke/"
    assert page.get_by_text("Your answers have been received and counted.").is_visible()
    assert Response.objects.filter(survey=kinds.survey).count() == 2
    assert Answer.objects.filter(question=kinds.ranking, rank=2, option__code="school").count() == 1
    page.get_by_role("link", name="See the results so far").click()
    assert "2 people took part so far" in page.content()
    context.close()


def test_the_survey_can_be_answered_by_keyboard_alone(page, live_server, site):  # noqa: F811
    kinds = site
    page.goto(live_server.url + "/en/umfragen/umfrage/seite/1/")
    page.locator(f"#q{kinds.single.pk}-{kinds.option(kinds.single, 'yes').pk}").focus()
    page.keyboard.press("Space")  # the radio
    page.keyboard.press("Tab")  # into the checkboxes
    page.keyboard.press("Space")
    page.locator(f"#q{kinds.ranking.pk}_1").focus()
    page.keyboard.press("ArrowDown")  # first item
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # second item
    # the focus is visible on every control reached
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.locator(f"#q{kinds.number.pk}").focus()
    page.keyboard.type("30")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits with the first button, "Next page"
    assert page.url.endswith("/en/umfragen/umfrage/seite/2/")
    page.keyboard.press("Tab")
    page.locator(f"#q{kinds.free_text.pk}").focus()
    page.keyboard.type("Mit der Tastatur")
    page.locator("button[value=next]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator("button[value=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/en/umfragen/umfrage/danke/")
    latest = Response.objects.filter(survey=kinds.survey).latest("pk")
    stored = latest.answers.filter(question=kinds.ranking).order_by("rank").values_list("option__code", flat=True)
    assert list(stored) == ["school", "work"]
    assert Answer.objects.filter(text="Mit der Tastatur").exists()


def public_paths(kinds):
    return {
        "list": "/umfragen/",
        "detail": "/umfragen/umfrage/",
        "page": "/umfragen/umfrage/seite/1/",
        "conditional-page": "/umfragen/umfrage/seite/2/",
        "demographics": "/umfragen/umfrage/seite/3/",
        "results": "/umfragen/umfrage/ergebnisse/",
        "barometer": "/umfragen/barometer/barometer-demo/",
        "wave-results": "/umfragen/barometer-2020/ergebnisse/",
        "structure-vs-climate": "/umfragen/struktur-und-klima/",
    }


@pytest.mark.parametrize(
    "name",
    [
        "list",
        "detail",
        "page",
        "conditional-page",
        "demographics",
        "results",
        "barometer",
        "wave-results",
        "structure-vs-climate",
    ],
)
def test_survey_pages_have_no_axe_violations_in_both_languages(page, live_server, site, axe_check, name):  # noqa: F811
    if name in ("conditional-page", "demographics"):
        page.goto(live_server.url + "/umfragen/umfrage/seite/1/")
        page.locator(f"#q{site.single.pk}-{site.option(site.single, 'yes').pk}").check()
        page.locator(f"#q{site.ranking.pk}_1").select_option(index=1)
        page.locator("button[value=next]").click()
    for prefix in ("", "/en"):
        response = page.goto(live_server.url + prefix + public_paths(site)[name])
        assert response.status == 200
        axe_check(page)
        assert page.console_errors == [], page.console_errors


def test_pages_with_errors_have_no_axe_violations(page, live_server, site, axe_check):  # noqa: F811
    page.goto(live_server.url + "/en/umfragen/umfrage/seite/1/")
    page.locator("button[value=next]").click()
    assert page.locator(".field-error").count() == 1  # the one required question
    axe_check(page)
    page.goto(live_server.url + "/en/umfragen/umfrage/")
    page.get_by_label("Your code for saved answers").fill("NOPE")
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".field-error").count() == 1
    axe_check(page)


def test_saving_for_later_shows_a_code_on_an_accessible_page(page, live_server, site, axe_check):  # noqa: F811
    page.goto(live_server.url + "/en/umfragen/umfrage/seite/1/")
    page.get_by_role("button", name="Save and continue later").click()
    code = page.locator(".resume-code code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code)
    axe_check(page)


def test_survey_pages_reflow_at_320_pixels(page, live_server, site):  # noqa: F811
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = {}
    for prefix in ("", "/en"):
        for path in public_paths(site).values():
            page.goto(live_server.url + prefix + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                too_wide[prefix + path] = width
    page.goto(live_server.url + "/en/umfragen/umfrage/seite/1/")
    page.locator("button[value=next]").click()  # with error messages
    if page.evaluate("document.documentElement.scrollWidth") > 320:
        too_wide["page with errors"] = page.evaluate("document.documentElement.scrollWidth")
    assert too_wide == {}


def test_the_structure_climate_chart_is_readable_on_a_phone(page, live_server, site, tmp_path, settings):  # noqa: F811
    """At 390 px the chart of each area fits the screen, its text is at least 11 px tall, and the scores it
    draws are the ones its table states."""
    settings.TEILHABE_MIN_PUBLIC_COUNT = 1  # the waves have 4 respondents per group: show their scores here
    settings.TEILHABE_CLIMATE_INDEX_MIN_N = 1
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/en/umfragen/struktur-und-klima/")
    chart = page.get_by_role("img", name=re.compile("Climate gap · Structural gap: Participation"))
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    heights = chart.locator("text").evaluate_all("nodes => nodes.map(n => n.getBoundingClientRect().height)")
    assert heights and min(heights) >= 11
    drawn = chart.locator("text.chart-value").all_text_contents()
    table = page.locator("section.comparison table").first.locator("tbody td.number").all_text_contents()
    assert len(drawn) == 2 and all(re.fullmatch(r"\d+\.\d", value) for value in drawn)
    assert all(any(cell.startswith(value) for cell in table) for value in drawn)
    assert re.search(r"Climate gap: [+\u2212±]\d+\.\d", chart.locator("text.chart-gap").text_content())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "structure-climate-390.png"), full_page=True)
