"""CSV for every read endpoint: `?format=csv` or the `.csv` suffix gives the same rows as the JSON (formula-safe
cells, teilhabe.core.tabular)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from teilhabe.core.tabular import csv_text

LIST_SEPARATOR = ";"


def flatten(row: Mapping, prefix: str = "") -> dict[str, object]:
    """One CSV row from a (nested) JSON object: nested keys joined with '.', lists of values with ';'."""
    flat: dict[str, object] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            if value:
                flat.update(flatten(value, prefix=f"{name}."))
            else:
                flat[name] = ""
        elif isinstance(value, list | tuple):
            if all(not isinstance(item, Mapping | list | tuple) for item in value):
                flat[name] = LIST_SEPARATOR.join("" if item is None else str(item) for item in value)
            else:
                flat[name] = json.dumps(value, ensure_ascii=False, sort_keys=True)
        else:
            flat[name] = "" if value is None else value
    return flat


def _serializer_columns(serializer: serializers.BaseSerializer, prefix: str = "") -> list[str]:
    columns: list[str] = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.Serializer) and not getattr(field, "many", False):
            columns.extend(_serializer_columns(field, prefix=f"{prefix}{name}."))
        else:
            columns.append(f"{prefix}{name}")
    return columns


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        if isinstance(data, Mapping) and "results" in data and isinstance(data["results"], list):
            rows = data["results"]  # a page: the rows only; page links are in the JSON format
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data]
        flat_rows = [flatten(row) if isinstance(row, Mapping) else {"value": row} for row in rows]
        columns = self._columns(flat_rows, renderer_context or {})
        text = csv_text(([row.get(column, "") for column in columns] for row in flat_rows), columns)
        return text.encode(self.charset)

    @staticmethod
    def _columns(flat_rows: list[dict], renderer_context: Mapping) -> list[str]:
        columns: list[str] = []
        for row in flat_rows:
            columns.extend(key for key in row if key not in columns)
        response = renderer_context.get("response")
        view = renderer_context.get("view")
        if not columns and view is not None and response is not None and response.status_code < 400:
            get_serializer = getattr(view, "get_serializer", None)
            if get_serializer is not None:
                columns = _serializer_columns(get_serializer())
        return columns
