"""Template helpers of the public pages: optional links to other apps, `lang` on fallback content."""

from django import template
from django.urls import NoReverseMatch, reverse

from teilhabe.core.templatetags.languages import lang_attr
from teilhabe.monitoring.status_labels import status_css_class, status_label

register = template.Library()


@register.simple_tag
def optional_url(name: str, *args, **kwargs) -> str:
    """The URL of a named route, or "" while the app that provides it does not exist yet."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


# ` lang="de"` on content shown in another language than the page's (teilhabe.core.templatetags.languages).
register.simple_tag(lang_attr)


@register.filter
def status_text(code: str) -> str:
    return status_label(code)


@register.filter
def status_class(code: str) -> str:
    return status_css_class(code)


@register.filter
def lookup(mapping: dict, key: str) -> object:
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


@register.filter
def any_latest_limited(rows) -> bool:
    """Some indicator row shows its latest value in parentheses (limited reliability): the legend is needed."""
    return any(getattr(row, "latest_is_limited", False) for row in rows)
