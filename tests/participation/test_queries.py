"""Reads of participation: fixed query counts per page, links into monitoring, overview counts, search."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from teilhabe.participation import queries, services
from teilhabe.participation.models import Review
from tests.accounts.factories import AuthorityFactory
from tests.monitoring.factories import AreaOfActionFactory, EditionFactory, IndicatorFactory, MeasureFactory

from .factories import (
    JUSTIFICATION,
    ContributionFactory,
    EventFactory,
    ProcedureFactory,
    authority_staff,
    department_admin,
    evaluate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    procedure = ProcedureFactory(slug="konzept", edition=EditionFactory(code="e2017", is_current=True))
    area = AreaOfActionFactory(edition=procedure.edition, code="kita")
    department = department_admin()
    lead = authority_staff(AuthorityFactory(code="schools"))
    return procedure, area, department, lead


def _populate(procedure, area, department, lead, count: int) -> None:
    """`count` contributions in the area: events, bundles and evaluations with links, as a page would show."""
    event = EventFactory(procedure=procedure)
    measure, indicator = MeasureFactory(), IndicatorFactory()
    contributions = [
        ContributionFactory(procedure=procedure, areas=[area], event=event, source="event") for _ in range(count)
    ]
    for contribution in contributions[: count // 2]:
        evaluate(contribution.review, department=department, lead=lead, measures=[measure], indicators=[indicator])
    services.create_bundle(
        actor=department, procedure=procedure, title="Bündel", contributions=contributions[count // 2 : count // 2 + 3]
    )


def _queries_for(client, url: str) -> int:
    """Queries of one uncached render of a public page (the page cache is primed with its data version)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from teilhabe.core.cache import bump_data_version

    bump_data_version()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# Every public page starts with two reads of the page cache: the data version from the counter store (a table
# that is never culled, core/counters.py) and then the page's entry keyed by that version. They were one read
# while the version lived in the cache itself; they cannot be one, as the key depends on the version.
@pytest.mark.parametrize(
    ("page", "limit"),
    [
        ("documentation_area", 18),
        ("event_detail", 22),
        ("documentation_overview", 19),
        ("bundle_detail", 22),
        ("contribution_detail", 22),
    ],
)
def test_public_pages_cost_the_same_queries_for_6_or_60_contributions(client, page, limit):
    """A page's query count does not grow with its length (no query per row), and stays under its limit."""
    counts = []
    for size in (6, 60):
        procedure = ProcedureFactory(edition=EditionFactory(code=f"e{size}"))
        area = AreaOfActionFactory(edition=procedure.edition, code=f"a{size}")
        department = department_admin()
        lead = authority_staff(AuthorityFactory(code=f"schools{size}"))
        _populate(procedure, area, department, lead, size)
        event = procedure.events.get()
        bundle = procedure.bundles.get()
        evaluated = procedure.contributions.filter(review__state="published").first()
        evaluate(bundle.review, department=department, lead=lead)
        url = {
            "documentation_area": reverse(
                "participation:documentation_area", kwargs={"slug": procedure.slug, "area": area.code}
            ),
            "event_detail": event.get_absolute_url(),
            "documentation_overview": reverse("participation:documentation_overview", kwargs={"slug": procedure.slug}),
            "bundle_detail": bundle.get_absolute_url(),
            "contribution_detail": evaluated.get_absolute_url(),
        }[page]
        counts.append(_queries_for(client, url))
    assert counts[0] == counts[1] <= limit


def test_cached_page_costs_two_queries(client, setting, django_assert_num_queries):
    procedure, area, department, lead = setting
    _populate(procedure, area, department, lead, 6)
    url = reverse("participation:documentation_area", kwargs={"slug": procedure.slug, "area": area.code})
    client.get(url)
    # The data version (counter store), then the page cached under it; nothing about the page's content.
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [6, 60])
def test_work_queue_and_overview_stay_under_their_query_limits(client, setting, count, django_assert_max_num_queries):
    procedure, area, department, lead = setting
    _populate(procedure, area, department, lead, count)
    client.force_login(department)
    client.get(reverse("participation:work_queue"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("participation:work_queue")).status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(reverse("participation:work_overview")).status_code == 200


def test_contributions_for_indicator_and_measure(setting):
    procedure, area, department, lead = setting
    indicator, measure, other = IndicatorFactory(), MeasureFactory(), IndicatorFactory()
    single = ContributionFactory(procedure=procedure)
    evaluate(single.review, department=department, lead=lead, indicators=[indicator])
    members = [ContributionFactory(procedure=procedure) for _ in range(2)]
    bundle = services.create_bundle(actor=department, procedure=procedure, title="B", contributions=members)
    evaluate(bundle.review, department=department, lead=lead, measures=[measure], indicators=[indicator])
    drafted = ContributionFactory(procedure=procedure)  # drafted with the link, not published: not listed
    services.assign_review(actor=department, review=drafted.review, lead_authority=lead.authority)
    services.start_review(actor=lead, review=drafted.review)
    services.draft_evaluation(
        actor=lead, review=drafted.review, disposition="declined", justification=JUSTIFICATION, indicators=[indicator]
    )
    assert sorted(c.pk for c in queries.list_contributions_for_indicator(indicator)) == sorted(
        [single.pk, *(m.pk for m in members)]
    )
    assert sorted(c.pk for c in queries.list_contributions_for_measure(measure)) == sorted(m.pk for m in members)
    assert list(queries.list_contributions_for_indicator(other)) == []


def test_related_contributions_include_renders(setting):
    from django.template.loader import render_to_string

    procedure, area, department, lead = setting
    indicator = IndicatorFactory()
    contribution = ContributionFactory(procedure=procedure, text="Mehr Kitas", language="tr")
    evaluate(contribution.review, department=department, lead=lead, indicators=[indicator])
    html = render_to_string(
        "participation/includes/related_contributions.html",
        {"contributions": queries.list_contributions_for_indicator(indicator)},
    )
    assert '<p class="contribution-text" lang="tr" dir="ltr">Mehr Kitas</p>' in html
    assert contribution.get_absolute_url() in html
    assert (
        render_to_string(
            "participation/includes/related_contributions.html",
            {"contributions": queries.list_contributions_for_indicator(IndicatorFactory())},
        ).strip()
        == ""
    )


def test_overview_counts(setting, settings):
    procedure, area, department, lead = setting
    settings.TEILHABE_REVIEW_DEADLINE_DAYS = 30
    old = ContributionFactory(procedure=procedure, areas=[area])
    Review.objects.filter(pk=old.review.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    assigned = ContributionFactory(procedure=procedure, areas=[area], source="letter")
    services.assign_review(actor=department, review=assigned.review, lead_authority=lead.authority)
    ContributionFactory(procedure=procedure, moderation_state="pending")
    ContributionFactory(procedure=procedure, moderation_state="hidden", moderation_reason="Spam")
    overview = queries.get_overview(department, procedure=procedure)
    assert overview.by_state == {"received": 2, "assigned": 1}
    assert overview.total == 3 and overview.overdue == 1 and overview.pending_moderation == 1
    assert overview.by_area == [(area, 2)]
    assert [(str(a), counts) for a, counts in overview.by_authority] == [(str(lead.authority), {"assigned": 1})]
    assert overview.by_source["Letter or e-mail"] == 1 and overview.by_source["Online form"] == 2
    # an authority sees only its own items in the same overview
    assert queries.get_overview(lead, procedure=procedure).by_state == {"assigned": 1}


def test_queue_search_falls_back_to_substrings_on_sqlite(setting):
    procedure, area, department, lead = setting
    hit = ContributionFactory(procedure=procedure, text="Mehr Sprachkurse am Abend")
    ContributionFactory(procedure=procedure, text="Busse fahren selten")
    rows = queries.list_queue(department, queries.QueueFilters(query="sprachkurse"))
    assert [review.contribution_id for review in rows] == [hit.pk]


@pytest.mark.postgres
def test_queue_search_uses_german_stemming_on_postgresql(setting):
    procedure, area, department, lead = setting
    hit = ContributionFactory(procedure=procedure, text="Wir brauchen mehr bezahlbare Wohnungen")
    ContributionFactory(procedure=procedure, text="Busse fahren selten")
    bundle_member = ContributionFactory(procedure=procedure, text="Eine größere Wohnung für Familien")
    bundle = services.create_bundle(
        actor=department, procedure=procedure, title="Familien", contributions=[bundle_member]
    )
    # "Wohnung" finds "Wohnungen": both stem to "wohnung"; a substring search would find both too, but
    # "Wohnungen" would not find "Wohnung" without stemming.
    rows = queries.list_queue(department, queries.QueueFilters(query="Wohnungen"))
    found = {(review.contribution_id, review.bundle_id) for review in rows}
    assert found == {(hit.pk, None), (None, bundle.pk)}


def test_similar_contributions_stay_within_the_procedure(setting):
    procedure, area, department, lead = setting
    mine = ContributionFactory(procedure=procedure, text="Die Wartelisten für Kita-Plätze sind zu lang")
    twin = ContributionFactory(procedure=procedure, text="Wartelisten für Kita-Plätze im Stadtteil sind lang")
    ContributionFactory(procedure=ProcedureFactory(), text="Die Wartelisten für Kita-Plätze sind zu lang")
    hidden = ContributionFactory(
        procedure=procedure,
        text="Die Wartelisten für Kita-Plätze sind zu lang!",
        moderation_state="hidden",
        moderation_reason="Doppelt",
    )
    found = [match.contribution.pk for match in queries.list_similar_contributions(mine)]
    assert found == [twin.pk]
    assert hidden.pk not in found


def test_documentation_stamp_changes_with_the_data(setting):
    procedure, area, department, lead = setting
    before = queries.documentation_stamp(procedure)
    assert queries.documentation_stamp(procedure) == before
    ContributionFactory(procedure=procedure)
    assert queries.documentation_stamp(procedure) != before


def test_queue_page_counts_bundle_members(client, setting):
    procedure, area, department, lead = setting
    members = [ContributionFactory(procedure=procedure) for _ in range(3)]
    services.create_bundle(actor=department, procedure=procedure, title="Drei Stimmen", contributions=members)
    client.force_login(department)
    html = client.get(reverse("participation:work_queue")).content.decode()
    assert "Bundle: Drei Stimmen</a> (3 contributions)" in html
