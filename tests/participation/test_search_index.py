"""The work queue's full-text search on PostgreSQL uses a stored vector with a GIN index (issue #16, item 6).

The vector (German and English configurations over title and text) is a column PostgreSQL generates, so
every write keeps it current. These tests check the plan uses the index on a table of a few thousand rows,
that the results are those of the former search computed on the fly (German), plus what the English reading
of the query adds, and that an edited text is found by its new words only.
"""

import pytest
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.utils import timezone

from teilhabe.participation import queries
from teilhabe.participation.models import Contribution, Review

from .factories import ContributionFactory, ProcedureFactory, department_admin

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

INDEX = "participation_contribution_search_gin"
TEXTS = (
    "Wir brauchen mehr bezahlbare Wohnungen in der Innenstadt",
    "Eine größere Wohnung für Familien mit Kindern",
    "Busse fahren abends zu selten in den Stadtteil",
    "Mehr Sprachkurse mit Kinderbetreuung am Vormittag",
    "Die Wartelisten für Kita-Plätze sind zu lang",
    "Affordable housing for families who just arrived",
    "More language courses in the evening, please",
    "The houses near the station need better lighting",
    "Beratung zur Anerkennung ausländischer Abschlüsse",
    "Sportvereine sollten Jugendliche gezielt ansprechen",
)
QUERIES = (
    "Wohnungen",
    "Wohnung",
    "Sprachkurs",
    "Kita-Plätze",
    "housing",
    "houses",
    "language courses",
    '"bezahlbare Wohnungen"',
    "Familien OR families",
    "Kinder",
    "Abschluss",
    "nichts davon",
)


def populate(count):
    procedure = ProcedureFactory()
    contributions = Contribution.objects.bulk_create(
        Contribution(
            procedure=procedure,
            kind=Contribution.Kind.PROPOSAL,
            title=f"Vorschlag {n}" if n % 3 else "",
            text=f"{TEXTS[n % len(TEXTS)]} ({n})",
            language="de",
            source=Contribution.Source.ONLINE_FORM,
            moderation_state=Contribution.Moderation.PUBLISHED,
        )
        for n in range(count)
    )
    now = timezone.now()
    Review.objects.bulk_create(
        Review(procedure=procedure, contribution=contribution, state_changed_at=now) for contribution in contributions
    )
    return contributions


def computed_on_the_fly(query, config):
    """The former search: a vector computed for every row at query time, one configuration."""
    vector = SearchVector("title", "text", config=config)
    rows = Contribution.objects.annotate(search=vector).filter(
        search=SearchQuery(query, config=config, search_type="websearch")
    )
    return set(rows.values_list("pk", flat=True))


def test_the_queue_search_uses_the_gin_index_on_a_few_thousand_contributions():
    # given
    populate(3000)
    department = department_admin()
    queue = queries.list_queue(department, queries.QueueFilters(query="Wohnungen"))
    # when
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("ANALYZE participation_contribution")
        plan = queue.explain()
        # as the queue uses it: the matching keys, in a subquery
        matching_plan = queries._matching_contributions("Wohnungen").order_by().values("pk").explain()
    # then
    assert INDEX in plan
    assert INDEX in matching_plan
    assert "to_tsvector" not in matching_plan  # the stored vector, not one computed per row
    assert queue.count() == 600  # 2 of the 10 texts mention a flat, on 3000 rows


@pytest.mark.parametrize("query", QUERIES)
def test_the_results_are_the_former_german_ones_plus_the_english_reading(query):
    # given
    populate(200)
    german, english = computed_on_the_fly(query, "german"), computed_on_the_fly(query, "english")
    # when
    found = set(queries._matching_contributions(query).values_list("pk", flat=True))
    # then
    assert german <= found
    assert found == german | english


def test_english_stemming_finds_english_contributions_in_the_queue():
    department = department_admin()
    housing = ContributionFactory(text="Affordable housing for newcomers", language="en")
    ContributionFactory(text="Busse fahren selten")
    rows = queries.list_queue(department, queries.QueueFilters(query="houses"))
    assert [review.contribution_id for review in rows] == [housing.pk]


def test_an_edited_text_is_found_by_its_new_words_only():
    # given
    department = department_admin()
    contribution = ContributionFactory(text="Frau Müller aus der Schillerstraße wünscht einen Radweg")
    # when: anonymised by the moderation, as an edit of the stored text
    contribution.text = "Eine Anwohnerin wünscht einen Radweg"
    contribution.save(update_fields=["text"])
    # then
    assert not queries.list_queue(department, queries.QueueFilters(query="Schillerstraße")).exists()
    assert queries.list_queue(department, queries.QueueFilters(query="Anwohnerin")).count() == 1
