"""OpenAPI hooks: one path per endpoint (no format-suffix twins), CSV as text, closed response schemas."""

from __future__ import annotations

CSV = "text/csv"


def exclude_format_suffixes(endpoints: list) -> list:
    """The `.csv`/`.json` suffix routes duplicate their endpoint; `?format=` is documented instead."""
    return [endpoint for endpoint in endpoints if "{format}" not in endpoint[0]]


def _close(schema: object) -> None:
    if isinstance(schema, list):
        for item in schema:
            _close(item)
        return
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "object" and "properties" in schema:
        schema.setdefault("additionalProperties", False)
    for key, value in schema.items():
        if key == "properties" and isinstance(value, dict):
            for property_schema in value.values():
                _close(property_schema)
        elif key in ("items", "allOf", "oneOf", "anyOf", "not"):
            _close(value)


def close_object_schemas(result: dict, generator, request, public) -> dict:
    """Set additionalProperties: false on every object schema that declares its properties; CSV is text.

    Free-form objects (no `properties`, e.g. an assessment's components) stay open; a schema that
    already says what extra properties may hold is left as it is.
    """
    for schema in result.get("components", {}).get("schemas", {}).values():
        _close(schema)
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                if CSV in content:
                    content[CSV] = {
                        "schema": {"type": "string", "description": "The same rows as CSV, a header first."}
                    }
                for media in content.values():
                    _close(media.get("schema"))
    return result
