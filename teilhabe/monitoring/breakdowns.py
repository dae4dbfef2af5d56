"""Canonical breakdown keys: a combination of categories as one sortable string.

"" is the total; "migration_background=yes|sex=female" a combination, ordered by
dimension code so that the same combination always gives the same key. Pure module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

TOTAL = ""
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class BreakdownKeyError(ValueError):
    pass


def make_key(categories: Mapping[str, str] | Iterable[tuple[str, str]]) -> str:
    """Build the key from dimension → category codes; empty categories are dropped."""
    pairs = categories.items() if isinstance(categories, Mapping) else categories
    cleaned: dict[str, str] = {}
    for dimension, category in pairs:
        dimension, category = str(dimension).strip(), str(category).strip()
        if not category:
            continue
        if not _CODE.match(dimension) or not _CODE.match(category):
            raise BreakdownKeyError(f"'{dimension}={category}' is not a valid breakdown (lower-case codes only)")
        if dimension in cleaned:
            raise BreakdownKeyError(f"dimension '{dimension}' given twice")
        cleaned[dimension] = category
    return "|".join(f"{d}={cleaned[d]}" for d in sorted(cleaned))


def parse_key(key: str) -> dict[str, str]:
    if not key:
        return {}
    result: dict[str, str] = {}
    for part in key.split("|"):
        dimension, sep, category = part.partition("=")
        if not sep:
            raise BreakdownKeyError(f"'{part}' in breakdown key '{key}' lacks '='")
        result[dimension] = category
    if make_key(result) != key:
        raise BreakdownKeyError(f"breakdown key '{key}' is not canonical")
    return result
