"""Database constraints of the monitoring domain: what the data model refuses."""

import pytest
from django.db import IntegrityError, transaction

from teilhabe.monitoring.models import Observation, Target

from .factories import (
    CategoryFactory,
    EditionFactory,
    IndicatorVersionFactory,
    ObservationFactory,
    TargetFactory,
)


def test_one_observation_per_indicator_period_breakdown_geography(db):
    first = ObservationFactory(period="2016", breakdown_key="migration_background=yes")
    with pytest.raises(IntegrityError), transaction.atomic():
        ObservationFactory(
            indicator=first.indicator,
            geography=first.geography,
            period="2016",
            breakdown_key="migration_background=yes",
        )
    assert Observation.objects.count() == 1


def test_total_and_group_observations_coexist(db):
    first = ObservationFactory(period="2016")
    ObservationFactory(
        indicator=first.indicator, geography=first.geography, period="2016", breakdown_key="migration_background=yes"
    )
    assert Observation.objects.count() == 2


def test_target_year_must_follow_baseline_year(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetFactory(baseline_year=2020, target_year=2020)
    assert not Target.objects.exists()


def test_gap_indicator_needs_two_groups(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorVersionFactory(comparison="gap", group_a=CategoryFactory(code="yes"), group_b=None)


def test_only_one_current_edition(db):
    EditionFactory(code="a", is_current=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        EditionFactory(code="b", is_current=True)


def test_school_year_periods_sort_by_start(db):
    ObservationFactory(period="2017/18", value=2)
    first = Observation.objects.get()
    ObservationFactory(indicator=first.indicator, geography=first.geography, period="2016/17", value=1)
    assert [o.period for o in Observation.objects.order_by("period_start")] == ["2016/17", "2017/18"]
