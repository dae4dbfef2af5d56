"""Display labels for assessment statuses and components, in one place for portal, API and reports.

The codes are those of `teilhabe.monitoring.progress.Status`; the labels are the words
the public reads (translated through gettext).
"""

from django.utils.translation import gettext_lazy as _

TARGET_ACHIEVED = "target_achieved"
SUBSTANTIAL_PROGRESS = "substantial_progress"
MODERATE_PROGRESS = "moderate_progress"
LIMITED_PROGRESS = "limited_progress"
DETERIORATION = "deterioration"
NOT_AVAILABLE = "not_available"

# From best to worst; the order of status counts and legends.
STATUS_ORDER = (
    TARGET_ACHIEVED,
    SUBSTANTIAL_PROGRESS,
    MODERATE_PROGRESS,
    LIMITED_PROGRESS,
    DETERIORATION,
    NOT_AVAILABLE,
)

STATUS_LABELS = {
    TARGET_ACHIEVED: _("Target achieved"),
    SUBSTANTIAL_PROGRESS: _("On track"),
    MODERATE_PROGRESS: _("Moderate progress"),
    LIMITED_PROGRESS: _("Needs acceleration"),
    DETERIORATION: _("Moving away from target"),
    NOT_AVAILABLE: _("No assessment possible"),
}

# Statuses counted as "on track" in summaries.
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
