"""Error answers of the API name the field and say what is wrong, without repeating what was sent.

A message that repeats the client's input turns the API into a mirror: for content injection into
whatever shows the answer (a log viewer, an admin dashboard, a browser guessing the type), and for
smuggling data through error logs. So every refusal passes through `scrub`:

- messages of the codes whose DRF text always embeds the input (or its type) get a fixed text;
- any other message that contains a text the client sent (query parameter, body value or key, uploaded
  file name or CSV cell) gets that text replaced by "…", so "'x' is not a period; use a year (2016)…"
  keeps its advice;
- a field name that is not an identifier (an unknown key the client made up) is reported as
  "unknown_field";
- parse errors, unsupported media types and unknown methods get texts of their own (DRF's repeat the
  parser's message, the Content-Type header or the method).

Numbers are left alone: a number cannot carry markup, and messages name limits ("at most 500").
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Iterable

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Empty
from rest_framework.views import exception_handler as drf_exception_handler

PLACEHOLDER = "…"
UNKNOWN_FIELD = "unknown_field"
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")
SEPARATORS = re.compile(r"[=|,;]")
# At most this much of an uploaded CSV file is read to learn what the client sent.
MAX_SCANNED_UPLOAD = 5 * 1024 * 1024


def _fixed_messages() -> dict[str, str]:
    """Texts for the codes whose DRF message embeds the input or its type (built per request: translated)."""
    return {
        "invalid_choice": _("This is not one of the allowed values."),
        "not_a_list": _("Expected a list of items."),
        "not_a_dict": _("Expected an object with named fields."),
        "incorrect_type": _("This value has the wrong type."),
    }


def exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's answer, with every message free of the client's input."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    if isinstance(exc, exceptions.ParseError):
        response.data = {"detail": parse_error_message(exc)}
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        response.data = {"detail": _("This content type is not accepted here.")}
    elif isinstance(exc, exceptions.MethodNotAllowed):
        response.data = {"detail": _("This method is not allowed here.")}
    elif isinstance(exc, exceptions.ValidationError):
        response.data = scrub(response.data, submitted_texts(request) if request is not None else set())
    return response


def parse_error_message(exc: exceptions.ParseError) -> str:
    """The body could not be parsed: where (line and column of JSON), never what was in it."""
    position = re.search(r"line (\d+) column (\d+)", str(exc.detail))
    if str(exc.detail).startswith("JSON parse error") and position:
        return _("The request body is not valid JSON (line %(line)s, column %(column)s).") % {
            "line": position[1],
            "column": position[2],
        }
    return _("The request body could not be read.")


def scrub(data, texts: set[str]):
    """`data` (DRF error details: dicts, lists, ErrorDetail strings) with input-free messages and field names."""
    variants = _variants(texts)
    fixed = _fixed_messages()

    def clean(value):
        if isinstance(value, dict):
            cleaned: dict = {}
            for key, item in value.items():
                name = key if not isinstance(key, str) or IDENTIFIER.match(key) else UNKNOWN_FIELD
                item = clean(item)
                if name in cleaned and isinstance(cleaned[name], list) and isinstance(item, list):
                    cleaned[name] = cleaned[name] + item
                else:
                    cleaned[name] = item
            return cleaned
        if isinstance(value, list | tuple):
            return [clean(item) for item in value]
        if isinstance(value, str):
            code = getattr(value, "code", None)
            if code in fixed:
                return fixed[code]
            return scrub_text(value, variants)
        return value

    return clean(data)


def scrub_text(message: str, variants: list[str]) -> str:
    """`message` with every sent text in `variants` (longest first) replaced by PLACEHOLDER. A plain
    substring test comes first, so a large upload costs one fast search per text, not one regex."""
    for variant in variants:
        if variant in message:
            message = _pattern(variant).sub(PLACEHOLDER, message)
    return message


@functools.lru_cache(maxsize=4096)
def _pattern(variant: str) -> re.Pattern:
    """A text starting or ending with a letter or digit only matches where it is not part of a longer word
    (so "ab" does not break "about")."""
    before = r"(?<!\w)" if re.match(r"\w", variant) else ""
    after = r"(?!\w)" if re.search(r"\w$", variant) else ""
    return re.compile(before + re.escape(variant) + after)


def scrub_field_name(name: str | None) -> str | None:
    if name is None or IDENTIFIER.match(name):
        return name
    return UNKNOWN_FIELD


def _variants(texts: Iterable[str]) -> list[str]:
    """The forms in which a message could quote the sent texts, longest first."""
    variants = set()
    for text in texts:
        # Parsers report the parts of a compound value ("colour=blue|sex=x": no category “blue”), so the
        # parts between separators count as sent too.
        for variant in (text, text.strip(), repr(text)[1:-1], json.dumps(text)[1:-1], *SEPARATORS.split(text)):
            if _is_worth_hiding(variant.strip()):
                variants.add(variant.strip())
    return sorted(variants, key=len, reverse=True)


def _is_worth_hiding(text: str) -> bool:
    if len(text) < 2:
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False


def submitted_texts(request) -> set[str]:
    """Every text the client sent: query parameters and the parsed body's values (and their names unless
    these are identifiers), uploaded files' names and, for CSV files, their cells."""
    texts: set[str] = set()
    for name, values in request.query_params.lists():
        texts.update(_key(name))
        texts.update(values)
    data = getattr(request, "_full_data", Empty)  # the body as parsed, if it was; never parsed again here
    if data is not Empty and data is not None:
        if hasattr(data, "lists"):
            for name, values in data.lists():
                texts.update(_key(name))
                texts.update(value for value in values if isinstance(value, str))
        else:
            texts.update(strings(data))
    files = getattr(request, "_files", Empty)
    if files is not Empty and files:
        for upload in files.values():
            texts.add(upload.name or "")
            texts.update(_csv_cells(upload))
    return {text for text in texts if text}


def _key(name: str) -> Iterable[str]:
    """A field name counts as sent text unless it is an identifier: those are how messages name fields
    ("period"), and reported field names that are not identifiers become UNKNOWN_FIELD anyway."""
    if not IDENTIFIER.match(name):
        yield name


def strings(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _key(str(key))
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def _csv_cells(upload) -> set[str]:
    """The cells of an uploaded CSV file; header cells only where they are not identifiers (see _key)."""
    rows = csv_rows(upload)
    header = {name for cell in rows[0] for name in _key(cell)} if rows else set()
    return header | {cell for row in rows[1:] for cell in row}


def csv_rows(upload) -> list[list[str]]:
    """The records of an uploaded CSV file as the importer numbers them (header = 1), split at ',' and at
    ';' (the importer takes either), so every cell is known whatever the delimiter."""
    try:
        upload.seek(0)
        content = upload.read(MAX_SCANNED_UPLOAD)
        upload.seek(0)
    except (OSError, ValueError):
        return []
    text = content.decode("utf-8-sig", errors="replace")
    rows: list[list[str]] = []
    for delimiter in (",", ";"):
        try:
            for number, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
                while len(rows) <= number:
                    rows.append([])
                rows[number] += record
        except csv.Error:
            rows.append(text.split())
    return rows


def scrub_problems(payload: dict, texts: set[str], texts_by_row: dict[int, set[str]]) -> dict:
    """An upload's refusal ({"detail", "errors": [{"row", "field", "message"}]}) free of what was sent: a
    problem's message is cleaned of its row's texts (so another row's "final" does not blank the advice
    "one of: final, provisional"), a problem without a row of every text sent."""
    fixed = _fixed_messages()

    @functools.cache
    def variants(row: int | None) -> list[str]:  # worked out only for the rows that have problems
        return _variants(texts_by_row[row] if row in texts_by_row else texts)

    def message(problem: dict) -> str:
        code = getattr(problem["message"], "code", None)
        if code in fixed:
            return fixed[code]
        return scrub_text(str(problem["message"]), variants(problem.get("row")))

    return {
        **payload,
        "detail": scrub_text(payload["detail"], variants(None)),
        "errors": [
            {
                **problem,
                "field": scrub_field_name(problem.get("field")),
                "message": message(problem),
            }
            for problem in payload.get("errors", [])
        ],
    }
