"""The illustrative demo: an online survey of about 530 responses and two weighted barometer waves."""

import pytest

from teilhabe.surveys import demo
from teilhabe.surveys.models import (
    Answer,
    Barometer,
    IndexResult,
    InvitationCode,
    Response,
    Survey,
    WeightingRun,
)
from tests.monitoring.factories import AreaOfActionFactory, DistrictFactory, EditionFactory
from tests.participation.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def concept():
    edition = EditionFactory(is_current=True)
    for position in range(1, 8):
        AreaOfActionFactory(edition=edition, code=f"f{position}", position=position)
    for code in ("mitte", "nord", "hafen"):
        DistrictFactory(code=code, population=100_000)
    return ProcedureFactory(edition=edition, is_illustrative=True)


def test_demo_loads_the_surveys_labelled_illustrative(concept):
    counts = demo.load_demo(seed=2017)
    assert counts == {
        "online survey responses": 530,
        "barometer 2020 responses": 1012,
        "barometer 2022 responses": 987,
        "survey answers": Answer.objects.count(),
    }
    online = Survey.objects.get(slug=demo.ONLINE_SLUG)
    assert online.is_illustrative and online.status == Survey.Status.OPEN and online.procedure == concept
    assert online.responses.count() == 530
    # the ranking offers the fields of action of the current edition
    assert list(online.questions.get(code="areas").options.values_list("area__code", flat=True)) == [
        f"f{position}" for position in range(1, 8)
    ]
    # free text in several languages
    texts = set(Answer.objects.filter(question__survey=online, question__code="wish").values_list("text", flat=True))
    assert any("Sprachkurse" in text for text in texts) and any("Türkçe" in text for text in texts)
    assert Barometer.objects.get().is_illustrative
    for year in (2020, 2022):
        run = WeightingRun.objects.get(wave__year=year)
        assert run.converged and run.weighted_respondents == run.respondents
        assert InvitationCode.objects.filter(survey__wave__year=year, used_on__isnull=False).count() == (
            Response.objects.filter(survey__wave__year=year).count()
        )
        assert IndexResult.objects.filter(wave__year=year, domain=None, item=None).count() == 3
    assert Barometer.objects.get().area_links.count() == 5


def test_loading_again_changes_nothing_unless_reset(concept):
    demo.load_demo(seed=1)
    assert demo.load_demo(seed=1) == {}
    assert demo.load_demo(seed=2, reset=True)["online survey responses"] == 530
    assert Survey.objects.filter(slug=demo.ONLINE_SLUG).count() == 1
    assert Response.objects.count() == 530 + 1012 + 987
    demo.delete_demo()
    assert not Survey.objects.exists() and not Barometer.objects.exists()


def test_demo_works_without_the_monitoring_demo():
    counts = demo.load_demo(seed=3)
    assert counts["online survey responses"] == 530
    assert WeightingRun.objects.count() == 2
