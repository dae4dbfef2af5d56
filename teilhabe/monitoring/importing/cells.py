"""Reading single cells: numbers (decimal comma or point), dates, booleans, codes, lists and JSON.

A cell is text from a CSV file or a typed value from an XLSX cell. Every parser returns
the Python value or raises CellError with a message saying why and how to fix it.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from enum import StrEnum

from django.utils.translation import gettext as _

from teilhabe.core.tabular import restore

from .problems import CellError


class DecimalMode(StrEnum):
    """How a number's separator is read: decided per value (auto), or fixed for the whole file."""

    AUTO = "auto"
    COMMA = "comma"
    POINT = "point"


_POINT_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\Z", re.ASCII)
_COMMA_NUMBER = re.compile(r"[-+]?\d+(?:,\d+)?(?:[eE][-+]?\d+)?\Z", re.ASCII)
_AMBIGUOUS = re.compile(r"[-+]?[1-9]\d{0,2},\d{3}\Z", re.ASCII)
_GROUPED = re.compile(r"[-+]?\d{1,3}(?:[.,' \u00a0\u202f]\d{3})+(?:[.,]\d+)?\Z", re.ASCII)
_INTEGER = re.compile(r"\d+\Z", re.ASCII)
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z", re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z", re.ASCII)
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\Z", re.ASCII)

# What str.strip() removes (Unicode white space), for SQL that must strip cells the same way.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
TRUE_WORDS = frozenset({"true", "1", "yes", "ja", "wahr", "x"})
FALSE_WORDS = frozenset({"false", "0", "no", "nein", "falsch", ""})
LIST_SEPARATOR = "|"


def text(value: object) -> str:
    """The cell as stripped text; whole numbers from spreadsheets lose their '.0'; an export's formula guard goes."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    # The exports put a quote before text that a spreadsheet would run as a formula; it is not part of the text.
    return restore(str(value).strip())


def number(value: object, mode: DecimalMode = DecimalMode.AUTO) -> float | None:
    """A decimal number; None for an empty cell. Thousands separators and ambiguous values are refused."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_("'%(value)s' is not a number") % {"value": value})
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise CellError(_("'%(value)s' is not a finite number") % {"value": value})
        return float(value)
    raw = str(value).strip()
    if not raw:
        return None
    if _POINT_NUMBER.match(raw):
        if "." not in raw or mode is not DecimalMode.COMMA:
            return float(raw)
        raise CellError(
            _("'%(value)s' has a point, but the decimal separator is a comma (--decimal comma); write it as %(fixed)s")
            % {"value": raw, "fixed": raw.replace(".", ",")}
        )
    if _COMMA_NUMBER.match(raw):
        if mode is DecimalMode.POINT:
            raise CellError(
                _(
                    "'%(value)s' has a comma, but the decimal separator is a point (--decimal point); "
                    "thousands separators are not accepted"
                )
                % {"value": raw}
            )
        if mode is DecimalMode.AUTO and _AMBIGUOUS.match(raw):
            raise CellError(
                _(
                    "'%(value)s' is ambiguous: the comma could be a decimal comma or a thousands separator. "
                    "Write the number without thousands separators (e.g. 1234), or pass --decimal comma "
                    "if the comma is the decimal separator"
                )
                % {"value": raw}
            )
        return float(raw.replace(",", "."))
    if _GROUPED.match(raw) or raw.count(",") + raw.count(".") > 1:
        raise CellError(
            _("'%(value)s' uses a thousands separator; write the number without it (e.g. 1234 or 1234.5)")
            % {"value": raw}
        )
    raise CellError(_("'%(value)s' is not a number") % {"value": raw})


def whole_number(value: object, mode: DecimalMode = DecimalMode.AUTO) -> int | None:
    """A non-negative whole number (a count or a year); None for an empty cell."""
    if isinstance(value, int) and not isinstance(value, bool):
        result = value
    else:
        if isinstance(value, str) and _INTEGER.match(value.strip()):
            return int(value.strip())
        parsed = number(value, mode)
        if parsed is None:
            return None
        if not parsed.is_integer():
            raise CellError(_("'%(value)s' is not a whole number") % {"value": text(value)})
        result = int(parsed)
    if result < 0:
        raise CellError(_("'%(value)s' is negative; a whole number of at least 0 is expected") % {"value": result})
    return result


def parse_date(value: object) -> date | None:
    """A date as 2016-12-31 or 31.12.2016 (or a spreadsheet date cell); None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    if not raw:
        return None
    match = _ISO_DATE.match(raw)
    parts = (match.group(1), match.group(2), match.group(3)) if match else None
    if parts is None and (match := _GERMAN_DATE.match(raw)):
        parts = (match.group(3), match.group(2), match.group(1))
    if parts is None:
        raise CellError(_("'%(value)s' is not a date; write it as 2016-12-31") % {"value": raw})
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise CellError(_("'%(value)s' is not a valid date") % {"value": raw}) from None


def boolean(value: object) -> bool:
    """true/false (also 1/0, yes/no, ja/nein); an empty cell is false."""
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise CellError(_("'%(value)s' is not true or false") % {"value": text(value)})


def code(value: object) -> str:
    """An identifier: letters, digits, '_', '-' and '.'; no spaces. Empty stays empty."""
    raw = text(value)
    if raw and not _CODE.match(raw):
        raise CellError(
            _("'%(value)s' is not a valid code (letters, digits, '_', '-' and '.'; no spaces)") % {"value": raw}
        )
    return raw


def code_list(value: object) -> list[str]:
    """Codes separated by '|' (e.g. 'sex|age_band'), order kept, duplicates refused."""
    raw = text(value)
    if not raw:
        return []
    items = [item.strip() for item in raw.split(LIST_SEPARATOR)]
    seen: set[str] = set()
    for item in items:
        if not item:
            raise CellError(_("'%(value)s' has an empty entry between '|' separators") % {"value": raw})
        if item in seen:
            raise CellError(_("'%(item)s' is listed twice") % {"item": item})
        seen.add(item)
    return items


def choice(value: object, choices: tuple[str, ...], default: str | None = None) -> str:
    raw = text(value).lower()
    if not raw and default is not None:
        return default
    if raw not in choices:
        raise CellError(
            _("'%(value)s' is not one of: %(choices)s") % {"value": text(value), "choices": ", ".join(choices)}
        )
    return raw


def json_object(value: object) -> dict:
    """A JSON object such as {"limit": 100}; an empty cell is {}."""
    raw = text(value)
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as error:
        raise CellError(_("not valid JSON (%(error)s)") % {"error": error.msg}) from None
    if not isinstance(parsed, dict):
        raise CellError(_('expected a JSON object such as {"limit": 100}'))
    return parsed


def format_number(value: float | int | None) -> str:
    """The export form: shortest text that reads back to the same float; whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def format_json(value: dict) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")) if value else ""
