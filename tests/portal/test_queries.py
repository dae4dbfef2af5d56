"""Page queries: headline statuses, status counts, and a fixed number of queries however big the concept."""

import pytest
from django.utils import translation

from teilhabe.monitoring.models import Assessment
from teilhabe.portal import queries
from tests.monitoring.factories import (
    AreaOfActionFactory,
    IndicatorFactory,
    IndicatorVersionFactory,
    ObservationFactory,
)

pytestmark = pytest.mark.django_db


def test_concept_overview_counts_statuses_per_field(portal_data):
    overview = queries.get_concept_overview(portal_data.edition)
    by_code = {item.area.code: item for item in overview.areas}
    assert [(c.code, c.count) for c in by_code["bildung"].status_counts] == [
        ("target_achieved", 1),
        ("substantial_progress", 1),
    ]
    assert by_code["bildung"].on_track_count == 2 and by_code["bildung"].indicator_count == 2
    assert [(c.code, c.count) for c in by_code["arbeit"].status_counts] == [("deterioration", 1)]
    assert overview.indicator_count == 3


def test_gap_indicators_are_judged_by_their_gap_and_others_by_their_total(portal_data):
    # B1 is a gap indicator: its gap is on track although its total shows moderate progress.
    with translation.override("en"):
        page = queries.get_indicator_page("B1")
    assert page.headline.status == "substantial_progress"
    assert {(a.series_label, a.status) for a in page.assessments} == {
        ("Gap", "substantial_progress"),
        ("Total", "moderate_progress"),
    }


def test_indicator_without_assessment_reads_no_assessment_possible(portal_data):
    Assessment.objects.filter(indicator=portal_data.work_indicator).delete()
    page = queries.get_indicator_page("A1")
    assert page.headline.status == "not_available"
    assert page.headline.row is None


def test_uncertain_assessments_say_so(portal_data):
    assert queries.get_indicator_page("A1").headline.is_uncertain is True


def _grow(portal_data, count: int) -> None:
    """Add `count` indicators with a series each to a new topic of the education field."""
    topic = AreaOfActionFactory(edition=portal_data.edition, parent=portal_data.field, code="extra")
    for number in range(count):
        indicator = IndicatorFactory(code=f"E{number}")
        IndicatorVersionFactory(indicator=indicator, area=topic, edition=portal_data.edition)
        for year in (2019, 2020, 2021):
            ObservationFactory(indicator=indicator, geography=portal_data.city, year=year, value=10.0 + number)
            ObservationFactory(indicator=indicator, geography=portal_data.districts[0], year=year, value=9.0)
        Assessment.objects.create(
            indicator=indicator,
            edition=portal_data.edition,
            series_kind="total",
            geography=portal_data.city,
            profile="opensdg",
            status="limited_progress",
        )


@pytest.mark.parametrize(
    ("path", "limit"),
    # Budgets include about a dozen queries of the database cache (page, charts, data version) that a
    # Redis cache does not make; the page's own reads are 6 to 12.
    [
        ("/en/", 22),
        ("/en/konzept/2017/bildung/", 23),
        ("/en/indikatoren/B1/", 48),  # 3 charts (both layouts of each under one cache key), districts, outlines
        ("/en/bezirke/d1/", 22),
        ("/en/konzept/2013/", 22),
        ("/en/massnahmen/sprachfoerderung/", 24),
    ],
)
def test_pages_make_a_fixed_number_of_queries(client, portal_data, django_assert_max_num_queries, path, limit):
    # given a concept with many indicators
    _grow(portal_data, 30)
    # then a first (uncached) render stays within a fixed budget
    with django_assert_max_num_queries(limit):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/en/", "/en/konzept/2017/bildung/", "/en/bezirke/d1/", "/en/indikatoren/B1/"])
def test_query_count_does_not_grow_with_the_number_of_indicators(client, portal_data, path):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        return len(captured)

    _grow(portal_data, 2)
    count()  # warm-up: the first request creates the data-version counter, which cache.clear() keeps
    small = count()
    for number in range(20):
        IndicatorVersionFactory(
            indicator=IndicatorFactory(code=f"M{number}"), area=portal_data.topic, edition=portal_data.edition
        )
    assert count() == small
