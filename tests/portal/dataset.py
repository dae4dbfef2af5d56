"""A small but realistic portal dataset: two editions, areas with topics, a gap indicator, districts,
targets, assessments, measures, an unreleased observation and a small count. Shared by the portal
view tests and the browser tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import translation

from teilhabe.core.models import SiteProfile
from teilhabe.monitoring.models import Assessment, IndicatorVersion
from tests.accounts.factories import AuthorityFactory
from tests.monitoring.factories import (
    AreaOfActionFactory,
    CategoryFactory,
    DimensionFactory,
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

YEARS = range(2015, 2023)
UNRELEASED_VALUE = 987.6  # never public: released in the future
SMALL_NUMERATOR = 3  # below TEILHABE_MIN_PUBLIC_COUNT (5)


@dataclass
class PortalDataset:
    edition: object
    old_edition: object
    city: object
    districts: list
    field: object
    topic: object
    second_field: object
    gap_indicator: object
    school_indicator: object
    work_indicator: object
    retired_indicator: object
    measure: object
    authority: object


def _assessment(indicator, edition, geography, status, *, kind="total", key="", uncertain=False, needed=None):
    return Assessment.objects.create(
        indicator=indicator,
        edition=edition,
        series_kind=kind,
        breakdown_key=key,
        geography=geography,
        profile="opensdg",
        status=status,
        score=3.0,
        progress_value=1.1,
        needed_change_per_year=needed,
        is_uncertain=uncertain,
        components={
            "base_year": 2015,
            "base_value": 40.0,
            "current_year": 2022,
            "current_value": 47.0,
            "target": 60.0,
            "target_year": 2030,
        },
        explanation_de="Der Wert stieg von 40,0 % (2015) auf 47,0 % (2022).",
        explanation_en="The value rose from 40.0% (2015) to 47.0% (2022).",
    )


def build_portal_dataset() -> PortalDataset:
    # Untranslated field names (title=...) fill the active language's column: make that German.
    with translation.override("de"):
        return _build()


def _build() -> PortalDataset:
    SiteProfile.objects.create(
        city_name="Musterstadt",
        department_name="Amt für Integration",
        contact_email="integration@example.org",
        accessibility_contact_email="barrierefrei@example.org",
        is_illustrative=True,
        imprint="Musterstadt\nAmt für Integration\nRathausplatz 1",
    )
    authority = AuthorityFactory(
        code="schulbehoerde",
        name="Schulbehörde",
        name_en="School authority",
        abbreviation="BSB",
        email="indikatoren@schule.example.org",
        phone="040 123",
    )
    old_edition = EditionFactory(
        code="2013",
        title="Integrationskonzept 2013",
        title_en="Integration concept 2013",
        adopted_on=datetime.date(2013, 2, 1),
    )
    edition = EditionFactory(
        code="2017",
        title="Integrationskonzept 2017",
        title_en="Integration concept 2017",
        adopted_on=datetime.date(2017, 2, 1),
        is_current=True,
        supersedes=old_edition,
        decision_reference="Drucksache 21/7048",
    )
    city = GeographyFactory(code="city", name="Musterstadt", name_en="Musterstadt")
    districts = [
        DistrictFactory(code=f"d{i}", name=name, name_en=name, parent=city, position=i)
        for i, name in enumerate(["Altstadt", "Nordhafen", "Südpark"], start=1)
    ]
    dimension = DimensionFactory()
    yes = CategoryFactory(
        dimension=dimension, code="yes", name="mit Migrationshintergrund", name_en="with immigrant background"
    )
    no = CategoryFactory(
        dimension=dimension, code="no", name="ohne Migrationshintergrund", name_en="without immigrant background"
    )

    field = AreaOfActionFactory(edition=edition, code="bildung", title="Bildung", title_en="Education", position=1)
    topic = AreaOfActionFactory(
        edition=edition,
        code="schule",
        title="Schule",
        title_en="School",
        parent=field,
        we_statement="Wir sorgen für gleiche Schulabschlüsse.",
        we_statement_en="We ensure equal school-leaving results.",
    )
    second_field = AreaOfActionFactory(edition=edition, code="arbeit", title="Arbeit", title_en="Work", position=2)
    goal = SubGoalFactory(
        area=topic,
        code="abschluss",
        text="Mehr Jugendliche erreichen einen Abschluss.",
        text_en="More young people leave school with a certificate.",
    )

    gap_indicator = IndicatorFactory(code="B1")
    gap_version = IndicatorVersionFactory(
        indicator=gap_indicator,
        area=topic,
        edition=edition,
        title="Abiturquote",
        title_en="Share with Abitur",
        definition="Anteil der Schulabgänger mit Abitur.",
        definition_en="Share of school leavers with Abitur.",
        unit="%",
        comparison=IndicatorVersion.Comparison.GAP,
        group_a=yes,
        group_b=no,
        authority=authority,
        data_source="Schulstatistik",
        data_source_en="School statistics",
        source_url="https://statistik.example.org/",
    )
    gap_version.breakdowns.add(dimension)
    gap_version.sub_goals.add(goal)
    school_indicator = IndicatorFactory(code="B2")
    IndicatorVersionFactory(
        indicator=school_indicator,
        area=topic,
        edition=edition,
        title="Schulabbruch",
        title_en="",
        definition="Anteil ohne Abschluss.",
        definition_en="Share without certificate.",
        unit="%",
        direction="negative",
        authority=authority,
        position=2,
    )
    work_indicator = IndicatorFactory(code="A1")
    IndicatorVersionFactory(
        indicator=work_indicator,
        area=second_field,
        edition=edition,
        title="Erwerbstätigenquote",
        title_en="Employment rate",
        definition="Anteil erwerbstätig.",
        definition_en="Share in employment.",
        unit="%",
        authority=authority,
    )
    retired_indicator = IndicatorFactory(code="X9")
    old_field = AreaOfActionFactory(edition=old_edition, code="bildung", title="Bildung", title_en="Education")
    IndicatorVersionFactory(
        indicator=retired_indicator,
        area=old_field,
        edition=old_edition,
        title="Alter Indikator",
        title_en="Old indicator",
        definition="Alt.",
        definition_en="Old.",
        unit="%",
    )
    IndicatorVersionFactory(
        indicator=gap_indicator,
        area=old_field,
        edition=old_edition,
        title="Abiturquote",
        title_en="Share with Abitur",
        definition="Anteil mit Hochschulreife.",
        definition_en="Share with university entrance qualification.",
        unit="%",
        comparison=IndicatorVersion.Comparison.GAP,
        group_a=yes,
        group_b=no,
    )
    TargetFactory(
        indicator=gap_indicator,
        edition=old_edition,
        geography=city,
        kind="gap",
        target_value=5.0,
        target_year=2025,
        baseline_value=15.0,
        baseline_year=2012,
    )

    for offset, year in enumerate(YEARS):
        ObservationFactory(indicator=gap_indicator, geography=city, year=year, value=40.0 + offset)
        ObservationFactory(
            indicator=gap_indicator,
            geography=city,
            year=year,
            breakdown_key="migration_background=yes",
            value=30.0 + 1.5 * offset,
            numerator=SMALL_NUMERATOR if offset == 0 else 300 + offset,
            denominator=1000,
        )
        ObservationFactory(
            indicator=gap_indicator,
            geography=city,
            year=year,
            breakdown_key="migration_background=no",
            value=45.0 + 0.5 * offset,
        )
        ObservationFactory(indicator=school_indicator, geography=city, year=year, value=8.0 - 0.2 * offset)
        ObservationFactory(indicator=work_indicator, geography=city, year=year, value=70.0 + 0.3 * offset)
        for index, district in enumerate(districts):
            ObservationFactory(indicator=gap_indicator, geography=district, year=year, value=35.0 + 5 * index + offset)
    # Published later: must not appear anywhere yet.
    ObservationFactory(
        indicator=gap_indicator,
        geography=city,
        year=2023,
        value=UNRELEASED_VALUE,
        released_on=datetime.date.today() + datetime.timedelta(days=30),
    )
    # A small count: the value is public, the count is not.
    ObservationFactory(
        indicator=work_indicator, geography=city, year=2023, value=72.4, numerator=SMALL_NUMERATOR, denominator=4
    )

    TargetFactory(
        indicator=gap_indicator,
        edition=edition,
        geography=city,
        kind="gap",
        target_value=2.0,
        target_year=2030,
        baseline_value=15.0,
        baseline_year=2015,
    )
    TargetFactory(
        indicator=gap_indicator,
        edition=edition,
        geography=city,
        kind="value",
        breakdown_key="migration_background=yes",
        target_value=50.0,
        target_year=2030,
        baseline_value=30.0,
        baseline_year=2015,
    )
    TargetFactory(
        indicator=work_indicator,
        edition=edition,
        geography=city,
        target_value=75.0,
        target_year=2030,
        baseline_value=70.0,
        baseline_year=2015,
    )

    _assessment(gap_indicator, edition, city, "substantial_progress", kind="gap", needed=-0.8)
    _assessment(gap_indicator, edition, city, "moderate_progress", needed=1.2)
    _assessment(gap_indicator, edition, districts[0], "limited_progress", kind="gap")
    _assessment(school_indicator, edition, city, "target_achieved")
    _assessment(work_indicator, edition, city, "deterioration", uncertain=True)

    measure = MeasureFactory(
        code="sprachfoerderung",
        title="Sprachförderung in Kitas",
        title_en="Language support in day-care",
        authority=authority,
        description="Zusätzliche Sprachförderung.",
        description_en="Extra language support.",
    )
    measure.indicators.add(gap_indicator)
    measure.sub_goals.add(goal)
    return PortalDataset(
        edition=edition,
        old_edition=old_edition,
        city=city,
        districts=districts,
        field=field,
        topic=topic,
        second_field=second_field,
        gap_indicator=gap_indicator,
        school_indicator=school_indicator,
        work_indicator=work_indicator,
        retired_indicator=retired_indicator,
        measure=measure,
        authority=authority,
    )


# --------------------------------------------------------------------------- awkward stored values

# Stored values as imports and computations leave them, and how every page, chart, PDF and workbook must
# write them (rounded half up to the indicator's decimals, never cut). tests/portal/test_numbers.py.
SURVEY_SHARE = 0.791 * 100  # 79.10000000000001: a survey share as a computation stores it
SMALL_SHARE = 0.5777777
COUNT = 240000.0
DISTRICT_COUNT = 3288.0
NEAR_ONE = 0.957
NEGATIVE = -16.35
NEEDED_CHANGE = 0.58


@dataclass
class AwkwardNumbers:
    count_indicator: object  # "Anzahl", 0 decimals: 240000 in the city, 3288 in a district
    share_indicator: object  # "%", 1 decimal: 79.10000000000001 in the city, 0.5777777 in a district
    balance_indicator: object  # "Punkte", 1 decimal: from 0.957 down to -16.35, needs +0.58 a year
    dated_indicator: object  # observed on reference dates (31 December of each year)


def add_awkward_numbers(data: PortalDataset) -> AwkwardNumbers:
    """Three indicators of the second field of action whose stored values are awkward to write."""
    with translation.override("de"):
        return _add_awkward(data)


def _add_awkward(data: PortalDataset) -> AwkwardNumbers:
    def version(code, title, title_en, unit, decimals, position):
        indicator = IndicatorFactory(code=code)
        IndicatorVersionFactory(
            indicator=indicator,
            area=data.second_field,
            edition=data.edition,
            title=title,
            title_en=title_en,
            definition=title,
            definition_en=title_en,
            unit=unit,
            decimals=decimals,
            authority=data.authority,
            position=position,
        )
        return indicator

    count = version("N1", "Einbürgerungen", "Naturalisations", "Anzahl", 0, 10)
    share = version("N2", "Zufriedenheit", "Satisfaction", "%", 1, 11)
    balance = version("N3", "Saldo", "Balance", "Punkte", 1, 12)
    dated = version("N4", "Bestand", "Stock", "%", 1, 13)
    home, other = data.districts[0], data.districts[1]
    for offset, year in enumerate(YEARS):
        last = year == YEARS[-1]
        ObservationFactory(
            indicator=count, geography=data.city, year=year, value=COUNT if last else 200000.0 + 1000 * offset
        )
        ObservationFactory(
            indicator=count, geography=home, year=year, value=DISTRICT_COUNT if last else 3000.0 + offset
        )
        ObservationFactory(
            indicator=share, geography=data.city, year=year, value=SURVEY_SHARE if last else 70.0 + offset
        )
        ObservationFactory(indicator=share, geography=home, year=year, value=SMALL_SHARE if last else 1.0 + offset)
        ObservationFactory(indicator=share, geography=other, year=year, value=60.0 + offset)
        for geography in (data.city, home):
            ObservationFactory(indicator=dated, geography=geography, period=f"{year}-12-31", value=50.0 + offset)
        ObservationFactory(
            indicator=balance,
            geography=data.city,
            year=year,
            value=NEAR_ONE if offset == 0 else (NEGATIVE if last else -2.0 * offset),
        )
    TargetFactory(
        indicator=count,
        edition=data.edition,
        geography=data.city,
        baseline_value=200000.0,
        baseline_year=2015,
        target_value=COUNT + 12345.4,
        target_year=2030,
    )
    TargetFactory(
        indicator=share,
        edition=data.edition,
        geography=data.city,
        baseline_value=SMALL_SHARE,
        baseline_year=2015,
        target_value=SURVEY_SHARE,
        target_year=2030,
    )
    TargetFactory(
        indicator=balance,
        edition=data.edition,
        geography=data.city,
        baseline_value=NEAR_ONE,
        baseline_year=2015,
        target_value=NEGATIVE,
        target_year=2030,
    )
    Assessment.objects.create(
        indicator=balance,
        edition=data.edition,
        series_kind="total",
        breakdown_key="",
        geography=data.city,
        profile="opensdg",
        status="deterioration",
        score=-1.2345678,
        progress_value=-0.3333333,
        needed_change_per_year=NEEDED_CHANGE,
        components={
            "base_year": 2015,
            "base_value": NEAR_ONE,
            "current_year": 2022,
            "current_value": NEGATIVE,
            "target": 10.0,
            "target_year": 2030,
            "annual_change": -2.4724999,
            "needed_change_per_year": NEEDED_CHANGE,
        },
        explanation_de="Der Wert sank.",
        explanation_en="The value fell.",
    )
    Assessment.objects.create(
        indicator=share,
        edition=data.edition,
        series_kind="total",
        breakdown_key="",
        geography=data.city,
        profile="opensdg",
        status="substantial_progress",
        score=2.0,
        progress_value=0.3141592,
        needed_change_per_year=SMALL_SHARE,
        components={
            "base_year": 2015,
            "base_value": SMALL_SHARE,
            "current_year": 2022,
            "current_value": SURVEY_SHARE,
            "target": SURVEY_SHARE,
            "target_year": 2030,
            "annual_change": SMALL_SHARE,
        },
        explanation_de="Der Anteil stieg.",
        explanation_en="The share rose.",
    )
    return AwkwardNumbers(
        count_indicator=count, share_indicator=share, balance_indicator=balance, dated_indicator=dated
    )
