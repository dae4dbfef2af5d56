"""The public pages: what a reader sees on each page type, in German and English."""

import pytest
from django.core import mail

from tests.portal.dataset import UNRELEASED_VALUE

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return response.content.decode()


def test_home_shows_every_field_with_we_statement_status_counts_and_topics(client, portal_data):
    # when
    page = text_of(client.get("/"))
    # then
    assert "Integrationskonzept 2017" in page
    assert "Bildung" in page and "Arbeit" in page
    assert 'href="/konzept/2017/schule/"' in page
    # Education holds B1 (gap on track) and B2 (target achieved): 2 of 2 on track.
    assert "2 von 2 Indikatoren: Ziel erreicht oder deutlicher Fortschritt." in page
    # Work holds A1 (moving away from target).
    assert "0 von 1 Indikator: Ziel erreicht oder deutlicher Fortschritt." in page
    assert "Entfernt sich vom Ziel" in page


def test_home_in_english(client, portal_data):
    page = text_of(client.get("/en/"))
    assert '<html lang="en" dir="ltr">' in page
    assert "Integration concept 2017" in page
    assert "2 of 2 indicators: target achieved or substantial progress." in page
    assert "Moving away from the target" in page


def test_home_without_any_concept_explains_how_to_load_one(client, db):
    page = text_of(client.get("/en/"))
    assert "No concept loaded yet" in page


def test_area_page_lists_we_statement_sub_goals_and_indicators_with_status(client, portal_data):
    # when
    page = text_of(client.get("/konzept/2017/schule/"))
    # then
    assert "Wir sorgen für gleiche Schulabschlüsse." in page
    assert "Mehr Jugendliche erreichen einen Abschluss." in page
    assert 'href="/indikatoren/B1/"' in page and 'href="/indikatoren/B2/"' in page
    assert "Deutlicher Fortschritt" in page and "Ziel erreicht" in page
    assert 'class="sparkline"' in page
    assert "Zuletzt: 47,0\u00a0% (2022)" in page


def test_field_page_groups_indicators_of_its_topics(client, portal_data):
    page = text_of(client.get("/en/konzept/2017/bildung/"))
    assert "<h3>School</h3>" in page
    assert 'href="/en/indikatoren/B1/"' in page


def test_indicator_page_shows_metadata_charts_targets_districts_and_measures(client, portal_data):
    # when
    page = text_of(client.get("/en/indikatoren/B1/"))
    # then: metadata
    assert "Share of school leavers with Abitur." in page
    assert "School authority" in page and "mailto:indikatoren@schule.example.org" in page
    assert "Higher is better" in page
    # status with explanation in the reader's language and the needed change per year
    assert "The value rose from 40.0% (2015) to 47.0% (2022)." in page
    assert "\u22120.80\u00a0percentage points" in page
    # charts with title, summary and data table
    # groups, gap and the districts over time
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg"') == 3 * 2  # wide and narrow
    assert "Target 2030: 50.0" in page
    assert "Total: from 40.0% in 2015 to 47.0% in 2022." in page
    assert "<caption>Gap: with immigrant background compared with without immigrant background</caption>" in page
    # districts as tiles (no outlines loaded) and as a table; the districts report only totals, so the
    # totals are shown, and never beside the gap's status (Altstadt's gap is rated "limited progress")
    assert 'class="tile-map"' in page
    assert "Limited progress" not in page
    assert "+5.0\u00a0percentage points" in page  # Südpark 52 vs city 47 in 2022
    # targets and measures
    assert "2.0\u00a0percentage points" in page and ">2030<" in page
    assert "Language support in day-care" in page


def test_indicator_explanation_falls_back_with_lang_attribute(client, portal_data):
    # given an assessment explained only in German
    from teilhabe.monitoring.models import Assessment

    Assessment.objects.filter(indicator=portal_data.gap_indicator, series_kind="gap").update(explanation_en="")
    # when
    page = text_of(client.get("/en/indikatoren/B1/"))
    # then
    assert '<p class="explanation" lang="de">Der Wert stieg' in page


def test_untranslated_title_is_marked_with_its_language(client, portal_data):
    page = text_of(client.get("/en/indikatoren/B2/"))
    assert '<span lang="de">Schulabbruch</span>' in page


def test_indicator_of_an_older_edition(client, portal_data):
    page = text_of(client.get("/en/indikatoren/X9/"))
    assert "Old indicator" in page
    assert "You are viewing the indicator as defined in “Integration concept 2013”." in page


def test_indicator_page_for_a_named_edition(client, portal_data):
    page = text_of(client.get("/en/indikatoren/B1/?edition=2013"))
    assert "Share with university entrance qualification." in page
    assert client.get("/en/indikatoren/A1/?edition=2013").status_code == 404


def test_unknown_pages_are_404(client, portal_data):
    assert client.get("/indikatoren/NOPE/").status_code == 404
    assert client.get("/bezirke/nowhere/").status_code == 404
    assert client.get("/bezirke/city/").status_code == 404  # the city is not a district
    assert client.get("/konzept/2017/nowhere/").status_code == 404
    assert client.get("/massnahmen/nothing/").status_code == 404


def test_district_page_compares_every_indicator_with_the_city(client, portal_data):
    # when
    page = text_of(client.get("/en/bezirke/d1/"))
    # then: Altstadt 2022 = 42.0, city 47.0
    assert "<h1>Altstadt</h1>" in page
    assert "42.0%" in page and "47.0%" in page
    assert "\u22125.0\u00a0percentage points" in page
    # the district reports only its total: the gap's status is not shown beside the total's value
    assert "Limited progress" not in page
    assert 'href="/en/bezirke/d2/"' in page


def test_measure_page_links_sub_goals_and_indicators(client, portal_data):
    page = text_of(client.get("/en/massnahmen/sprachfoerderung/"))
    assert "Language support in day-care" in page
    assert "More young people leave school with a certificate." in page
    assert 'href="/en/indikatoren/B1/"' in page


def test_editions_page_lists_what_changed_with_the_decision_reference(client, portal_data):
    # when
    page = text_of(client.get("/en/konzept/?from=2013&to=2017"))
    # then
    assert "Decided by: Drucksache 21/7048" in page
    assert "Indicators added" in page and 'href="/en/indikatoren/A1/?edition=2017"' in page
    assert "Indicators retired" in page and 'href="/en/indikatoren/X9/?edition=2013"' in page
    assert "Indicators redefined" in page
    assert "<del>Share with university entrance qualification.</del>" not in page  # compared in German
    assert "<del>Anteil mit Hochschulreife.</del>" in page
    assert "Targets changed" in page
    assert "5.0\u00a0percentage points (2025)" in page and "2.0\u00a0percentage points (2030)" in page


def test_editions_page_defaults_to_the_current_edition_and_its_predecessor(client, portal_data):
    page = text_of(client.get("/en/konzept/"))
    assert "What changed from “Integration concept 2013” to “Integration concept 2017”" in page


def test_edition_overview_page(client, portal_data):
    page = text_of(client.get("/en/konzept/2013/"))
    assert "This is not the current edition of the concept." in page


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ("Abitur", ['href="/en/indikatoren/B1/"'], ['href="/en/indikatoren/A1/"']),
        ("employment", ['href="/en/indikatoren/A1/"'], ['href="/en/indikatoren/B1/"']),
        ("Sprachförderung", ['href="/en/massnahmen/sprachfoerderung/"'], []),
        ("schulabschl", ['href="/en/konzept/2017/schule/"'], []),
        ("b2", ['href="/en/indikatoren/B2/"'], []),
    ],
    ids=["german-title", "english-title", "measure", "we-statement", "code"],
)
def test_search_finds_areas_indicators_and_measures(client, portal_data, query, expected, absent):
    page = text_of(client.get("/en/suche/", {"q": query}))
    for snippet in expected:
        assert snippet in page
    for snippet in absent:
        assert snippet not in page


def test_search_with_one_character_asks_for_more(client, portal_data):
    page = text_of(client.get("/en/suche/", {"q": "a"}))
    assert "Please enter at least two characters." in page


def test_search_with_empty_term_shows_the_error_next_to_the_field(client, portal_data):
    page = text_of(client.get("/en/suche/", {"q": ""}))
    assert 'aria-invalid="true"' in page
    assert '<ul class="errorlist" id="search-q-errors"><li>This field is required.</li></ul>' in page


def test_search_without_query_shows_only_the_form(client, portal_data):
    response = client.get("/en/suche/")
    assert response.status_code == 200
    assert "result" not in text_of(response).split("<main", 1)[1]


@pytest.mark.parametrize(
    ("path", "snippet"),
    [
        ("/en/barrierefreiheit/", "BITV 2.0"),
        ("/en/barrierefreiheit/", "Directive (EU) 2016/2102"),
        ("/en/barrierefreiheit/", "mailto:barrierefrei@example.org"),
        ("/en/impressum/", "Rathausplatz 1"),
        ("/en/datenschutz/", "Survey answers"),
        ("/en/datenschutz/", "Contributions to participation procedures"),
        ("/en/datenschutz/", "Staff accounts"),
        ("/en/leichte-sprache/", "All people should have the same chances."),
        ("/en/kontakt/", "Amt für Integration"),
        ("/en/kontakt/", "mailto:indikatoren@schule.example.org"),
    ],
)
def test_legal_and_contact_pages(client, portal_data, path, snippet):
    assert snippet in text_of(client.get(path))


def test_accessibility_feedback_is_sent_by_mail(client, portal_data):
    # when
    response = client.post(
        "/en/barrierefreiheit/",
        {"message": "The chart has no table.", "page": "/indikatoren/B1/", "email": "reader@example.org"},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == "/en/barrierefreiheit/?sent=1#feedback"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["barrierefrei@example.org"]
    assert "The chart has no table." in mail.outbox[0].body
    assert "reader@example.org" in mail.outbox[0].body
    assert "Your message has been sent" in text_of(client.get("/en/barrierefreiheit/?sent=1"))


def test_invalid_accessibility_feedback_is_refused_and_nothing_is_sent(client, portal_data):
    # when
    response = client.post("/en/barrierefreiheit/", {"message": "", "email": "not-an-address"})
    # then
    page = text_of(response)
    assert response.status_code == 200
    assert mail.outbox == []
    assert '<ul class="errorlist" id="id_message-errors"><li>This field is required.</li></ul>' in page
    assert '<ul class="errorlist" id="id_email-errors"><li>Enter a valid email address.</li></ul>' in page


def test_language_switcher_works_without_a_csrf_token(portal_data):
    from django.test import Client

    # given a client that enforces CSRF checks, like a browser
    client = Client(enforce_csrf_checks=True)
    # when
    response = client.post("/sprache/", {"language": "en", "next": "/indikatoren/B1/"})  # the form on a German page
    # then
    assert response.status_code == 302
    assert response["Location"] == "/en/indikatoren/B1/"
    back = client.post("/en/sprache/", {"language": "de", "next": "/en/indikatoren/B1/"})  # ... on an English page
    assert back["Location"] == "/indikatoren/B1/"


def test_pages_never_show_unreleased_values(client, portal_data):
    for path in ["/", "/konzept/2017/schule/", "/indikatoren/B1/", "/en/indikatoren/B1/", "/bezirke/d1/"]:
        page = text_of(client.get(path))
        assert "987" not in page, path
        assert '<th scope="row">2023</th>' not in page, path  # nor is its period in any data table
    assert str(UNRELEASED_VALUE).startswith("987")


def test_small_counts_are_suppressed_on_pages(client, portal_data):
    # given B1 "with immigrant background" 2015 has a numerator of 3, below the threshold of 5
    # when
    page = text_of(client.get("/en/indikatoren/B1/"))
    # then neither the small count nor the denominator (numerator = value × denominator) is shown;
    # larger counts are (docs/methods/disclosure-control.md)
    counts = page.split('id="counts-caption"', 1)[1].split("</table>", 1)[0]
    assert (
        '<th scope="row">with immigrant background</th><td>2015</td><td class="number">/</td><td class="number">/</td>'
    ) in counts
    assert "/ no figure: too few cases" in page.split('id="counts-caption"', 1)[1]
    assert '<td>2016</td><td class="number">301</td>' in counts
    assert ">3<" not in counts
    assert "Counts below 5 are not shown" in page
