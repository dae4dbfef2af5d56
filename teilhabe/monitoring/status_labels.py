"""Display labels for assessment statuses and components, in one place for portal, API and reports.

The codes are those of `teilhabe.monitoring.progress.Status`; the labels are the words
the public reads (translated through gettext). They are the one vocabulary of badges and
sentences: the explanations end with the same words (progress.STATUS_NAMES, kept equal by
tests/monitoring/test_status_labels.py), and docs/methods/progress.md lists them.

A reader is never told "substantial progress" about a target whose year has passed unmet:
`display_status` turns such a series into `target_missed` (the stored Open SDG status stays as
the method computes it, so the published reproduction is unchanged).
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from teilhabe.core import formatting

TARGET_ACHIEVED = "target_achieved"
SUBSTANTIAL_PROGRESS = "substantial_progress"
MODERATE_PROGRESS = "moderate_progress"
LIMITED_PROGRESS = "limited_progress"
DETERIORATION = "deterioration"
NOT_AVAILABLE = "not_available"
# Display only: the target year has passed and the target was not reached.
TARGET_MISSED = "target_missed"

# From best to worst; the order of status counts and legends.
STATUS_ORDER = (
    TARGET_ACHIEVED,
    TARGET_MISSED,
    SUBSTANTIAL_PROGRESS,
    MODERATE_PROGRESS,
    LIMITED_PROGRESS,
    DETERIORATION,
    NOT_AVAILABLE,
)

STATUS_LABELS = {
    TARGET_ACHIEVED: _("Target achieved"),
    TARGET_MISSED: _("Target missed"),
    SUBSTANTIAL_PROGRESS: _("Substantial progress"),
    MODERATE_PROGRESS: _("Moderate progress"),
    LIMITED_PROGRESS: _("Limited progress"),
    DETERIORATION: _("Moving away from the target"),
    NOT_AVAILABLE: _("No assessment possible"),
}

# What each badge means, for the methodology page and the legend.
STATUS_MEANINGS = {
    TARGET_ACHIEVED: _("The latest value has reached the target (or gone beyond it in the desired direction)."),
    TARGET_MISSED: _("The target year has passed and the target was not reached."),
    # xgettext:no-python-format
    SUBSTANTIAL_PROGRESS: _(
        "The pace since the base year is at least 95 % of the pace the target needs: the target "
        "will be reached or only narrowly missed if the pace holds."
    ),
    # xgettext:no-python-format
    MODERATE_PROGRESS: _(
        "The pace is between 60 % and 95 % of the pace needed: the target will be missed unless progress speeds up."
    ),
    # xgettext:no-python-format
    LIMITED_PROGRESS: _("The value moves in the desired direction, but at less than 60 % of the pace needed."),
    DETERIORATION: _("The value moves away from the target."),
    NOT_AVAILABLE: _("There are too few values, too few people surveyed or no usable base value."),
}

# Statuses counted as achieved or close in summaries.
ON_TRACK = frozenset({TARGET_ACHIEVED, SUBSTANTIAL_PROGRESS})

UNCERTAIN_LABEL = _("uncertain")

# Labels of the entries of Assessment.components that the portal shows, in display order.
COMPONENT_LABELS = {
    "base_year": _("Base year"),
    "base_value": _("Base value"),
    "current_year": _("Latest year"),
    "current_value": _("Latest value"),
    "target": _("Target value"),
    "target_year": _("Target year"),
    "annual_change": _("Average change per year"),
    "annual_growth_rate": _("Average growth rate per year"),
    "needed_change_per_year": _("Change per year needed to reach the target"),
    "projected_value": _("Value in the target year if the trend continues"),
    "projection_bound": _("Bound the trend runs into before the target year"),
    "progress_value": _("Progress measure"),
    "score": _("Score (from −5 to 5)"),
    "attainment_share": _("Share of the distance to the target covered"),
    "elapsed_share": _("Share of the time to the target year elapsed"),
    "sample_size": _("Sample size"),
}


def status_label(code: str | None) -> str:
    """The public label of a status code; unknown or missing codes read as 'no assessment possible'."""
    return str(STATUS_LABELS.get(code or NOT_AVAILABLE, STATUS_LABELS[NOT_AVAILABLE]))


def status_css_class(code: str | None) -> str:
    return f"status-{code if code in STATUS_LABELS else NOT_AVAILABLE}"


def display_status(code: str | None, components: dict | None = None) -> str:
    """The status a reader is shown: `target_missed` once the target year has passed unmet, else the code."""
    components = components or {}
    if (
        code not in (TARGET_ACHIEVED, NOT_AVAILABLE, None)
        and components.get("is_target_year_passed")
        and components.get("target") is not None
    ):
        return TARGET_MISSED
    return code or NOT_AVAILABLE


# Components that are values of the series, changes per year of it, shares of 1, or plain measures.
_VALUE_COMPONENTS = frozenset({"base_value", "current_value", "target", "projected_value", "projection_bound"})
_CHANGE_COMPONENTS = frozenset({"annual_change", "needed_change_per_year"})


def format_component(key: str, value: object, decimals: int, unit: str) -> str | None:
    """One component of an assessment as every page, report and workbook shows it (None: not shown).

    Values are rounded to the indicator's decimals in its unit; changes per year get one more place (a
    needed change of 0.58 is "+0,58", never "0") and are percentage points for shares; growth rates and
    shares of the way are per cent; years are years."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if not isinstance(value, (int, float)):
        return str(value)
    if key in _CHANGE_COMPONENTS:  # before the years: "needed_change_per_year" is a change, not a year
        return formatting.format_change(value, decimals + 1, unit)
    if key.endswith("_year"):
        return str(int(value))
    if key == "sample_size":
        return formatting.format_number(value, 0)
    if key == "annual_growth_rate":
        return formatting.format_relative_change(value, 1)
    if key in ("attainment_share", "elapsed_share"):
        return formatting.format_percent(value, 0)
    if key in ("progress_value", "score"):
        return formatting.format_number(value, 2)
    return formatting.format_value(value, decimals, unit)
