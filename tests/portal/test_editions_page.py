"""The editions page in a reader's words (issue #13, deliver 6): series and areas by the labels the indicator
pages use, new targets listed as new, redefined indicators with code and title, numbers formatted."""

import re

import pytest

from teilhabe.monitoring.models import IndicatorVersion, Target
from tests.monitoring.factories import TargetFactory

pytestmark = pytest.mark.django_db


def _section(page: str, heading_id: str) -> str:
    """The table that follows one heading, as text without tags (every run of white space one space)."""
    start = page.index(">", page.index(f'id="{heading_id}"')) + 1
    table = page[start : page.index("</table>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table)).strip()


@pytest.fixture
def editions(portal_data):
    # the 2017 edition sets a target the 2013 one did not have, for a group in one district, and drops none
    TargetFactory(
        indicator=portal_data.gap_indicator,
        edition=portal_data.edition,
        geography=portal_data.districts[0],
        kind=Target.Kind.VALUE,
        breakdown_key="migration_background=yes",
        target_value=47.25,
        target_year=2030,
        baseline_value=31.0,
        baseline_year=2015,
    )
    # a target of the older edition that the newer one dropped
    TargetFactory(
        indicator=portal_data.retired_indicator,
        edition=portal_data.old_edition,
        geography=portal_data.city,
        target_value=12.0,
        target_year=2020,
        baseline_value=10.0,
        baseline_year=2012,
    )
    return portal_data


def test_new_targets_are_listed_as_new_with_human_labels(client, editions):
    # when
    page = client.get("/en/konzept/?from=2013&to=2017").content.decode()
    # then: no raw breakdown key or geography code anywhere
    assert "migration_background=" not in page
    assert "(musterstadt)" not in page.lower() and "(city)" not in page and "(d1)" not in page
    new = _section(page, "new-targets-heading")
    assert new.startswith("New targets")
    assert "B1 Share with Abitur with immigrant background Altstadt 47.3% (2030)" in new
    # a target both editions have, moved, is "changed", with both values in the indicator's unit
    changed = _section(page, "changed-targets-heading")
    assert changed.startswith("Targets changed")
    assert (
        "B1 Share with Abitur Gap: with immigrant background compared with without immigrant background Musterstadt "
        "5.0 percentage points (2025); Baseline 15.0 percentage points (2012) "
        "2.0 percentage points (2030); Baseline 15.0 percentage points (2015)"
    ) in changed
    # a target the newer edition no longer has is "dropped"
    dropped = _section(page, "dropped-targets-heading")
    assert "X9 Old indicator Total Musterstadt 12.0% (2020)" in dropped
    # new targets are not listed as changed
    assert "47.3" not in changed and "none" not in changed


def test_redefined_indicators_are_named_by_code_and_title_with_fields_in_words(client, editions):
    # given: the older edition measured B1 in another unit, with the other direction
    IndicatorVersion.objects.filter(indicator=editions.gap_indicator, edition=editions.old_edition).update(
        unit="Anzahl", direction="negative"
    )
    # when
    page = client.get("/en/konzept/?from=2013&to=2017").content.decode()
    # then
    redefined = page.split("Indicators redefined", 1)[1].split("</ul></li>", 1)[0]
    assert re.search(r">B1</a> Share with Abitur\s", redefined)
    assert "Unit: <del>number (count)</del> → <ins>per cent (share of 100)</ins>" in redefined
    assert "Desired direction: <del>Lower is better</del> → <ins>Higher is better</ins>" in redefined


def test_german_page_formats_numbers_the_german_way(client, editions):
    page = client.get("/konzept/?from=2013&to=2017").content.decode()
    new = _section(page, "new-targets-heading")
    assert new.startswith("Neue Ziele")
    assert "B1 Abiturquote mit Migrationshintergrund Altstadt 47,3 % (2030)" in new
