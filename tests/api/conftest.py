"""A small public dataset for the API tests: one edition, a field with a topic, one indicator with
released, unreleased and small-count observations, a target, an assessment and a measure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from teilhabe.monitoring.models import Assessment, Edition, Geography, Indicator, Observation
from tests.accounts.factories import AuthorityFactory
from tests.monitoring.factories import (
    AreaOfActionFactory,
    CategoryFactory,
    DistrictFactory,
    EditionFactory,
    GeographyFactory,
    IndicatorFactory,
    IndicatorVersionFactory,
    MeasureFactory,
    ObservationFactory,
    SubGoalFactory,
    TargetFactory,
)

FUTURE = datetime.date.today() + datetime.timedelta(days=30)
PAST = datetime.date(2021, 3, 1)


@dataclass
class Dataset:
    edition: Edition
    indicator: Indicator
    city: Geography
    district: Geography
    released: Observation
    small_counts: Observation
    unreleased: Observation
    group_yes: Observation
    district_total: Observation


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def dataset(db) -> Dataset:
    edition = EditionFactory(
        code="2017", title="Integrationskonzept 2017", title_en="Integration concept 2017", is_current=True
    )
    authority = AuthorityFactory(code="schools", name="Schulbehörde")
    field = AreaOfActionFactory(edition=edition, code="education", title="Bildung", title_en="Education")
    topic = AreaOfActionFactory(edition=edition, code="school", parent=field, title="Schule", title_en="School")
    sub_goal = SubGoalFactory(area=topic, code="leavers", text="Mehr Abschlüsse", text_en="More certificates")
    yes = CategoryFactory(code="yes", name="mit", name_en="with")
    CategoryFactory(code="no", name="ohne", name_en="without")
    indicator = IndicatorFactory(code="B1")
    version = IndicatorVersionFactory(
        indicator=indicator,
        edition=edition,
        area=topic,
        authority=authority,
        title="Schulabschlüsse",
        title_en="School certificates",
    )
    version.sub_goals.add(sub_goal)
    version.breakdowns.add(yes.dimension)
    city = GeographyFactory()
    district = DistrictFactory(code="altona", name="Altona", parent=city)
    TargetFactory(indicator=indicator, edition=edition, geography=city, baseline_value=80, target_value=90)
    released = ObservationFactory(
        indicator=indicator,
        geography=city,
        year=2019,
        value=81.5,
        numerator=815,
        denominator=1000,
        sample_size=1000,
        released_on=PAST,
    )
    small_counts = ObservationFactory(
        indicator=indicator,
        geography=district,
        year=2019,
        value=75.0,
        breakdown_key="migration_background=yes",
        numerator=3,
        denominator=4,
        sample_size=4,
    )
    unreleased = ObservationFactory(
        indicator=indicator,
        geography=city,
        year=2021,
        value=99.25,
        numerator=9925,
        denominator=10000,
        released_on=FUTURE,
    )
    group_yes = ObservationFactory(
        indicator=indicator, geography=city, year=2020, breakdown_key="migration_background=yes", value=70.0
    )
    district_total = ObservationFactory(indicator=indicator, geography=district, year=2020, value=77.0)
    Assessment.objects.create(
        indicator=indicator,
        edition=edition,
        series_kind=Assessment.SeriesKind.TOTAL,
        geography=city,
        profile="opensdg",
        status="moderate_progress",
        score=1.5,
        progress_value=0.7,
        components={"base_year": 2019, "current_year": 2020},
        explanation_de="Mäßiger Fortschritt.",
        explanation_en="Moderate progress.",
    )
    measure = MeasureFactory(
        code="language-support", title="Sprachförderung", title_en="Language support", authority=authority
    )
    measure.indicators.add(indicator)
    measure.sub_goals.add(sub_goal)
    return Dataset(edition, indicator, city, district, released, small_counts, unreleased, group_yes, district_total)
