"""The similar-contribution finder measured on the demo procedure, whose bundles each gather one concern.

For every bundled contribution the finder is asked as if that contribution were new (only the
contribution itself is left out): a hit is when its bundle, or another member of it, is among the five
suggestions. The demo's bundles mix statements, questions and proposals on one concern, so a hit needs
more than the same wording.
"""

import pytest

from teilhabe.participation import demo, queries, similarity
from teilhabe.participation.models import Contribution, Procedure
from tests.participation.factories import ContributionFactory
from tests.participation.test_demo import concept  # noqa: F401  (the fixture the demo loads into)

pytestmark = pytest.mark.django_db

REQUIRED_RATE = 0.8


def bundle_hit_rate(procedure: Procedure) -> tuple[float, int]:
    corpus = queries.build_similarity_corpus(procedure.pk)
    bundled = Contribution.objects.filter(procedure=procedure, bundle__isnull=False).order_by("pk")
    members: dict[int, set[int]] = {}
    for pk, bundle in bundled.values_list("pk", "bundle_id"):
        members.setdefault(bundle, set()).add(pk)
    hits = 0
    for contribution in bundled:
        suggestions = corpus.suggest(
            similarity.Text(f"{contribution.title} {contribution.text}", contribution.language),
            exclude=[contribution.pk],
        )
        others = members[contribution.bundle_id] - {contribution.pk}
        hits += any(
            (s.kind == similarity.Kind.BUNDLE and s.key == contribution.bundle_id)
            or (s.kind == similarity.Kind.CONTRIBUTION and s.key in others)
            for s in suggestions
        )
    return hits / len(bundled), len(bundled)


def test_a_bundled_contribution_finds_its_bundle_in_the_top_five(concept):  # noqa: F811
    demo.load_demo(seed=2017)
    procedure = Procedure.objects.get(slug="demo-beteiligung")
    rate, count = bundle_hit_rate(procedure)
    print(f"bundle hit rate {rate:.1%} over {count} bundled contributions")
    assert count >= 30
    assert rate >= REQUIRED_RATE


def test_free_german_courses_finds_the_english_contribution_and_the_bundle(concept):  # noqa: F811
    """The case from the issue: a new contribution in English on the demo's language-course concern."""
    demo.load_demo(seed=2017)
    procedure = Procedure.objects.get(slug="demo-beteiligung")
    english = Contribution.objects.filter(procedure=procedure, text="There are too few German courses with childcare.")
    assert english.exists()
    new = ContributionFactory(procedure=procedure, text="Free German courses with childcare", language="en")

    found = [m.contribution.pk for m in queries.list_similar_contributions(new)]
    bundles = [m.bundle.title_en for m in queries.list_similar_bundles(new)]

    assert set(found) & set(english.values_list("pk", flat=True))
    assert bundles[0] == "There are too few German courses with childcare."
