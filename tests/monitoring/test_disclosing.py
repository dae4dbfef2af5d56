"""Disclosure control of observations through the public gateway (teilhabe/monitoring/disclosing.py).

Each test plays the attacker of issue 12: it reads only what list_public_observations and the stored
assessments give and tries to recover a withheld count.
"""

import datetime

import pytest

from teilhabe.monitoring import assessing, queries
from teilhabe.monitoring.models import Assessment
from tests.monitoring.factories import (
    AreaOfActionFactory,
    DistrictFactory,
    EditionFactory,
    GeographyFactory,
    IndicatorVersionFactory,
    ObservationFactory,
)

TODAY = datetime.date(2024, 6, 1)


@pytest.fixture
def city(db):
    return GeographyFactory(code="city")


@pytest.fixture
def version(db):
    edition = EditionFactory(is_current=True)
    return IndicatorVersionFactory(area=AreaOfActionFactory(edition=edition), minimum_sample_size=50)


def public(version, **filters):
    rows = queries.list_public_observations(on=TODAY).filter(indicator=version.indicator, **filters)
    return {(o.geography.code, o.breakdown_key, o.period): o for o in rows}


def test_a_withheld_observation_keeps_no_figure_from_which_n_follows(version, city):
    """n = p(1 − p)/SE² and numerator = value × denominator: all of them are withheld together."""
    ObservationFactory(
        indicator=version.indicator,
        geography=city,
        year=2022,
        value=33.3,
        standard_error=27.2,
        sample_size=3,
        numerator=1,
        denominator=3,
        progress_value=33.3,
    )
    row = public(version)[("city", "", "2022")]
    assert row.is_withheld and row.reliability == "withheld"
    assert (row.value, row.standard_error, row.sample_size, row.numerator, row.denominator, row.progress_value) == (
        None,
    ) * 6


def test_limited_reliability_keeps_the_figures_and_says_so(version, city):
    ObservationFactory(
        indicator=version.indicator, geography=city, year=2022, value=40.0, sample_size=20, standard_error=11.0
    )
    row = public(version)[("city", "", "2022")]
    assert (row.reliability, row.is_limited, row.value, row.sample_size) == ("limited", True, 40.0, 20)


def test_a_blanked_group_is_not_total_minus_the_other_group(version, city):
    """Groups yes + no = total: hiding only 'yes' would leave n_yes = 100 − 97."""
    for key, n in (("", 100), ("background=yes", 3), ("background=no", 97)):
        ObservationFactory(
            indicator=version.indicator,
            geography=city,
            year=2022,
            breakdown_key=key,
            value=50.0,
            sample_size=n,
            standard_error=5.0,
        )
    rows = public(version)
    shown = {key: rows[("city", key, "2022")].sample_size for key in ("", "background=yes", "background=no")}
    assert shown["background=yes"] is None
    # The attacker's differences recover nothing: at least one more cell of the relation is withheld.
    assert shown[""] is None or shown["background=no"] is None


def test_a_blanked_district_is_not_city_minus_the_other_districts(version, city):
    districts = [DistrictFactory(parent=city, code=f"d{i}") for i in range(3)]
    ObservationFactory(indicator=version.indicator, geography=city, year=2022, value=50.0, sample_size=100)
    for district, n in zip(districts, (2, 40, 58), strict=True):
        ObservationFactory(indicator=version.indicator, geography=district, year=2022, value=50.0, sample_size=n)
    rows = public(version)
    hidden = [code for code in ("city", "d0", "d1", "d2") if rows[(code, "", "2022")].sample_size is None]
    assert "d0" in hidden and len(hidden) >= 2


def test_nothing_is_withheld_without_small_counts(version, city):
    for key, n in (("", 300), ("background=yes", 100), ("background=no", 200)):
        ObservationFactory(
            indicator=version.indicator, geography=city, year=2022, breakdown_key=key, value=50.0, sample_size=n
        )
    assert all(not row.is_withheld for row in public(version).values())


def test_per_indicator_minimum_raises_the_threshold(version, city):
    version.profile_parameters = {"minimum_public_count": 50}
    version.save()
    ObservationFactory(indicator=version.indicator, geography=city, year=2022, value=50.0, sample_size=40)
    assert public(version)[("city", "", "2022")].is_withheld


def test_assessment_never_states_a_withheld_sample_size(version, city):
    """Finding 1: the stored components and explanations said "n = 3, at least 50 needed"."""
    ObservationFactory(
        indicator=version.indicator, geography=city, year=2015, value=40.0, sample_size=400, standard_error=2.0
    )
    ObservationFactory(
        indicator=version.indicator, geography=city, year=2022, value=44.0, sample_size=3, standard_error=28.0
    )
    assessing.recompute_assessments(edition=version.edition, today=TODAY)
    row = Assessment.objects.get(indicator=version.indicator, series_kind="total")
    assert row.components["is_suppressed"] is True
    assert row.components["sample_size"] is None
    assert row.components["current_value"] is None and row.components["base_value"] is None
    assert row.explanation_en == "The value is not assessed: too few cases."
    assert row.explanation_de == "Der Wert wird nicht bewertet: zu wenige Fälle."
    text = repr(row.components) + row.explanation_en + row.explanation_de
    assert "44.0" not in text and "n = 3" not in text and "28.0" not in text


def test_corrections_of_a_withheld_observation_are_not_listed(version, city):
    observation = ObservationFactory(indicator=version.indicator, geography=city, year=2022, value=44.0, sample_size=3)
    observation.value = 45.0
    observation.save()
    assert queries.list_corrections(indicator=version.indicator, on=TODAY) == []


def test_a_number_that_is_not_a_head_count_stays_public(db, city):
    """An Open SDG "Number" such as a Gini coefficient (0.31) is not a small count of people;
    whole small values of a count unit still are."""
    edition = EditionFactory(is_current=True)
    gini = IndicatorVersionFactory(area=AreaOfActionFactory(edition=edition), unit="Number")
    persons = IndicatorVersionFactory(area=AreaOfActionFactory(edition=edition), unit="Number")
    ObservationFactory(indicator=gini.indicator, geography=city, year=2022, value=0.314)
    ObservationFactory(indicator=persons.indicator, geography=city, year=2022, value=3)

    assert public(gini)[("city", "", "2022")].value == 0.314
    assert public(persons)[("city", "", "2022")].value is None
