"""One vocabulary: badges (status_labels) and the explanations' closing words (progress.STATUS_NAMES) agree."""

import pytest
from django.utils import translation

from teilhabe.monitoring import progress
from teilhabe.monitoring.status_labels import (
    STATUS_LABELS,
    TARGET_MISSED,
    display_status,
    format_component,
    status_label,
)


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("status", list(progress.Status))
def test_badge_and_sentence_use_the_same_words(language, status):
    with translation.override(language):
        assert status_label(status.value).lower() == progress.STATUS_NAMES[language][status].lower()
        assert status_label(TARGET_MISSED).lower() == progress.TARGET_MISSED_NAMES[language].lower()


@pytest.mark.parametrize(
    ("code", "components", "shown"),
    [
        pytest.param(
            "substantial_progress",
            {"is_target_year_passed": True, "target": 5.0},
            TARGET_MISSED,
            id="passed and unmet: missed, never on track",
        ),
        pytest.param(
            "target_achieved",
            {"is_target_year_passed": True, "target": 5.0},
            "target_achieved",
            id="passed and met: achieved",
        ),
        pytest.param(
            "moderate_progress",
            {"is_target_year_passed": False, "target": 5.0},
            "moderate_progress",
            id="not yet passed",
        ),
        pytest.param(
            "limited_progress", {"is_target_year_passed": True, "target": None}, "limited_progress", id="no target"
        ),
    ],
)
def test_display_status(code, components, shown):
    assert display_status(code, components) == shown
    assert shown in STATUS_LABELS


@pytest.mark.parametrize(
    ("key", "value", "decimals", "unit", "german"),
    [
        pytest.param("needed_change_per_year", 0.58, 0, "Anzahl", "+0,6", id="needed change not cut to 0"),
        pytest.param("needed_change_per_year", 4.44, 1, "%", "+4,44\u00a0Prozentpunkte", id="share: points"),
        pytest.param("current_value", 0.957, 1, "%", "1,0\u00a0%", id="rounded, not truncated"),
        pytest.param("current_value", 240000, 0, "Anzahl", "240.000", id="thousands, count unit not repeated"),
        pytest.param("progress_value", 0.5777777777777, 1, "%", "0,58", id="no long decimals"),
        pytest.param("annual_growth_rate", 0.031, 1, "%", "+3,1\u00a0%", id="relative change in per cent"),
    ],
)
def test_components_read_as_published(key, value, decimals, unit, german):
    with translation.override("de"):
        assert format_component(key, value, decimals, unit) == german
