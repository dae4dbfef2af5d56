"""Column types shared by import and export: each reads a cell and writes the value back the same way.

`format(parse(cell)) == cell` for every value the exporter writes, which is what makes
export → import → export give identical files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from . import cells
from .cells import DecimalMode


@dataclass(frozen=True)
class Column:
    """A column of a table. `required`: the header must have it and every row a value."""

    name: str
    kind: str = "text"  # text, code, codes, int, number, date, bool, choice, json, breakdown
    required: bool = False
    choices: tuple[str, ...] = ()
    default: object = None

    def parse(self, value: object, decimal: DecimalMode) -> object:
        result = self._parse(value, decimal)
        return self.default if result is None and self.default is not None else result

    def _parse(self, value: object, decimal: DecimalMode) -> object:
        kind = self.kind
        if kind == "text":
            return cells.text(value)
        if kind in ("code", "breakdown"):
            return cells.code(value) if kind == "code" else cells.text(value)
        if kind == "codes":
            return tuple(cells.code_list(value))
        if kind == "int":
            return cells.whole_number(value, decimal)
        if kind == "number":
            return cells.number(value, decimal)
        if kind == "date":
            return cells.parse_date(value)
        if kind == "bool":
            return cells.boolean(value)
        if kind == "choice":
            return cells.choice(value, self.choices, self.default)
        if kind == "json":
            return cells.json_object(value)
        raise AssertionError(kind)

    def format(self, value: object) -> str:
        """The CSV text of a value."""
        if value is None:
            return ""
        if self.kind in ("int", "number"):
            return cells.format_number(value)
        if self.kind == "date":
            return value.isoformat() if isinstance(value, date) else ""
        if self.kind == "bool":
            return "true" if value else "false"
        if self.kind == "codes":
            return cells.LIST_SEPARATOR.join(value)
        if self.kind == "json":
            return cells.format_json(value)
        return str(value)

    def cell(self, value: object) -> object:
        """The XLSX cell value: numbers as numbers, everything else as the CSV text."""
        if self.kind in ("int", "number") and value is not None:
            return int(value) if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e15 else value
        text = self.format(value)
        return text if text != "" else None


def languages() -> tuple[str, ...]:
    """Content languages, default first (docs/data-formats.md: `title_de`, `title_en`, ...)."""
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    others = [code for code in settings.MODELTRANSLATION_LANGUAGES if code != default]
    return (default, *others)


def translated(name: str, *, required: bool = False) -> list[Column]:
    """One text column per content language; only the default language's can be required."""
    return [
        Column(f"{name}_{code}", "text", required=required and index == 0) for index, code in enumerate(languages())
    ]
