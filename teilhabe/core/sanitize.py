"""Sanitising user-supplied rich text (minutes, descriptions) with nh3: a small allow-list of tags."""

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "lang"}, "p": {"lang"}, "td": {"colspan"}, "th": {"colspan", "scope"}}


def sanitize_html(html: str) -> str:
    """Return html with everything outside the allow-list removed (scripts, handlers, styles, javascript: links)."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
