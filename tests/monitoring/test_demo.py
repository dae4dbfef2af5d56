"""The illustrative demo concept: its size, its consistency, its labelling, and that loading it is repeatable.

The demo is loaded once for this module inside a transaction that is rolled back at the end, so no other
test module sees it; each test runs in a savepoint of its own on top of it.
"""

import re
import sys
import types
from collections import defaultdict
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction

from teilhabe.accounts.models import Authority, User
from teilhabe.core.models import SiteProfile
from teilhabe.monitoring import demo
from teilhabe.monitoring.demo import generator
from teilhabe.monitoring.demo.indicators import INDICATORS
from teilhabe.monitoring.models import (
    AreaOfAction,
    BreakdownCategory,
    BreakdownDimension,
    Edition,
    Geography,
    IndicatorVersion,
    Measure,
    Observation,
    SubGoal,
    Target,
)
from teilhabe.portal.management.commands import load_demo as load_demo_command

SEED = 11
LOADED_ON = date(2026, 6, 1)
YES, NO = "migration_background=yes", "migration_background=no"
SHARE_CODES = {spec.code for spec in INDICATORS if spec.unit.kind == "share"}


@pytest.fixture(scope="module")
def demo_counts(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        counts = demo.load_demo(seed=SEED, today=LOADED_ON)
        yield counts
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo_counts, db):
    return demo_counts


def current_edition() -> Edition:
    return Edition.objects.get(code="demo-2017")


def observation_checksum() -> str:
    rows = Observation.objects.values_list("indicator__code", "period", "geography__code", "breakdown_key", "value")
    return generator.checksum(rows)


def city_cells() -> dict[tuple[str, str, str], dict[str, float]]:
    """(indicator, period, geography) → breakdown key → value."""
    cells: dict[tuple[str, str, str], dict[str, float]] = defaultdict(dict)
    for code, period, geography, key, value in Observation.objects.values_list(
        "indicator__code", "period", "geography__code", "breakdown_key", "value"
    ):
        cells[(code, period, geography)][key] = value
    return cells


# --- size and structure --------------------------------------------------------------------------------


def test_seven_fields_of_action_hold_26_topics(loaded):
    edition = current_edition()
    fields = AreaOfAction.objects.filter(edition=edition, parent__isnull=True)
    topics = AreaOfAction.objects.filter(edition=edition, parent__isnull=False)
    assert fields.count() == 7
    assert topics.count() == 26
    assert all(topic.parent.parent_id is None for topic in topics)


def test_every_topic_has_a_we_statement_and_at_least_two_sub_goals(loaded):
    for topic in AreaOfAction.objects.filter(edition=current_edition(), parent__isnull=False):
        assert topic.we_statement_de.startswith("Wir "), topic.code
        assert topic.we_statement_en.startswith("We "), topic.code
        assert SubGoal.objects.filter(area=topic).count() >= 2, topic.code


def test_at_least_140_active_indicators_with_real_titles(loaded):
    versions = IndicatorVersion.objects.filter(edition=current_edition())
    assert versions.filter(status=IndicatorVersion.Status.ACTIVE).count() >= 140
    numbered = re.compile(r"(Indicator|Indikator) \d+")
    for version in versions:
        assert not numbered.search(version.title_de) and not numbered.search(version.title_en), version.title_en
        assert len(version.definition_de) > 40 and len(version.definition_en) > 40, version.indicator.code
    assert versions.values("title_en").distinct().count() == versions.count()


def test_every_topic_has_indicators_linked_to_its_sub_goals(loaded):
    edition = current_edition()
    for topic in AreaOfAction.objects.filter(edition=edition, parent__isnull=False):
        versions = IndicatorVersion.objects.filter(edition=edition, area=topic)
        assert versions.count() >= 4, topic.code
        for version in versions:
            assert [goal.area_id for goal in version.sub_goals.all()] == [topic.pk], version.indicator.code


TRANSLATED_FIELDS = [
    ("editions", Edition, ["title", "description"]),
    ("areas", AreaOfAction, ["title", "we_statement"]),
    ("sub-goals", SubGoal, ["text"]),
    ("indicator versions", IndicatorVersion, ["title", "definition", "unit", "data_source"]),
    ("measures", Measure, ["title", "description"]),
    ("breakdown dimensions", BreakdownDimension, ["name"]),
    ("breakdown categories", BreakdownCategory, ["name"]),
    ("geographies", Geography, ["name"]),
    ("authorities", Authority, ["name"]),
]


@pytest.mark.parametrize(("label", "model", "fields"), TRANSLATED_FIELDS, ids=[row[0] for row in TRANSLATED_FIELDS])
def test_user_facing_text_exists_in_german_and_english(loaded, label, model, fields):
    rows = list(model.objects.values(*[f"{field}_{language}" for field in fields for language in ("de", "en")]))
    assert rows, label
    for row in rows:
        assert all(value.strip() for value in row.values()), row


def test_most_indicators_compare_people_with_and_without_an_immigrant_background(loaded):
    edition = current_edition()
    active = IndicatorVersion.objects.filter(edition=edition, status=IndicatorVersion.Status.ACTIVE)
    by_background = active.filter(breakdowns__code="migration_background")
    assert by_background.count() * 2 > active.count()
    gaps = active.filter(comparison=IndicatorVersion.Comparison.GAP)
    assert gaps.count() >= 40
    for version in gaps.select_related("group_a__dimension", "group_b__dimension"):
        assert (version.group_a.key, version.group_b.key) == (YES, NO)
        assert version.gap_metric == IndicatorVersion.GapMetric.DIFFERENCE
        assert Target.objects.filter(indicator=version.indicator, edition=edition, kind="gap").count() == 1
    for key in ("refugee=yes", "sex=female", "sex=male", "age_band=under_25"):
        assert Observation.objects.filter(breakdown_key=key).exists(), key


def test_directions_units_and_authorities_are_set(loaded):
    versions = IndicatorVersion.objects.filter(edition=current_edition()).select_related("indicator", "authority")
    directions = {version.indicator.code: version.direction for version in versions}
    assert directions["3.1.1"] == "negative"  # unemployment rate
    assert directions["2.1.1"] == "positive"  # children under three in day care
    assert directions["2.2.1"] == "negative"  # school leavers without a certificate
    assert all(version.unit_de and version.authority for version in versions)
    assert Authority.objects.filter(is_department=True).count() == 1
    assert 8 <= Authority.objects.count() <= 10


def test_geography_is_a_city_with_seven_districts_that_add_up(loaded):
    city = Geography.objects.get(level=Geography.Level.CITY)
    districts = Geography.objects.filter(parent=city)
    assert districts.count() == 7
    assert sum(district.population for district in districts) == city.population


def test_at_least_30_measures_linked_to_sub_goals_indicators_and_authorities(loaded):
    edition = current_edition()
    measures = Measure.objects.prefetch_related("sub_goals__area", "indicators")
    assert measures.count() >= 30
    for measure in measures:
        assert measure.authority_id is not None, measure.code
        assert measure.indicators.exists(), measure.code
        assert measure.sub_goals.exists(), measure.code
        assert {goal.area.edition_id for goal in measure.sub_goals.all()} == {edition.pk}


# --- editions --------------------------------------------------------------------------------------------


def test_the_2017_edition_supersedes_2013_and_differs_from_it(loaded):
    current = current_edition()
    earlier = Edition.objects.get(code="demo-2013")
    assert current.is_current and not earlier.is_current
    assert current.supersedes == earlier
    assert current.decision_reference and current.decision_on
    assert current.title_en == "Illustrative integration concept 2017 (demo)"

    def versions(edition):
        return {
            v.indicator.code: v for v in IndicatorVersion.objects.filter(edition=edition).select_related("indicator")
        }

    now, before = versions(current), versions(earlier)
    added = set(now) - set(before)
    assert len(added) >= 20 and "7.1.1" in added
    assert set(before) <= set(now)
    assert {code for code, v in now.items() if v.status == "retired"} == {"1.2.9", "2.2.9", "3.1.9"}
    assert {code for code, v in now.items() if v.status == "proposed"} == {"7.3.6"}
    redefined = {code for code in before if before[code].definition_en != now[code].definition_en}
    assert redefined == {"2.1.1", "3.4.2", "6.3.1"}
    earlier_targets = {t.indicator.code: t for t in Target.objects.filter(edition=earlier).select_related("indicator")}
    changed = [
        code
        for code, target in earlier_targets.items()
        if Target.objects.filter(edition=current, indicator__code=code, kind="value", geography__code="musterstadt")
        .exclude(target_value=target.target_value)
        .exists()
    ]
    assert len(earlier_targets) >= 20 and len(changed) >= 10
    assert not AreaOfAction.objects.filter(edition=earlier, code="f7").exists()


# --- observations and targets ------------------------------------------------------------------------------


def test_district_totals_average_to_the_city_by_population(loaded):
    population = dict(Geography.objects.values_list("code", "population"))
    districts = [code for code in population if code != "musterstadt"]
    cells = city_cells()
    checked = 0
    for (code, period, geography), values in cells.items():
        if geography != "musterstadt" or code not in SHARE_CODES:
            continue
        district_totals = [cells.get((code, period, district), {}).get("") for district in districts]
        if None in district_totals:  # an indicator reported for the city only
            continue
        weighted = sum(population[d] * value for d, value in zip(districts, district_totals, strict=True))
        # Each value is rounded to one decimal, so the mean of rounded values may differ by up to 0.1.
        assert weighted / sum(population[d] for d in districts) == pytest.approx(values[""], abs=0.1 + 1e-9), (
            code,
            period,
        )
        checked += 1
    assert checked >= 500


def test_counts_of_districts_add_up_to_the_city(loaded):
    counts = {spec.code for spec in INDICATORS if spec.unit.kind == "count" and not spec.has("city_only")}
    cells = city_cells()
    districts = list(Geography.objects.filter(level="district").values_list("code", flat=True))
    checked = 0
    for (code, period, geography), values in cells.items():
        if geography == "musterstadt" and code in counts:
            assert sum(cells[(code, period, d)][""] for d in districts) == values[""], (code, period)
            checked += 1
    assert checked >= 30


def test_a_total_lies_between_its_two_group_values(loaded):
    checked = 0
    for cell, values in city_cells().items():
        if YES in values:
            low, high = sorted((values[YES], values[NO]))
            assert low <= values[""] <= high, cell
            checked += 1
    assert checked >= 3000


def test_shares_lie_between_0_and_100(loaded):
    values = Observation.objects.filter(indicator__code__in=SHARE_CODES).values_list("value", flat=True)
    assert len(values) > 10000
    assert 0 <= min(values) and max(values) <= 100


def test_data_have_the_gaps_and_period_kinds_of_real_statistics(loaded):
    def periods(code, key=""):
        return list(
            Observation.objects.filter(indicator__code=code, geography__code="musterstadt", breakdown_key=key)
            .order_by("period_start")
            .values_list("period", flat=True)
        )

    assert periods("2.2.1")[:2] == ["2010/11", "2011/12"] and periods("2.2.1")[-1] == "2023/24"
    assert periods("7.1.1")[0] == "2016-12-31" and periods("7.1.1")[-1] == "2024-12-31"
    assert periods("3.3.1")[0] == "2016"
    assert periods("1.1.1") == ["2011", "2016", "2021"]
    assert periods("1.3.1") == [str(year) for year in range(2011, 2024, 2)]
    assert len(periods("2.1.4")) == 13  # two years missing
    assert periods("3.1.9")[-1] == "2016"  # discontinued with its retirement
    assert not Observation.objects.filter(indicator__code="7.3.6").exists()  # proposed, no data yet
    assert not Observation.objects.filter(indicator__code="1.2.3").exclude(geography__code="musterstadt").exists()


def test_latest_values_are_partly_provisional_and_partly_unreleased(loaded):
    provisional = Observation.objects.filter(is_provisional=True)
    assert set(provisional.values_list("indicator__code", flat=True)) >= {"3.1.1", "2.2.1", "6.3.1"}
    assert set(provisional.values_list("period", flat=True)) <= {"2024", "2023/24", "2024-12-31", "2023"}
    unreleased = Observation.objects.filter(released_on__gt=LOADED_ON)
    assert set(unreleased.values_list("indicator__code", flat=True)) == {"3.1.4", "6.3.6"}
    assert set(unreleased.values_list("period", flat=True)) == {"2024"}
    assert not Observation.objects.filter(released_on__isnull=True).exists()


def test_survey_indicators_carry_standard_errors_and_sample_sizes(loaded):
    survey = Observation.objects.filter(indicator__code="1.3.1", period="2023", geography__code="musterstadt")
    rows = {row.breakdown_key: row for row in survey}
    assert set(rows) == {"", YES, NO}
    assert rows[""].sample_size == rows[YES].sample_size + rows[NO].sample_size
    for row in rows.values():
        assert 0 < row.standard_error < 3
    assert not Observation.objects.filter(indicator__code="3.1.1", standard_error__isnull=False).exists()


def test_targets_have_a_2015_baseline_and_some_are_for_districts(loaded):
    targets = Target.objects.filter(edition=current_edition())
    assert targets.count() >= 140
    assert targets.filter(baseline_year=2015).count() * 4 > targets.count() * 3
    assert set(targets.values_list("target_year", flat=True)) == {2025, 2030}
    district_targets = targets.exclude(geography__code="musterstadt")
    assert set(district_targets.values_list("geography__code", flat=True)) == {"hafen", "mitte"}
    assert district_targets.values("indicator").distinct().count() >= 4


def test_some_indicators_are_off_track_and_some_have_achieved_their_target(loaded):
    achieved, deteriorating = set(), set()
    for target in Target.objects.filter(edition=current_edition(), kind="value").select_related(
        "indicator", "geography"
    ):
        latest = (
            Observation.objects.filter(
                indicator=target.indicator, geography=target.geography, breakdown_key=target.breakdown_key
            )
            .order_by("-period_start")
            .first()
        )
        wanted = target.target_value - target.baseline_value
        moved = latest.value - target.baseline_value
        if moved * wanted < 0:
            deteriorating.add(target.indicator.code)
        elif abs(moved) >= abs(wanted):
            achieved.add(target.indicator.code)
    assert {"3.4.4", "4.1.3", "6.4.1"} <= deteriorating
    assert 3 <= len(deteriorating) <= 25
    assert len(achieved) >= 10


# --- labelling -------------------------------------------------------------------------------------------


def test_everything_is_marked_illustrative(loaded):
    assert set(Observation.objects.values_list("source", flat=True)) == {"Illustrative data (demo)"}
    assert not Edition.objects.filter(is_illustrative=False).exists()
    for version in IndicatorVersion.objects.all():
        assert version.data_source_en.startswith("Illustrative data (demo)")
        assert version.data_source_de.startswith("Illustrative Daten (Demo)")
    profile = SiteProfile.current()
    assert profile.is_illustrative and profile.pk is not None
    assert profile.city_name == "Musterstadt (Demo)"
    assert profile.contact_email.endswith("@example.org")
    assert profile.accessibility_contact_email.endswith("@example.org")
    assert all(email.endswith("@example.org") for email in Authority.objects.values_list("email", flat=True))


def test_demo_accounts_have_their_roles(loaded):
    expected = {
        "admin": ("department_admin", "integration", "demo-admin-password"),
        "schule": ("authority_staff", "schule", "demo-password-123"),
        "soziales": ("authority_staff", "soziales", "demo-password-123"),
        "moderation": ("moderator", "integration", "demo-password-123"),
        "analyse": ("analyst", "integration", "demo-password-123"),
    }
    for username, (role, authority, password) in expected.items():
        user = User.objects.select_related("authority").get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.authority.code == authority
        assert user.check_password(password)
        assert user.is_superuser == (username == "admin")
    assert Group.objects.get(name="department_admin").user_set.get().username == "admin"


# --- loading again ---------------------------------------------------------------------------------------


def test_loading_twice_changes_nothing_and_a_reset_reproduces_the_same_values(loaded):
    # given
    before = observation_checksum()
    counts = {
        model: model.objects.count()
        for model in (
            Edition,
            AreaOfAction,
            SubGoal,
            IndicatorVersion,
            Target,
            Observation,
            Measure,
            Geography,
            Authority,
            User,
        )
    }
    # when loaded again
    assert demo.load_demo(seed=SEED, today=LOADED_ON) == {}
    # then
    assert {model: model.objects.count() for model in counts} == counts
    # when reset and loaded with the same seed
    result = demo.load_demo(seed=SEED, reset=True, today=LOADED_ON)
    # then
    assert result == loaded
    assert {model: model.objects.count() for model in counts} == counts
    assert observation_checksum() == before


def test_the_generator_is_deterministic_per_seed():
    def digest(seed):
        rows = generator.generate_observations(INDICATORS, seed=seed, today=LOADED_ON)
        return len(rows), generator.checksum(
            (r.indicator, r.period, r.geography, r.breakdown_key, r.value) for r in rows
        )

    (count, first), (count_again, again), (other_count, other) = digest(SEED), digest(SEED), digest(SEED + 1)
    assert (count, first) == (count_again, again)
    assert other_count == count  # the seed changes values, not which cells exist
    assert other != first


def test_the_demo_is_not_loaded_over_a_real_concept(loaded):
    # given a database holding a city's own concept
    demo.delete_demo()
    Edition.objects.create(code="own-2020", title="Unser Konzept", is_current=True)
    # when
    with pytest.raises(demo.DemoRefused, match="own-2020"):
        demo.load_demo(seed=SEED)
    # then
    assert list(Edition.objects.values_list("code", flat=True)) == ["own-2020"]
    assert not Geography.objects.exists()
    assert not Observation.objects.exists()
    assert not User.objects.filter(username="admin").exists()


def test_command_reports_each_part_and_the_demo_accounts(loaded, monkeypatch, capsys):
    # given a second context with demo content, and one without
    calls = []
    fake = types.ModuleType("fake_participation_demo")
    fake.load_demo = lambda *, seed: calls.append(seed) or {"events": 3, "contributions": 12}
    monkeypatch.setitem(sys.modules, "fake_participation_demo", fake)
    monkeypatch.setattr(
        load_demo_command,
        "DEMO_MODULES",
        (
            ("monitoring", "teilhabe.monitoring.demo"),
            ("participation", "fake_participation_demo"),
            ("surveys", "teilhabe.no_such_context.demo"),
        ),
    )
    # when
    call_command("load_demo", "--seed", "5")
    # then
    output = capsys.readouterr().out
    assert "monitoring: demo already loaded, nothing changed (use --reset to load it again)." in output
    assert "participation: loaded 3 events, 12 contributions." in output
    assert "surveys" not in output
    assert calls == [5]
    assert "admin        demo-admin-password" in output
    assert "schule       demo-password-123" in output
