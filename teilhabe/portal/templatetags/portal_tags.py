"""Template helpers of the public pages: optional links to other apps, `lang` on fallback content."""

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import get_language

from teilhabe.monitoring.status_labels import status_css_class, status_label

register = template.Library()


@register.simple_tag
def optional_url(name: str, *args, **kwargs) -> str:
    """The URL of a named route, or "" while the app that provides it does not exist yet."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def content_language(obj: object, field: str) -> str:
    """The language whose column provides obj.<field> (modeltranslation falls back in settings order)."""
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    fallbacks = settings.MODELTRANSLATION_FALLBACK_LANGUAGES.get("default", ())
    for code in [current, *fallbacks]:
        if getattr(obj, f"{field}_{code}", None):
            return code
    return current


@register.simple_tag
def lang_attr(obj: object, field: str) -> str:
    """` lang="de"` when the shown text of a translated field comes from another language than the page's."""
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    code = content_language(obj, field)
    return format_html(' lang="{}"', code) if code != current else ""


@register.filter
def status_text(code: str) -> str:
    return status_label(code)


@register.filter
def status_class(code: str) -> str:
    return status_css_class(code)


@register.filter
def lookup(mapping: dict, key: str) -> object:
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
