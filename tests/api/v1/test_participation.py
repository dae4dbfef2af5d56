"""Participation resources: procedures, events and published contributions with every published revision."""

import pytest

from teilhabe.participation import services
from tests.accounts.factories import AuthorityFactory
from tests.monitoring.factories import AreaOfActionFactory, EditionFactory, IndicatorFactory, MeasureFactory
from tests.participation.factories import (
    ContributionFactory,
    EventFactory,
    PhaseFactory,
    ProcedureFactory,
    StakeholderGroupFactory,
    authority_staff,
    department_admin,
    evaluate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def participation():
    procedure = ProcedureFactory(
        slug="konzept", title="Beteiligung", title_en="Participation", edition=EditionFactory(code="e2017")
    )
    PhaseFactory(procedure=procedure)
    group = StakeholderGroupFactory(code="seniors")
    event = EventFactory(procedure=procedure, title="Werkstatt", format="workshop")
    event.stakeholder_groups.add(group)
    area = AreaOfActionFactory(edition=procedure.edition, code="kita")
    department, lead = department_admin(), authority_staff(AuthorityFactory(code="schools"))
    indicator, measure = IndicatorFactory(code="2.1.1"), MeasureFactory(code="sprachcafe")
    evaluated = ContributionFactory(
        procedure=procedure,
        event=event,
        source="event",
        areas=[area],
        text="Mehr Kitas",
        contact_email="ada@example.org",
        contact_consent_at="2024-01-01T00:00Z",
    )
    evaluate(
        evaluated.review,
        department=department,
        lead=lead,
        justification="Erste Fassung der öffentlichen Begründung dieses Beitrags.",
        indicators=[indicator],
    )
    services.publish_revision(
        actor=department,
        review=evaluated.review,
        disposition="taken_up_as_measure",
        justification="Zweite Fassung der öffentlichen Begründung dieses Beitrags.",
        reason="Maßnahme ergänzt.",
        measures=[measure],
        indicators=[indicator],
    )
    in_review = ContributionFactory(procedure=procedure, text="In Prüfung")
    services.assign_review(actor=department, review=in_review.review, lead_authority=lead.authority)
    services.start_review(actor=lead, review=in_review.review)
    services.draft_evaluation(
        actor=lead,
        review=in_review.review,
        disposition="declined",
        justification="Entwurf, nicht öffentlich: noch nicht von der Fachstelle geprüft.",
    )
    pending = ContributionFactory(procedure=procedure, moderation_state="pending", text="Wartet")
    return {
        "procedure": procedure,
        "event": event,
        "evaluated": evaluated,
        "in_review": in_review,
        "pending": pending,
        "indicator": indicator,
    }


def test_procedures(api_client, participation):
    rows = api_client.get("/api/v1/procedures/?lang=en").json()["results"]
    assert [(row["slug"], row["title"], row["edition"]) for row in rows] == [("konzept", "Participation", "e2017")]
    assert rows[0]["phases"][0]["starts_on"] == "2016-09-01"
    assert rows[0]["documentation_url"] == "http://testserver/en/beteiligung/konzept/dokumentation/"
    assert api_client.get("/api/v1/procedures/konzept/").status_code == 200
    assert api_client.get("/api/v1/procedures/nope/").status_code == 404


def test_events(api_client, participation):
    rows = api_client.get("/api/v1/events/?procedure=konzept&event_format=workshop").json()["results"]
    assert [(row["title_de"], row["stakeholder_groups"]) for row in rows] == [("Werkstatt", ["seniors"])]
    assert api_client.get("/api/v1/events/?event_format=party").status_code == 400
    response = api_client.get("/api/v1/events/?procedure=nope")
    # The parameter is named, the value sent is not repeated (teilhabe.api.errors).
    assert response.status_code == 400 and "procedure" in response.json() and "nope" not in response.content.decode()


def test_contributions_show_published_only_with_every_revision(api_client, participation):
    rows = {row["id"]: row for row in api_client.get("/api/v1/contributions/").json()["results"]}
    assert participation["pending"].pk not in rows
    evaluated = rows[participation["evaluated"].pk]
    assert evaluated["evaluation"]["justification"] == "Zweite Fassung der öffentlichen Begründung dieses Beitrags."
    assert (evaluated["evaluation"]["revision"], evaluated["evaluation"]["measures"]) == (2, ["sprachcafe"])
    assert [e["justification"] for e in evaluated["earlier_evaluations"]] == [
        "Erste Fassung der öffentlichen Begründung dieses Beitrags."
    ]
    assert evaluated["areas"] == ["kita"] and evaluated["review_state"] == "published"
    in_review = rows[participation["in_review"].pk]
    assert (in_review["review_state"], in_review["evaluation"], in_review["earlier_evaluations"]) == (
        "drafted",
        None,
        [],
    )


def test_contributions_never_leak_private_fields(api_client, participation):
    body = api_client.get("/api/v1/contributions/").content.decode()
    for private in (
        "ada@example.org",
        participation["evaluated"].receipt_token,
        "Entwurf, nicht öffentlich: noch nicht von der Fachstelle geprüft.",
        "contact_email",
        "receipt",
        "moderation",
    ):
        assert private not in body


def test_contribution_filters(api_client, participation):
    def ids(query):
        return [row["id"] for row in api_client.get(f"/api/v1/contributions/{query}").json()["results"]]

    assert ids("?indicator=2.1.1") == [participation["evaluated"].pk]
    assert ids("?disposition=taken_up_as_measure") == [participation["evaluated"].pk]
    assert ids("?disposition=declined") == []  # the declined one is only a draft
    assert ids(f"?event={participation['event'].pk}") == [participation["evaluated"].pk]
    assert ids("?area=kita") == [participation["evaluated"].pk]
    assert api_client.get("/api/v1/contributions/?indicator=nope").status_code == 400
    assert api_client.get("/api/v1/contributions/?kind=rant").status_code == 400


def test_contribution_detail(api_client, participation):
    assert api_client.get(f"/api/v1/contributions/{participation['evaluated'].pk}/").status_code == 200
    assert api_client.get(f"/api/v1/contributions/{participation['pending'].pk}/").status_code == 404


def test_contribution_list_query_count_does_not_grow(api_client, participation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from teilhabe.core.cache import bump_data_version

    api_client.get("/api/v1/contributions/")  # the throttle's and the response cache's first entries
    counts = []
    for _ in range(2):
        for _ in range(20):
            ContributionFactory(procedure=participation["procedure"])
        bump_data_version()  # as the services do after a write: the cached response is renewed
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get("/api/v1/contributions/?page_size=100").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 30
