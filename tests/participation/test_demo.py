"""The illustrative participation demo: its size, its variety, honest logs, and determinism."""

from collections import defaultdict

import pytest

from teilhabe.participation import demo, services, workflow
from teilhabe.participation.models import Contribution, Evaluation, Event, Procedure, Review, TransitionLog
from tests.accounts.factories import AuthorityFactory, UserFactory
from tests.monitoring.factories import (
    AreaOfActionFactory,
    DistrictFactory,
    EditionFactory,
    IndicatorVersionFactory,
    MeasureFactory,
    SubGoalFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def concept():
    edition = EditionFactory(code="demo-2017", is_current=True)
    authorities = [AuthorityFactory(code=code) for code in ("schule", "soziales", "wohnen")]
    AuthorityFactory(code="integration", is_department=True)
    for index, (field_code, topics) in enumerate(
        {"f2": ["fruehkindlich", "schule"], "f4": ["wohnen", "quartier"], "f7": ["sprache"]}.items()
    ):
        parent = AreaOfActionFactory(edition=edition, code=field_code, position=index)
        for topic in topics:
            area = AreaOfActionFactory(edition=edition, code=topic, parent=parent, title=topic.title())
            goal = SubGoalFactory(area=area)
            version = IndicatorVersionFactory(edition=edition, area=area, authority=authorities[index % 3])
            measure = MeasureFactory(authority=authorities[index % 3])
            measure.sub_goals.add(goal)
            measure.indicators.add(version.indicator)
    for n in range(7):
        DistrictFactory(code=f"district-{n}", position=n)
    UserFactory(username="admin", roles=["department_admin"])
    UserFactory(username="schule", roles=["authority_staff"], authority=authorities[0])
    UserFactory(username="moderation", roles=["moderator"])
    return edition


def test_demo_has_the_promised_size_and_variety(concept):
    counts = demo.load_demo(seed=2017)
    procedure = Procedure.objects.get(slug="demo-beteiligung")
    assert procedure.is_illustrative and procedure.edition == concept
    assert counts["events"] == 40 == Event.objects.count()
    assert Event.objects.filter(format="talk").count() == 6
    assert Event.objects.filter(district__isnull=False).values("district").distinct().count() == 7
    assert 1100 <= counts["contributions"] <= 1300
    assert counts["bundles"] >= 10
    assert set(Review.objects.values_list("state", flat=True)) == {s.value for s in workflow.State}
    published = Evaluation.objects.filter(published_at__isnull=False)
    assert set(published.values_list("disposition", flat=True)) == set(Evaluation.Disposition.values)
    assert published.filter(revision=2).exists()
    assert published.exclude(indicators=None).exists() and published.exclude(measures=None).exists()
    languages = set(Contribution.objects.values_list("language", flat=True))
    assert {"de", "en", "ar", "tr", "fa"} <= languages
    assert set(Contribution.objects.values_list("moderation_state", flat=True)) == {"pending", "published", "hidden"}
    assert max(bundle.members.count() for bundle in procedure.bundles.all()) == 9


def test_demo_logs_follow_the_workflow(concept):
    demo.load_demo(seed=7)
    chains = defaultdict(list)
    for review_id, action, kind, source, target in TransitionLog.objects.order_by(
        "review", "created_at", "pk"
    ).values_list("review_id", "action", "actor_kind", "from_state", "to_state"):
        chains[review_id].append((action, kind, source, target))
    for review in Review.objects.all():
        state = "received"
        for action, kind, source, target in chains[review.pk]:
            assert source == state
            assert workflow.check_transition(source, action, kind, comment="-").value == target
            state = target
        assert state == review.state
        assert (review.published_evaluation_id is not None) == (review.state == "published")


def test_demo_evaluations_obey_the_disposition_rules(concept):
    """The demo writes evaluations in bulk, bypassing the service; each must still pass the service's rules."""
    demo.load_demo(seed=2017)
    evaluations = Evaluation.objects.prefetch_related("measures", "indicators", "sub_goals", "targets")
    assert evaluations.count() > 500
    for evaluation in evaluations:
        content = services.check_evaluation(
            disposition=evaluation.disposition,
            justification=evaluation.justification_de,
            justification_en=evaluation.justification_en,
            competent_level=evaluation.competent_level,
            data_needed=evaluation.data_needed,
            measures=evaluation.measures.all(),
            sub_goals=evaluation.sub_goals.all(),
            indicators=evaluation.indicators.all(),
            targets=evaluation.targets.all(),
        )
        assert content.justification_en, evaluation.pk
    # Only the disposition that asks for it carries a competent level or the data needed.
    assert not evaluations.exclude(disposition="outside_competence").exclude(competent_level="").exists()
    assert not evaluations.exclude(disposition="no_data").exclude(data_needed="").exists()


def test_demo_is_deterministic_and_loaded_once(concept):
    demo.load_demo(seed=11)
    first = list(Contribution.objects.order_by("pk").values_list("text", "language", "kind", "source"))
    answers = list(
        Evaluation.objects.order_by("pk").values_list(
            "disposition", "justification_en", "competent_level", "data_needed", "measures", "indicators"
        )
    )
    assert demo.load_demo(seed=11) == {}
    demo.delete_demo()
    assert not Procedure.objects.exists() and not Contribution.objects.exists()
    demo.load_demo(seed=11)
    assert list(Contribution.objects.order_by("pk").values_list("text", "language", "kind", "source")) == first
    # Primary keys differ after a reload; the answers, in order, do not (links compared by position).
    again = list(
        Evaluation.objects.order_by("pk").values_list(
            "disposition", "justification_en", "competent_level", "data_needed", "measures", "indicators"
        )
    )
    assert [row[:4] for row in again] == [row[:4] for row in answers]
    assert [(row[4] is None, row[5] is None) for row in again] == [(row[4] is None, row[5] is None) for row in answers]


def test_demo_needs_a_concept():
    with pytest.raises(demo.DemoRefused, match="needs a concept edition"):
        demo.load_demo(seed=1)
