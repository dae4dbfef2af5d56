"""Factories for the monitoring domain."""

import datetime

import factory

from teilhabe.monitoring import models
from teilhabe.monitoring.periods import parse_period
from tests.accounts.factories import AuthorityFactory


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Edition
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"edition-{n}")
    title = factory.Sequence(lambda n: f"Integration concept {n}")
    title_en = factory.Sequence(lambda n: f"Integration concept {n}")
    adopted_on = datetime.date(2017, 2, 1)
    is_current = False


class AreaOfActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AreaOfAction

    edition = factory.SubFactory(EditionFactory)
    code = factory.Sequence(lambda n: f"area-{n}")
    title = factory.Sequence(lambda n: f"Area {n}")
    we_statement = "Wir sorgen dafür, dass alle gleich teilhaben."
    we_statement_en = "We make sure everyone participates equally."


class SubGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SubGoal

    area = factory.SubFactory(AreaOfActionFactory)
    code = factory.Sequence(lambda n: f"goal-{n}")
    text = "Der Anteil steigt."


class DimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BreakdownDimension
        django_get_or_create = ["code"]

    code = "migration_background"
    name = "Migrationshintergrund"
    name_en = "Immigrant background"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BreakdownCategory
        django_get_or_create = ["dimension", "code"]

    dimension = factory.SubFactory(DimensionFactory)
    code = "yes"
    name = factory.LazyAttribute(lambda o: o.code)


class GeographyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Geography
        django_get_or_create = ["code"]

    code = "city"
    name = "Stadt"
    level = models.Geography.Level.CITY
    population = 1_000_000


class DistrictFactory(GeographyFactory):
    code = factory.Sequence(lambda n: f"district-{n}")
    name = factory.Sequence(lambda n: f"District {n}")
    level = models.Geography.Level.DISTRICT
    parent = factory.SubFactory(GeographyFactory)
    population = 100_000


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Indicator
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"I{n}")


class IndicatorVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.IndicatorVersion

    indicator = factory.SubFactory(IndicatorFactory)
    area = factory.SubFactory(AreaOfActionFactory)
    edition = factory.SelfAttribute("area.edition")
    title = factory.Sequence(lambda n: f"Share of pupils with a school-leaving certificate {n}")
    title_en = factory.SelfAttribute("title")
    definition = "Share of school leavers with at least a lower secondary certificate."
    unit = "%"
    direction = models.Direction.POSITIVE
    authority = factory.SubFactory(AuthorityFactory)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Target

    indicator = factory.SubFactory(IndicatorFactory)
    edition = factory.SubFactory(EditionFactory)
    geography = factory.SubFactory(GeographyFactory)
    baseline_value = 80.0
    baseline_year = 2015
    target_value = 90.0
    target_year = 2030


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Observation

    class Params:
        year = 2020

    indicator = factory.SubFactory(IndicatorFactory)
    geography = factory.SubFactory(GeographyFactory)
    period = factory.LazyAttribute(lambda o: str(o.year))
    period_kind = factory.LazyAttribute(lambda o: parse_period(o.period).kind.value)
    period_start = factory.LazyAttribute(lambda o: parse_period(o.period).start)
    period_end = factory.LazyAttribute(lambda o: parse_period(o.period).end)
    value = 50.0


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Measure

    code = factory.Sequence(lambda n: f"measure-{n}")
    title = factory.Sequence(lambda n: f"Language support in day-care {n}")
    authority = factory.SubFactory(AuthorityFactory)
