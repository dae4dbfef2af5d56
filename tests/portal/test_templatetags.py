"""Template helpers: optional links to other apps, `lang` on text from another language."""

import pytest
from django.template import Context, Template
from django.utils import translation

from teilhabe.core.templatetags.languages import content_language, lang_attr
from teilhabe.monitoring.models import AreaOfAction
from teilhabe.portal.templatetags.portal_tags import optional_url


def test_optional_url_resolves_or_is_empty(db):
    assert optional_url("portal:indicator_detail", code="B1") in ("/indikatoren/B1/", "/en/indikatoren/B1/")
    assert optional_url("nowhere:missing") == ""
    assert optional_url("portal:indicator_detail") == ""  # a missing argument does not break the page


def test_optional_url_in_a_template(db):
    html = Template('{% load portal_tags %}{% optional_url "nowhere:missing" as url %}[{{ url }}]').render(Context())
    assert html == "[]"


@pytest.mark.parametrize(
    ("language", "title_de", "title_en", "expected_language", "expected_attribute"),
    [
        ("en", "Bildung", "Education", "en", ""),
        ("en", "Bildung", "", "de", ' lang="de"'),
        ("de", "Bildung", "Education", "de", ""),
        ("de", "", "Education", "en", ' lang="en"'),
        ("ar", "Bildung", "Education", "de", ' lang="de" dir="ltr"'),
        ("tr", "", "Education", "en", ' lang="en"'),
    ],
    ids=["translated", "english-falls-back", "german", "german-falls-back", "arabic-falls-back", "turkish-falls-back"],
)
def test_lang_attribute_marks_fallback_text(language, title_de, title_en, expected_language, expected_attribute):
    area = AreaOfAction(title_de=title_de, title_en=title_en)
    with translation.override(language):
        assert content_language(area, "title") == expected_language
        assert lang_attr(area, "title") == expected_attribute
