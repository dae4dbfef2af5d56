"""Template helpers of participation: text direction, labels, bar widths, pagination links."""

from django import template
from django.utils.http import urlencode

from teilhabe.monitoring import status_labels

from ..languages import text_direction
from ..models import REVIEW_STATE_LABELS

register = template.Library()


@register.filter
def text_dir(language_code: str) -> str:
    """'rtl' or 'ltr' for the `dir` attribute of text in that language."""
    return text_direction(language_code)


@register.filter
def state_label(state: str) -> str:
    return str(REVIEW_STATE_LABELS.get(state, state))


@register.filter
def assessment_label(code: str | None) -> str:
    return status_labels.status_label(code)


@register.filter
def assessment_class(code: str | None) -> str:
    return status_labels.status_css_class(code)


@register.filter
def bar_class(percent: int) -> str:
    """A CSS class that sets a bar's length in whole percent (participation.css defines bar-0 … bar-100)."""
    try:
        value = max(0, min(100, int(percent)))
    except (TypeError, ValueError):
        value = 0
    return f"bar-{value}"


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """The current URL's query with another page number."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + urlencode(sorted(query.items()), doseq=False)


@register.filter
def count_for(counts: dict, key: str) -> int:
    """counts[key], or 0 when the key is absent (counts only hold what occurred)."""
    return counts.get(key, 0) if counts else 0
