"""Which catalogue entries residents read: the "public" part of the interface (docs/translations.md).

An entry of a .po file is public when at least one of its `#:` source references is public:

* a template of a public page or of an e-mail to residents (portal, the participation pages and e-mails a
  resident sees, the survey pages a respondent sees, the base template and its public includes, core's
  error pages), or a Python module that only serves public pages (portal, feeds, survey results);
* or a reference into a module that serves both residents and staff (forms, views, services, models),
  and the msgid occurs inside one of the definitions listed below for that module; models contribute the
  labels of their choices (shown on public pages) but not their verbose names (shown in the admin).

Mixed modules are read with `ast` from the current source, so the decision does not depend on the line
numbers stored in a catalogue. Staff pages (work area, review, moderation, admin, accounts, reports, the
API) are not public: they may stay German and English.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import re
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "teilhabe"
LOCALE = PACKAGE / "locale"
# The interface languages whose catalogues must cover every public entry (German and English have their
# own, stricter test over every entry).
RESIDENT_LANGUAGES = ("ar", "fa", "tr", "uk", "ru")

# Whole files residents see (paths relative to teilhabe/, shell patterns).
PUBLIC_FILES = (
    "templates/base.html",
    "templates/includes/language_switcher.html",
    "templates/includes/search_form.html",
    "core/templates/*",
    "portal/templates/*",
    "portal/charts.py",
    "portal/districts.py",
    "portal/forms.py",
    "portal/queries.py",
    "portal/views.py",
    "portal/templatetags/*",
    "monitoring/status_labels.py",
    "participation/feeds.py",
    "participation/templatetags/participation_tags.py",
    "participation/templates/participation/*",
    "surveys/templates/surveys/*",
    "surveys/answer_messages.py",
    "surveys/results.py",
    "surveys/templatetags/surveys_tags.py",
)
# Staff pages and mails inside the public template folders.
STAFF_FILES = (
    "participation/templates/participation/work_*",
    "participation/templates/participation/review_*",
    "participation/templates/participation/moderation_*",
    "participation/templates/participation/event_form.html",
    "participation/templates/participation/event_work_list.html",
    "participation/templates/participation/event_attachment_form.html",
    "participation/templates/participation/contribution_record.html",
    "participation/templates/participation/contribution_anonymise.html",
    "participation/templates/participation/includes/work_nav.html",
    "participation/templates/participation/includes/review_*",
    "participation/templates/participation/includes/evaluation_form.html",
    "participation/templates/participation/email/assignment_notice*",
    "participation/templates/participation/email/overdue_reminder*",
    "surveys/templates/surveys/freetext_list.html",
    "surveys/templates/surveys/invitation_codes.html",
    "surveys/templates/surveys/survey_crosstab.html",
    "surveys/templates/surveys/wave_detail.html",
    "surveys/templates/surveys/includes/preview_banner.html",
)
# Modules serving residents and staff: the top-level definitions residents meet.
PUBLIC_DEFINITIONS = {
    "participation/forms.py": {
        "CONSENT_LABEL",
        "_text_help",
        "ContributionForm",
        "RegistrationForm",
        "FOLLOW_CONSENT_LABEL",
        "FollowForm",
        "_any",
        "ContributionBrowseForm",
    },
    "participation/views.py": {
        "procedure_list",
        "procedure_detail",
        "event_detail",
        "event_register",
        "contribution_detail",
        "bundle_detail",
        "contribution_create",
        "contribution_receipt",
        "documentation_overview",
        "documentation_events",
        "documentation_contributions",
        "documentation_area",
        "documentation_limits",
        "documentation_download",
        "documentation_pdf",
        "contribution_browse",
        "follow_procedure",
        "follow_indicator",
        "follow_contribution",
        "address_confirm",
        "address_remove",
    },
    "participation/services.py": {
        "register_participant",
        "_check_contribution_text",
        "_check_areas",
        "_check_district",
        "submit_online_contribution",
        "describe_address",
        "subscribe",
    },
    "participation/queries.py": {
        "get_documentation_overview",
        "_evaluation_entries",
        "list_procedure_feed",
        "list_receipt_feed",
    },
    "participation/models.py": {"REVIEW_STATE_LABELS", "DISPOSITION_HELP"},
    "surveys/forms.py": {"NO_ANSWER", "DemographicsForm", "CodeForm", "ResumeForm", "_format_number", "PageForm"},
    "surveys/views.py": {
        "survey_list",
        "survey_detail",
        "_render_detail",
        "survey_start",
        "survey_resume",
        "survey_page",
        "_render_page",
        "_demographic_page",
        "_save_for_later",
        "survey_submit",
        "_finish",
        "survey_saved",
        "survey_thanks",
        "survey_results",
        "barometer_detail",
        "structure_climate",
    },
    "surveys/services.py": {
        "AnswerError",
        "AlreadyCounted",
        "check_demographics",
        "check_invitation",
        "submit_response",
        "_claim_respondent_key",
        "_store_response",
        "save_draft",
        "resume_draft",
    },
    "surveys/barometer.py": {"get_index_definition", "compute_climate_index", "get_barometer_page", "get_wave_page"},
    "surveys/models.py": set(),
    "monitoring/models.py": set(),
}
GETTEXT_FUNCTIONS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "pgettext",
    "pgettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
CHOICES_BASES = ("TextChoices", "IntegerChoices", "Choices")


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)  # "participation/forms.py:42"

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr) and "fuzzy" not in self.flags


def _unquote(text: str) -> str:
    return json.loads(f'"{text}"')


def read_catalogue(path: Path) -> list[Entry]:
    """The live entries of a .po file (no header, no obsolete entries)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target = None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current is not None and current.msgid:
                entries.append(current)
            current, target = None, None
            continue
        if line.startswith("#~"):
            current, target = None, None
            continue
        if current is None:
            current = Entry(msgid="")
        if line.startswith("#:"):
            current.references += line[2:].split()
        elif line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line):
            keyword, text = match.group(1), _unquote(match.group(2))
            if keyword.startswith("msgstr"):
                current.msgstr.append(text)
                target = ("msgstr", len(current.msgstr) - 1)
            else:
                setattr(current, keyword, text)
                target = (keyword, None)
        elif line.startswith('"') and target:
            text = _unquote(line[1:-1])
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += text
            else:
                setattr(current, name, (getattr(current, name) or "") + text)
    return entries


def _matches(path: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(path, pattern) for pattern in patterns)


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _gettext_keys(node: ast.AST) -> set[tuple[str | None, str]]:
    """(context, msgid) of every gettext call with literal arguments below `node`."""
    keys = set()
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
        if name not in GETTEXT_FUNCTIONS:
            continue
        args = [_literal(arg) for arg in call.args]
        if name.startswith(("pgettext", "npgettext")):
            if len(args) >= 2 and args[0] is not None and args[1] is not None:
                keys.add((args[0], args[1]))
        elif args and args[0] is not None:
            keys.add((None, args[0]))
    return keys


def _is_choices(node: ast.AST) -> bool:
    return isinstance(node, ast.ClassDef) and any(ast.unparse(base).endswith(CHOICES_BASES) for base in node.bases)


def _definition_name(node: ast.stmt) -> str | None:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return node.name
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id
    return None


@cache
def public_keys_of_module(module: str) -> frozenset[tuple[str | None, str]]:
    """The (context, msgid) pairs of a mixed module that residents meet."""
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    names = PUBLIC_DEFINITIONS[module]
    keys: set[tuple[str | None, str]] = set()
    for node in tree.body:
        if _definition_name(node) in names:
            keys |= _gettext_keys(node)
    for node in ast.walk(tree):
        if _is_choices(node):
            keys |= _gettext_keys(node)
    return frozenset(keys)


def is_public(entry: Entry) -> bool:
    for reference in entry.references:
        path = reference.rsplit(":", 1)[0]
        if _matches(path, PUBLIC_FILES) and not _matches(path, STAFF_FILES):
            return True
        if path in PUBLIC_DEFINITIONS and entry.key in public_keys_of_module(path):
            return True
    return False


def public_entries(language: str) -> list[Entry]:
    return [entry for entry in read_catalogue(LOCALE / language / "LC_MESSAGES" / "django.po") if is_public(entry)]


PYTHON_PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[-#0+]*\d*(?:\.\d+)?[sdifr]")
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*\}(?!\})")


def placeholders(text: str) -> list[str]:
    """Interpolation placeholders in a message (`%(name)s`, `%s`, `{name}`), sorted; `%%` is text."""
    without_percent_signs = text.replace("%%", "")
    return sorted(PYTHON_PLACEHOLDER.findall(without_percent_signs) + BRACE_PLACEHOLDER.findall(text))


def placeholder_problems(entry: Entry) -> list[str]:
    """What a translation does to the placeholders that would break or falsify the message."""
    problems = []
    if entry.msgid_plural is None:
        for text in entry.msgstr:
            if text and placeholders(text) != placeholders(entry.msgid):
                problems.append(f"{entry.msgid!r}: {placeholders(entry.msgid)} became {placeholders(text)}")
        return problems
    # Plural forms: a form may leave out the number ("one" written as a word), never add or rename one.
    allowed = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
    for index, text in enumerate(entry.msgstr):
        if text and not set(placeholders(text)) <= allowed:
            problems.append(f"{entry.msgid!r}[{index}]: {sorted(allowed)} vs {placeholders(text)}")
    other = entry.msgstr[-1] if entry.msgstr else ""
    if other and set(placeholders(entry.msgid_plural)) - set(placeholders(other)):
        problems.append(f"{entry.msgid!r}[other]: lost {placeholders(entry.msgid_plural)}")
    return problems


def write_public_msgids(target: Path) -> int:
    """One JSON-escaped msgid per line (with its context as "context\\u0004msgid", gettext's own key)."""
    keys = sorted(
        {entry.key for entry in public_entries(RESIDENT_LANGUAGES[0])}, key=lambda key: (key[1], key[0] or "")
    )
    lines = [
        json.dumps(msgid if context is None else f"{context}\x04{msgid}", ensure_ascii=False) for context, msgid in keys
    ]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


if __name__ == "__main__":
    print(write_public_msgids(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/public_msgids.txt")))
