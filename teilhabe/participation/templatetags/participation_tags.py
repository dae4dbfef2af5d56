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


# The evaluation form itself writes the justification in these languages (German, and English beside it).
LANGUAGES_OF_THE_FORM = ("de", "en")


@register.simple_tag
def justification_for_reader(evaluation, *languages: str):
    """The staff-approved translation of the evaluation's justification in the first of `languages` that has
    one (the page's language, then the contributor's), or None; German and English need none."""
    wanted = [code for code in dict.fromkeys(languages) if code and code not in LANGUAGES_OF_THE_FORM]
    if not wanted or evaluation is None:
        return None
    prefetched = getattr(evaluation, "_prefetched_objects_cache", {}).get("justification_translations")
    rows = prefetched if prefetched is not None else evaluation.justification_translations.filter(language__in=wanted)
    by_language = {row.language: row for row in rows}
    return next((by_language[code] for code in wanted if code in by_language), None)
