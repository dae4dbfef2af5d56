"""The residents' languages (ar, fa, tr, uk, ru) cover every public catalogue entry, with placeholders intact.

Which entries are public is decided by tests/i18n_public.py (docs/translations.md).
"""

import gettext

import pytest

from tests.i18n_public import (
    LOCALE,
    RESIDENT_LANGUAGES,
    Entry,
    is_public,
    placeholder_problems,
    public_entries,
    read_catalogue,
)


@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
def test_every_public_entry_is_translated(language):
    entries = public_entries(language)
    assert len(entries) > 500  # the public part of the interface, not an empty file
    missing = [entry.msgid for entry in entries if not entry.translated]
    assert missing == [], f"{len(missing)} of {len(entries)} public entries untranslated or fuzzy in {language}"


@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
def test_translations_keep_their_placeholders(language):
    entries = read_catalogue(LOCALE / language / "LC_MESSAGES" / "django.po")
    problems = [problem for entry in entries for problem in placeholder_problems(entry)]
    assert problems == []


@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
def test_compiled_catalogue_is_committed_and_current(language):
    source = LOCALE / language / "LC_MESSAGES" / "django.po"
    compiled = LOCALE / language / "LC_MESSAGES" / "django.mo"
    with compiled.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    # every translated, non-fuzzy entry of the source is in the compiled file, with the same text
    for entry in read_catalogue(source):
        if entry.translated and entry.msgid_plural is None:
            key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
            assert catalogue._catalog.get(key) == entry.msgstr[0], f"{language}: {entry.msgid!r} not compiled"
    assert catalogue.info()["language"] == language
    assert "plural-forms" in catalogue.info()


@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
def test_plural_entries_have_a_slot_for_each_plural_form(language):
    source = LOCALE / language / "LC_MESSAGES" / "django.po"
    header = source.read_text(encoding="utf-8").split("\n\n", 1)[0]
    forms = int(header.split("nplurals=", 1)[1].split(";", 1)[0])
    plurals = [entry for entry in read_catalogue(source) if entry.msgid_plural is not None]
    assert plurals and {len(entry.msgstr) for entry in plurals} == {forms}


# The rule itself: cases that must and must not count as public.
@pytest.mark.parametrize(
    ("entry", "public"),
    [
        (Entry("Skip to main content", references=["templates/base.html:12"]), True),
        (Entry("x", references=["participation/templates/participation/contribution_receipt.html:3"]), True),
        (Entry("x", references=["participation/templates/participation/email/follower_notice.txt:1"]), True),
        (Entry("x", references=["participation/templates/participation/work_queue.html:4"]), False),
        (Entry("x", references=["participation/templates/participation/email/assignment_notice.txt:1"]), False),
        (Entry("x", references=["templates/includes/staff_navigation.html:2"]), False),
        (Entry("x", references=["surveys/templates/surveys/invitation_codes.html:2"]), False),
        (Entry("x", references=["accounts/templates/accounts/login.html:2", "portal/views.py:3"]), True),
        (Entry("x", references=["monitoring/admin.py:3"]), False),
    ],
)
def test_public_by_file(entry, public):
    assert is_public(entry) is public


def test_mixed_modules_count_only_what_residents_meet():
    # a label of the residents' contribution form (participation/forms.py) is public ...
    assert any(
        is_public(e)
        for e in read_catalogue(LOCALE / "ar" / "LC_MESSAGES" / "django.po")
        if any(r.startswith("participation/forms.py") for r in e.references)
    )
    # ... an admin-only verbose name of a model is not, a choice label of the same module is
    verbose_names = [
        e
        for e in read_catalogue(LOCALE / "ar" / "LC_MESSAGES" / "django.po")
        if e.references and all(r.startswith("participation/models.py") for r in e.references)
    ]
    assert any(is_public(e) for e in verbose_names) and not all(is_public(e) for e in verbose_names)


@pytest.mark.parametrize(
    ("msgid", "msgstr", "ok"),
    [
        ("%(count)s answers", "%(count)s إجابة", True),
        ("%(count)s answers", "إجابات", False),
        ("%(count)s answers", "%(number)s cevap", False),
        ("From {start} to {end}", "{end} – {start} arası", True),
        ("From {start} to {end}", "{start} arası", False),
        ("100 % of the places", "100 % мест", True),
        ("%s%% share", "%s%% доля", True),
    ],
)
def test_placeholder_rule(msgid, msgstr, ok):
    assert (placeholder_problems(Entry(msgid, msgstr=[msgstr])) == []) is ok


def test_plural_forms_may_write_one_as_a_word_but_never_rename():
    entry = Entry("%(count)d answer", msgid_plural="%(count)d answers", msgstr=["إجابة واحدة", "%(count)d إجابات"])
    assert placeholder_problems(entry) == []
    entry.msgstr = ["إجابة واحدة", "%(n)d إجابات"]
    assert placeholder_problems(entry) != []
