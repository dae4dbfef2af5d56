"""Interface languages: complete German catalogue, English via /en/, right-to-left layout."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR, "teilhabe", "locale")


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, plural, translations, flags (a small reader; enough for our files)."""
    entries, current, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current is not None:
                entries.append(current)
            current, field = None, None
            continue
        if current is None:
            current = {"msgid": "", "msgid_plural": None, "msgstr": [], "flags": set(), "obsolete": False}
        if line.startswith("#~"):
            current["obsolete"] = True
            continue
        if line.startswith("#,"):
            current["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if match:
            field = match.group(1)
            text = match.group(2)
            if field.startswith("msgstr"):
                current["msgstr"].append(text)
            elif field in ("msgid", "msgid_plural"):
                current[field] = text
        elif line.startswith('"') and field:
            text = line[1:-1]
            if field.startswith("msgstr"):
                current["msgstr"][-1] += text
            elif field in ("msgid", "msgid_plural"):
                current[field] = (current[field] or "") + text
    return [entry for entry in entries if entry["msgid"] and not entry["obsolete"]]


def test_every_interface_string_is_translated_into_german():
    entries = read_po(LOCALE / "de" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 500
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"]) or "fuzzy" in e["flags"]]
    assert untranslated == []


def test_compiled_catalogues_are_committed_next_to_the_sources():
    for language in ("de", "en"):
        source = LOCALE / language / "LC_MESSAGES" / "django.po"
        compiled = LOCALE / language / "LC_MESSAGES" / "django.mo"
        assert source.exists() and compiled.exists(), compiled
        assert compiled.stat().st_size > 100


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", "Ziel erreicht"), ("en", "Target achieved")],
)
def test_status_labels_in_each_language(language, expected):
    from teilhabe.monitoring.status_labels import status_label

    with translation.override(language):
        assert status_label("target_achieved") == expected


def test_german_is_the_default_and_english_has_its_prefix(client, db):
    german = client.get("/leichte-sprache/").content.decode()
    english = client.get("/en/leichte-sprache/").content.decode()
    assert '<html lang="de" dir="ltr">' in german and "Alle Menschen sollen die gleichen Chancen haben." in german
    assert '<html lang="en" dir="ltr">' in english and "All people should have the same chances." in english


@pytest.mark.parametrize(
    ("language", "direction"), [("ar", "rtl"), ("fa", "rtl"), ("tr", "ltr"), ("uk", "ltr"), ("ru", "ltr")]
)
def test_each_interface_language_sets_lang_and_dir(client, db, language, direction):
    page = client.get(f"/{language}/leichte-sprache/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in page


def test_the_switcher_names_each_language_in_itself_and_links_to_the_same_page(client, db):
    page = client.get("/fa/leichte-sprache/").content.decode()
    expected = [
        ("/leichte-sprache/", "de", "ltr", "Deutsch"),
        ("/en/leichte-sprache/", "en", "ltr", "English"),
        ("/ar/leichte-sprache/", "ar", "rtl", "العربية"),
        ("/fa/leichte-sprache/", "fa", "rtl", "فارسی"),
        ("/tr/leichte-sprache/", "tr", "ltr", "Türkçe"),
        ("/uk/leichte-sprache/", "uk", "ltr", "Українська"),
        ("/ru/leichte-sprache/", "ru", "ltr", "Русский"),
    ]
    links = re.findall(
        r'<a href="([^"]*)" lang="([^"]*)" hreflang="\2" dir="([^"]*)"(?: aria-current="true")?>([^<]*)</a>', page
    )
    assert links == expected
    assert '<a href="/fa/leichte-sprache/" lang="fa" hreflang="fa" dir="rtl" aria-current="true">' in page


PHYSICAL = re.compile(
    r"(?<![\w-])(margin-left|margin-right|padding-left|padding-right|border-left|border-right|left|right|"
    r"float|clear|text-align)\s*:\s*([^;}]*)"
)


def test_the_stylesheet_uses_logical_properties_only():
    """Right-to-left layouts mirror by themselves when no rule names a physical side."""
    css = Path(settings.BASE_DIR, "teilhabe", "static", "teilhabe", "site.css").read_text()
    offending = [
        match.group(0)
        for match in PHYSICAL.finditer(css)
        if match.group(1) in ("float", "clear", "text-align")
        and re.search(r"\b(left|right)\b", match.group(2))
        or match.group(1) not in ("float", "clear", "text-align")
    ]
    assert offending == []


# --- Right to left: mixed text isolated, fallback content marked, charts left to right --------------------------


def test_an_arabic_indicator_page_isolates_codes_and_marks_german_content(client, portal_data):
    page = client.get("/ar/indikatoren/B1/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    # the indicator's title exists in German and English only: shown in German, marked as such
    assert re.search(r'<h1><span class="code">B1</span> <span lang="de" dir="ltr">[^<]+</span></h1>', page)
    # charts keep left-to-right axes and lay their numbers out as CLDR's Arabic does
    charts = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="(?:chart-svg|tile-map)"[^>]*>', page)
    assert charts and all('direction="ltr"' in svg for svg in charts)


def test_the_same_page_in_german_carries_no_bidi_markup(client, portal_data):
    page = client.get("/indikatoren/B1/").content.decode()
    assert "<bdi>" not in page and 'dir="ltr" lang' not in page
    assert re.search(r'<h1><span class="code">B1</span> <span>[^<]+</span></h1>', page)


def test_a_receipt_in_farsi_writes_dates_the_persian_way_and_isolates_them(client, db):
    from tests.monitoring.factories import EditionFactory
    from tests.participation.factories import ContributionFactory, ProcedureFactory

    procedure = ProcedureFactory(edition=EditionFactory(is_current=True))
    contribution = ContributionFactory(procedure=procedure)
    with translation.override("fa"):
        receipt = contribution.get_receipt_url()
    page = client.get(receipt).content.decode()
    assert receipt.startswith("/fa/") and '<html lang="fa" dir="rtl">' in page
    meta = re.search(r'<p class="contribution-meta">(.*?)</p>', page).group(1)
    assert re.search(r"<bdi>[۰-۹]{1,2} \S+ [۰-۹]{4}</bdi>", meta), meta
