"""docs/methods/progress.md and the code agree on the status vocabulary: the table of codes, method names and
badges in section 1 is read from the document and compared with progress.STATUS_NAMES and the badges of
status_labels.STATUS_LABELS in English and German."""

from pathlib import Path

import pytest
from django.utils import translation

from teilhabe.monitoring import progress
from teilhabe.monitoring.status_labels import STATUS_LABELS, STATUS_ORDER, TARGET_MISSED, display_status

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "methods" / "progress.md"
HEADER = "| code | method name (en / de) | badge (en / de) |"


def documented_statuses() -> dict[str, tuple[tuple[str, str], tuple[str, str]]]:
    """code → ((method name en, de), (badge en, de)), from the table after HEADER."""
    lines = DOCUMENT.read_text(encoding="utf-8").splitlines()
    start = lines.index(HEADER) + 2  # skip the rule below the header
    table = {}
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        code, names, badges = (cell.strip() for cell in line.strip("|").split("|"))
        english_name, german_name = (part.strip() for part in names.split(" / "))
        english_badge, german_badge = (part.strip() for part in badges.split(" / "))
        table[code.strip("`")] = ((english_name, german_name), (english_badge, german_badge))
    return table


def code_statuses() -> dict[str, tuple[tuple[str, str], tuple[str, str]]]:
    names = {
        status.value: (progress.STATUS_NAMES["en"][status], progress.STATUS_NAMES["de"][status])
        for status in progress.Status
    }
    names[TARGET_MISSED] = (progress.TARGET_MISSED_NAMES["en"], progress.TARGET_MISSED_NAMES["de"])
    badges = {}
    for code in STATUS_LABELS:
        with translation.override("en"):
            english = str(STATUS_LABELS[code])
        with translation.override("de"):
            german = str(STATUS_LABELS[code])
        badges[code] = (english, german)
    return {code: (names[code], badges[code]) for code in STATUS_ORDER}


def test_the_documented_status_table_is_the_codes_mapping():
    assert documented_statuses() == code_statuses()


def test_the_table_lists_the_statuses_best_first_as_the_code_orders_them():
    assert list(documented_statuses()) == list(STATUS_ORDER)


@pytest.mark.parametrize(
    ("sentence", "code", "components", "shown"),
    [
        (
            "a passed target year unmet reads as missed",
            "substantial_progress",
            {"is_target_year_passed": True, "target": 5.0},
            TARGET_MISSED,
        ),
        (
            "a passed target year met stays achieved",
            "target_achieved",
            {"is_target_year_passed": True, "target": 5.0},
            "target_achieved",
        ),
    ],
)
def test_the_documented_display_rule_holds(sentence, code, components, shown):
    """The rule the document states for `target_missed` (section 1) is the code's."""
    text = " ".join(DOCUMENT.read_text(encoding="utf-8").split())
    assert "`status_labels.display_status` shows `target_missed` for any series whose target year has passed" in text
    assert display_status(code, components) == shown, sentence
