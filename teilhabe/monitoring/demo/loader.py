"""Write the illustrative demo concept into the database, and remove it again.

Bulk writes without history rows: the demo is not an edit anybody made, so it has no revisions to show.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from teilhabe.accounts.models import Authority, User
from teilhabe.core.cache import bump_data_version
from teilhabe.core.models import SiteProfile
from teilhabe.monitoring.assessing import recompute_assessments
from teilhabe.monitoring.models import (
    AreaOfAction,
    Assessment,
    BreakdownCategory,
    BreakdownDimension,
    Edition,
    Geography,
    Indicator,
    IndicatorVersion,
    Measure,
    Observation,
    SubGoal,
    Target,
)
from teilhabe.monitoring.periods import parse_period

from . import generator
from .content import (
    AUTHORITIES,
    CITY_CODE,
    CITY_NAME,
    DEFAULT_SEED,
    DEMO_USERS,
    DIMENSIONS,
    DISTRICTS,
    EDITION_2013,
    EDITION_2017,
    EDITIONS,
    FIELDS,
    MEASURES,
    OBSERVATION_SOURCE,
    SITE_PROFILE,
    EditionSpec,
    authority_contact,
)
from .indicators import INDICATORS, REDEFINED_IN_2017, IndicatorSpec

BATCH_SIZE = 2000
MINIMUM_SURVEY_SAMPLE = 50
GEOGRAPHY_CODES = (CITY_CODE, *(district.code for district in DISTRICTS))


class DemoRefused(Exception):
    """The database holds content that is not the demo's; loading the demo would mix the two."""


def is_demo_loaded() -> bool:
    return Edition.objects.filter(code__in=[e.code for e in EDITIONS], is_illustrative=True).exists()


@transaction.atomic
def load_demo(*, seed: int = DEFAULT_SEED, reset: bool = False, today: date | None = None) -> dict[str, int]:
    """Load the demo concept and return counts of what was created.

    Returns an empty mapping when the demo is already loaded (and `reset` is false). With `reset`, the demo
    content is deleted first. Refuses (DemoRefused) when the database holds a concept that is not the demo's.
    """
    if reset:
        delete_demo()
    elif is_demo_loaded():
        return {}
    _refuse_unless_empty()
    today = today or timezone.localdate()

    _create_dimensions()
    categories = {(c.dimension.code, c.code): c for c in BreakdownCategory.objects.select_related("dimension")}
    dimensions = {d.code: d for d in BreakdownDimension.objects.all()}
    authorities = _create_authorities()
    geographies = _create_geography()
    editions = _create_editions()
    areas, sub_goals = _create_areas(editions)
    indicators = {spec.code: Indicator(code=spec.code) for spec in INDICATORS}
    Indicator.objects.bulk_create(indicators.values())
    versions = _create_versions(editions, areas, sub_goals, indicators, authorities, categories, dimensions)

    observation_rows = generator.generate_observations(INDICATORS, seed=seed, today=today)
    target_rows = generator.generate_targets(
        INDICATORS, observation_rows, current_edition=EDITION_2017.code, earlier_edition=EDITION_2013.code
    )
    Target.objects.bulk_create(
        [_target(row, indicators, editions, geographies) for row in target_rows], batch_size=BATCH_SIZE
    )
    Observation.objects.bulk_create(
        (_observation(row, indicators, geographies) for row in observation_rows), batch_size=BATCH_SIZE
    )
    measures = _create_measures(authorities, sub_goals[EDITION_2017.code], indicators)
    _update_site_profile()
    _load_boundaries()
    users = _create_users(authorities)
    assessments = sum(recompute_assessments(edition=edition, today=today) for edition in editions.values())
    transaction.on_commit(bump_data_version)
    return {
        "editions": len(editions),
        "areas of action": len(areas),
        "sub-goals": sum(len(goals) for goals in sub_goals.values()),
        "indicators": len(indicators),
        "indicator versions": versions,
        "targets": len(target_rows),
        "observations": len(observation_rows),
        "measures": measures,
        "authorities": len(authorities),
        "geographies": len(geographies),
        "users": users,
        "assessments": assessments,
    }


def _refuse_unless_empty() -> None:
    real_editions = list(Edition.objects.values_list("code", flat=True)[:3])
    if real_editions:
        raise DemoRefused(
            f"The database already holds a concept ({', '.join(real_editions)}) that is not the demo; "
            "the illustrative demo is only loaded into a database without a concept of its own."
        )
    if Geography.objects.exists() or Indicator.objects.exists():
        raise DemoRefused(
            "The database already holds geographies or indicators that are not the demo's; "
            "the illustrative demo is only loaded into a database without a concept of its own."
        )


def _create_dimensions() -> None:
    for position, (code, name, categories) in enumerate(DIMENSIONS):
        dimension, _created = BreakdownDimension.objects.get_or_create(
            code=code, defaults={"name_de": name[0], "name_en": name[1], "position": position}
        )
        for category_position, (category_code, category_name) in enumerate(categories):
            BreakdownCategory.objects.get_or_create(
                dimension=dimension,
                code=category_code,
                defaults={"name_de": category_name[0], "name_en": category_name[1], "position": category_position},
            )


def _create_authorities() -> dict[str, Authority]:
    authorities = {}
    for position, spec in enumerate(AUTHORITIES):
        authorities[spec.code], _created = Authority.objects.get_or_create(
            code=spec.code,
            defaults={
                "name_de": spec.name[0],
                "name_en": spec.name[1],
                "abbreviation": spec.abbreviation,
                "is_department": spec.is_department,
                **authority_contact(spec.code, position),
            },
        )
    return authorities


def _create_geography() -> dict[str, Geography]:
    city = Geography.objects.create(
        code=CITY_CODE,
        name_de=CITY_NAME[0],
        name_en=CITY_NAME[1],
        level=Geography.Level.CITY,
        population=sum(district.population for district in DISTRICTS),
    )
    districts = Geography.objects.bulk_create(
        Geography(
            code=d.code,
            name_de=d.name[0],
            name_en=d.name[1],
            level=Geography.Level.DISTRICT,
            parent=city,
            population=d.population,
            position=position,
        )
        for position, d in enumerate(DISTRICTS, start=1)
    )
    return {city.code: city, **{district.code: district for district in districts}}


def _create_editions() -> dict[str, Edition]:
    editions: dict[str, Edition] = {}
    previous = None
    for spec in EDITIONS:
        editions[spec.code] = previous = Edition.objects.create(
            code=spec.code,
            title_de=spec.title[0],
            title_en=spec.title[1],
            description_de=spec.description[0],
            description_en=spec.description[1],
            adopted_on=spec.adopted_on,
            supersedes=previous,
            decision_reference=spec.decision_reference,
            decision_on=spec.decision_on,
            is_current=spec.is_current,
            is_illustrative=True,
        )
    return editions


def _in_edition(edition: EditionSpec, *, is_new_in_2017: bool) -> bool:
    return edition.code == EDITION_2017.code or not is_new_in_2017


def _create_areas(
    editions: dict[str, Edition],
) -> tuple[dict[tuple[str, str], AreaOfAction], dict[str, dict[tuple[str, int], SubGoal]]]:
    """Fields and topics of both editions, keyed (edition code, area code); sub-goals keyed (topic, position)."""
    fields, topics = [], []
    for spec in EDITIONS:
        edition = editions[spec.code]
        for position, field in enumerate(FIELDS, start=1):
            if not _in_edition(spec, is_new_in_2017=field.is_new_in_2017):
                continue
            fields.append(
                AreaOfAction(
                    edition=edition,
                    code=field.code,
                    title_de=field.title[0],
                    title_en=field.title[1],
                    we_statement_de=field.we_statement[0],
                    we_statement_en=field.we_statement[1],
                    position=position,
                )
            )
    AreaOfAction.objects.bulk_create(fields)
    areas = {(area.edition.code, area.code): area for area in fields}
    for spec in EDITIONS:
        position = 0
        for field in FIELDS:
            for topic in field.topics:
                if not _in_edition(spec, is_new_in_2017=field.is_new_in_2017 or topic.is_new_in_2017):
                    continue
                position += 1
                topics.append(
                    AreaOfAction(
                        edition=editions[spec.code],
                        parent=areas[(spec.code, field.code)],
                        code=topic.code,
                        title_de=topic.title[0],
                        title_en=topic.title[1],
                        we_statement_de=topic.we_statement[0],
                        we_statement_en=topic.we_statement[1],
                        position=position,
                    )
                )
    AreaOfAction.objects.bulk_create(topics)
    areas.update({(area.edition.code, area.code): area for area in topics})
    topic_specs = {topic.code: topic for field in FIELDS for topic in field.topics}
    goals = [
        SubGoal(area=area, code=f"{area.code}-{number}", text_de=text[0], text_en=text[1], position=number)
        for area in topics
        for number, text in enumerate(topic_specs[area.code].sub_goals, start=1)
    ]
    SubGoal.objects.bulk_create(goals)
    sub_goals: dict[str, dict[tuple[str, int], SubGoal]] = {spec.code: {} for spec in EDITIONS}
    for goal in goals:
        sub_goals[goal.area.edition.code][(goal.area.code, goal.position)] = goal
    return areas, sub_goals


def _version(
    spec: IndicatorSpec,
    edition: Edition,
    area: AreaOfAction,
    position: int,
    authority: Authority,
    categories: dict[tuple[str, str], BreakdownCategory],
) -> IndicatorVersion:
    title, definition = spec.title, spec.definition
    status = IndicatorVersion.Status.ACTIVE
    if edition.code == EDITION_2013.code and spec.code in REDEFINED_IN_2017:
        title, definition = REDEFINED_IN_2017[spec.code]
    elif edition.code == EDITION_2017.code and spec.has("retired"):
        status = IndicatorVersion.Status.RETIRED
    elif edition.code == EDITION_2017.code and spec.has("proposed"):
        status = IndicatorVersion.Status.PROPOSED
    parameters: dict[str, object] = {"base_year": 2015}
    if spec.unit.limit is not None:
        parameters["limit"] = spec.unit.limit
    if spec.unit.kind == "count":
        # A city-wide count target means nothing for one district's count.
        parameters["city_target_for_districts"] = False
    gap = {}
    if spec.is_gap:
        gap = {
            "comparison": IndicatorVersion.Comparison.GAP,
            "group_a": categories[("migration_background", "yes")],
            "group_b": categories[("migration_background", "no")],
            "gap_metric": IndicatorVersion.GapMetric.DIFFERENCE,
        }
    return IndicatorVersion(
        edition=edition,
        area=area,
        status=status,
        position=position,
        title_de=title[0],
        title_en=title[1],
        definition_de=definition[0],
        definition_en=definition[1],
        unit_de=spec.unit.label[0],
        unit_en=spec.unit.label[1],
        decimals=spec.unit.decimals,
        direction=spec.direction,
        data_source_de=spec.source[0],
        data_source_en=spec.source[1],
        authority=authority,
        profile=IndicatorVersion.Profile.LINEAR if spec.is_gap else IndicatorVersion.Profile.OPENSDG,
        profile_parameters=parameters,
        minimum_sample_size=MINIMUM_SURVEY_SAMPLE if spec.has("survey") else None,
        **gap,
    )


def _breakdown_codes(spec: IndicatorSpec) -> list[str]:
    codes = ["migration_background"] if spec.has_groups else []
    codes += [code for flag, code in (("refugee", "refugee"), ("sex", "sex"), ("age", "age_band")) if spec.has(flag)]
    return codes


def _create_versions(editions, areas, sub_goals, indicators, authorities, categories, dimensions) -> int:
    versions: list[tuple[IndicatorSpec, IndicatorVersion]] = []
    for edition_spec in EDITIONS:
        edition = editions[edition_spec.code]
        positions: Counter[str] = Counter()
        for spec in INDICATORS:
            if not _in_edition(edition_spec, is_new_in_2017=spec.has("new2017") or spec.has("proposed")):
                continue
            area = areas.get((edition.code, spec.topic))
            if area is None:  # the topic itself is new in 2017
                continue
            positions[spec.topic] += 1
            version = _version(spec, edition, area, positions[spec.topic], authorities[spec.authority], categories)
            version.indicator = indicators[spec.code]
            versions.append((spec, version))
    IndicatorVersion.objects.bulk_create([version for _spec, version in versions], batch_size=BATCH_SIZE)
    goal_links, breakdown_links = [], []
    for spec, version in versions:
        goal = sub_goals[version.edition.code][(spec.topic, spec.sub_goal)]
        goal_links.append(IndicatorVersion.sub_goals.through(indicatorversion=version, subgoal=goal))
        breakdown_links += [
            IndicatorVersion.breakdowns.through(indicatorversion=version, breakdowndimension=dimensions[code])
            for code in _breakdown_codes(spec)
        ]
    IndicatorVersion.sub_goals.through.objects.bulk_create(goal_links, batch_size=BATCH_SIZE)
    IndicatorVersion.breakdowns.through.objects.bulk_create(breakdown_links, batch_size=BATCH_SIZE)
    return len(versions)


def _target(row: generator.TargetRow, indicators, editions, geographies) -> Target:
    return Target(
        indicator=indicators[row.indicator],
        edition=editions[row.edition],
        kind=row.kind,
        breakdown_key=row.breakdown_key,
        geography=geographies[row.geography],
        baseline_value=row.baseline_value,
        baseline_year=row.baseline_year,
        target_value=row.target_value,
        target_year=row.target_year,
        note_de=row.note[0],
        note_en=row.note[1],
    )


def _observation(row: generator.ObservationRow, indicators, geographies) -> Observation:
    period = parse_period(row.period)
    return Observation(
        indicator=indicators[row.indicator],
        period=period.code,
        period_kind=period.kind.value,
        period_start=period.start,
        period_end=period.end,
        breakdown_key=row.breakdown_key,
        geography=geographies[row.geography],
        value=row.value,
        standard_error=row.standard_error,
        sample_size=row.sample_size,
        is_provisional=row.is_provisional,
        source=OBSERVATION_SOURCE,
        released_on=row.released_on,
    )


def _create_measures(authorities, sub_goals, indicators) -> int:
    measures = Measure.objects.bulk_create(
        Measure(
            code=spec.code,
            title_de=spec.title[0],
            title_en=spec.title[1],
            description_de=spec.description[0],
            description_en=spec.description[1],
            authority=authorities[spec.authority],
            status=spec.status,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
        )
        for spec in MEASURES
    )
    goal_links, indicator_links = [], []
    for spec, measure in zip(MEASURES, measures, strict=True):
        goal_links += [Measure.sub_goals.through(measure=measure, subgoal=sub_goals[key]) for key in spec.sub_goals]
        indicator_links += [
            Measure.indicators.through(measure=measure, indicator=indicators[code]) for code in spec.indicators
        ]
    Measure.sub_goals.through.objects.bulk_create(goal_links)
    Measure.indicators.through.objects.bulk_create(indicator_links)
    return len(measures)


def _update_site_profile() -> None:
    profile = SiteProfile.objects.order_by("pk").first() or SiteProfile()
    for name, value in SITE_PROFILE.items():
        setattr(profile, name, value)
    profile.save()


def _load_boundaries() -> None:
    """The demo's generated, fictional district outlines, through the same checks a city's file passes."""
    from teilhabe.monitoring.boundaries import load_district_boundaries
    from teilhabe.monitoring.services import get_system_actor

    from .boundaries import GEOJSON_PATH

    load_district_boundaries(
        text=GEOJSON_PATH.read_bytes(),
        user=get_system_actor("load_demo"),
        source="districts.geojson (illustrative)",
        is_illustrative=True,
    )


def _create_users(authorities: dict[str, Authority]) -> int:
    """The demo's staff accounts; an existing account of the same name is left as it is."""
    created = 0
    groups = {group.name: group for group in Group.objects.all()}
    for spec in DEMO_USERS:
        if User.objects.filter(username=spec.username).exists():
            continue
        user = User(
            username=spec.username,
            email=f"{spec.username}@example.org",
            first_name=spec.username.title(),
            last_name="(Demo)",
            authority=authorities[spec.authority],
            is_staff=True,
            is_superuser=spec.is_superuser,
        )
        user.set_password(spec.password)
        user.save()
        user.groups.add(groups[spec.role])
        created += 1
    return created


@transaction.atomic
def delete_demo() -> dict[str, int]:
    """Remove everything the demo created; content that is not the demo's stays."""
    edition_codes = [spec.code for spec in EDITIONS]
    indicator_ids = list(
        Indicator.objects.filter(code__in=[spec.code for spec in INDICATORS], versions__edition__is_illustrative=True)
        .values_list("pk", flat=True)
        .distinct()
    )
    counts = {
        "users": _delete(
            User.objects.filter(
                username__in=[u.username for u in DEMO_USERS], email__endswith="@example.org", last_name="(Demo)"
            )
        ),
        # Tens of thousands of rows: a plain DELETE, without writing a history row per deleted observation.
        "observations": Observation.objects.filter(indicator_id__in=indicator_ids)._raw_delete(Observation.objects.db),
    }
    Observation.history.model.objects.filter(indicator_id__in=indicator_ids)._raw_delete(Observation.objects.db)
    Assessment.objects.filter(edition__code__in=edition_codes).delete()
    counts["measures"] = _delete(Measure.objects.filter(code__in=[spec.code for spec in MEASURES]))
    demo_editions = Edition.objects.filter(code__in=edition_codes, is_illustrative=True)
    counts["targets"] = _delete(Target.objects.filter(edition__in=demo_editions))
    counts["indicator versions"] = _delete(IndicatorVersion.objects.filter(edition__in=demo_editions))
    counts["editions"] = 0
    for code in reversed(edition_codes):  # the later edition protects the one it supersedes
        counts["editions"] += _delete(Edition.objects.filter(code=code, is_illustrative=True))
    counts["indicators"] = _delete(Indicator.objects.filter(pk__in=indicator_ids, versions__isnull=True))
    counts["geographies"] = _delete_unreferenced(Geography.objects.filter(code__in=GEOGRAPHY_CODES).order_by("-level"))
    counts["authorities"] = _delete_unreferenced(
        Authority.objects.filter(code__in=[spec.code for spec in AUTHORITIES], email__endswith="@example.org")
    )
    SiteProfile.objects.filter(is_illustrative=True).delete()
    transaction.on_commit(bump_data_version)
    return counts


def _delete(queryset) -> int:
    """Delete and count the queryset's own rows (not the rows deleted with them)."""
    _total, per_model = queryset.delete()
    return per_model.get(queryset.model._meta.label, 0)


def _delete_unreferenced(queryset) -> int:
    """Delete each object unless something that is not the demo's still refers to it."""
    deleted = 0
    for obj in queryset:
        try:
            obj.delete()
            deleted += 1
        except ProtectedError:
            pass
    return deleted
