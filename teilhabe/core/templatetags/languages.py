"""The language switcher (the current page in every interface language, each named in itself) and `lang`/`dir`
of content shown in a language other than the page's."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import reverse
from django.urls.base import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_bidi, get_language_info, override

register = template.Library()

# Where Django's language table names a language differently from the form its speakers expect to see
# in a switcher (Django writes Arabic with a vowel mark: "العربيّة").
NAMES_IN_THEMSELVES = {"ar": "العربية"}


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # in the language itself
    direction: str  # "rtl" or "ltr"
    url: str
    current: bool


def name_in_itself(code: str) -> str:
    return NAMES_IN_THEMSELVES.get(code) or get_language_info(code)["name_local"]


@register.simple_tag(takes_context=True)
def language_links(context) -> list[LanguageLink]:
    """One link per interface language to the same page in that language (the home page when a path
    has no equivalent, e.g. a 404)."""
    request = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        if url == path and code != current:
            with override(code):
                url = reverse("portal:home")
        links.append(
            LanguageLink(
                code=code,
                name=name_in_itself(code),
                direction="rtl" if get_language_info(code)["bidi"] else "ltr",
                url=url,
                current=code == current,
            )
        )
    return links


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
    """` lang="de"` when the shown text of a translated field comes from another language than the page's,
    with ` dir="ltr"` when that language runs the other way (German fallback on an Arabic page)."""
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    code = content_language(obj, field)
    if code == current:
        return ""
    if get_language_bidi() != get_language_info(code)["bidi"]:
        return format_html(' lang="{}" dir="{}"', code, "rtl" if get_language_info(code)["bidi"] else "ltr")
    return format_html(' lang="{}"', code)


@register.simple_tag
def content(obj: object, field: str) -> str:
    """The shown text of a translated field for inline use (inside a sentence or a link): wrapped in
    `<span lang="de" dir="ltr">` when it comes from another language than the page's, plain otherwise."""
    text = getattr(obj, field, "") or ""
    attributes = lang_attr(obj, field)
    if not attributes:
        return text
    return format_html("<span{}>{}</span>", attributes, text)
